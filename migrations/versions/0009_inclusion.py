"""Inclusion: consented profiles, the population reference and citizens' panels.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24

Reviewed by hand:
- inclusion_profiles: one per user (unique user_id), deleted with the account's data or on
  withdrawal of consent; district SET NULL so deleting a district keeps the rest.
- population_counts: unique (district, age band, gender); the import replaces all rows.
- citizen_panels and their quotas, volunteers, messages and recommendations; the seed is a
  BIGINT (published before the draw). Volunteers are unique per panel both by user and by
  their public number. Enums are plain strings (no native types), as elsewhere.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inclusion_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("gender", sa.String(length=10), nullable=False),
        sa.Column("age_band", sa.String(length=10), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("work_situation", sa.String(length=20), nullable=False),
        sa.Column("consented_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["district_id"], ["districts.id"],
                                name=op.f("fk_inclusion_profiles_district_id_districts"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_inclusion_profiles_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inclusion_profiles")),
        sa.UniqueConstraint("user_id", name=op.f("uq_inclusion_profiles_user_id")),
    )
    with op.batch_alter_table("inclusion_profiles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inclusion_profiles_district_id"), ["district_id"],
                              unique=False)

    op.create_table(
        "population_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("age_band", sa.String(length=10), nullable=False),
        sa.Column("gender", sa.String(length=10), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["district_id"], ["districts.id"],
                                name=op.f("fk_population_counts_district_id_districts"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_population_counts")),
        sa.UniqueConstraint("district_id", "age_band", "gender",
                            name=op.f("uq_population_counts_district_id_age_band_gender")),
    )
    with op.batch_alter_table("population_counts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_population_counts_district_id"), ["district_id"],
                              unique=False)

    op.create_table(
        "citizen_panels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=True),
        sa.Column("seed_published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultations.id"],
                                name=op.f("fk_citizen_panels_consultation_id_consultations"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_citizen_panels_created_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citizen_panels")),
    )
    with op.batch_alter_table("citizen_panels", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_citizen_panels_consultation_id"),
                              ["consultation_id"], unique=False)

    op.create_table(
        "panel_quotas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("feature", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=20), nullable=False),
        sa.Column("minimum", sa.Integer(), nullable=False),
        sa.Column("maximum", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["panel_id"], ["citizen_panels.id"],
                                name=op.f("fk_panel_quotas_panel_id_citizen_panels"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_quotas")),
        sa.UniqueConstraint("panel_id", "feature", "value",
                            name=op.f("uq_panel_quotas_panel_id_feature_value")),
    )
    with op.batch_alter_table("panel_quotas", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_panel_quotas_panel_id"), ["panel_id"],
                              unique=False)

    op.create_table(
        "panel_volunteers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("gender", sa.String(length=10), nullable=False),
        sa.Column("age_band", sa.String(length=10), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("work_situation", sa.String(length=20), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("selected", sa.Boolean(), nullable=False),
        sa.Column("probability", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["district_id"], ["districts.id"],
                                name=op.f("fk_panel_volunteers_district_id_districts"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["panel_id"], ["citizen_panels.id"],
                                name=op.f("fk_panel_volunteers_panel_id_citizen_panels"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_panel_volunteers_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_volunteers")),
        sa.UniqueConstraint("panel_id", "user_id", name=op.f("uq_panel_volunteers_panel_id_user_id")),
        sa.UniqueConstraint("panel_id", "number",
                            name=op.f("uq_panel_volunteers_panel_id_number")),
    )
    with op.batch_alter_table("panel_volunteers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_panel_volunteers_panel_id"), ["panel_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_panel_volunteers_user_id"), ["user_id"],
                              unique=False)

    op.create_table(
        "panel_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"],
                                name=op.f("fk_panel_messages_author_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["panel_id"], ["citizen_panels.id"],
                                name=op.f("fk_panel_messages_panel_id_citizen_panels"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_messages")),
    )
    with op.batch_alter_table("panel_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_panel_messages_panel_id"), ["panel_id"],
                              unique=False)

    op.create_table(
        "panel_recommendations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["panel_id"], ["citizen_panels.id"],
                                name=op.f("fk_panel_recommendations_panel_id_citizen_panels"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposals.id"],
                                name=op.f("fk_panel_recommendations_proposal_id_proposals"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_recommendations")),
    )
    with op.batch_alter_table("panel_recommendations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_panel_recommendations_panel_id"), ["panel_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_panel_recommendations_proposal_id"),
                              ["proposal_id"], unique=False)


def downgrade() -> None:
    for table in ("panel_recommendations", "panel_messages", "panel_volunteers",
                  "panel_quotas", "citizen_panels", "population_counts",
                  "inclusion_profiles"):
        op.drop_table(table)
