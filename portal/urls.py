"""Root URLconf. Public pages sit under i18n_patterns: /tips/ is English, /es/tips/ Spanish.
The printed URLs (/tips/, /parking/, /records/, /programs/, /events/, /neighborhoods/,
/contact/) are stable: flyers carry them."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter
from two_factor.urls import urlpatterns as two_factor_urls

from portal import accountability, api, staff_auth, views
from portal.sms import views as sms_views

router = DefaultRouter()
router.register("neighborhoods", api.NeighborhoodViewSet, basename="neighborhood")
router.register("contacts", api.DivisionViewSet, basename="division")

api_patterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]

# two_factor's pages, with its sign-in replaced by ours (same path and name, found first), which
# refuses a password for an account with no authenticator (portal/staff_auth.py).
_two_factor_patterns = [
    path("account/login/", staff_auth.StaffLoginView.as_view(), name="login"),
    *two_factor_urls[0],
]

urlpatterns = [
    path("healthz/live", views.health_live, name="health-live"),
    path("healthz/ready", views.health_ready, name="health-ready"),
    path("language/<str:language>/", views.language_switch, name="language-switch"),
    path("admin/", admin.site.urls),
    path("", include((_two_factor_patterns, "two_factor"))),
    path("staff/invitation/<str:key>/", staff_auth.invitation_accept, name="staff-invitation"),
    path("sms/twilio/status/", sms_views.twilio_status, name="sms-status"),
    path("sms/twilio/inbound/", sms_views.twilio_inbound, name="sms-inbound"),
    path("api/v1/", include((api_patterns, "api"))),
    # Each feature app's endpoints, in its own api_urls.py.
    path("api/v1/tips/", include("tips.api_urls")),
    path("api/v1/parking/", include("parking.api_urls")),
    path("api/v1/records/", include("records.api_urls")),
    path("api/v1/", include("programs.api_urls")),
    path("api/v1/custody/", include("custody.api_urls")),
    path("api/v1/careers/", include("careers.api_urls")),
    # The Open311 GeoReport v2 server (service_requests/open311/): its paths are the standard's.
    path("open311/", include("service_requests.open311.urls")),
    path("api/v1/complaints/", include("complaints.api_urls")),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("contact/", views.contact, name="contact"),
    path("neighborhoods/", views.neighborhood_list, name="neighborhoods"),
    path("neighborhoods/<slug:slug>/", views.neighborhood_detail, name="neighborhood"),
    path("tips/", include("tips.urls")),
    path("parking/", include("parking.urls")),
    path("records/", include("records.urls")),
    path("", include("programs.urls")),
    path("custody/", include("custody.urls")),
    path("careers/", include("careers.urls")),
    path("requests/", include("service_requests.urls")),
    path("complaints/", include("complaints.urls")),
    path("staff/complaints/", include("complaints.staff_urls")),
    path("accountability/", accountability.page, name="accountability"),
    path("accountability/figures.csv", accountability.figures_csv, name="accountability-csv"),
    path("accountability/figures.json", accountability.figures_json, name="accountability-json"),
    path(
        "accountability/reports/<int:pk>.pdf",
        accountability.report_download,
        name="accountability-report",
    ),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
