"""Voting: settings per consultation, frozen options, the voter roll, ballots, draft results.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24

Reviewed by hand:
- voter_roll is unique on (consultation_id, user_id) and on (consultation_id,
  census_entry_id): one vote per account and per person on the census, online or on paper.
  These constraints are what keeps one person to one vote when requests race; NULLs (an
  unverified online voter has no census entry, a paper voter may have no account) do not
  collide, as both databases treat NULLs as distinct in unique constraints;
- ballots has no user or census column and no autoincrement id: its key is 128 random bits
  (32 hex characters), its only time is the hour it was cast in; receipt_hash (SHA-256 of
  the receipt code) is unique so a published receipt names exactly one ballot;
- voter_roll.recorded_hour is rounded to the hour too, so roll and ballots do not pair up
  by time;
- voting_settings is 1:1 with consultations (its key is the consultation's id); districts,
  pools, questions, options and the draft result hang off it and go with it (CASCADE);
- voting_options copies each proposal's title, cost and district when voting opens, so
  later edits to proposals do not change the ballot or the tally;
- user and district references are SET NULL: the app never deletes user rows, and a
  district's removal must not remove ballots.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ballots",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column(
            "channel",
            sa.Enum("online", "paper", name="channel", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("cast_hour", sa.DateTime(timezone=True), nullable=False),
        sa.Column("receipt_hash", sa.String(length=64), nullable=True),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_ballots_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.id"],
            name=op.f("fk_ballots_district_id_districts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballots")),
        sa.UniqueConstraint("receipt_hash", name=op.f("uq_ballots_receipt_hash")),
    )
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ballots_consultation_id"), ["consultation_id"], unique=False
        )

    op.create_table(
        "voter_roll",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("census_entry_id", sa.Integer(), nullable=True),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column(
            "channel",
            sa.Enum("online", "paper", name="channel", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("recorded_hour", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["census_entry_id"],
            ["census_entries.id"],
            name=op.f("fk_voter_roll_census_entry_id_census_entries"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_voter_roll_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.id"],
            name=op.f("fk_voter_roll_district_id_districts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_voter_roll_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_voter_roll_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voter_roll")),
        sa.UniqueConstraint(
            "consultation_id",
            "census_entry_id",
            name=op.f("uq_voter_roll_consultation_id_census_entry_id"),
        ),
        sa.UniqueConstraint(
            "consultation_id", "user_id", name=op.f("uq_voter_roll_consultation_id_user_id")
        ),
    )
    with op.batch_alter_table("voter_roll", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_voter_roll_consultation_id"), ["consultation_id"], unique=False
        )

    op.create_table(
        "voting_settings",
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "yes_no", "approval", "budget", name="votingmethod", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("approval_max", sa.Integer(), nullable=True),
        sa.Column("city_budget", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("min_picks", sa.Integer(), nullable=False),
        sa.Column("max_picks", sa.Integer(), nullable=True),
        sa.Column("tally_rule", sa.String(length=40), nullable=False),
        sa.Column("verification_required", sa.Boolean(), nullable=False),
        sa.Column("minimum_age", sa.Integer(), nullable=True),
        sa.Column("options_frozen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["closed_by_id"],
            ["users.id"],
            name=op.f("fk_voting_settings_closed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_voting_settings_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("consultation_id", name=op.f("pk_voting_settings")),
    )
    op.create_table(
        "voting_district_pools",
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["voting_settings.consultation_id"],
            name=op.f("fk_voting_district_pools_consultation_id_voting_settings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.id"],
            name=op.f("fk_voting_district_pools_district_id_districts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "consultation_id", "district_id", name=op.f("pk_voting_district_pools")
        ),
    )
    op.create_table(
        "voting_districts",
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["voting_settings.consultation_id"],
            name=op.f("fk_voting_districts_consultation_id_voting_settings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.id"],
            name=op.f("fk_voting_districts_district_id_districts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("consultation_id", "district_id", name=op.f("pk_voting_districts")),
    )
    op.create_table(
        "voting_options",
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("cost", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["voting_settings.consultation_id"],
            name=op.f("fk_voting_options_consultation_id_voting_settings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.id"],
            name=op.f("fk_voting_options_district_id_districts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name=op.f("fk_voting_options_proposal_id_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("consultation_id", "proposal_id", name=op.f("pk_voting_options")),
    )
    op.create_table(
        "voting_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["voting_settings.consultation_id"],
            name=op.f("fk_voting_questions_consultation_id_voting_settings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voting_questions")),
        sa.UniqueConstraint(
            "consultation_id", "position", name=op.f("uq_voting_questions_consultation_id_position")
        ),
    )
    with op.batch_alter_table("voting_questions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_voting_questions_consultation_id"), ["consultation_id"], unique=False
        )

    op.create_table(
        "voting_results",
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "yes_no", "approval", "budget", name="votingmethod", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("ballots_online", sa.Integer(), nullable=False),
        sa.Column("ballots_paper", sa.Integer(), nullable=False),
        sa.Column("selected", sa.JSON(), nullable=False),
        sa.Column("total_cost", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["voting_settings.consultation_id"],
            name=op.f("fk_voting_results_consultation_id_voting_settings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("consultation_id", name=op.f("pk_voting_results")),
    )


def downgrade() -> None:
    op.drop_table("voting_results")
    with op.batch_alter_table("voting_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_voting_questions_consultation_id"))

    op.drop_table("voting_questions")
    op.drop_table("voting_options")
    op.drop_table("voting_districts")
    op.drop_table("voting_district_pools")
    op.drop_table("voting_settings")
    with op.batch_alter_table("voter_roll", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_voter_roll_consultation_id"))

    op.drop_table("voter_roll")
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ballots_consultation_id"))

    op.drop_table("ballots")
