"""records's endpoints under /api/v1/ (see portal/urls.py)."""

app_name = "records-api"
urlpatterns: list = []
