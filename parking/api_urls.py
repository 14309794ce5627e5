"""parking's endpoints under /api/v1/ (see portal/urls.py)."""

app_name = "parking-api"
urlpatterns: list = []
