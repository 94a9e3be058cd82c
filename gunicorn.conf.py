"""gunicorn settings for production (the Docker image) and `make loadtest`.

    gunicorn --config gunicorn.conf.py applyingml.wsgi

Processes, not threads: an uncached page spends most of its time in
Python (rendering, building objects), not waiting on PostgreSQL, so threads
of one process mostly wait for each other's GIL. Measured with `make bench`
on 2 cores at 160,000 answers, 4 workers x 4 threads served a question page
150 times a second, a search 55; 5 workers x 1 thread, 190 and 76, in the
same memory per worker (about 65 MB). gthread with one thread still keeps
connections alive, which sync workers would not.

Each thread keeps one persistent database connection (DATABASE_CONN_MAX_AGE),
so WORKERS x THREADS must stay below the server's max_connections.
"""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
# gunicorn's advice, 2 x cores + 1: one process can run while another waits.
workers = int(os.environ.get("GUNICORN_WORKERS", min(multiprocessing.cpu_count() * 2 + 1, 9)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A request that takes longer than this is stuck: the worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Replace each worker now and then, so a slow leak never becomes an outage.
# Not too often: cached pages are quick, so a low limit replaced workers every
# few seconds under load, and every new worker starts cold.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
# Import the project once in the master: a replaced worker is forked ready to
# serve (and shares the imported code's memory) instead of importing Django
# anew while requests wait. No connection is opened at import time.
preload_app = True


def when_ready(server):
    """After the project is imported, before any worker is forked.

    gc.freeze() moves everything imported so far out of the garbage
    collector's reach, as Python's gc documentation advises before fork():
    each worker's collections then skip Django's hundreds of thousands of
    module-level objects (an uncached page renders 5 to 10% faster) and
    stop touching, so copying, the memory they share with the master.
    """
    gc.collect()
    gc.freeze()


# No control socket (gunicorn 25+, for `gunicornc`): nothing here uses it,
# and its default path is one per user account, so two gunicorns on one host
# (web replicas, the test suite's servers) fight over it and log an ERROR.
control_socket_disable = True

# The proxy in front (Caddy, a load balancer) is the only client; it sets
# X-Forwarded-Proto, which Django trusts through SECURE_PROXY_SSL_HEADER.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")

# Django logs every request itself, as JSON with its request id; gunicorn's own
# access log would only repeat it without the id.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "applyingml.logs.JsonFormatter"}},
    "handlers": {
        "error_console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["error_console"], "level": "INFO", "propagate": False},
    },
    "root": {"level": "WARNING", "handlers": []},
}
