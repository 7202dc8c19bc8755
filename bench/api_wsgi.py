"""The site as gunicorn serves it, plus the bare comparison view of bench/api_list.py.

    gunicorn bench.api_wsgi:application

Only the benchmark uses this module: it adds ``/bench/bare-orders`` to the normal URLs.
"""

from __future__ import annotations

import os

import django
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
settings.ROOT_URLCONF = "bench.api_urls"

from config.wsgi import application  # noqa: E402, F401  (the site's own, on these URLs)
