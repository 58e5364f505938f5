"""Moderation: reports, hidden proposals and comments, locked discussions, blocked accounts,
merged proposals.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24

Reviewed by hand:
- reports: one per (target_type, target_id, reporter) — the database, not only the form,
  keeps a resident from reporting the same item twice, even with two requests at once; the
  target is a (type, id) pair without a foreign key, since it may be a proposal, a comment or
  an account; ix_reports_open_target serves the count of open reports per item that decides
  the automatic hiding and the moderators' queue; reporter_id is CASCADE (a report is the
  reporter's own, and the app never deletes user rows anyway);
- hidden_state, hidden_reason, hidden_at on proposals and comments: all nullable, NULL is
  "shown", so existing rows need no data migration; the state is a plain string (no CHECK),
  like every enum here;
- discussion_locked_at/discussion_lock_reason on proposals, blocked_until/block_reason on
  users: nullable, NULL is "not locked"/"not blocked";
- proposals.merged_into_id refers to proposals with SET NULL and an index (the page of a
  proposal lists what was merged into it).
- New proposal statuses ("changes_requested", "merged") need no change: the column is a
  plain VARCHAR(20).
"""

import sqlalchemy as sa
from alembic import op


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

HIDDEN_STATE = sa.Enum("pending", "hidden", name="hiddenstate", native_enum=False, length=10)


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_type", sa.Enum("proposal", "comment", "user", name="reportkind",
                                         native_enum=False, length=20), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Enum("spam", "offensive", "off_topic", "personal_data", "other",
                                    name="reportreason", native_enum=False, length=20),
                  nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["reporter_id"], ["users.id"],
                                name=op.f("fk_reports_reporter_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("target_type", "target_id", "reporter_id",
                            name=op.f("uq_reports_target_type_target_id_reporter_id")),
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index("ix_reports_open_target",
                              ["target_type", "target_id", "resolved_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_reports_reporter_id"), ["reporter_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_reports_created_at"), ["created_at"], unique=False)

    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hidden_state", HIDDEN_STATE, nullable=True))
        batch_op.add_column(sa.Column("hidden_reason", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hidden_state", HIDDEN_STATE, nullable=True))
        batch_op.add_column(sa.Column("hidden_reason", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("discussion_locked_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("discussion_lock_reason", sa.String(length=500),
                                      nullable=True))
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_proposals_merged_into_id"), ["merged_into_id"],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_proposals_merged_into_id_proposals"),
                                    "proposals", ["merged_into_id"], ["id"],
                                    ondelete="SET NULL")

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("block_reason", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("block_reason")
        batch_op.drop_column("blocked_until")

    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_proposals_merged_into_id_proposals"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_proposals_merged_into_id"))
        batch_op.drop_column("merged_into_id")
        batch_op.drop_column("discussion_lock_reason")
        batch_op.drop_column("discussion_locked_at")
        batch_op.drop_column("hidden_at")
        batch_op.drop_column("hidden_reason")
        batch_op.drop_column("hidden_state")

    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_column("hidden_at")
        batch_op.drop_column("hidden_reason")
        batch_op.drop_column("hidden_state")

    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reports_created_at"))
        batch_op.drop_index(batch_op.f("ix_reports_reporter_id"))
        batch_op.drop_index("ix_reports_open_target")
    op.drop_table("reports")
