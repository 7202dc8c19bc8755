from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from accounts.models import App, User
from accounts.scopes import ALL_SCOPES


class MemberCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):  # type: ignore[name-defined]  # the stubs omit the parent's Meta
        model = User
        fields = ("username", "email")


class MemberChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):  # type: ignore[name-defined]  # the stubs omit the parent's Meta
        model = User


class AppForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=[(s, s) for s in ALL_SCOPES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="What this app may do. Grant only what it needs.",
    )

    class Meta:
        model = App
        fields = ("name", "scopes", "is_active")
