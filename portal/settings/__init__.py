"""The portal's settings (DJANGO_SETTINGS_MODULE=portal.settings), configured from the
environment (12-factor).

With no environment at all it runs the embedded default a newcomer needs: DEBUG on, a SQLite file
under var/, Celery tasks run inline, e-mail printed to the console. Production sets DEBUG=0 and
then must give a real SECRET_KEY and ALLOWED_HOSTS, or the process refuses to start.
Every variable is listed, with its meaning, in the README.

One module per concern, gathered here in order: the kernel's first (`base`: the environment,
apps, database, cache, Celery, mail; `security`: staff sign-in, sessions, headers; `api`), then
one module per feature. A feature's module imports the names it builds on from the kernel's by
name and adds to them in place (its beat jobs to CELERY_BEAT_SCHEDULE, say), so the order below
is the order in which those entries are added.
"""

# isort: off
# The kernel's.
from .base import *  # noqa: F403
from .security import *  # noqa: F403
from .api import *  # noqa: F403

# One module per feature.
from .records import *  # noqa: F403
from .tips import *  # noqa: F403
from .parking import *  # noqa: F403
from .programs import *  # noqa: F403
from .careers import *  # noqa: F403
from .service_requests import *  # noqa: F403
from .open311 import *  # noqa: F403
from .complaints import *  # noqa: F403
from .accountability import *  # noqa: F403

# Upper case, so Django has read it as a setting since this package was one module; a star
# import leaves out names that start with an underscore.
from .base import _INSECURE_KEY  # noqa: F401
# isort: on
