"""gunicorn settings for the production profile (``make serve``).

Every value can be overridden from the environment (``GUNICORN_WORKERS``, ``GUNICORN_BIND`` ...)
or the command line. The access log never contains the client address: tipsters are anonymous and
the address is not needed to run the service.
"""

import gc
import multiprocessing
import os

from gunicorn.glogging import Logger

from tipboard.redaction import redact

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: the app does short database transactions; 2 x cores + 1 is gunicorn's advice.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# Load the app once in the master and fork the workers from it: a recycled worker answers at once
# instead of importing the app again, and the workers share the loaded code's memory (figures in
# bench/RESULTS.md). Each child drops the database connections it inherited
# (tipboard.forget_connections_in_forked_children). New code needs a restart of gunicorn, not a HUP.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() != "false"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = 500
# Don't trust X-Forwarded-* from anyone but the local proxy (the app's PROXY_COUNT decides).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# No %(h)s (remote address), no %({x-forwarded-for}i)s, no referer, no query string (%(U)s is
# the path only; tracking codes travel in POST bodies or the URL fragment, never the query).
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'


class RedactingLogger(Logger):
    """Access log lines without secret path segments (reset and feed tokens): tipboard.redaction,
    the same function the dev server's log uses."""

    def atoms(self, resp, req, environ, request_time):
        return {
            k: redact(v) if isinstance(v, str) else v
            for k, v in super().atoms(resp, req, environ, request_time).items()
        }


logger_class = RedactingLogger


def when_ready(server):
    """In the master, with the app preloaded and before the first worker forks: compile the
    templates and load the catalogues once for every worker (tipboard.warmup)."""
    if server.cfg.preload_app:
        from flask import Flask

        from tipboard.warmup import warm_up

        app = server.app.wsgi()
        if isinstance(app, Flask):
            loaded = warm_up(app)
            server.log.info("warmed up: %(templates)s templates, languages %(languages)s", loaded)


def pre_fork(server, worker):
    """With the app preloaded: move everything it allocated into the permanent generation before
    forking, so a worker's full garbage collection skips those objects (no pause every request
    behind it waits out) and leaves their pages shared with the master (bench/RESULTS.md).
    Collected first, so the master's garbage since the last fork is freed rather than frozen."""
    if server.cfg.preload_app:
        gc.collect()
        gc.freeze()
