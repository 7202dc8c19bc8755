"""Sign-up and the account page. Signing in, out, password change and reset are Django's own
auth views (config/urls.py includes django.contrib.auth.urls) with our templates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from accounts.services import member_email_change
from config.errors import DomainError
from members.forms import EmailChangeForm, SignUpForm


def _next_url(request: HttpRequest) -> str:
    """Where to go after signing up: a page of this site named in ``next``, else My plans."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("members:orders")


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = form.save()
        login(request, member, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome! Your account is ready.")
        return redirect(_next_url(request))
    status = 400 if form.is_bound else 200
    context = {"form": form, "next": _next_url(request)}
    return render(request, "registration/sign_up.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """The member's account: the email address (changed here) and a link to the password."""
    form = EmailChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member_email_change(member=request.user, email=form.cleaned_data["email"])
        except DomainError as exc:
            form.add_error("email", exc.message)
        else:
            messages.success(request, "Your email address is changed.")
            return redirect("members:account")
    status = 400 if form.is_bound else 200
    return render(request, "members/account.html", {"form": form}, status=status)
