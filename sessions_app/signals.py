"""A session create reads its plan and member as recent reads (config/readcache.py); any save or
delete of a plan or a member forgets its copy."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from accounts.models import User
from config import readcache
from orders.models import Plan
from sessions_app.services.checks import member_key, plan_key


def _plan_changed(sender, instance: Plan, **kwargs) -> None:
    readcache.forget(plan_key(instance.pk))


def _member_changed(sender, instance: User, **kwargs) -> None:
    readcache.forget(member_key(instance.member_id))


def connect() -> None:
    post_save.connect(_plan_changed, sender=Plan, dispatch_uid="tally-session-plan-saved")
    post_delete.connect(_plan_changed, sender=Plan, dispatch_uid="tally-session-plan-deleted")
    post_save.connect(_member_changed, sender=User, dispatch_uid="tally-session-member-saved")
    post_delete.connect(_member_changed, sender=User, dispatch_uid="tally-session-member-deleted")
