"""A partial index for counting the public proposal listing.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-24

Reviewed by hand:
- ix_proposals_listed_status: proposals.status for rows not hidden by moderation (the
  listing's own condition). The listing's count then reads the index alone (an index-only
  scan on PostgreSQL) instead of the table, whose rows carry the proposals' texts.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

VISIBLE = sa.text("hidden_state IS NULL")


def upgrade() -> None:
    op.create_index("ix_proposals_listed_status", "proposals", ["status"],
                    postgresql_where=VISIBLE, sqlite_where=VISIBLE)


def downgrade() -> None:
    op.drop_index("ix_proposals_listed_status", table_name="proposals")
