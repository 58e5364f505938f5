"""The public listing: filters, search on both databases, sorting, pages, htmx, my proposals."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import insert

from app.db_types import utcnow
from app.extensions import db
from app.proposals.models import Proposal, ProposalCoauthor, ProposalStatus, Sector
from tests.factories import make_consultation, make_district, make_goal, make_proposal

TITLE = re.compile(r'<h2><a href="/proposals/(\d+)">')


def _ids(response) -> list[int]:
    return [int(i) for i in TITLE.findall(response.get_data(as_text=True))]


def _bulk(consultation, count: int, **values) -> None:
    """Many submitted proposals at once (factories would be too slow)."""
    now = utcnow()
    rows = [dict(consultation_id=consultation.id, title=f"Projekt {i}", body_markdown="Opis.",
                 body_html="<p>Opis.</p>", sector=Sector.ENERGY, estimated_cost=1000,
                 expected_jobs=1, status=ProposalStatus.SUBMITTED, support_count=i % 17,
                 comment_count=i % 13, search_text=f"projekt {i} opis",
                 created_at=now - timedelta(minutes=i), updated_at=now) | values
            for i in range(count)]
    db.session.execute(insert(Proposal), rows)
    db.session.commit()


def test_cards_show_the_essentials(client, consultation, users):
    district = make_district("Zagórze")
    make_proposal(consultation, users(), title="Naprawa rowerów", sector=Sector.REPAIR,
                  district_id=district.id, support_count=7, comment_count=3)
    page = client.get("/proposals").get_data(as_text=True)
    assert "Naprawa rowerów" in page and "Repair and reuse" in page and "Zagórze" in page
    assert "PLN250,000.00" in page  # English formatting of the cost
    assert ">7<" in page and ">3<" in page and "Submitted" in page
    assert 'aria-live="polite"' in page


def test_drafts_never_listed_and_withdrawn_only_on_request(client, consultation, users):
    author = users()
    shown = make_proposal(consultation, author)
    draft = make_proposal(consultation, author, status=ProposalStatus.DRAFT)
    withdrawn = make_proposal(consultation, author, status=ProposalStatus.WITHDRAWN)
    assert _ids(client.get("/proposals")) == [shown.id]
    assert _ids(client.get("/proposals?status=withdrawn")) == [withdrawn.id]
    assert _ids(client.get("/proposals?status=draft")) == [shown.id]  # ignored
    assert draft.id not in _ids(client.get("/proposals?q=projekt"))


def test_filters(client, consultation, users):
    author = users()
    other_consultation = make_consultation("proposals")
    district = make_district()
    goal = make_goal("7")
    objective = make_goal("7.1", parent=goal)
    energy = make_proposal(consultation, author, sector=Sector.ENERGY)
    food = make_proposal(consultation, author, sector=Sector.FOOD, district_id=district.id,
                         goals=[objective])
    elsewhere = make_proposal(other_consultation, author, sector=Sector.CARE, goals=[goal])
    accepted = make_proposal(consultation, author, status=ProposalStatus.ACCEPTED)

    def ids(query: str) -> set[int]:
        return set(_ids(client.get(f"/proposals?{query}")))

    assert ids(f"consultation={other_consultation.id}") == {elsewhere.id}
    assert ids("sector=food") == {food.id}
    assert ids(f"district={district.id}") == {food.id}
    assert ids("district=city") == {energy.id, elsewhere.id, accepted.id}
    assert ids(f"goal={goal.id}") == {food.id, elsewhere.id}  # objectives count for the goal
    assert ids(f"goal={objective.id}") == {food.id}
    assert ids("status=accepted") == {accepted.id}
    assert ids(f"sector=food&district={district.id}&consultation={consultation.id}") == {
        food.id}


@pytest.mark.parametrize("query", [
    "sector=mining", "status=deleted", "sort=drop+table", "consultation=abc", "district=-1",
    "goal=1%27", "page=-3", "page=abc", "consultation=99999999999999999999", "q=%00%27%22",
    "q=" + "a" * 500, "sort=random&page=9999", "page=99999999999999999999",
])
def test_unknown_values_are_ignored(query, client, consultation, users):
    make_proposal(consultation, users())
    assert client.get(f"/proposals?{query}").status_code == 200


@pytest.mark.parametrize("query", ["zielen", "Zieleń", "ZIELEŃ", "zieleń dach", "ZIELE",
                                   "dachach zielen", "  zieleń!  "])
def test_search_ignores_case_and_diacritics(query, client, consultation, users):
    author = users()
    wanted = make_proposal(consultation, author, title="Zieleń na dachach",
                           body_markdown="Łąki i ogrody na dachach bloków.")
    make_proposal(consultation, author, title="Naprawa sprzętu",
                  body_markdown="Warsztat napraw w dzielnicy.")
    assert _ids(client.get("/proposals", query_string={"q": query})) == [wanted.id]


def test_search_words_all_must_match_and_body_counts(client, consultation, users):
    author = users()
    meadow = make_proposal(consultation, author, title="Projekt A",
                           body_markdown="Łąka kwietna przy szkole.")
    make_proposal(consultation, author, title="Projekt B", body_markdown="Łąka przy rzece.")
    assert _ids(client.get("/proposals", query_string={"q": "łąka szkoła"})) == []
    assert _ids(client.get("/proposals", query_string={"q": "laka szkol"})) == [meadow.id]
    assert len(_ids(client.get("/proposals", query_string={"q": "ŁĄKA"}))) == 2
    assert _ids(client.get("/proposals", query_string={"q": "nic takiego"})) == []
    assert "No proposals match" in client.get("/proposals?q=xyz").get_data(as_text=True)


def test_search_punctuation_only_lists_everything(client, consultation, users):
    make_proposal(consultation, users())
    assert len(_ids(client.get("/proposals", query_string={"q": "!!! & | :* ()"}))) == 1


def test_sort_orders(client, consultation, users):
    author = users()
    now = utcnow()
    old = make_proposal(consultation, author, support_count=9, comment_count=1,
                        created_at=now - timedelta(days=2))
    middle = make_proposal(consultation, author, support_count=1, comment_count=8,
                           created_at=now - timedelta(days=1))
    new = make_proposal(consultation, author, support_count=5, comment_count=4,
                        created_at=now)
    assert _ids(client.get("/proposals")) == [new.id, middle.id, old.id]
    assert _ids(client.get("/proposals?sort=newest")) == [new.id, middle.id, old.id]
    assert _ids(client.get("/proposals?sort=supported")) == [old.id, new.id, middle.id]
    assert _ids(client.get("/proposals?sort=discussed")) == [middle.id, new.id, old.id]
    assert sorted(_ids(client.get("/proposals?sort=random"))) == sorted(
        [old.id, middle.id, new.id])


def test_random_order_is_stable_for_a_visitor_and_differs_between_visitors(
        app, client, consultation):
    _bulk(consultation, 45)
    first_page = _ids(client.get("/proposals?sort=random"))
    assert _ids(client.get("/proposals?sort=random")) == first_page
    second_page = _ids(client.get("/proposals?sort=random&page=2"))
    third_page = _ids(client.get("/proposals?sort=random&page=3"))
    seen = first_page + second_page + third_page
    assert len(seen) == 45 and len(set(seen)) == 45  # pages neither repeat nor skip
    assert seen != sorted(seen) and seen != sorted(seen, reverse=True)
    page = client.get("/proposals?sort=random").get_data(as_text=True)
    assert "random order" in page
    orders = set()
    for _ in range(4):
        visitor = app.test_client()
        orders.add(tuple(_ids(visitor.get("/proposals?sort=random"))))
    assert len(orders) > 1


def test_pagination(client, consultation):
    _bulk(consultation, 45)
    first = client.get("/proposals?sector=energy")
    assert len(_ids(first)) == 20
    page = first.get_data(as_text=True)
    assert "Page 1 of 3" in page and "45 proposals" in page
    assert 'href="/proposals?page=2&amp;sector=energy"' in page
    assert len(_ids(client.get("/proposals?page=3"))) == 5
    assert _ids(client.get("/proposals?page=4")) == []


def test_htmx_gets_the_results_region_alone(client, consultation, users):
    make_proposal(consultation, users(), title="Zieleń na dachach")
    make_proposal(consultation, users(), title="Naprawa sprzętu")
    response = client.get("/proposals?q=zielen", headers={"HX-Request": "true"})
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment and "<h1" not in fragment and "<form" not in fragment
    assert "Zieleń na dachach" in fragment and "Naprawa" not in fragment
    assert "HX-Request" in response.headers["Vary"]
    full = client.get("/proposals?q=zielen").get_data(as_text=True)
    assert "<h1>" in full and 'id="proposal-results"' in full
    assert 'hx-get="/proposals"' in full and 'hx-target="#proposal-results"' in full
    assert 'hx-push-url="true"' in full and 'value="zielen"' in full
    boosted = client.get("/proposals", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<h1>" in boosted.get_data(as_text=True)


def test_the_filter_form_works_without_javascript(client, consultation):
    page = client.get("/proposals").get_data(as_text=True)
    form = re.search(r'<form method="get" action="/proposals"[^>]*>', page)
    assert form is not None
    for name in ("q", "consultation", "sector", "district", "goal", "status", "sort"):
        assert f'name="{name}"' in page
    assert '<button type="submit" class="button">' in page


@pytest.mark.parametrize("sort", ["newest", "supported", "discussed", "random"])
def test_listing_query_count_does_not_grow(sort, client, count_queries, consultation):
    _bulk(consultation, 10)
    client.get(f"/proposals?sort={sort}")
    with count_queries() as few:
        assert client.get(f"/proposals?sort={sort}&q=projekt").status_code == 200
    _bulk(consultation, 490)
    with count_queries() as many:
        assert client.get(f"/proposals?sort={sort}&q=projekt").status_code == 200
    assert few["count"] == many["count"]


def test_my_proposals(client, auth, consultation, users):
    me = auth.login_as()
    other = users()
    draft = make_proposal(consultation, me, status=ProposalStatus.DRAFT, title="Mój szkic")
    coauthored = make_proposal(consultation, other, title="Wspólny projekt")
    db.session.add(ProposalCoauthor(proposal_id=coauthored.id, user_id=me.id))
    db.session.commit()
    make_proposal(consultation, other, title="Cudzy projekt")
    page = client.get("/proposals/mine").get_data(as_text=True)
    assert "Mój szkic" in page and "Wspólny projekt" in page and "Cudzy projekt" not in page
    assert "Draft" in page
    assert f"/proposals/{draft.id}" in page


def test_my_proposals_empty_and_for_visitors(client, auth):
    response = client.get("/proposals/mine")
    assert response.status_code == 302
    auth.login_as()
    assert "You have not written any proposals yet." in client.get(
        "/proposals/mine").get_data(as_text=True)


def test_postgresql_search_can_use_the_full_text_index(app):
    from sqlalchemy import select, text

    from app.proposals.services import listing_query, parse_filters, search_clause

    if db.engine.dialect.name != "postgresql":
        pytest.skip("the GIN index exists on PostgreSQL only")
    query = listing_query(parse_filters({"q": "Zieleń dach"}))
    sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
    assert "to_tsquery('agora_polish'::regconfig, 'zielen:* & dach:*')" in sql
    alone = select(Proposal.id).where(search_clause(["zielen", "dach"]))
    sql = str(alone.compile(db.engine, compile_kwargs={"literal_binds": True}))
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(db.session.execute(text(f"EXPLAIN {sql}")).scalars())
    db.session.rollback()
    assert "ix_proposals_search" in plan, plan


def test_random_orders_differ_by_more_than_a_rotation(app, consultation):
    from app.proposals.services import SEED_RANGE, ListingFilters, listing_query

    _bulk(consultation, 30)

    def order(seed: int) -> list[int]:
        query = listing_query(ListingFilters(sort="random"), seed)
        return [p.id for p in db.session.scalars(query)]

    first, second = order(SEED_RANGE[0] + 12345), order(SEED_RANGE[1] - 777)
    assert sorted(first) == sorted(second) and first != second
    start = second.index(first[0])
    assert second[start:] + second[:start] != first
    assert order(SEED_RANGE[0] + 12345) == first


def test_random_order_does_not_overflow_with_large_ids(app, consultation, users):
    from app.proposals.services import SEED_RANGE, ListingFilters, listing_query

    make_proposal(consultation, users(), id=2_000_000_000)
    make_proposal(consultation, users(), id=2_147_483_000)
    query = listing_query(ListingFilters(sort="random"), SEED_RANGE[1] - 1)
    assert len(list(db.session.scalars(query))) == 2
