import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal import registry
from portal.middleware import ServiceUnavailableMiddleware
from tests.factories import DivisionFactory, NeighborhoodFactory, StreetFactory

pytestmark = pytest.mark.django_db

PRINTED_URLS = [
    "/tips/",
    "/parking/",
    "/records/",
    "/programs/",
    "/events/",
    "/neighborhoods/",
    "/contact/",
]


@pytest.mark.parametrize("path", ["/", *PRINTED_URLS])
def test_printed_urls_answer_in_english_and_spanish(client, path):
    english = client.get(path)
    spanish = client.get(f"/es{path}")
    assert english.status_code == spanish.status_code == 200
    assert b'<html lang="en"' in english.content
    assert b'<html lang="es"' in spanish.content


def test_every_page_says_the_site_is_not_monitored_and_gives_the_numbers(client):
    from portal.models import DepartmentSettings

    department = DepartmentSettings.get_solo()
    department.phone_non_emergency, department.phone_tip_line = "(860) 555-0140", "(860) 555-0199"
    department.save()
    for path in ["/", *PRINTED_URLS]:
        page = client.get(path).content.decode()
        assert "This site is not monitored 24/7." in page
        assert 'href="tel:911"' in page
        assert "(860) 555-0140" in page and "(860) 555-0199" in page


def test_spanish_pages_are_in_spanish(client):
    page = client.get("/es/").content.decode()
    assert "Este sitio no se vigila las 24 horas." in page
    assert "Dar una denuncia anónima" in page


def test_chosen_language_is_remembered_for_printed_urls(client):
    response = client.get(reverse("language-switch", args=["es"]), {"next": "/contact/"})
    assert response.status_code == 302
    assert response["Location"] == "/es/contact/"
    followed = client.get("/tips/")
    assert followed.status_code == 302
    assert followed["Location"] == "/es/tips/"
    # The API and admin are not language-prefixed and are left alone.
    assert client.get("/api/v1/neighborhoods/").status_code == 200


def test_language_switch_never_redirects_off_site(client):
    response = client.get(
        reverse("language-switch", args=["es"]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/es/"
    assert client.get(reverse("language-switch", args=["fr"])).status_code == 404


def test_public_pages_carry_no_csrf_token_so_they_can_be_cached(client):
    response = client.get("/")
    assert b"csrfmiddlewaretoken" not in response.content
    assert "csrftoken" not in response.cookies


def test_home_puts_the_tip_line_first_and_shows_what_feature_apps_register(client):
    page = client.get("/").content.decode()
    titles = [
        "Give an anonymous tip",
        "Overnight parking",
        "Reports and records",
        "Community programs",
    ]
    positions = [page.index(title) for title in titles]
    assert positions == sorted(positions)


def test_a_removed_feature_leaves_no_trace_on_the_home_page(client):
    tips = next(s for s in registry.services.all() if s.key == "tips")
    registry.services.unregister("tips")
    try:
        page = client.get("/").content.decode()
    finally:
        registry.services.register(tips)
    assert "Give an anonymous tip" not in page
    assert "Overnight parking" in page


def test_home_panels_from_feature_apps_are_rendered(client):
    panel = registry.Panel(
        key="test-panel",
        template="portal/test_panel.html",
        context=lambda request: {"greeting": _("Upcoming events")},
    )
    registry.home_panels.register(panel)
    try:
        page = client.get("/").content.decode()
    finally:
        registry.home_panels.unregister("test-panel")
    assert 'id="panel-test-panel"' in page


def test_contact_directory_lists_published_divisions_only(client):
    DivisionFactory(name_en="Records Division", email="records@example.org")
    DivisionFactory(name_en="Secret Squad", is_published=False)
    page = client.get("/contact/").content.decode()
    assert "Records Division" in page and "mailto:records@example.org" in page
    assert "Secret Squad" not in page


def test_neighborhood_page_shows_its_officer_and_streets(client):
    street = StreetFactory(name="Burnside Avenue")
    neighborhood = street.neighborhood
    page = client.get(f"/neighborhoods/{neighborhood.slug}/").content.decode()
    assert neighborhood.name in page
    assert neighborhood.coordinator.name in page
    assert "Burnside Avenue" in page


def test_neighborhood_list_takes_the_same_queries_for_3_or_30(client, django_assert_num_queries):
    NeighborhoodFactory.create_batch(3)
    client.get("/neighborhoods/")  # warm the department cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.services.page_cache import page_cache_invalidate

    page_cache_invalidate()  # count the queries of building the page, not of a cache hit
    with CaptureQueriesContext(connection) as few:
        client.get("/neighborhoods/")
    NeighborhoodFactory.create_batch(27)
    with CaptureQueriesContext(connection) as many:
        client.get("/neighborhoods/")  # the new neighborhoods started a new generation
    assert len(few) == len(many) > 0


def test_missing_page_says_what_to_do(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"find that page" in response.content
    assert b"call 911" in response.content


def test_maintenance_mode_answers_503_with_retry_after(client, settings):
    settings.MAINTENANCE_MODE = True
    response = client.get("/tips/")
    assert response.status_code == 503
    assert response["Retry-After"] == "120"
    assert b"temporarily unavailable" in response.content
    assert client.get("/healthz/live").status_code == 200


def test_database_outage_gives_the_503_page_not_a_stack_trace():
    request = RequestFactory().get("/")
    response = ServiceUnavailableMiddleware(lambda r: None).process_exception(
        request, OperationalError("connection refused")
    )
    assert response.status_code == 503
    assert b"If this is an emergency, call 911." in response.content


def test_readiness_reports_database_and_cache(client):
    response = client.get("/healthz/ready")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["cache"] == "ok"
