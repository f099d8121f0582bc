"""Who acts: a staff member, or a named part of the system (a task, a command, the customer).

Every service takes an :class:`Actor` (or anything :meth:`Actor.of` accepts: a user, a
``"system:…"`` label, ``None``) and the change history, request events, certificates and the
access log all record it the same way: the user when there is one, and a label.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied

SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    user: Any = None  # a staff User, or None for the system and the customer
    label: str = SYSTEM

    @classmethod
    def of(cls, value) -> Actor:
        if isinstance(value, Actor):
            return value
        if value is None:
            return cls()
        if isinstance(value, str):
            return cls(label=value)
        if getattr(value, "pk", None):
            return cls(user=value, label=value.get_username())
        return cls(label=str(value))

    @classmethod
    def system(cls, part: str = "") -> Actor:
        return cls(label=f"{SYSTEM}:{part}" if part else SYSTEM)

    @property
    def is_staff(self) -> bool:
        return self.user is not None

    def __str__(self) -> str:
        return self.label

    def can(self, permission: str) -> bool:
        """Staff need the permission; the system (tasks, commands run by the operator, the
        customer acting on their own data through a signed link) acts on the rules it applies."""
        if self.user is None:
            return True
        return self.user.is_active and self.user.has_perm(permission)

    def recorded(self) -> dict:
        """Who acted, as the ledgers store it (``actor`` FK and ``actor_label``): the change
        history, request events and the access log all take these two fields from here."""
        return {"actor": self.user, "actor_label": self.label}

    def require(self, *permissions: str) -> Actor:
        """Refuse (PermissionDenied) a staff member whose role lacks any of ``permissions``."""
        missing = [p for p in permissions if not self.can(p)]
        if missing:
            raise PermissionDenied(f"{self.label} lacks {', '.join(missing)}")
        return self
