"""tips's endpoints under /api/v1/tips/ (see portal/urls.py): staff only."""

from rest_framework.routers import SimpleRouter

from tips import api

app_name = "tips-api"

router = SimpleRouter()
router.register("", api.TipViewSet, basename="tip")
urlpatterns = router.urls
