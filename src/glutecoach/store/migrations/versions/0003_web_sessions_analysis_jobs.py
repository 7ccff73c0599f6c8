"""Web app: browser sessions, background analysis jobs, slot length on availability.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("availability") as batch:
        batch.add_column(
            sa.Column("slot_minutes", sa.Integer(), nullable=False, server_default=sa.text("30"))
        )

    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.Column("expires_at", utc(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], ondelete="CASCADE",
            name="fk_web_sessions_person_id_people",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_web_sessions"),
        sa.UniqueConstraint("token_hash", name="uq_web_sessions_token_hash"),
    )
    op.create_index("ix_web_sessions_person_id", "web_sessions", ["person_id"])

    op.create_table(
        "analysis_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("result", JSON, nullable=True),
        sa.Column("original_name", sa.String(255), nullable=False),
        sa.Column("upload_path", sa.Text(), nullable=True),
        sa.Column("annotated_path", sa.Text(), nullable=True),
        sa.Column("keep_video", sa.Boolean(), nullable=False),
        sa.Column("pain_before", sa.Integer(), nullable=True),
        sa.Column("pain_after", sa.Integer(), nullable=True),
        sa.Column("exercise_set_id", sa.Integer(), nullable=True),
        sa.Column("created_at", utc(), nullable=False),
        sa.Column("finished_at", utc(), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')", name="ck_analysis_jobs_status"
        ),
        sa.CheckConstraint("progress >= 0 AND progress <= 1", name="ck_analysis_jobs_progress"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], ondelete="CASCADE",
            name="fk_analysis_jobs_person_id_people",
        ),
        sa.ForeignKeyConstraint(
            ["exercise_set_id"], ["exercise_sets.id"], ondelete="SET NULL",
            name="fk_analysis_jobs_exercise_set_id_exercise_sets",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_analysis_jobs"),
    )
    op.create_index("ix_analysis_jobs_person_id", "analysis_jobs", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_analysis_jobs_person_id", table_name="analysis_jobs")
    op.drop_table("analysis_jobs")
    op.drop_index("ix_web_sessions_person_id", table_name="web_sessions")
    op.drop_table("web_sessions")
    with op.batch_alter_table("availability") as batch:
        batch.drop_column("slot_minutes")
