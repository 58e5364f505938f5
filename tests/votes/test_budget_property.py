"""Budget never exceeded (QUALITY.md): for random projects, budgets, pick limits and ballots,
the casting service stores exactly the ballots that fit, and every stored ballot costs at most
its pool's budget and names between min and max projects."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.consultations.models import Consultation
from app.extensions import db
from app.votes import services
from tests.conftest import make_user
from tests.votes.helpers import ballots_of, make_census, make_vote

costs = st.lists(st.integers(min_value=1, max_value=500).map(lambda k: k * 1000),
                 min_size=1, max_size=6)


@st.composite
def elections(draw):
    city = draw(costs)
    north = draw(costs)
    city_budget = draw(st.integers(min_value=1, max_value=1500)) * 1000
    north_budget = draw(st.integers(min_value=1, max_value=1000)) * 1000
    low = draw(st.integers(min_value=0, max_value=3))
    high = draw(st.one_of(st.none(), st.integers(min_value=max(low, 1), max_value=6)))
    size = len(city) + len(north)
    ballots = draw(st.lists(st.lists(st.integers(min_value=0, max_value=size - 1),
                                     max_size=size), min_size=1, max_size=4))
    return city, north, city_budget, north_budget, low, high, ballots


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(elections())
def test_stored_ballots_never_exceed_the_budget(app, election):
    city, north, city_budget, north_budget, low, high, picks = election
    vote = make_vote(city_costs=city, north_costs=north, south_costs=(), city_budget=city_budget,
                     pools={"north": north_budget}, min_picks=low, max_picks=high)
    consultation = db.session.get(Consultation, vote.id)
    options = vote.city + vote.in_north
    budgets = {None: Decimal(city_budget), vote.north.id: Decimal(north_budget)}
    expected = 0
    for indices in picks:
        chosen = [options[i] for i in indices]
        spent: dict = {None: Decimal(0), vote.north.id: Decimal(0)}
        for proposal in chosen:
            spent[proposal.district_id] += proposal.estimated_cost
        distinct = len(set(indices))
        fits = (distinct == len(indices) and distinct >= low
                and (high is None or distinct <= high)
                and all(spent[pool] <= budgets[pool] for pool in budgets))
        voter = make_user()
        make_census(voter, vote.north)
        db.session.expire(voter)
        try:
            services.cast_ballot(consultation, voter, services.Choices([p.id for p in chosen]))
        except services.BallotInvalid:
            assert not fits, "a ballot within the rules was refused"
        else:
            assert fits, f"a ballot breaking the rules was stored: {indices}"
            expected += 1

    stored = ballots_of(vote)
    assert len(stored) == expected
    for spent in services.ballot_costs(consultation):
        for pool, amount in spent.items():
            assert amount <= budgets[pool]
    for ballot in stored:
        count = len(ballot.choices["proposals"])
        assert count >= low and (high is None or count <= high)
