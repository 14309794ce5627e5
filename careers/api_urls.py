"""careers's endpoints under /api/v1/careers/ (see portal/urls.py)."""

from rest_framework.routers import SimpleRouter

from careers import api

app_name = "careers-api"

router = SimpleRouter()
router.register("positions", api.PositionViewSet, basename="position")
urlpatterns = router.urls
