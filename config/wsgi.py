"""The WSGI application that gunicorn serves: ``gunicorn config.wsgi``."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver


def settle_startup_heap() -> None:
    """Load every view now and keep what start-up built out of the garbage collector's scans.

    A worker holds some hundreds of thousands of long-lived objects (models, URL patterns,
    serializers, the schema generator). Without this, every full collection walks all of them,
    which showed as 50-80 ms stalls in about one request in a hundred; frozen, a collection
    scans only what requests allocate.
    """
    _ = get_resolver().url_patterns  # imports every view module, as a first request would
    gc.collect()
    gc.freeze()


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
settle_startup_heap()
