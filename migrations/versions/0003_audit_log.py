"""The tamper-evident audit log of moderator, staff and administrator actions.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24

Reviewed by hand:
- audit_entries is keyed by its sequence number (given by the app, not generated): two
  appends can never take the same place in the chain, and a gap shows a deleted entry;
- the hash is unique, as each one covers the previous hash and the entry's number;
- actor_id is RESTRICT, not SET NULL as elsewhere: the entry's hash covers the id, so the
  database refuses to delete a user row the log names. The app never deletes user rows
  (account deletion erases a person's data in place), so this only stops a hand-made DELETE
  from silently rewriting the log; the actor's name and salt are nullable because account
  deletion erases them (their digest stays and keeps the chain verifiable);
- audit_head holds one row (id 1): the last entry's number and hash. Appending locks it
  with SELECT ... FOR UPDATE, and the verifier compares it with the end of the log. It starts
  empty; the first append creates it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "audit_entries",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("actor_name", sa.String(length=80), nullable=True),
        sa.Column("actor_name_salt", sa.String(length=32), nullable=True),
        sa.Column("actor_name_digest", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("target_type", sa.String(length=30), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"],
                                name=op.f("fk_audit_entries_actor_id_users"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_entries")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_entries_hash")),
    )
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entries_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entries_actor_id"), ["actor_id"],
                              unique=False)

    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )


def downgrade():
    op.drop_table("audit_head")
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entries_actor_id"))
        batch_op.drop_index(batch_op.f("ix_audit_entries_action"))
    op.drop_table("audit_entries")
