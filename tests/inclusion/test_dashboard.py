"""The participation dashboard: shares against the population, suppression of small cells."""

from __future__ import annotations

import re

from app.inclusion import dashboard
from app.inclusion.dashboard import Activity, Dimension, suppress
from app.inclusion.models import AgeBand, Gender, WorkSituation
from tests.conftest import PASSWORD
from tests.factories import make_consultation, make_proposal
from tests.inclusion.helpers import districts_with_population, person, supports


def test_suppress_hides_small_cells_and_one_more_when_only_one_is_hidden():
    assert suppress({"a": 40, "b": 30, "c": 3}) == {"a": 40, "b": None, "c": None}
    # Two hidden already: the total minus the shown gives only their sum.
    assert suppress({"a": 40, "b": 4, "c": 3}) == {"a": 40, "b": None, "c": None}
    # One hidden cell with people (d) and an empty one (c): b is hidden as well.
    assert suppress({"a": 40, "b": 12, "c": 0, "d": 2}) == {"a": 40, "b": None, "c": None,
                                                             "d": None}
    # Only empty cells hidden: what the total reveals is that they are empty.
    assert suppress({"a": 40, "b": 12, "c": 0}) == {"a": 40, "b": 12, "c": None}
    assert suppress({"a": 6, "b": 3}) == {"a": None, "b": None}  # total below ten
    assert suppress({"a": 10, "b": 10}) == {"a": 10, "b": 10}


def test_no_hidden_count_can_be_recovered_from_the_total():
    """In every breakdown with a shown total, the hidden cells that have people in them are
    none or at least two: the total minus the shown cells never gives one person's group."""
    import itertools

    for values in itertools.product([0, 1, 5, 9, 10, 11, 30], repeat=4):
        counts = dict(zip("abcd", values, strict=True))
        shown = suppress(counts)
        if sum(values) < 10:
            assert all(value is None for value in shown.values())
            continue
        hidden = [key for key, value in shown.items() if value is None and counts[key]]
        assert len(hidden) != 1, counts
        assert all(value is None or value >= 10 for value in shown.values())


def _city():
    districts = districts_with_population()
    consultation = make_consultation()
    proposal = make_proposal(consultation)
    return districts, consultation, proposal


def test_dashboard_counts_shares_ratios_and_suppresses(app):
    districts, consultation, proposal = _city()
    women = [person(Gender.FEMALE, AgeBand.A30_44, districts[0], WorkSituation.CARING)
             for _ in range(14)]
    men = [person(Gender.MALE, AgeBand.A65, districts[1], WorkSituation.RETIRED)
           for _ in range(11)]
    others = [person(Gender.OTHER, AgeBand.A18_29, districts[0]) for _ in range(2)]
    supports(proposal, women + men + others)
    data = dashboard.dashboard(consultation)
    supporters = next(r for r in data["reports"] if r.role is Activity.SUPPORTERS)
    assert supporters.counted == 27
    gender = next(b for b in supporters.breakdowns if b.dimension is Dimension.GENDER)
    cells = {cell.key: cell for cell in gender.cells}
    assert gender.total == 27
    assert cells["female"].count == 14
    assert round(cells["female"].share, 4) == round(14 / 27, 4)
    assert 0.45 < cells["female"].population_share < 0.6
    assert round(cells["female"].ratio, 4) == round(
        cells["female"].share / cells["female"].population_share, 4)
    # "Another answer" has 2 people: hidden, and so are the men (secondary suppression).
    assert cells["other"].count is None and cells["other"].population_share is None
    assert cells["male"].count is None and cells["male"].share is None
    work = next(b for b in supporters.breakdowns if b.dimension is Dimension.WORK_SITUATION)
    work_cells = {cell.key: cell for cell in work.cells}
    assert work_cells["caring"].count == 14
    assert work_cells["caring"].population_share is None  # statistics have no such figure
    proposers = next(r for r in data["reports"] if r.role is Activity.PROPOSERS)
    assert all(b.total is None for b in proposers.breakdowns)


def test_page_shows_svg_and_table_and_never_a_hidden_count(app, client, in_english):
    districts, consultation, proposal = _city()
    supports(proposal, [person(Gender.FEMALE, AgeBand.A30_44, districts[0])
                        for _ in range(12)]
             + [person(Gender.MALE, AgeBand.A30_44, districts[0]) for _ in range(7)])
    # One district has all 19: the other districts (0 each) are hidden, 19 is shown.
    page = client.get(f"/inclusion/consultations/{consultation.id}").get_data(as_text=True)
    assert '<svg class="chart"' in page and "<title id=" in page and "<desc id=" in page
    gender_table = page.split("Supporters, Gender: participants and population")[1] \
        .split("</table>")[0]
    # Men (7) are hidden; "another answer" (0) too, but being empty it does not protect the
    # men: the women are hidden as well, or 19 - 12 would give 7.
    for label in ("Woman", "Man", "Another answer"):
        assert re.search(label + r"</th>\s*<td>hidden</td>", gender_table)
    assert ">7<" not in gender_table and ">12<" not in gender_table
    assert "<td>19</td>" in gender_table  # the total is shown
    district_table = page.split("Supporters, District: participants and population")[1] \
        .split("</table>")[0]
    assert "<td>19</td>" in district_table and "Stare Miasto" in district_table


