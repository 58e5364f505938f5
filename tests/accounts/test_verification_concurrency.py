"""One PESEL verifies one account, and one account has one PESEL, under concurrency.

Only on PostgreSQL, where requests really run in parallel; SQLite serialises writers.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.accounts.census import build_pesel
from app.accounts.models import CensusEntry, User
from app.extensions import db
from app.verification import services
from app.verification.services import Outcome
from tests.accounts.verification_helpers import PESEL_A, on_census
from tests.concurrency_fixtures import ATTEMPTS, all_at_once
from tests.conftest import make_user


def _race(parallel_app, pairs: list[tuple[int, str]]) -> tuple[list, list]:
    """Each thread verifies one (account, PESEL) pair; all released at one moment."""
    pending = list(pairs)

    def attempt(barrier):
        user_id, pesel = pending.pop()
        with parallel_app.test_request_context():
            try:
                user = db.session.get(User, user_id)
                assert user.census_entry is None  # loaded before the race
                barrier.wait()
                return services.verify_with_pesel(user, pesel)
            finally:
                db.session.remove()

    return all_at_once(attempt, attempts=len(pairs))


def _linked() -> int:
    return db.session.scalar(select(func.count()).select_from(CensusEntry)
                             .where(CensusEntry.user_id.is_not(None)))


def test_many_accounts_one_pesel_exactly_one_wins(parallel_app, app):
    on_census(PESEL_A)
    accounts = [make_user().id for _ in range(ATTEMPTS)]
    results, errors = _race(parallel_app, [(user_id, PESEL_A) for user_id in accounts])
    assert errors == []
    assert results.count(Outcome.VERIFIED) == 1
    assert results.count(Outcome.TAKEN) == ATTEMPTS - 1
    assert _linked() == 1
    winner = db.session.scalar(select(CensusEntry.user_id))
    assert winner in accounts


def test_one_account_many_pesels_gets_exactly_one(parallel_app, app):
    pesels = [build_pesel(date(1970, 1, 1), serial) for serial in range(ATTEMPTS)]
    for pesel in pesels:
        on_census(pesel)
    user_id = make_user().id
    results, errors = _race(parallel_app, [(user_id, pesel) for pesel in pesels])
    assert errors == []
    assert results.count(Outcome.VERIFIED) == 1
    assert results.count(Outcome.ALREADY_VERIFIED) == ATTEMPTS - 1
    assert _linked() == 1


def test_without_the_condition_the_same_race_has_many_winners(parallel_app, app,
                                                                monkeypatch):
    """The `user_id IS NULL` condition, not luck, picks one winner: without it, every
    account is told it is verified while the entry ends up with just one of them."""
    monkeypatch.setattr(services, "_unclaimed", lambda: CensusEntry.id.is_not(None))
    on_census(PESEL_A)
    accounts = [make_user().id for _ in range(ATTEMPTS)]
    results, errors = _race(parallel_app, [(user_id, PESEL_A) for user_id in accounts])
    assert errors == []
    assert results.count(Outcome.VERIFIED) > 1
    assert _linked() == 1


def test_attempts_sent_at_once_do_not_pass_the_limit(parallel_app, app):
    """Every attempt is counted as it arrives, so a burst cannot probe the census faster."""
    from tests.conftest import PASSWORD, AgoraClient

    limit, attempts = 5, 20
    parallel_app.config["VERIFY_LIMIT_PER_ACCOUNT"] = f"{limit} per hour"
    parallel_app.test_client_class = AgoraClient
    email = make_user().email
    on_census(PESEL_A)
    pesels = [build_pesel(date(1960, 1, 1), serial) for serial in range(attempts)]

    def attempt(barrier):
        client = parallel_app.test_client()
        login = client.post("/account/login", data={"email": email, "password": PASSWORD})
        assert login.status_code == 303
        token = client.csrf_token()
        barrier.wait()
        return client.post("/account/verify", data={"pesel": pesels.pop(), "csrf_token": token},
                           csrf=False).status_code

    statuses, errors = all_at_once(attempt, attempts=attempts)
    assert errors == []
    assert sorted(statuses) == [200] * limit + [429] * (attempts - limit)
