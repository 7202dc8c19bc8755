"""Invoices and credit notes as PDF files, made by WeasyPrint from the printable page itself.

One template: the PDF is the printable page's own HTML rendered with its print styles (the
``@media print`` rules leave out the site's header and buttons), so the file and the page never
disagree. WeasyPrint fetches nothing from the network: its URL fetcher
(``members.pdf_render``) serves our own static files and refuses every other address (the
resource is then left out of the PDF).

WeasyPrint runs in a process of its own, one per PDF: importing it sets Pillow's process-wide
``LOAD_TRUNCATED_IMAGES``, which would make the web process accept the truncated images that
receipts refuse. Where WeasyPrint cannot run (Pango and HarfBuzz missing), the download answers
a page that says so and links the printable page (503), never a server error.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header

log = logging.getLogger("tally.members.pdf")

RENDER_TIMEOUT = 60  # seconds; a PDF of one invoice takes about one


class PdfUnavailable(Exception):
    """WeasyPrint could not make the PDF here."""


def pdf_response(
    request: HttpRequest, template: str, context: dict[str, Any], *, filename: str, page_url: str
) -> HttpResponse:
    """``template`` rendered as a PDF download named ``filename``; the unavailable page (with a
    link to ``page_url``, the printable page) when WeasyPrint cannot run here."""
    html = render_to_string(template, context, request)
    try:
        pdf = render_pdf(html)
    except PdfUnavailable:
        return render(request, "members/pdf_unavailable.html", {"page_url": page_url}, status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def render_pdf(html: str) -> bytes:
    """The PDF of ``html``, made by ``members.pdf_render`` in a process of its own."""
    command = [sys.executable, "-m", "members.pdf_render"]
    try:
        done = subprocess.run(
            command,
            input=html.encode(),
            capture_output=True,
            timeout=RENDER_TIMEOUT,
            cwd=settings.BASE_DIR,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.error("PDF not made: %s", exc)
        raise PdfUnavailable() from exc
    if done.returncode != 0 or not done.stdout.startswith(b"%PDF"):
        log.error("PDF not made: %s", done.stderr.decode(errors="replace")[-2000:])
        raise PdfUnavailable()
    return done.stdout
