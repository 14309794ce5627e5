"""tips's endpoints under /api/v1/ (see portal/urls.py)."""

app_name = "tips-api"
urlpatterns: list = []
