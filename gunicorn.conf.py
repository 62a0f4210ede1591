"""gunicorn settings for the production profile (``make serve``).

Every value can be overridden from the environment (``GUNICORN_WORKERS``, ``GUNICORN_BIND`` ...)
or the command line. The access log never contains the client address: tipsters are anonymous and
the address is not needed to run the service.
"""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: the app does short database transactions; 2 x cores + 1 is gunicorn's advice.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
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
