"""Operator commands: first administrator, demo city."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.admin.services import get_setting
from app.demo.consultation import EXTRA_RESIDENTS, PROPOSALS
from app.demo.inclusion import participant_count
from app.demo.services import DEMO_ACCOUNTS, DEMO_PASSWORD
from app.extensions import db
from app.moderation.audit import verify_chain
from app.organisations.models import Organisation, Representation
from tests.moderation.helpers import audit_actions, audit_entries, last_entry


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_create_admin(runner, client, auth):
    result = runner.invoke(args=["users", "create-admin", "--email", "Boss@Example.org",
                                 "--name", "Szefowa"],
                           input="a long admin password\na long admin password\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "boss@example.org"))
    assert user.role is Role.ADMIN and user.is_confirmed
    entry = last_entry()
    assert (entry.action, entry.actor_role, entry.actor_id, entry.target_id) == (
        "user.role", "system", None, user.id)
    assert entry.details == {"from": None, "to": "admin"}
    assert auth.login("boss@example.org", "a long admin password").status_code == 303
    assert client.get("/admin/users").status_code == 200


def test_create_admin_promotes_existing_account(runner, users):
    person = users(email="person@example.org")
    result = runner.invoke(args=["users", "create-admin", "--email", "person@example.org",
                                 "--name", "Person", "--password", "a long admin password"])
    assert result.exit_code == 0, result.output
    assert db.session.get(User, person.id).role is Role.ADMIN
    assert _count(User) == 1
    assert last_entry().details == {"from": "resident", "to": "admin"}
    runner.invoke(args=["users", "create-admin", "--email", "person@example.org",
                        "--name", "Person", "--password", "another long password"])
    assert audit_actions() == ["user.role"], "an administrator already: no role change"


def test_create_admin_refuses_bad_input(runner):
    short = runner.invoke(args=["users", "create-admin", "--email", "a@example.org",
                                "--name", "Admin", "--password", "short"])
    assert short.exit_code != 0
    bad_email = runner.invoke(args=["users", "create-admin", "--email", "not-an-email",
                                    "--name", "Admin", "--password", "a long admin password"])
    assert bad_email.exit_code != 0
    assert _count(User) == 0


def test_demo_load_is_idempotent_and_labelled(runner, client, auth):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    counts = (_count(User), _count(Organisation), _count(Representation))
    first_log = audit_entries()
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0
    assert (_count(User), _count(Organisation), _count(Representation)) == counts
    assert counts[0] == len(DEMO_ACCOUNTS) + len(EXTRA_RESIDENTS) + participant_count()
    assert get_setting("demo") is True
    assert len(audit_entries()) == len(first_log), "loading again records nothing new"
    body = client.get("/").get_data(as_text=True)
    assert "demo-banner" in body and "Wrzosów" in body


def test_demo_if_empty_skips_a_database_with_accounts(runner, users):
    users()
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert "not loaded" in result.output
    assert _count(Organisation) == 0


def test_every_demo_account_logs_in_with_its_role(runner, client, auth):
    runner.invoke(args=["demo", "load"])
    roles = set()
    for email, _name, role in DEMO_ACCOUNTS:
        assert auth.login(email, DEMO_PASSWORD).status_code == 303, email
        roles.add(role)
        auth.logout()
    assert roles == set(Role)
    printed = runner.invoke(args=["demo", "accounts"]).output
    assert all(email in printed for email, _n, _r in DEMO_ACCOUNTS)
    assert DEMO_PASSWORD in printed


def test_demo_refuses_production_configuration(app, runner):
    app.config["ENV_NAME"] = "production"
    refused = runner.invoke(args=["demo", "load"])
    assert refused.exit_code != 0 and "production" in refused.output
    assert _count(User) == 0
    allowed = runner.invoke(args=["demo", "load", "--allow-production"])
    assert allowed.exit_code == 0
    assert _count(User) == len(DEMO_ACCOUNTS) + len(EXTRA_RESIDENTS) + participant_count()


def test_demo_consultation_has_proposals_across_sectors_and_consistent_counts(runner):
    from app.consultations.models import Consultation
    from app.demo.consultation import CONSULTATION_TITLE
    from app.discussion.models import Comment
    from app.proposals.models import Proposal
    from app.supports.models import Support

    runner.invoke(args=["demo", "load"])
    proposals = list(db.session.scalars(select(Proposal).join(Consultation).where(
        Consultation.title == CONSULTATION_TITLE)))
    assert len(proposals) == len(PROPOSALS) >= 30
    assert len({p.sector for p in proposals}) == 8
    for proposal in proposals:
        supports = db.session.scalar(select(func.count()).select_from(Support)
                                     .where(Support.proposal_id == proposal.id))
        comments = db.session.scalar(select(func.count()).select_from(Comment)
                                     .where(Comment.proposal_id == proposal.id))
        assert proposal.support_count == supports
        assert proposal.comment_count == comments
    stances = set(db.session.scalars(select(Comment.stance)))
    assert {"for", "against"} <= {str(s) for s in stances}


def test_demo_staff_actions_make_a_valid_chain(runner):
    from app.demo.consultation import DISTRICTS, STRATEGY

    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    actions = audit_actions()
    assert actions.count("settings.change") == 2
    assert actions.count("representation.approve") == 1
    assert actions.count("district.create") == len(DISTRICTS)
    goals = sum(1 + len(objectives) for _code, _title, objectives, _indicators in STRATEGY)
    assert actions.count("goal.create") == goals
    assert actions.count("indicator.import") == 1
    # cooperatives, the budget vote, the past consultation under implementation, and the
    # published budget
    assert actions.count("consultation.create") == 4
    assert actions.count("implementation.update") == 4
    assert actions.count("vote.settings") == 1
    assert actions.count("results.propose") == actions.count("results.publish") == 1
    staff = db.session.scalar(select(User).where(User.role == Role.STAFF))
    moderator = db.session.scalar(select(User).where(User.role == Role.MODERATOR))
    admin = db.session.scalar(select(User).where(User.role == Role.ADMIN))
    moderation = {"content.hide", "user.block"}  # the demo's moderation cases
    by_people = [entry for entry in audit_entries() if entry.action != "settings.change"]
    # Staff did everything but the moderation cases (the moderator) and approving the
    # published result (the administrator, which also set the proposals' statuses).
    assert {entry.actor_id for entry in by_people
            if entry.action not in moderation and entry.actor_id != admin.id} == {staff.id}
    assert {entry.actor_id for entry in by_people if entry.action in moderation} == {
        moderator.id}
    assert {e.action for e in by_people if e.actor_id == admin.id} == {
        "results.publish", "proposal.status"}
    assert verify_chain().ok
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert result.output.strip() == f"{len(actions)} entries, chain intact"


def test_audit_verify_fails_naming_an_entry_edited_in_the_demo(runner):
    from sqlalchemy import text

    runner.invoke(args=["demo", "load"])
    db.session.execute(text("UPDATE audit_entries SET reason = 'Poprawione' WHERE seq = 4"))
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "entry 4" in result.output and "does not match its hash" in result.output
