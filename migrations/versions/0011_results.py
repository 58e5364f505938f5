"""Published results: publications (proposed, approved, corrected) and their files.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24

Reviewed by hand:
- result_publications: one row per proposed or published result. `number` is NULL while the
  row waits for a second approval and 1, 2, ... once published (unique per consultation, so
  two approvals racing cannot both take the same number); a published row is never updated
  again by the app: a correction is a new row that `supersedes` it (SET NULL only so that a
  database clean-up cannot cascade across publications);
- snapshot / answers / changes are JSON: the tally as published and the official answers are
  kept as they were, independent of later edits to proposals or options;
- result_files keeps the bytes of every published file (LargeBinary: bytea / BLOB) with their
  SHA-256, so a file and its hash never change after publication; one file name per
  publication;
- user references are SET NULL (users are never deleted by the app), consultations CASCADE.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "result_publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("change_summary", sa.Text(), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=True),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultations.id"],
                                name=op.f("fk_result_publications_consultation_id_consultations"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["proposed_by_id"], ["users.id"],
                                name=op.f("fk_result_publications_proposed_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["approved_by_id"], ["users.id"],
                                name=op.f("fk_result_publications_approved_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["supersedes_id"], ["result_publications.id"],
            name=op.f("fk_result_publications_supersedes_id_result_publications"),
            ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_result_publications")),
        sa.UniqueConstraint("consultation_id", "number",
                            name=op.f("uq_result_publications_consultation_id_number")),
    )
    with op.batch_alter_table("result_publications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_result_publications_consultation_id"),
                              ["consultation_id"], unique=False)

    op.create_table(
        "result_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("pool", sa.String(length=20), nullable=False),
        sa.Column("media_type", sa.String(length=80), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["publication_id"], ["result_publications.id"],
                                name=op.f("fk_result_files_publication_id_result_publications"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_result_files")),
        sa.UniqueConstraint("publication_id", "name",
                            name=op.f("uq_result_files_publication_id_name")),
    )
    with op.batch_alter_table("result_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_result_files_publication_id"), ["publication_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("result_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_result_files_publication_id"))
    op.drop_table("result_files")
    with op.batch_alter_table("result_publications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_result_publications_consultation_id"))
    op.drop_table("result_publications")
