"""Who may do what in supports and pledges."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.organisations.services import approved_organisations_of

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.organisations.models import Organisation
    from app.supports.models import Pledge


def can_support(user: User) -> bool:
    """Signed-in people with a confirmed email address support and pledge."""
    return user.is_authenticated and user.is_active and user.is_confirmed


def represented_organisation(user: User, organisation_id: int) -> Organisation | None:
    """The organisation, if this user is its approved representative; otherwise None."""
    return next((organisation for organisation in approved_organisations_of(user)
                 if organisation.id == organisation_id), None)


def can_withdraw_pledge(user: User, pledge: Pledge) -> bool:
    """Only the person who made a pledge withdraws it."""
    return user.is_authenticated and pledge.user_id == user.id
