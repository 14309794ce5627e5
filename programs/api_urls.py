"""programs's endpoints under /api/v1/ (see portal/urls.py)."""

app_name = "programs-api"
urlpatterns: list = []
