"""The audit log's chain: appending, its canonical form, and the verifier catching tampering."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.accounts import services as account_services
from app.accounts.models import Role, User
from app.extensions import db
from app.moderation.audit import (
    GENESIS_HASH,
    canonical_content,
    entry_hash,
    name_digest,
    record,
    verify_chain,
)
from app.moderation.models import AuditEntry, AuditHead
from tests.conftest import PASSWORD
from tests.moderation.helpers import audit_entries, last_entry, raw, write_chain


def test_entries_chain_from_the_genesis_value(app, users):
    moderator = users(Role.MODERATOR, name="Monika Moderatorka")
    first, second, third = write_chain(3, moderator)
    assert [first.seq, second.seq, third.seq] == [1, 2, 3]
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert first.actor_id == moderator.id and first.actor_role == "moderator"
    assert first.actor_name == "Monika Moderatorka"
    assert first.actor_name_digest == name_digest("Monika Moderatorka", first.actor_name_salt)
    assert first.reason == "Powód 1" and first.details == {"from": "Stara 1", "to": "Nowa 1"}
    assert len({first.hash, second.hash, third.hash}) == 3
    head = db.session.get(AuditHead, 1)
    assert (head.seq, head.hash) == (3, third.hash)


def test_stored_entries_hash_the_same_after_a_round_trip(app, users):
    """Times keep their microseconds and details their values on both databases."""
    actor = users(Role.STAFF)
    entry = record(actor, "indicator.import", "strategy", None, reason="  Dane GUS 2025  ",
                   details={"created": 3, "updated": 0, "values": 12, "note": "żółć",
                            "list": [1, True, None, {"b": "x", "a": "y"}]})
    db.session.commit()
    written_at, written_hash = entry.created_at, entry.hash
    db.session.expunge_all()
    stored = db.session.get(AuditEntry, 1)
    assert stored.created_at == written_at and stored.created_at.tzinfo is not None
    assert stored.reason == "Dane GUS 2025"
    assert entry_hash(stored) == stored.hash == written_hash
    assert verify_chain().ok


def test_the_canonical_form_is_sorted_compact_json():
    entry = AuditEntry(
        seq=7, created_at=datetime(2026, 5, 4, 9, 30, tzinfo=UTC), actor_id=3,
        actor_role="moderator", actor_name_digest="ab" * 32, action="proposal.status",
        target_type="proposal", target_id=12, reason="Poza zakresem, źle",
        details={"to": "rejected", "from": "submitted"}, prev_hash=GENESIS_HASH)
    expected = (
        '{"action":"proposal.status","actor_id":3,"actor_name_digest":"' + "ab" * 32 + '",'
        '"actor_role":"moderator","details":{"from":"submitted","to":"rejected"},'
        '"prev_hash":"' + "0" * 64 + '","reason":"Poza zakresem, źle","seq":7,'
        '"target_id":12,"target_type":"proposal","time":"2026-05-04T09:30:00.000000Z"}'
    ).encode()
    assert canonical_content(entry) == expected
    assert entry_hash(entry) == hashlib.sha256(expected).hexdigest()


def test_the_platform_itself_can_act(app):
    entry = record(None, "settings.change", "setting", None,
                   details={"key": "city_name", "value": "Wrzosów"})
    db.session.commit()
    assert entry.actor_role == "system" and entry.actor_id is None
    assert entry.actor_name is None and entry.actor_name_digest is None
    assert verify_chain().ok


@pytest.mark.parametrize(("arguments", "error"), [
    (("user.delete", "user", 1), ValueError),
    (("user.role", "ballot", 1), ValueError),
])
def test_unknown_actions_and_targets_are_refused(app, arguments, error):
    with pytest.raises(error):
        record(None, *arguments)


@pytest.mark.parametrize(("details", "error"), [
    ({"email": "jan.kowalski@example.org"}, ValueError),
    ({"people": [{"contact": "pisz na jan@example.org"}]}, ValueError),
    ({"cost": 12.5}, TypeError),
    ({1: "a"}, TypeError),
    ({"when": datetime(2026, 1, 1, tzinfo=UTC)}, TypeError),
])
def test_details_must_be_exact_and_free_of_email_addresses(app, details, error):
    with pytest.raises(error):
        record(None, "settings.change", "setting", None, details=details)
    assert audit_entries() == []


def test_record_does_not_commit(app, users):
    actor = users(Role.ADMIN)
    record(actor, "user.role", "user", actor.id, details={"from": "staff", "to": "admin"})
    db.session.rollback()
    assert audit_entries() == [] and db.session.get(AuditHead, 1) is None
    assert record(actor, "user.role", "user", actor.id).seq == 1


# -- The verifier --------------------------------------------------------------------------


def test_an_empty_log_is_intact(app, runner):
    assert verify_chain().ok and verify_chain().entries == 0
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "0 entries, chain intact" in result.output


def test_an_untouched_log_is_intact(app, runner):
    write_chain(5)
    result = verify_chain()
    assert (result.ok, result.entries, result.broken_seq) == (True, 5, None)
    printed = runner.invoke(args=["audit", "verify"])
    assert printed.exit_code == 0
    assert printed.output.strip() == "5 entries, chain intact"


@pytest.mark.parametrize("change", [
    "UPDATE audit_entries SET reason = 'Inny powód' WHERE seq = 3",
    "UPDATE audit_entries SET action = 'district.delete' WHERE seq = 3",
    "UPDATE audit_entries SET target_id = 99 WHERE seq = 3",
    "UPDATE audit_entries SET actor_role = 'admin' WHERE seq = 3",
    "UPDATE audit_entries SET actor_id = NULL WHERE seq = 3",
])
def test_an_edited_entry_is_named(app, runner, change):
    write_chain(5)
    raw(change)
    result = verify_chain()
    assert not result.ok and result.broken_seq == 3
    assert "does not match its hash" in result.problem
    printed = runner.invoke(args=["audit", "verify"])
    assert printed.exit_code == 1
    assert "entry 3" in printed.output and "does not match its hash" in printed.output


def test_an_edited_entry_with_a_recomputed_hash_breaks_the_next_link(app):
    entries = write_chain(5)
    forged = entries[2]
    forged.reason = "Inny powód"
    raw("UPDATE audit_entries SET reason = :reason, hash = :hash WHERE seq = 3",
        reason="Inny powód", hash=entry_hash(forged))
    result = verify_chain()
    assert result.broken_seq == 4 and "does not link to entry 3" in result.problem


def test_a_deleted_entry_is_named(app, runner):
    write_chain(5)
    raw("DELETE FROM audit_entries WHERE seq = 2")
    result = verify_chain()
    assert result.broken_seq == 2 and "entry 2 is missing" in result.problem
    printed = runner.invoke(args=["audit", "verify"])
    assert printed.exit_code == 1 and "entry 2 is missing" in printed.output


def test_the_first_entry_deleted_is_named(app):
    write_chain(3)
    raw("DELETE FROM audit_entries WHERE seq = 1")
    assert verify_chain().broken_seq == 1


def test_the_last_entry_deleted_is_named_through_the_head(app):
    write_chain(5)
    raw("DELETE FROM audit_entries WHERE seq = 5")
    result = verify_chain()
    assert result.broken_seq == 5 and "entry 5 is missing" in result.problem


def test_a_missing_head_is_reported(app):
    write_chain(2)
    raw("DELETE FROM audit_head")
    result = verify_chain()
    assert not result.ok and "head" in result.problem


def test_an_entry_added_beyond_the_head_is_named(app):
    entries = write_chain(2)
    extra = AuditEntry(seq=3, created_at=entries[-1].created_at, actor_role="system",
                       action="settings.change", target_type="setting", reason="",
                       details={}, prev_hash=entries[-1].hash)
    extra.hash = entry_hash(extra)
    raw("INSERT INTO audit_entries (seq, created_at, actor_role, action, target_type, reason, "
        "details, prev_hash, hash) SELECT 3, created_at, 'system', 'settings.change', 'setting', "
        "'', '{}', :prev, :hash FROM audit_entries WHERE seq = 2",
        prev=extra.prev_hash, hash=extra.hash)
    result = verify_chain()
    assert result.broken_seq == 3 and "beyond the head" in result.problem


COLUMNS = ("created_at", "actor_id", "actor_role", "actor_name", "actor_name_salt",
           "actor_name_digest", "action", "target_type", "target_id", "reason", "details",
           "prev_hash", "hash")


def test_two_entries_with_swapped_contents_are_named(app, users):
    write_chain(2)
    write_chain(2, users(Role.STAFF, name="Stanisław z Urzędu"))
    assignments = ", ".join(f"{column} = other.{column}" for column in COLUMNS)
    # Through a copy, as the hashes are unique: 2 takes 3's content and 3 takes 2's.
    raw("CREATE TABLE audit_copy AS SELECT * FROM audit_entries")
    raw("UPDATE audit_entries SET hash = CAST(seq AS VARCHAR(64)) WHERE seq IN (2, 3)")
    raw(f"UPDATE audit_entries SET {assignments} FROM audit_copy AS other "  # noqa: S608
        "WHERE other.seq = 5 - audit_entries.seq AND audit_entries.seq IN (2, 3)")
    raw("DROP TABLE audit_copy")
    assert [entry.reason for entry in audit_entries()] == ["Powód 1", "Powód 1", "Powód 2",
                                                           "Powód 2"]
    result = verify_chain()
    assert result.broken_seq == 2 and not result.ok


def test_two_entries_with_swapped_numbers_are_named(app, runner):
    write_chain(4)
    raw("UPDATE audit_entries SET seq = -2 WHERE seq = 2")
    raw("UPDATE audit_entries SET seq = 2 WHERE seq = 3")
    raw("UPDATE audit_entries SET seq = 3 WHERE seq = -2")
    result = verify_chain()
    assert result.broken_seq == 2 and "does not match its hash" in result.problem
    assert runner.invoke(args=["audit", "verify"]).exit_code == 1


def test_a_changed_actor_name_is_named(app):
    write_chain(3)
    raw("UPDATE audit_entries SET actor_name = 'Ktoś Inny' WHERE seq = 2")
    result = verify_chain()
    assert result.broken_seq == 2 and "name was changed" in result.problem


def test_an_erased_name_needs_a_deleted_account(app):
    write_chain(3)
    raw("UPDATE audit_entries SET actor_name = NULL, actor_name_salt = NULL WHERE seq = 2")
    result = verify_chain()
    assert result.broken_seq == 2 and "not deleted" in result.problem


def test_deleting_an_account_erases_its_name_and_keeps_the_chain(app, users):
    moderator = users(Role.MODERATOR, name="Monika Moderatorka")
    other = users(Role.STAFF, name="Stanisław z Urzędu")
    write_chain(2, moderator)
    write_chain(1, other)
    account_services.delete_account(moderator, PASSWORD)
    first, second, third = audit_entries()
    for entry in (first, second):
        assert entry.actor_id == moderator.id and entry.actor_role == "moderator"
        assert entry.actor_name is None and entry.actor_name_salt is None
        assert entry.actor_name_digest is not None
    assert third.actor_name == "Stanisław z Urzędu"
    assert verify_chain().ok and verify_chain().entries == 3


def test_the_database_keeps_the_actors_the_log_names(app, users):
    """The hash covers the actor's id: a user row the log names cannot be deleted."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite does not enforce foreign keys here")
    moderator = users(Role.MODERATOR)
    write_chain(1, moderator)
    with pytest.raises(IntegrityError):
        raw("DELETE FROM users WHERE id = :id", id=moderator.id)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    assert last_entry().actor_id == moderator.id


def test_an_entry_numbered_below_one_is_named(app):
    write_chain(2)
    raw("UPDATE audit_entries SET seq = 0 WHERE seq = 1")
    result = verify_chain()
    assert result.broken_seq == 0 and "numbered from 1" in result.problem