def test_withdrawing_consent_removes_the_person_from_every_count(app, client, auth):
    districts, consultation, proposal = _city()
    people = [person(Gender.FEMALE, AgeBand.A30_44, districts[0]) for _ in range(12)]
    supports(proposal, people)

    def counted() -> dict[Activity, int]:
        return {report.role: report.counted
                for report in dashboard.dashboard(consultation)["reports"]}

    assert counted()[Activity.SUPPORTERS] == 12 and counted()[Activity.ANY] == 12
    platform = {r.role: r.counted for r in dashboard.dashboard(None)["reports"]}
    assert platform[Activity.SUPPORTERS] == 12
    auth.login(people[0].email, PASSWORD)
    assert client.post("/inclusion/profile/withdraw", data={"confirm": "yes"}).status_code \
        == 303
    assert counted()[Activity.SUPPORTERS] == 11 and counted()[Activity.ANY] == 11
    platform = {r.role: r.counted for r in dashboard.dashboard(None)["reports"]}
    assert platform[Activity.SUPPORTERS] == 11
    trend = dashboard.trend(Dimension.GENDER, [consultation])
    assert trend[0].breakdown.total == 11


def test_platform_dashboard_with_trend_in_polish(app, client):
    districts, _consultation, proposal = _city()
    supports(proposal, [person(Gender.FEMALE, AgeBand.A45_64, districts[2])
                        for _ in range(10)])
    make_consultation(title="Druga edycja")
    page = client.get("/inclusion/?dimension=age_band").get_data(as_text=True)
    assert "Trend" in page or "trend" in page.lower()
    assert "Druga edycja" in page
    assert "Kto bierze udział" in page
    assert client.get("/inclusion/?dimension=nonsense").status_code == 200


def test_empty_platform_dashboard(app, client, in_english):
    page = client.get("/inclusion/").get_data(as_text=True)
    assert "The population reference is not imported yet" in page
    assert "No consultations yet." in page


def _vote(consultation, user, district, birth_year: int) -> None:
    """Put the person on the voter roll with a census entry (as a cast would)."""
    import secrets

    from app.accounts.models import CensusEntry
    from app.db_types import utcnow
    from app.extensions import db
    from app.votes.models import Channel, VoterRoll

    entry = CensusEntry(pesel_hash=secrets.token_hex(32), district_id=district.id,
                        birth_year=birth_year, user_id=user.id)
    db.session.add(entry)
    db.session.flush()
    db.session.add(VoterRoll(consultation_id=consultation.id, user_id=user.id,
                             census_entry_id=entry.id, district_id=district.id,
                             channel=Channel.ONLINE, recorded_hour=utcnow()))
    db.session.commit()


def test_voters_come_from_the_roll_and_census_never_from_ballots(app, client, auth):
    from sqlalchemy import event

    from app.extensions import db

    districts, consultation, _proposal = _city()
    # The profiles say 30-44 in the first district; the census says born 1950, third district.
    voters = [person(Gender.FEMALE, AgeBand.A30_44, districts[0]) for _ in range(12)]
    for voter in voters:
        _vote(consultation, voter, districts[2], 1950)
    _vote(consultation, person(Gender.MALE), districts[2], 1952)  # one more: 13 in all
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement.lower())

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        data = dashboard.dashboard(consultation)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert not any("ballots" in statement for statement in statements)
    report = next(r for r in data["reports"] if r.role is Activity.VOTERS)
    assert report.counted == 13
    ages = {c.key: c.count for b in report.breakdowns if b.dimension is Dimension.AGE_BAND
            for c in b.cells}
    assert ages["65+"] == 13 and ages["30-44"] is None
    places = {c.key: c.count for b in report.breakdowns if b.dimension is Dimension.DISTRICT
              for c in b.cells}
    assert places[str(districts[2].id)] == 13
    anyone = next(r for r in data["reports"] if r.role is Activity.ANY)
    assert anyone.counted == 13

    auth.login(voters[0].email, PASSWORD)
    client.post("/inclusion/profile/withdraw", data={"confirm": "yes"})
    counted = {r.role: r.counted for r in dashboard.dashboard(consultation)["reports"]}
    assert counted[Activity.VOTERS] == 12 and counted[Activity.ANY] == 12
