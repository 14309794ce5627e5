"""records's endpoints under /api/v1/ (see portal/urls.py)."""

from django.urls import path

from records import views

app_name = "records-api"
urlpatterns = [
    path("payments/stripe/webhook/", views.stripe_webhook, name="stripe-webhook"),
]
