"""What a person sees when django-axes pauses sign-ins (admin and member login alike).

Axes counts failed sign-ins per username and client address and, past
``TALLY_LOGIN_FAILURE_LIMIT``, refuses that pair for ``TALLY_LOGIN_LOCKOUT_MINUTES``. The
page says so in plain words and how to get back in, with status 429.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.throttling import BaseThrottle


def lockout_response(request: HttpRequest, original_response, credentials) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: the lockout page, naming the pause in minutes."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": round(settings.AXES_COOLOFF_TIME.total_seconds() / 60),
        "username": (credentials or {}).get("username") or request.POST.get("username", ""),
    }
    return render(request, "registration/locked_out.html", context, status=429)


def client_address(request: HttpRequest) -> str:
    """``AXES_CLIENT_IP_CALLABLE``: the address DRF's throttles use (``NUM_PROXIES``, set by
    ``TALLY_PROXY_COUNT``), so sign-in lockouts and API throttling count the same client."""
    # get_ident reads only ``request.META``, which a Django request has as DRF's does.
    return BaseThrottle().get_ident(request)  # type: ignore[arg-type]
