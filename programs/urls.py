from django.urls import path

from portal.services.page_cache import page_cached
from programs import feeds, views

app_name = "programs"
urlpatterns = [
    path("programs/", views.index, name="index"),
    # Calendar apps poll the feeds: they are cached like the pages (portal/services/page_cache.py).
    path("programs/news.atom", page_cached(feeds.NewsFeed()), name="news-feed"),
    path("programs/<slug:slug>/", views.detail, name="detail"),
    path("programs/<slug:slug>/events.ics", feeds.calendar_program, name="program-calendar"),
    path("events/", views.events, name="events"),
    path("events.ics", feeds.calendar_all, name="calendar"),
    path("events/signup/<str:token>/", views.registration, name="registration"),
    path("events/cancel/<str:token>/", views.registration_cancel, name="registration-cancel"),
    path("events/claim/<str:token>/", views.registration_claim, name="registration-claim"),
    path("events/<str:key>/", views.event_detail, name="event"),
    path("events/<str:key>/event.ics", feeds.calendar_event, name="event-calendar"),
    path("events/<str:key>/flyer.pdf", views.event_flyer, name="event-flyer"),
    path("neighborhoods/<slug:slug>/subscribe/", views.subscribe, name="subscribe"),
    path(
        "neighborhoods/subscription/<str:token>/confirm/",
        views.subscription_confirm,
        name="subscription-confirm",
    ),
    path("neighborhoods/subscription/<str:token>/stop/", views.unsubscribe, name="unsubscribe"),
    path(
        "neighborhoods/<slug:slug>/meetings.ics",
        feeds.calendar_neighborhood,
        name="neighborhood-calendar",
    ),
]
