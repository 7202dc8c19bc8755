"""The site as gunicorn serves it, plus the bare comparison view of bench/api_list.py.

    gunicorn bench.api_wsgi:application

Only the benchmark uses this module: it adds ``/bench/bare-orders`` to the normal URLs.
"""

from __future__ import annotations

import os

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
settings.ROOT_URLCONF = "bench.api_urls"
application = get_wsgi_application()
