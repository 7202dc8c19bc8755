"""Site-level views: a health check, and JSON-aware 404/500 pages."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.defaults import page_not_found
from django.views.defaults import server_error as html_server_error

from config.api import json_error
from config.problems import problem_response, wants_problem_json

API_PREFIXES = ("/pricing-plans/", "/billing/", "/api/")
API_NOT_FOUND = r"^(?:pricing-plans|billing|api|order-management)/"


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if wants_problem_json(request.path):
        return problem_response(404, "Not Found", "No such resource.", instance=request.path)
    if request.path.startswith(API_PREFIXES):
        return json_error(404, "NOT_FOUND", "No such resource.")
    return page_not_found(request, exception)


@csrf_exempt  # a 404 changes nothing; without this an unknown POST path answered 403 HTML
def api_not_found(request: HttpRequest) -> HttpResponse:
    """A path under an API prefix that no route matched: the API's own 404, not a page."""
    return not_found(request)


def server_error(request: HttpRequest) -> HttpResponse:
    if wants_problem_json(request.path):
        return problem_response(500, "Internal Server Error", "Something went wrong on our side.")
    if request.path.startswith(API_PREFIXES):
        return json_error(500, "INTERNAL_ERROR", "Something went wrong on our side.")
    return html_server_error(request)
