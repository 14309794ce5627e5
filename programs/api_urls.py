"""programs's endpoints under /api/v1/ (see portal/urls.py): /api/v1/programs/, /api/v1/events/."""

from rest_framework.routers import SimpleRouter

from programs import api

app_name = "programs-api"

router = SimpleRouter()
router.register("programs", api.ProgramViewSet, basename="program")
router.register("events", api.EventViewSet, basename="event")
urlpatterns = router.urls
