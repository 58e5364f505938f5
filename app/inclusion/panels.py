"""Citizens' panels: the call for volunteers, quotas, the published seed, the draw, the
members' private space and the published recommendations."""

from __future__ import annotations

import csv
import io
import math
import secrets
from collections import Counter
from typing import TYPE_CHECKING, Any

from flask import abort, url_for
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Role, User
from app.consultations.models import Consultation
from app.db_types import utcnow
from app.extensions import db
from app.inclusion import draw
from app.inclusion.dashboard import Dimension, labels_for, population_by
from app.inclusion.models import (
    AgeBand,
    Gender,
    Panel,
    PanelMessage,
    PanelQuota,
    PanelRecommendation,
    PanelStatus,
    PanelVolunteer,
    WorkSituation,
)
from app.mail import send_mail
from app.moderation.audit import record
from app.proposals.models import Proposal, ProposalStatus

if TYPE_CHECKING:
    from app.inclusion.models import InclusionProfile

MESSAGES_PER_PAGE = 50
#: Gender "another answer" has no figure in public statistics: at most this share of seats.
OTHER_GENDER_SHARE = 0.1


class PanelClosed(Exception):
    """The panel no longer takes this action (applications closed, seed published, drawn)."""


def get_panel_or_404(panel_id: int) -> Panel:
    return db.get_or_404(Panel, panel_id)


def panels_page(page: int):
    return db.paginate(select(Panel).order_by(Panel.created_at.desc(), Panel.id.desc()),
                       page=page, per_page=20, error_out=False)


def create_panel(title: str, description: str, size: int, consultation_id: int | None,
                 actor: User) -> Panel:
    """Open a call for volunteers."""
    panel = Panel(title=title, description=description, size=size,
                  consultation_id=consultation_id, created_by_id=actor.id)
    db.session.add(panel)
    db.session.flush()
    record(actor, "panel.create", "panel", panel.id, details={"title": title, "size": size})
    db.session.commit()
    return panel


# --- volunteers ------------------------------------------------------------------------------


def volunteer_of(panel: Panel, user: User) -> PanelVolunteer | None:
    if not user.is_authenticated:
        return None
    return db.session.scalar(select(PanelVolunteer).where(
        PanelVolunteer.panel_id == panel.id, PanelVolunteer.user_id == user.id))


def apply(panel: Panel, user: User, *, gender: Gender, age_band: AgeBand,
          district_id: int | None, work_situation: WorkSituation) -> PanelVolunteer:
    """Volunteer for the panel (or update one's answers while it takes volunteers)."""
    if not panel.is_open:
        raise PanelClosed
    volunteer = volunteer_of(panel, user)
    if volunteer is None:
        number = (db.session.scalar(select(func.max(PanelVolunteer.number))
                                    .where(PanelVolunteer.panel_id == panel.id)) or 0) + 1
        volunteer = PanelVolunteer(panel_id=panel.id, user_id=user.id, number=number)
        db.session.add(volunteer)
    volunteer.gender, volunteer.age_band = gender, age_band
    volunteer.district_id, volunteer.work_situation = district_id, work_situation
    try:
        db.session.commit()
    except IntegrityError as error:  # two applications at once: the other one stands
        db.session.rollback()
        raise PanelClosed from error
    return volunteer


def withdraw(panel: Panel, user: User) -> None:
    """Withdraw one's application while the panel takes volunteers."""
    if not panel.is_open:
        raise PanelClosed
    db.session.execute(delete(PanelVolunteer).where(
        PanelVolunteer.panel_id == panel.id, PanelVolunteer.user_id == user.id))
    db.session.commit()


def prefill_from(profile: InclusionProfile | None) -> dict[str, Any]:
    if profile is None:
        return {}
    return {"gender": profile.gender.value, "age_band": profile.age_band.value,
            "district": profile.district_id or 0,
            "work_situation": profile.work_situation.value}


def volunteers(panel: Panel) -> list[PanelVolunteer]:
    return list(db.session.scalars(select(PanelVolunteer).where(
        PanelVolunteer.panel_id == panel.id).order_by(PanelVolunteer.number)))


def pool_rows(panel: Panel) -> list[dict[str, str]]:
    """The published pool: each volunteer's number and answers, no name (for re-running)."""
    return [{"number": str(v.number), "gender": v.gender.value, "age_band": v.age_band.value,
             "district": str(v.district_id) if v.district_id else "none",
             "work_situation": v.work_situation.value} for v in volunteers(panel)]


