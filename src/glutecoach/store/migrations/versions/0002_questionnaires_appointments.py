"""Questionnaires, clinician availability and appointments; backfill STarT Back questionnaires.

Screenings made before this revision carry their STarT Back answers only inside the screening
row. This revision copies each of them into ``questionnaires`` (kind ``start_back``) so every
questionnaire, old or new, is found in one place.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "questionnaires",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("screening_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("answers", JSON, nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("category", sa.String(20), nullable=True),
        sa.Column("taken_at", utc(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            ondelete="CASCADE",
            name="fk_questionnaires_person_id_people",
        ),
        sa.ForeignKeyConstraint(
            ["screening_id"],
            ["screenings.id"],
            ondelete="SET NULL",
            name="fk_questionnaires_screening_id_screenings",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_questionnaires"),
    )
    op.create_index("ix_questionnaires_person_id", "questionnaires", ["person_id"])

    op.create_table(
        "availability",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("end_time", sa.Time(), nullable=True),
        sa.Column("start_utc", utc(), nullable=True),
        sa.Column("end_utc", utc(), nullable=True),
        sa.CheckConstraint("kind IN ('weekly', 'explicit')", name="ck_availability_kind"),
        sa.CheckConstraint(
            "(kind = 'weekly' AND weekday BETWEEN 0 AND 6 AND start_time IS NOT NULL "
            "AND end_time IS NOT NULL) OR "
            "(kind = 'explicit' AND start_utc IS NOT NULL AND end_utc IS NOT NULL)",
            name="ck_availability_shape",
        ),
        sa.ForeignKeyConstraint(
            ["clinician_id"],
            ["people.id"],
            ondelete="CASCADE",
            name="fk_availability_clinician_id_people",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_availability"),
    )
    op.create_index("ix_availability_clinician_id", "availability", ["clinician_id"])

    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("start_utc", utc(), nullable=False),
        sa.Column("end_utc", utc(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.CheckConstraint("end_utc > start_utc", name="ck_appointments_order"),
        sa.CheckConstraint(
            "status IN ('booked', 'cancelled', 'completed')", name="ck_appointments_status"
        ),
        sa.ForeignKeyConstraint(
            ["clinician_id"],
            ["people.id"],
            ondelete="CASCADE",
            name="fk_appointments_clinician_id_people",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["people.id"],
            ondelete="SET NULL",
            name="fk_appointments_patient_id_people",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_appointments"),
    )
    op.create_index("ix_appointments_clinician_id", "appointments", ["clinician_id"])
    op.create_index("ix_appointments_patient_id", "appointments", ["patient_id"])
    op.create_index(
        "uq_appointments_slot",
        "appointments",
        ["clinician_id", "start_utc"],
        unique=True,
        sqlite_where=sa.text("status != 'cancelled'"),
        postgresql_where=sa.text("status != 'cancelled'"),
    )
    _backfill_start_back()


def _backfill_start_back() -> None:
    """Copy the STarT Back part of every existing screening into ``questionnaires``."""
    screenings = sa.table(
        "screenings",
        sa.column("id", sa.Integer()),
        sa.column("person_id", sa.Integer()),
        sa.column("taken_at", utc()),
        sa.column("answers", JSON),
        sa.column("start_back_total", sa.Integer()),
        sa.column("start_back_risk", sa.String()),
    )
    questionnaires = sa.table(
        "questionnaires",
        sa.column("person_id", sa.Integer()),
        sa.column("screening_id", sa.Integer()),
        sa.column("kind", sa.String()),
        sa.column("answers", JSON),
        sa.column("score", sa.Float()),
        sa.column("category", sa.String()),
        sa.column("taken_at", utc()),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(screenings).order_by(screenings.c.id)).mappings().all()
    for row in rows:
        answers = row["answers"] or {}
        bind.execute(
            questionnaires.insert().values(
                person_id=row["person_id"],
                screening_id=row["id"],
                kind="start_back",
                answers=answers.get("start_back", []),
                score=float(row["start_back_total"]),
                category=row["start_back_risk"],
                taken_at=row["taken_at"],
            )
        )


def downgrade() -> None:
    op.drop_index("uq_appointments_slot", table_name="appointments")
    for table in ("appointments", "availability", "questionnaires"):
        op.drop_table(table)
