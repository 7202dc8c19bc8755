"""Recent reads of tokens (config/readcache.py) end with any change to a token, its app or its
member: disabling an app or a member, editing scopes, deleting any of them. Services that end
tokens with a bulk update forget them themselves; these receivers cover every save and delete
(the admin's forms included)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_delete

from accounts.models import ApiToken, App, User
from accounts.services import forget_tokens

LOGIN_ONLY = frozenset({"last_login"})  # what a sign-in saves: nothing a token depends on


def _token_changed(sender, instance: ApiToken, created: bool = False, **kwargs) -> None:
    if not created:
        forget_tokens([instance.digest])


def _owner_changed(sender, instance: App | User, created: bool = False, **kwargs) -> None:
    if created or kwargs.get("update_fields") == LOGIN_ONLY:  # no tokens yet; a sign-in
        return
    field = "app" if isinstance(instance, App) else "member"
    forget_tokens(ApiToken.objects.filter(**{field: instance.pk}).values_list("digest", flat=True))


def connect() -> None:
    post_save.connect(_token_changed, sender=ApiToken, dispatch_uid="tally-token-saved")
    post_delete.connect(_token_changed, sender=ApiToken, dispatch_uid="tally-token-deleted")
    for model in (App, User):
        name = model.__name__
        post_save.connect(_owner_changed, sender=model, dispatch_uid=f"tally-{name}-saved")
        # Before the delete: the owner's tokens go with it, and their digests are needed.
        pre_delete.connect(_owner_changed, sender=model, dispatch_uid=f"tally-{name}-deleting")
