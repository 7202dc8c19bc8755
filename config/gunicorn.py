"""gunicorn's configuration for production: ``gunicorn -c config/gunicorn.py``.

Threaded workers (``gthread``): each process serves ``TALLY_THREADS`` requests at once, and a
connection that has sent nothing yet waits in the worker's poller, not in a thread. With
gunicorn's default sync workers every process serves one connection at a time, so as many
slow clients as processes (a phone on a bad network, or someone doing it on purpose) stall
the whole server. Here a client that has sent half a request holds one thread until it
finishes, so it takes more such clients than one process has threads to stall that process.
Put a reverse proxy in front (README): it buffers slow clients entirely.

Each thread holds its own database connection: PostgreSQL must allow
``workers * threads`` connections per host, plus the workers' (``manage.py worker``).

| variable | meaning | default |
|---|---|---|
| TALLY_BIND | address to listen on | 127.0.0.1:8000 |
| TALLY_WORKERS | processes | number of CPUs + 1 |
| TALLY_THREADS | threads per process | 16 |
| TALLY_TIMEOUT | seconds a request may take before its worker is restarted | 30 |
| TALLY_FORWARDED_ALLOW_IPS | proxies whose X-Forwarded-* headers gunicorn trusts | 127.0.0.1 |
"""

import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("TALLY_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("TALLY_WORKERS", str((os.cpu_count() or 1) + 1)))
threads = int(os.environ.get("TALLY_THREADS", "16"))
timeout = int(os.environ.get("TALLY_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Restart each process after about this many requests (jittered, so they do not all restart
# together): whatever a process accumulates over days is let go.
max_requests = 5000
max_requests_jitter = 500
forwarded_allow_ips = os.environ.get("TALLY_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
