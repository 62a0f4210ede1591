"""gunicorn settings for the production profile (`make serve`). Every value can be overridden with
GUNICORN_CMD_ARGS or the TIPBOARD_* settings the app itself reads."""
import multiprocessing
import os

bind = os.environ.get("TIPBOARD_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("TIPBOARD_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 30              # a request that hangs longer is killed and its worker replaced
graceful_timeout = 20     # on restart, finish what is in flight
keepalive = 5
max_requests = 2000       # recycle workers now and then (bounded memory)
max_requests_jitter = 200
preload_app = False       # each worker opens its own database connections

# Access log without client addresses: anonymous tipsters are not logged, not even by IP.
accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = "info"
forwarded_allow_ips = os.environ.get("TIPBOARD_FORWARDED_ALLOW_IPS", "127.0.0.1")
