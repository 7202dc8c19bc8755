"""The member pages' forms. Accounts use Django's own auth forms; these add only the fields
a member site needs (an email address as the sign-in name, a coupon, a test card)."""

from __future__ import annotations

import uuid
from datetime import datetime, time

from django import forms
from django.contrib.auth.forms import BaseUserCreationForm
from django.utils import timezone

from accounts.models import User
from config import clock


class SignUpForm(BaseUserCreationForm):
    """Email and password (Django's password validators); the email is also the username."""

    email = forms.EmailField(label="Email", max_length=150)

    class Meta:
        model = User
        fields = ("email",)

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).strip()
        taken = User.objects.filter(email__iexact=email) | User.objects.filter(
            username__iexact=email
        )
        if taken.exists():
            raise forms.ValidationError("An account with this email already exists: sign in.")
        return email

    def clean(self) -> dict:
        # The username is the email, set on the instance here: the model's validation and the
        # password validators, which run after the form's clean(), compare against it, and
        # the form's save() stores it.
        cleaned = super().clean()
        self.instance.username = cleaned.get("email", "")
        return cleaned


class EmailChangeForm(forms.Form):
    """A new email address, confirmed with the current password."""

    email = forms.EmailField(label="New email", max_length=150)
    password = forms.CharField(
        label="Current password", strip=False, widget=forms.PasswordInput(render_value=False)
    )

    def __init__(self, member: User, *args, **kwargs) -> None:
        self.member = member
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.member.check_password(password):
            raise forms.ValidationError("The password is not correct.")
        return password


class CheckoutForm(forms.Form):
    """The checkout: a coupon, an optional start date, and the form's own submission id.

    The submission id is made when the page is shown and travels back with the form: sending
    the same form twice (a double click, a reload) names the same order session, so one order.
    """

    coupon_code = forms.CharField(label="Coupon code", max_length=20, required=False)
    start_date = forms.DateField(
        label="Start date (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty to start as soon as you have paid.",
    )
    submission_id = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("submission_id", uuid.uuid4())
        super().__init__(*args, **kwargs)

    def clean_start_date(self) -> datetime | None:
        """A day in the site's time zone: today means "as soon as paid", a later day its
        first moment; the checkout itself refuses a day in the past."""
        day = self.cleaned_data["start_date"]
        if day is None:
            return None
        today = timezone.localdate(clock.now())
        if day == today:
            return None
        return timezone.make_aware(datetime.combine(day, time.min))


class SwitchForm(forms.Form):
    """The plan to switch to, and the form's submission id (one switch per form)."""

    plan_id = forms.UUIDField(widget=forms.HiddenInput)
    submission_id = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("submission_id", uuid.uuid4())
        super().__init__(*args, **kwargs)


class TestCardForm(forms.Form):
    """The card form of the built-in test payment provider (no money moves)."""

    card_number = forms.CharField(
        label="Card number",
        max_length=23,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "cc-number"}),
        help_text="Test cards: 4242 4242 4242 4242 is approved, 4000 0000 0000 0002 declined.",
    )

    def clean_card_number(self) -> str:
        digits = "".join(ch for ch in self.cleaned_data["card_number"] if not ch.isspace())
        if not digits.isdigit() or not 12 <= len(digits) <= 19:
            raise forms.ValidationError("Enter the card number: 12 to 19 digits.")
        return digits
