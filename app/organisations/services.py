"""Organisation logic: representation requests and staff decisions."""

from __future__ import annotations

from typing import Any

from flask import abort
from sqlalchemy import delete, func, select

from app.accounts.models import User
from app.db_types import utcnow
from app.extensions import db
from app.moderation.audit import record
from app.organisations.models import (
    Organisation,
    OrganisationKind,
    Representation,
    RepresentationStatus,
)

PER_PAGE = 20


class RepresentationError(Exception):
    """The request cannot be made; the message key says why."""


def public_organisations() -> list[Organisation]:
    """Approved organisations, by name (for choosing one)."""
    return list(db.session.scalars(
        select(Organisation).where(Organisation.approved_at.is_not(None))
        .order_by(func.lower(Organisation.name))))


def organisations_page(page: int):
    """One page of the public list of organisations."""
    query = (select(Organisation).where(Organisation.approved_at.is_not(None))
             .order_by(func.lower(Organisation.name), Organisation.id))
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def get_public_organisation_or_404(organisation_id: int) -> Organisation:
    """An organisation visible to everyone, or 404."""
    organisation = db.get_or_404(Organisation, organisation_id)
    if not organisation.is_public:
        abort(404)
    return organisation


def approved_representatives(organisation: Organisation) -> list[User]:
    """People who may act for the organisation."""
    return list(db.session.scalars(
        select(User).join(Representation, Representation.user_id == User.id)
        .where(Representation.organisation_id == organisation.id,
               Representation.status == RepresentationStatus.APPROVED,
               User.deleted_at.is_(None))
        .order_by(User.display_name)))


def request_representation(
    user: User, *, organisation_id: int | None, role_in_organisation: str,
    new_name: str | None = None, new_kind: str | None = None,
    registry_number: str | None = None, website: str | None = None,
) -> Representation:
    """Ask to represent an existing organisation, or register a new one and ask for it."""
    if organisation_id is not None:
        organisation = db.session.get(Organisation, organisation_id)
        if organisation is None or not organisation.is_public:
            raise RepresentationError("unknown-organisation")
        exists = db.session.scalar(select(Representation).where(
            Representation.organisation_id == organisation.id,
            Representation.user_id == user.id))
        if exists is not None:
            raise RepresentationError("already-requested")
    else:
        organisation = Organisation(
            name=(new_name or "").strip(), kind=OrganisationKind(new_kind),
            registry_number=registry_number, website=website)
        db.session.add(organisation)
    representation = Representation(
        organisation=organisation, user_id=user.id,
        role_in_organisation=role_in_organisation.strip())
    db.session.add(representation)
    db.session.commit()
    return representation


def pending_requests_page(page: int):
    """Requests waiting for staff, oldest first."""
    query = (select(Representation)
             .where(Representation.status == RepresentationStatus.PENDING)
             .order_by(Representation.requested_at, Representation.id))
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def get_pending_request_or_404(representation_id: int) -> Representation:
    """A request staff may still decide on."""
    representation = db.get_or_404(Representation, representation_id)
    if representation.status is not RepresentationStatus.PENDING:
        abort(404)
    return representation


def decide_request(representation: Representation, staff: User, *, approve: bool,
                   note: str | None) -> None:
    """Approve or reject a request; approving makes a new organisation public.

    The audit entry names the organisation and the request, not the person who asked, and
    leaves out the note: it is written to the requester alone, on their profile.
    """
    now = utcnow()
    organisation = representation.organisation
    made_public = approve and organisation.approved_at is None
    representation.status = (RepresentationStatus.APPROVED if approve
                             else RepresentationStatus.REJECTED)
    representation.decided_at = now
    representation.decided_by_id = staff.id
    representation.decision_note = (note or "").strip() or None
    if made_public:
        organisation.approved_at = now
    record(staff, "representation.approve" if approve else "representation.reject",
           "organisation", organisation.id,
           details={"representation_id": representation.id,
                    "organisation_made_public": made_public})
    db.session.commit()


def representations_of(user: User) -> list[Representation]:
    """A user's requests and rights to represent organisations."""
    return list(db.session.scalars(
        select(Representation).where(Representation.user_id == user.id)
        .order_by(Representation.requested_at.desc())))


def approved_organisations_of(user: User) -> list[Organisation]:
    """Organisations this user may act for."""
    return [r.organisation for r in representations_of(user)
            if r.status is RepresentationStatus.APPROVED]


def representations_for_export(user: User) -> list[dict[str, Any]]:
    """The user's representations, for their data download."""
    return [
        {
            "organisation": r.organisation.name,
            "role_in_organisation": r.role_in_organisation,
            "status": r.status.value,
            "requested_at": r.requested_at.isoformat(),
            "decided_at": r.decided_at.isoformat() if r.decided_at else None,
            "decision_note": r.decision_note,
        }
        for r in representations_of(user)
    ]


def forget_representations(user: User) -> None:
    """Remove a deleted user's links to organisations (the organisations stay)."""
    db.session.execute(delete(Representation).where(Representation.user_id == user.id))
