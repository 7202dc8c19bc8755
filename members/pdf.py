"""Invoices and credit notes as PDF files, made by WeasyPrint from the printable page itself.

One template: the PDF is the printable page's own HTML rendered with its print styles (the
``@media print`` rules leave out the site's header and buttons), so the file and the page never
disagree. WeasyPrint fetches nothing from the network: ``StaticOnlyFetcher`` serves our own
static files and refuses every other address (the resource is then left out of the PDF).

WeasyPrint needs Pango and HarfBuzz from the system. Where they cannot be loaded, the download
answers a page that says so and links the printable page (503), never a server error.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header

# The base address WeasyPrint resolves relative links against; only its static files are read.
BASE_URL = "https://tally.invalid/"


def pdf_response(
    request: HttpRequest, template: str, context: dict[str, Any], *, filename: str, page_url: str
) -> HttpResponse:
    """``template`` rendered as a PDF download named ``filename``; the unavailable page (with a
    link to ``page_url``, the printable page) when WeasyPrint cannot run here."""
    try:
        import weasyprint  # loads Pango and HarfBuzz: fails without them
    except (ImportError, OSError):
        return render(request, "members/pdf_unavailable.html", {"page_url": page_url}, status=503)
    html = render_to_string(template, context, request)
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher(weasyprint))
    response = HttpResponse(document.write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _fetcher(weasyprint: Any) -> Any:
    """A URL fetcher for one rendering: our static files only (made per call, never shared)."""

    class StaticOnlyFetcher(weasyprint.urls.URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            path = static_file(url)
            if path is None:
                raise ValueError(f"not fetched (only the site's static files are): {url}")
            with open(path, "rb") as file:
                return weasyprint.urls.URLFetcherResponse(url, file.read())

    return StaticOnlyFetcher()


def static_file(url: str) -> str | None:
    """The file on disk for one of our static URLs under ``BASE_URL``; None for any other."""
    parts = urlsplit(url)
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if f"{parts.scheme}://{parts.netloc}/" != BASE_URL or not parts.path.startswith(prefix):
        return None
    found = finders.find(parts.path.removeprefix(prefix))
    return found if isinstance(found, str) else None
