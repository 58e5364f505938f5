"""Builders for the inclusion tests: districts with a population, people with profiles."""

from __future__ import annotations

from app.accounts.models import Role
from app.extensions import db
from app.inclusion import services
from app.inclusion.models import AgeBand, Gender, InclusionProfile, WorkSituation
from app.supports.models import Support
from tests.conftest import make_user
from tests.factories import make_district

DEMO_DISTRICTS = ["Stare Miasto", "Osiedle Hutnicze", "Zielone Wzgórza", "Kolejowa", "Nadrzecze"]


def districts_with_population():
    """The demo city's five districts and the example population file imported into them."""
    districts = [make_district(name) for name in DEMO_DISTRICTS]
    rows, problems = services.parse_population_csv(
        services.EXAMPLE_FILE.read_text(encoding="utf-8"), services.district_ids_by_name())
    assert not problems
    staff = make_user(Role.STAFF)
    services.import_population(rows, "GUS BDL (przykład)", staff)
    return districts


def person(gender: Gender = Gender.FEMALE, age_band: AgeBand = AgeBand.A30_44,
           district=None, work: WorkSituation = WorkSituation.EMPLOYED):
    """A resident with a consented profile."""
    user = make_user()
    db.session.add(InclusionProfile(user_id=user.id, gender=gender, age_band=age_band,
                                    district_id=district.id if district else None,
                                    work_situation=work))
    db.session.commit()
    return user


def supports(proposal, people) -> None:
    for user in people:
        db.session.add(Support(proposal_id=proposal.id, user_id=user.id))
    db.session.commit()
