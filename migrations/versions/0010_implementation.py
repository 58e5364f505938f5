"""Implementation tracking of funded projects: current state and dated staff updates.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24

Reviewed by hand:
- project_implementations is 1:1 with proposals: its key is the proposal's id (CASCADE, it
  goes with the proposal). A funded proposal without a row is "planned, 0%": rows appear
  with the first staff update, so publishing a result writes nothing here;
- progress is a whole percent, held to 0..100 by a CHECK in both tables (the form checks
  too; the CHECK keeps any other writer honest);
- status and cooperative_stage are plain strings (str_enum, no native type, no CHECK) like
  every enum in the schema, so adding a stage needs no migration;
- implementation_updates keep the status, progress and stage at the time of the update, so
  the history stays true after later updates; the text is stored as written (Markdown) and
  as sanitised HTML; author is SET NULL (users are never deleted, but an update must
  outlive its author); indexed by proposal for the project page.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

STATUS = sa.Enum("planned", "in_progress", "done", "cancelled", name="implementationstatus",
                 native_enum=False, length=20)
STAGE = sa.Enum("idea", "founding_group", "statute", "registration", "operating",
                name="cooperativestage", native_enum=False, length=20)


def upgrade() -> None:
    op.create_table(
        "project_implementations",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("cooperative_stage", STAGE, nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("progress >= 0 AND progress <= 100",
                           name=op.f("ck_project_implementations_progress_percent")),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposals.id"],
                                name=op.f("fk_project_implementations_proposal_id_proposals"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("proposal_id", name=op.f("pk_project_implementations")),
    )
    op.create_table(
        "implementation_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("update_date", sa.Date(), nullable=False),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("cooperative_stage", STAGE, nullable=True),
        sa.Column("text_markdown", sa.Text(), nullable=False),
        sa.Column("text_html", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("progress >= 0 AND progress <= 100",
                           name=op.f("ck_implementation_updates_update_progress_percent")),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"],
                                name=op.f("fk_implementation_updates_author_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposals.id"],
                                name=op.f("fk_implementation_updates_proposal_id_proposals"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_implementation_updates")),
    )
    op.create_index(op.f("ix_implementation_updates_proposal_id"), "implementation_updates",
                    ["proposal_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_implementation_updates_proposal_id"),
                  table_name="implementation_updates")
    op.drop_table("implementation_updates")
    op.drop_table("project_implementations")