def pool_csv(panel: Panel) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[draw.ID_COLUMN, *draw.FEATURES],
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(pool_rows(panel))
    return out.getvalue()


# --- quotas ----------------------------------------------------------------------------------


def quotas(panel: Panel) -> list[PanelQuota]:
    order = {feature: index for index, feature in enumerate(draw.FEATURES)}
    rows = db.session.scalars(select(PanelQuota).where(PanelQuota.panel_id == panel.id))
    return sorted(rows, key=lambda q: (order.get(q.feature, 9), q.value))


def draw_quotas(panel: Panel) -> list[draw.Quota]:
    return [draw.Quota(q.feature, q.value, q.minimum, q.maximum) for q in quotas(panel)]


def quotas_csv(panel: Panel) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["feature", "value", "min", "max"])
    for quota in quotas(panel):
        writer.writerow([quota.feature, quota.value, quota.minimum, quota.maximum])
    return out.getvalue()


def proportional_quotas(size: int) -> list[draw.Quota]:
    """Quotas from the population shares: each group gets the whole seats below and above its
    share of the panel. Work situation has no population figure: any number."""
    result: list[draw.Quota] = []
    for dimension, feature in ((Dimension.GENDER, "gender"), (Dimension.AGE_BAND, "age_band"),
                               (Dimension.DISTRICT, "district")):
        population = population_by(dimension) or {}
        total = sum(population.values())
        for key in population:
            share = population[key] / total * size if total else 0
            result.append(draw.Quota(feature, key, math.floor(share), math.ceil(share)))
        if feature == "gender" and population:
            result.append(draw.Quota(feature, Gender.OTHER.value, 0,
                                     math.ceil(size * OTHER_GENDER_SHARE)))
    result.extend(draw.Quota("work_situation", situation.value, 0, size)
                  for situation in WorkSituation)
    return result


def set_quotas(panel: Panel, new_quotas: list[draw.Quota], actor: User) -> None:
    """Replace the panel's quotas (only while it takes volunteers)."""
    if not panel.is_open:
        raise PanelClosed
    db.session.execute(delete(PanelQuota).where(PanelQuota.panel_id == panel.id))
    for quota in new_quotas:
        db.session.add(PanelQuota(panel_id=panel.id, feature=quota.feature, value=quota.value,
                                  minimum=quota.minimum, maximum=quota.maximum))
    record(actor, "panel.quotas", "panel", panel.id, details={
        "quotas": [[q.feature, q.value, q.minimum, q.maximum] for q in new_quotas]})
    db.session.commit()


def quota_problems(panel: Panel) -> list[str]:
    """Why the panel cannot be seeded yet, in words (empty when it can)."""
    from flask_babel import gettext as _

    problems = []
    current = quotas(panel)
    if not current:
        problems.append(_("Set the quotas first."))
    pool = pool_rows(panel)
    if len(pool) < panel.size:
        problems.append(_("The panel has %(size)s seats but only %(num)s volunteers.",
                          size=panel.size, num=len(pool)))
    have = {(q.feature, q.value) for q in current}
    if current:
        for feature in draw.FEATURES:
            for value in sorted({row[feature] for row in pool}):
                if (feature, value) not in have:
                    problems.append(_("A volunteer answered “%(value)s” for %(feature)s, "
                                      "which has no quota.", value=value, feature=feature))
    return problems


# --- seed and draw ---------------------------------------------------------------------------


def publish_seed(panel: Panel, actor: User) -> None:
    """Close applications, fix the pool and quotas, and publish the seed of the draw."""
    if not panel.is_open:
        raise PanelClosed
    panel.seed = secrets.randbelow(2**31 - 2) + 1
    panel.seed_published_at = utcnow()
    panel.status = PanelStatus.SEEDED
    record(actor, "panel.seed", "panel", panel.id,
           details={"seed": panel.seed, "volunteers": len(pool_rows(panel))})
    db.session.commit()


