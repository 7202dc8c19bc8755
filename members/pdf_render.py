"""Make one PDF with WeasyPrint: the HTML on standard input, the PDF on standard output.

Run by ``members.pdf`` as ``python -m members.pdf_render``, in a process of its own, so that
WeasyPrint's import (which sets Pillow's process-wide ``LOAD_TRUNCATED_IMAGES``) never happens
in the web process. Exits 1 with the reason on standard error when WeasyPrint cannot run.
"""

from __future__ import annotations

import os
import sys
from typing import Any
from urllib.parse import urlsplit

# The base address relative links resolve against; only its static files are ever read.
BASE_URL = "https://tally.invalid/"


def static_file(url: str) -> str | None:
    """The file on disk for one of our static URLs under ``BASE_URL``; None for any other."""
    from django.conf import settings
    from django.contrib.staticfiles import finders

    parts = urlsplit(url)
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if f"{parts.scheme}://{parts.netloc}/" != BASE_URL or not parts.path.startswith(prefix):
        return None
    found = finders.find(parts.path.removeprefix(prefix))
    return found if isinstance(found, str) else None


def fetcher(weasyprint: Any) -> Any:
    """A URL fetcher that serves our static files and refuses every other address."""

    class StaticOnlyFetcher(weasyprint.urls.URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            path = static_file(url)
            if path is None:
                raise ValueError(f"not fetched (only the site's static files are): {url}")
            with open(path, "rb") as file:
                return weasyprint.urls.URLFetcherResponse(url, file.read())

    return StaticOnlyFetcher()


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    try:
        import weasyprint  # loads Pango and HarfBuzz: fails without them
    except (ImportError, OSError) as exc:
        print(f"WeasyPrint cannot run here: {exc}", file=sys.stderr)
        return 1
    html = sys.stdin.buffer.read().decode()
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher(weasyprint))
    sys.stdout.buffer.write(document.write_pdf())
    return 0


if __name__ == "__main__":
    sys.exit(main())
