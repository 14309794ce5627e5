"""complaints's endpoints under /api/v1/complaints/ (see portal/urls.py)."""

from rest_framework.routers import SimpleRouter

from complaints import api

app_name = "complaints-api"

router = SimpleRouter()
router.register("cases", api.ComplaintViewSet, basename="case")
urlpatterns = router.urls