def run_panel_draw(panel: Panel, actor: User) -> draw.DrawResult:
    """Draw the panel from its published seed; notify the selected volunteers."""
    if panel.status is not PanelStatus.SEEDED or panel.seed is None:
        raise PanelClosed
    result = draw.run_draw(pool_rows(panel), draw_quotas(panel), panel.size, panel.seed)
    chosen = set(result.selected)
    members = []
    for volunteer in volunteers(panel):
        volunteer.selected = volunteer.number in chosen
        volunteer.probability = result.probabilities.get(volunteer.number)
        if volunteer.selected:
            members.append(volunteer)
    panel.status = PanelStatus.DRAWN
    panel.drawn_at = utcnow()
    record(actor, "panel.draw", "panel", panel.id,
           details={"seed": panel.seed, "selected": sorted(chosen)})
    for volunteer in members:
        user = db.session.get(User, volunteer.user_id)
        if user is not None and user.is_active:
            send_mail(user.email, "mail/panel_selected", user.locale, recipient=user,
                      panel=panel, url=url_for("inclusion.panel_space", panel_id=panel.id,
                                               _external=True))
    db.session.commit()
    return result


def composition(panel: Panel, district_names: dict[int, str]) -> list[dict[str, Any]]:
    """For each quota: volunteers, drawn members, and the least and most wanted."""
    pool = pool_rows(panel)
    chosen = {v.number for v in volunteers(panel) if v.selected}
    in_pool = Counter((f, row[f]) for row in pool for f in draw.FEATURES)
    drawn = Counter((f, row[f]) for row in pool if int(row["number"]) in chosen
                    for f in draw.FEATURES)
    labels = {feature: labels_for(Dimension(feature), district_names)
              for feature in draw.FEATURES}
    return [{"feature": quota.feature, "feature_label": Dimension(quota.feature).label,
             "value": labels[quota.feature].get(quota.value, quota.value),
             "minimum": quota.minimum, "maximum": quota.maximum,
             "volunteers": in_pool[(quota.feature, quota.value)],
             "selected": drawn[(quota.feature, quota.value)],
             "met": quota.minimum <= drawn[(quota.feature, quota.value)] <= quota.maximum}
            for quota in quotas(panel)]


# --- members' space and recommendations ------------------------------------------------------


def is_member(panel: Panel, user: User) -> bool:
    volunteer = volunteer_of(panel, user)
    return bool(volunteer and volunteer.selected)


def can_enter_space(panel: Panel, user: User) -> bool:
    """Panel members and staff see the private discussion space."""
    if not user.is_authenticated:
        return False
    return user.has_role(Role.STAFF) or is_member(panel, user)


def require_space(panel: Panel, user: User) -> None:
    if not can_enter_space(panel, user):
        abort(403)


def messages_page(panel: Panel, page: int):
    return db.paginate(select(PanelMessage).where(PanelMessage.panel_id == panel.id)
                       .order_by(PanelMessage.created_at, PanelMessage.id),
                       page=page, per_page=MESSAGES_PER_PAGE, error_out=False)


def post_message(panel: Panel, user: User, body: str) -> PanelMessage:
    message = PanelMessage(panel_id=panel.id, author_id=user.id, body=body)
    db.session.add(message)
    db.session.commit()
    return message


def consultation_proposals(panel: Panel) -> list[Proposal]:
    if panel.consultation_id is None:
        return []
    return list(db.session.scalars(select(Proposal).where(
        Proposal.consultation_id == panel.consultation_id,
        Proposal.status != ProposalStatus.DRAFT).order_by(Proposal.title)))


def recommendations(panel: Panel) -> list[PanelRecommendation]:
    return list(db.session.scalars(select(PanelRecommendation).where(
        PanelRecommendation.panel_id == panel.id).order_by(PanelRecommendation.id)))


def publish_recommendation(panel: Panel, text: str, proposal_id: int | None,
                           actor: User) -> PanelRecommendation:
    """Publish one of the panel's recommendations, linked to a proposal of its consultation."""
    if panel.status is not PanelStatus.DRAWN:
        raise PanelClosed
    if proposal_id is not None and proposal_id not in {
            p.id for p in consultation_proposals(panel)}:
        abort(400)
    recommendation = PanelRecommendation(panel_id=panel.id, text=text, proposal_id=proposal_id)
    db.session.add(recommendation)
    db.session.flush()
    record(actor, "panel.recommendation", "panel", panel.id,
           details={"recommendation_id": recommendation.id, "proposal_id": proposal_id})
    db.session.commit()
    return recommendation


def consultation_choices() -> list[Consultation]:
    return list(db.session.scalars(select(Consultation).order_by(Consultation.title)))
