"""GeoReport v2 paths: the format is the suffix, .json or .xml. Each suffix is a path of its
own (DRF's schema generator skips `.{format}` patterns), so both appear in the OpenAPI schema."""

from django.urls import path

from service_requests.open311 import views

app_name = "open311"

urlpatterns = []
for fmt in ("json", "xml"):
    kwargs = {"format": fmt}
    urlpatterns += [
        path(f"discovery.{fmt}", views.DiscoveryView.as_view(), kwargs, name=f"discovery-{fmt}"),
        path(f"v2/services.{fmt}", views.ServiceListView.as_view(), kwargs, name=f"services-{fmt}"),
        path(
            f"v2/services/<slug:service_code>.{fmt}",
            views.ServiceDefinitionView.as_view(),
            kwargs,
            name=f"service-{fmt}",
        ),
        path(f"v2/requests.{fmt}", views.RequestListView.as_view(), kwargs, name=f"requests-{fmt}"),
        path(
            f"v2/requests/<str:service_request_id>.{fmt}",
            views.RequestDetailView.as_view(),
            kwargs,
            name=f"request-{fmt}",
        ),
        path(
            f"v2/tokens/<slug:token>.{fmt}", views.TokenView.as_view(), kwargs, name=f"token-{fmt}"
        ),
    ]
