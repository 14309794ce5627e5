"""What service requests put on site-wide pages through the kernel's registry."""

from service_requests import selectors

PANEL_ROWS = 5


def neighborhood_requests(request, *, neighborhood, **kwargs):
    return {
        "neighborhood": neighborhood,
        "open_count": (count := selectors.neighborhood_open_count(neighborhood=neighborhood)),
        "open_capped": count >= selectors.OPEN_COUNT_CAP,
        "rows": selectors.neighborhood_requests(neighborhood=neighborhood, limit=PANEL_ROWS),
    }
