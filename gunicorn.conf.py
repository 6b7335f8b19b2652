"""gunicorn settings for the portal's app servers: `gunicorn portal.wsgi` reads this file from the working directory.

Each app server is stateless (PostgreSQL, Redis and object storage hold everything), so run as many
as the load needs behind a load balancer. Every value can be overridden from the environment.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: page rendering is CPU-bound and the page cache answers in well under a millisecond,
# so (2 x cores) + 1 processes keep the cores busy while some wait on the database or Redis.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# A request that takes longer than this is stuck (long work belongs to the task worker): kill the worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On SIGHUP or SIGTERM, workers finish the requests they hold for up to this long before they stop,
# so a deploy (`kill -HUP` reloads code and config) drops no request.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))  # behind a load balancer that keeps connections open
# Recycle each worker after a few thousand requests (with jitter, so they do not all restart at once):
# a slow leak in any library cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "500"))
# Load the application once in the master, so workers start fast and share memory; a code deploy
# then needs a full restart (or USR2 + WINCH), not just HUP.
preload_app = os.environ.get("GUNICORN_PRELOAD", "") in {"1", "true", "yes", "on"}
# Heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", "/dev/shm" if os.path.isdir("/dev/shm") else None)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
