"""Accounts and security: sign-in throttling shared by all server processes, the browsers an
account signed in from, password reset links, and no two live appointments of one clinician that overlap in time.

Overlap, not only an equal start, is refused by the database: on PostgreSQL an exclusion
constraint (``btree_gist`` for the clinician's equality, ``tstzrange`` for the time overlap),
on SQLite triggers that abort an insert or update whose time overlaps a live appointment of the
same clinician (SQLite runs one writer at a time, so the check and the write cannot interleave).
Appointments that already overlap stop the upgrade with their ids, rather than being changed.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

EXCLUSION = "ex_appointments_no_overlap"
LIVE = "status != 'cancelled'"
#: SQLite: another live appointment of the same clinician that overlaps NEW.
_OVERLAP_SQL = (
    "SELECT 1 FROM appointments AS other WHERE other.clinician_id = NEW.clinician_id "
    "AND other.id IS NOT NEW.id AND other.status != 'cancelled' "
    "AND other.start_utc < NEW.end_utc AND NEW.start_utc < other.end_utc"
)


def utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _refuse_existing_overlaps() -> None:
    rows = op.get_bind().execute(sa.text(
        "SELECT a.id, b.id FROM appointments a JOIN appointments b "
        "ON a.clinician_id = b.clinician_id AND a.id < b.id "
        "AND a.status != 'cancelled' AND b.status != 'cancelled' "
        "AND a.start_utc < b.end_utc AND b.start_utc < a.end_utc"
    )).all()
    if rows:
        pairs = ", ".join(f"{a}/{b}" for a, b in rows[:20])
        raise RuntimeError(f"appointments overlap ({pairs}); cancel one of each pair, then "
                           "start again")


def upgrade() -> None:
    # First, before any DDL: SQLite's driver commits DDL as it goes, so a refusal later would
    # leave half a revision behind.
    _refuse_existing_overlaps()
    op.create_table(
        "throttles",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("first_at", utc(), nullable=False),
        sa.Column("last_at", utc(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_throttles"),
    )
    op.create_index("ix_throttles_last_at", "throttles", ["last_at"])

    op.create_table(
        "known_devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], ondelete="CASCADE",
            name="fk_known_devices_person_id_people",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_known_devices"),
        sa.UniqueConstraint("token_hash", name="uq_known_devices_token_hash"),
    )
    op.create_index("ix_known_devices_person_id", "known_devices", ["person_id"])

    op.create_table(
        "password_resets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", utc(), nullable=False),
        sa.Column("expires_at", utc(), nullable=False),
        sa.Column("used_at", utc(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], ondelete="CASCADE",
            name="fk_password_resets_person_id_people",
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"], ["people.id"], ondelete="SET NULL",
            name="fk_password_resets_issued_by_id_people",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_password_resets"),
        sa.UniqueConstraint("token_hash", name="uq_password_resets_token_hash"),
    )
    op.create_index("ix_password_resets_person_id", "password_resets", ["person_id"])

    if op.get_bind().dialect.name == "postgresql":
        # In public, so it outlives any one schema (tests give each database its own schema).
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public")
        op.execute(
            f"ALTER TABLE appointments ADD CONSTRAINT {EXCLUSION} EXCLUDE USING gist "
            f"(clinician_id WITH =, tstzrange(start_utc, end_utc) WITH &&) WHERE ({LIVE})"
        )
    else:
        for event in ("INSERT", "UPDATE"):
            op.execute(
                f"CREATE TRIGGER tr_appointments_no_overlap_{event.lower()} "
                f"BEFORE {event} ON appointments "
                f"WHEN NEW.status != 'cancelled' AND EXISTS ({_OVERLAP_SQL}) "
                "BEGIN SELECT RAISE(ABORT, 'appointment overlaps another'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE appointments DROP CONSTRAINT {EXCLUSION}")
    else:
        for event in ("insert", "update"):
            op.execute(f"DROP TRIGGER tr_appointments_no_overlap_{event}")
    op.drop_index("ix_password_resets_person_id", table_name="password_resets")
    op.drop_table("password_resets")
    op.drop_index("ix_known_devices_person_id", table_name="known_devices")
    op.drop_table("known_devices")
    op.drop_index("ix_throttles_last_at", table_name="throttles")
    op.drop_table("throttles")
