"""gunicorn's settings for the forum: `gunicorn -c gunicorn.conf.py 'forum:create_app()'`.

Each can be changed from the environment (GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_THREADS,
GUNICORN_TIMEOUT) or on the command line, which wins over this file.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# One process per core, each with threads: a thread waiting on the database or hashing a
# password (argon2-cffi releases the GIL) leaves the others serving pages (README, Production).
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", 16))

# A request taking longer than this is stuck: the worker is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
# On SIGTERM (a deploy, systemd stopping the unit) requests under way get this long to finish.
graceful_timeout = 30
# Idle keep-alive connections from the proxy in front.
keepalive = 5
# A new process now and then, so a slow leak cannot grow without end (jitter: not all at once).
max_requests = 10000
max_requests_jitter = 1000

# The forum logs each request itself, with the request id, user and a redacted path
# (forum/requestlog.py). gunicorn's own access line (GUNICORN_ACCESSLOG=- for stderr) leaves
# the path out, which could hold a signed link's token; its request id joins it to the forum's.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
access_log_format = '%(t)s "%(m)s" %(s)s %(B)s %(M)sms id=%({x-request-id}o)s'
errorlog = "-"
loglevel = "info"
# Behind the proxy the forum trusts its X-Forwarded-* through FLASK_PROXY_FIX_HOPS; gunicorn's
# own handling of them stays at its default (loopback only).
