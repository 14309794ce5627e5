"""Gunicorn settings for the container image (used by the Dockerfile's CMD).

Every value can be overridden from the environment without rebuilding the image:
WEB_CONCURRENCY, GUNICORN_THREADS, GUNICORN_TIMEOUT, GUNICORN_ACCESS_LOG, LOG_LEVEL.

Privacy: the portal runs an anonymous tip line, so nothing gunicorn writes may identify the
person who sent a request. Gunicorn's default access-log format starts with %(h)s, the client
IP address, and also records the query string, the referrer and the user agent; the format below
keeps only the time, method, path (without query string), protocol, status, size and duration.
Gunicorn's error log also names the client IP when it rejects a malformed request ("Invalid
request from ip=..."), so the logger class below masks the address in that line.
"""

import logging
import os
import re

from gunicorn import glogging

bind = "0.0.0.0:8000"


def cpus_available(cpu_max: str = "/sys/fs/cgroup/cpu.max") -> int:
    """The CPUs this process may use: those it may run on (a container's cpuset), at most its
    cgroup's quota (`docker run --cpus 2` on a host of 64), at least 1."""
    count = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    count = count or 1
    try:  # cgroup v2: "max 100000" (no quota), or "200000 100000" for two CPUs
        with open(cpu_max) as f:
            quota, period = f.read().split()
        if quota != "max":
            count = min(count, -(-int(quota) // int(period)))
    except (OSError, ValueError):
        pass
    return max(count, 1)


# Sync workers: the portal's views are short, database-bound requests, so (2 x CPUs) + 1: on 2
# cores, 2 workers let residents' requests queue behind each other on a snow night and 5 did not
# (docs/operations.md, "A snow emergency"). Each worker holds one database connection.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * cpus_available() + 1)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

# A request taking longer than this is stuck: the worker is killed and replaced. Slow work
# (e-mail, SMS) belongs to the Celery worker, never to a request.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30  # on SIGTERM, finish in-flight requests for up to this long
keepalive = 5  # slightly longer than nothing: the TLS proxy in front reuses connections

# Recycle workers now and then, so a slow leak in any library cannot grow without bound.
max_requests = 1000
max_requests_jitter = 100

# The heartbeat file lives in memory: on Docker's overlay filesystem os.fchmod can block.
worker_tmp_dir = "/dev/shm"  # noqa: S108 - a tmpfs in every container, not a shared /tmp

# gunicornc's control socket would be created under $HOME; the image's user has a read-only
# home and nobody runs gunicornc inside a container.
control_socket_disable = True

# Logs go to stdout/stderr, where `docker compose logs` and the host's log driver collect them.
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# GUNICORN_ACCESS_LOG=0 turns the access log off entirely.
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "1") not in ("0", "false", "") else None
# No %(h)s (client IP), %(u)s, %(q)s/%(r)s (query string), %(f)s (referrer), %(a)s (user agent),
# %({x-forwarded-for}i)s: see the module docstring.
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

_IPV4 = r"(?:\d{1,3}\.){3}\d{1,3}"
_IPV6 = r"\[?(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f.]{0,15}(?:%\w+)?\]?"
_IP_ADDRESS = re.compile(rf"{_IPV4}|{_IPV6}")
_REJECTED = "Invalid request from ip="


class _MaskClientAddress(logging.Filter):
    """Rewrites gunicorn's one error-log line that names a client: "Invalid request from
    ip=ADDRESS: reason" (the reason can repeat the address, e.g. a refused PROXY line)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.startswith(_REJECTED):
            record.msg = "Invalid request from [client address removed]: " + _IP_ADDRESS.sub(
                "[address removed]", message.partition(": ")[2]
            )
            record.args = ()
        return True


# Requests to the anonymous lines (the tip line, and what else a department adds) are not written
# to the access log at all: a time-stamped line per request would tell when a tip was sent to the
# second, although the tip itself keeps only the hour. Comma separated path prefixes.
ANONYMOUS_PATH_PREFIXES = tuple(
    prefix.strip()
    for prefix in os.environ.get("ANONYMOUS_PATH_PREFIXES", "/tips/,/es/tips/").split(",")
    if prefix.strip()
)


# A signed link (a records tracking page, a parking permit, a sign-up or subscription) carries its
# token in the path; whoever reads the access log could open the page. Such segments (Django's
# signed values: long, with ':' separators) are written as "[link]".
_SIGNED_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_.\-]+:[A-Za-z0-9]{4,}:[A-Za-z0-9_\-]{20,}(?=/|$)")


# A staff invitation's one-time key is a path segment too.
_INVITATION = re.compile(r"(?<=/staff/invitation/)[^/]+")


def mask_links(path: str) -> str:
    return _INVITATION.sub("[link]", _SIGNED_SEGMENT.sub("[link]", path))


class PrivacyLogger(glogging.Logger):
    """Gunicorn's logger, with client addresses masked in the error log and the anonymous
    lines' requests left out of the access log."""

    def setup(self, cfg):
        super().setup(cfg)
        self.error_log.addFilter(_MaskClientAddress())

    def access(self, resp, req, environ, request_time):
        path = environ.get("PATH_INFO") or ""
        if path.startswith(ANONYMOUS_PATH_PREFIXES):
            return
        super().access(resp, req, {**environ, "PATH_INFO": mask_links(path)}, request_time)


logger_class = PrivacyLogger
