"""Who may do what in voting."""

from __future__ import annotations

from app.accounts.models import Role, User

#: City staff set the voting rules, record paper ballots and close the vote.
MANAGE_ROLE = Role.STAFF


def can_manage_voting(user: User) -> bool:
    """Staff and administrators manage votes and see draft results."""
    return bool(user.is_authenticated and user.has_role(MANAGE_ROLE))
