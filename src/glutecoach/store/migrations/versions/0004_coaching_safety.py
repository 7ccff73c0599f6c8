"""Coaching safety: clearance notes, symptom checks, per-region session pain, resistance.

* ``screenings.clearance_note``: what the clinician wrote when clearing or reviewing flags;
  the STarT Back columns become nullable (not given to knee-only patients).
* ``symptom_checks``: the two-question check before a session.
* ``pain_entries.session_id`` / ``moment``: pain before, during and after a session, per region.
* ``programmes.resistance``, ``exercise_sets.load_kg`` / ``band``: added resistance.
* ``people.clinic_number`` / ``date_of_birth``: identifiers the clinic sets for the report.
* Sets logged without a camera had every rep stored as "good form"; only filmed reps can be,
  so their ``form_passing_reps`` becomes 0 (their reps are kept).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


@contextmanager
def _children_of_screenings_kept() -> Iterator[None]:
    """SQLite changes a column by copying the table and dropping the old one; with foreign keys
    on (as every connection here has them), dropping ``screenings`` sets the rows that point at
    it to NULL. Remember those links and put them back afterwards."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    saved = {
        table: bind.execute(sa.text(
            f"SELECT id, screening_id FROM {table} WHERE screening_id IS NOT NULL")).all()
        for table in ("questionnaires", "programmes")
    }
    yield
    for table, rows in saved.items():
        for row_id, screening_id in rows:
            bind.execute(sa.text(f"UPDATE {table} SET screening_id = :s WHERE id = :i"),
                         {"s": screening_id, "i": row_id})


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("clinic_number", sa.String(40), nullable=True))
        batch.add_column(sa.Column("date_of_birth", sa.Date(), nullable=True))
    with _children_of_screenings_kept():
        with op.batch_alter_table("screenings") as batch:
            batch.add_column(sa.Column("clearance_note", sa.Text(), nullable=True))
            # STarT Back is not given to knee-only patients.
            batch.alter_column("start_back_total", existing_type=sa.Integer(), nullable=True)
            batch.alter_column("start_back_distress", existing_type=sa.Integer(), nullable=True)
            batch.alter_column("start_back_risk", existing_type=sa.String(10), nullable=True)
    with op.batch_alter_table("programmes") as batch:
        batch.add_column(
            sa.Column("resistance", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
    with op.batch_alter_table("exercise_sets") as batch:
        batch.add_column(sa.Column("load_kg", sa.Float(), nullable=True))
        batch.add_column(sa.Column("band", sa.String(10), nullable=True))
    with op.batch_alter_table("pain_entries") as batch:
        batch.add_column(sa.Column("session_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("moment", sa.String(10), nullable=True))
        batch.create_foreign_key(
            "fk_pain_entries_session_id_sessions", "sessions", ["session_id"], ["id"],
            ondelete="CASCADE",
        )
        batch.create_check_constraint("moment", "moment IN ('before', 'during', 'after')")
        batch.create_index("ix_pain_entries_session_id", ["session_id"])

    op.create_table(
        "symptom_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("taken_at", utc(), nullable=False),
        sa.Column("answers", JSON, nullable=False),
        sa.Column("positive", sa.Boolean(), nullable=False),
        sa.Column("screening_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], ondelete="CASCADE",
            name="fk_symptom_checks_person_id_people",
        ),
        sa.ForeignKeyConstraint(
            ["screening_id"], ["screenings.id"], ondelete="SET NULL",
            name="fk_symptom_checks_screening_id_screenings",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_symptom_checks"),
    )
    op.create_index("ix_symptom_checks_person_id", "symptom_checks", ["person_id"])

    sets = sa.table("exercise_sets", sa.column("form_passing_reps", sa.Integer()),
                    sa.column("analysis", JSON))
    op.execute(sets.update().where(sets.c.analysis.is_(None)).values(form_passing_reps=0))


def downgrade() -> None:
    op.drop_index("ix_symptom_checks_person_id", table_name="symptom_checks")
    op.drop_table("symptom_checks")
    with op.batch_alter_table("pain_entries") as batch:
        batch.drop_index("ix_pain_entries_session_id")
        batch.drop_constraint("moment", type_="check")
        batch.drop_constraint("fk_pain_entries_session_id_sessions", type_="foreignkey")
        batch.drop_column("moment")
        batch.drop_column("session_id")
    with op.batch_alter_table("exercise_sets") as batch:
        batch.drop_column("band")
        batch.drop_column("load_kg")
    with op.batch_alter_table("programmes") as batch:
        batch.drop_column("resistance")
    with _children_of_screenings_kept(), op.batch_alter_table("screenings") as batch:
        batch.drop_column("clearance_note")
        # Knee-only screenings have no STarT Back score; 0004 cannot be undone around them.
        for name, kind in (("start_back_total", sa.Integer()),
                           ("start_back_distress", sa.Integer()),
                           ("start_back_risk", sa.String(10))):
            batch.alter_column(name, existing_type=kind, nullable=False)
    with op.batch_alter_table("people") as batch:
        batch.drop_column("date_of_birth")
        batch.drop_column("clinic_number")
