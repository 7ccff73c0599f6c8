"""Initial schema: people, screenings, programmes, sessions, exercise sets, pain entries.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def utc() -> sa.DateTime:
    """Aware timestamps (UTC); SQLite stores them naive, the model adds UTC back."""
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("clinician_id", sa.Integer(), nullable=True),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.CheckConstraint("role IN ('patient', 'clinician')", name="ck_people_role"),
        sa.ForeignKeyConstraint(
            ["clinician_id"],
            ["people.id"],
            ondelete="SET NULL",
            name="fk_people_clinician_id_people",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_people"),
        sa.UniqueConstraint("email", name="uq_people_email"),
    )
    op.create_index("ix_people_clinician_id", "people", ["clinician_id"])

    op.create_table(
        "screenings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("taken_at", utc(), nullable=False),
        sa.Column("answers", JSON, nullable=False),
        sa.Column("red_flags", JSON, nullable=False),
        sa.Column("referral", sa.String(10), nullable=False),
        sa.Column("start_back_total", sa.Integer(), nullable=False),
        sa.Column("start_back_distress", sa.Integer(), nullable=False),
        sa.Column("start_back_risk", sa.String(10), nullable=False),
        sa.Column("programme_allowed", sa.Boolean(), nullable=False),
        sa.Column("starting_level", sa.Integer(), nullable=True),
        sa.Column("result", JSON, nullable=False),
        sa.Column("cleared_by_id", sa.Integer(), nullable=True),
        sa.Column("cleared_at", utc(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], ondelete="CASCADE", name="fk_screenings_person_id_people"
        ),
        sa.ForeignKeyConstraint(
            ["cleared_by_id"],
            ["people.id"],
            ondelete="SET NULL",
            name="fk_screenings_cleared_by_id_people",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_screenings"),
    )
    op.create_index("ix_screenings_person_id", "screenings", ["person_id"])

    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("screening_id", sa.Integer(), nullable=True),
        sa.Column("started_at", utc(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("current_exercise", sa.String(40), nullable=False),
        sa.Column("target_reps", sa.Integer(), nullable=False),
        sa.Column("sets", sa.Integer(), nullable=False),
        sa.Column("sessions_per_week", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], ondelete="CASCADE", name="fk_programmes_person_id_people"
        ),
        sa.ForeignKeyConstraint(
            ["screening_id"],
            ["screenings.id"],
            ondelete="SET NULL",
            name="fk_programmes_screening_id_screenings",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_programmes"),
    )
    op.create_index("ix_programmes_person_id", "programmes", ["person_id"])

    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("started_at", utc(), nullable=False),
        sa.Column("pain_before", sa.Integer(), nullable=True),
        sa.Column("pain_after", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.CheckConstraint("pain_before BETWEEN 0 AND 10", name="ck_sessions_pain_before"),
        sa.CheckConstraint("pain_after BETWEEN 0 AND 10", name="ck_sessions_pain_after"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], ondelete="CASCADE", name="fk_sessions_person_id_people"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_sessions"),
    )
    op.create_index("ix_sessions_person_id", "sessions", ["person_id"])

    op.create_table(
        "exercise_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("exercise", sa.String(40), nullable=False),
        sa.Column("reps", sa.Integer(), nullable=False),
        sa.Column("form_passing_reps", sa.Integer(), nullable=False),
        sa.Column("form_score", sa.Float(), nullable=True),
        sa.Column("analysis", JSON, nullable=True),
        sa.Column("video_path", sa.Text(), nullable=True),
        sa.Column("recorded_at", utc(), nullable=False),
        sa.CheckConstraint("reps >= 0", name="ck_exercise_sets_reps"),
        sa.CheckConstraint(
            "form_passing_reps >= 0 AND form_passing_reps <= reps", name="ck_exercise_sets_passing"
        ),
        sa.CheckConstraint(
            "form_score IS NULL OR (form_score >= 0 AND form_score <= 100)",
            name="ck_exercise_sets_form_score",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            ondelete="CASCADE",
            name="fk_exercise_sets_session_id_sessions",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_exercise_sets"),
    )
    op.create_index("ix_exercise_sets_session_id", "exercise_sets", ["session_id"])

    op.create_table(
        "pain_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(10), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("recorded_at", utc(), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.CheckConstraint("score BETWEEN 0 AND 10", name="ck_pain_entries_score"),
        sa.CheckConstraint("region IN ('back', 'knee')", name="ck_pain_entries_region"),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            ondelete="CASCADE",
            name="fk_pain_entries_person_id_people",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_pain_entries"),
    )
    op.create_index("ix_pain_entries_person_id", "pain_entries", ["person_id"])


def downgrade() -> None:
    for table in (
        "pain_entries",
        "exercise_sets",
        "sessions",
        "programmes",
        "screenings",
        "people",
    ):
        op.drop_table(table)
