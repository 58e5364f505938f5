"""The census list that verifies residents: keyed hashes of PESEL numbers, never the numbers.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24

Reviewed by hand:
- pesel_hash is unique: one person appears once on the census;
- user_id is unique (NULLs allowed): one census entry verifies one account, and the
  database, not only the app, refuses a second account racing for the same PESEL;
- district_id is RESTRICT: a district with people on the census is not deleted by accident;
- user_id and verified_by_id are SET NULL, though the app never deletes user rows.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "census_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pesel_hash", sa.String(length=64), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verified_by_id", sa.Integer(), nullable=True),
        sa.Column("method", sa.Enum("pesel", "in_person", name="verificationmethod",
                                    native_enum=False, length=20), nullable=True),
        sa.ForeignKeyConstraint(["district_id"], ["districts.id"],
                                name=op.f("fk_census_entries_district_id_districts"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_census_entries_user_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["verified_by_id"], ["users.id"],
                                name=op.f("fk_census_entries_verified_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_census_entries")),
        sa.UniqueConstraint("pesel_hash", name=op.f("uq_census_entries_pesel_hash")),
        sa.UniqueConstraint("user_id", name=op.f("uq_census_entries_user_id")),
    )
    with op.batch_alter_table("census_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_census_entries_district_id"), ["district_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("census_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_census_entries_district_id"))
    op.drop_table("census_entries")
