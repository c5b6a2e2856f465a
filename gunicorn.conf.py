"""gunicorn settings, all from the environment (see .env.example and docs/deploy.md).

Solving is CPU work, so workers default to the core count plus one; each request's
solve is capped by the solver's budget (at most 5 s), far below the timeout.
"""

import multiprocessing
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then, so a slow leak can never take one down. Not too
# often: a new worker spends ~0.5 s of CPU importing the app and loading its region
# graph, so at 500 requests/s 1000 requests per worker meant a restart every 2 s.
# Workers share the load evenly, so a wide jitter keeps them from restarting at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))
max_requests_jitter = max_requests // 2
# A huge query string or header is refused by gunicorn before Django sees it.
limit_request_line = 4094
limit_request_fields = 60
limit_request_field_size = 8190
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "0") == "1" else None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
