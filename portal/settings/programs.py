"""Programs and events (programs/): their beat jobs and API names."""

from .api import SPECTACULAR_SETTINGS
from .base import CELERY_BEAT_SCHEDULE, env

# Beat jobs of programs and events: scheduled publishing, waiting-list offers that ran out,
# reminders 24 hours before an event. Each job is idempotent; a minute's delay is harmless.
PROGRAMS_BEAT_SECONDS = env.float("PROGRAMS_BEAT_SECONDS", default=60.0)
CELERY_BEAT_SCHEDULE.update(
    {
        "programs-schedule": {
            "task": "programs.tasks.programs_schedule_run",
            "schedule": PROGRAMS_BEAT_SECONDS,
        },
        "programs-offers-expire": {
            "task": "programs.tasks.registration_offers_expire",
            "schedule": PROGRAMS_BEAT_SECONDS,
        },
        "programs-reminders": {
            "task": "programs.tasks.event_reminders_send",
            "schedule": PROGRAMS_BEAT_SECONDS * 5,
        },
    }
)
# Events' and sign-ups' choice sets get their own names in the OpenAPI schema.
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "EventStatusEnum": "programs.models.Event.Status",
        "EventRegistrationEnum": "programs.models.Event.Registration",
    }
)
