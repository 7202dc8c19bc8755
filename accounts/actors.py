"""Who made a change, as the order timeline records it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ActorKind(StrEnum):
    OWNER = "OWNER"  # the site owner in the admin
    MEMBER = "MEMBER"  # the buyer
    APP = "APP"  # an API client
    CLOCK = "CLOCK"  # the time-driven worker
    SYSTEM = "SYSTEM"  # management commands, demo data


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    id: str = ""
    label: str = ""

    def __str__(self) -> str:
        return f"{self.kind.value.lower()} {self.label or self.id}".strip()

    @classmethod
    def owner(cls, user) -> Actor:
        return cls(ActorKind.OWNER, str(user.pk), user.get_username())

    @classmethod
    def member(cls, user) -> Actor:
        return cls(ActorKind.MEMBER, str(user.member_id), user.get_username())

    @classmethod
    def app(cls, app) -> Actor:
        return cls(ActorKind.APP, str(app.app_def_id), app.name)

    @classmethod
    def clock(cls) -> Actor:
        return cls(ActorKind.CLOCK, "", "clock")

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(ActorKind.SYSTEM, "", label)
