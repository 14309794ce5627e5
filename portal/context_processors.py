"""What every page's template can use: the department, the emergency numbers, the menu."""

import logging

from django.db import DatabaseError

from portal import registry
from portal.selectors import department_get

logger = logging.getLogger(__name__)


def department_or_none():
    try:
        return department_get()
    except DatabaseError:
        logger.warning("Department settings unavailable; pages show the generic numbers")
        return None


def site(request):
    return {
        "department": department_or_none(),
        "portal_services": registry.services.all(),
        "portal_footer_links": registry.footer_links.all(),
    }
