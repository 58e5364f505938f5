"""The content generation: one number raised after every commit that changed public content.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24

Reviewed by hand: a single row (id 1), created here so the first change only has to add one;
the page store (app/page_cache.py) compares it with the generation its copies were made at.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "content_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_generation")),
    )
    op.bulk_insert(table, [{"id": 1, "value": 0}])


def downgrade() -> None:
    op.drop_table("content_generation")
