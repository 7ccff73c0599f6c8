"""Clinician availability, the free slots cut from it, booking and cancelling.

Availability is either weekly (a weekday and local start/end times in the clinician's time zone,
so a 09:00 clinic stays at 09:00 across daylight-saving changes) or explicit (a UTC window).
Each window is cut into slots of ``slot_minutes``. A slot is free when it is in the future and
no live (not cancelled) appointment starts there.

Double booking is prevented by the database, not by a check: no two live appointments of one
clinician may overlap in time (revision 0005: an exclusion constraint on PostgreSQL, triggers on
SQLite, beside the unique index ``uq_appointments_slot`` on (clinician, start)), so of two
concurrent bookings that overlap exactly one insert succeeds and the other raises
:class:`SlotTaken`. Cancelling sets the status to ``cancelled``, which frees the time. A
clinician's availability windows may not overlap either, and a patient holds at most
:data:`MAX_FUTURE_BOOKINGS` future appointments.
All times are aware datetimes in UTC. Functions flush; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from glutecoach.coaching.errors import InvalidField
from glutecoach.store.models import Appointment, Availability, Person

SLOT_MINUTES_MIN = 5
SLOT_MINUTES_MAX = 240
#: Longest explicit window, and how far ahead slots are offered.
MAX_WINDOW = timedelta(days=14)
MAX_DAYS_AHEAD = 90
MAX_WINDOWS_PER_CLINICIAN = 200
#: Live appointments in the future one patient may hold at once (one account cannot fill a
#: clinic's calendar).
MAX_FUTURE_BOOKINGS = 4


class SlotTaken(Exception):
    """Someone else booked this time first (the database refused the overlapping booking)."""


class NotFound(LookupError):
    """No such record among the caller's own (never says whether it exists for someone else)."""


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime


def _utc(value: datetime, field_name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidField(field_name, "must carry its UTC offset, e.g. 2026-12-01T09:00:00+01:00")
    if not 2000 <= value.year <= 2200:
        raise InvalidField(field_name, "must be a date between the years 2000 and 2200")
    return value.astimezone(timezone.utc)


def _zone(person: Person) -> ZoneInfo:
    try:
        return ZoneInfo(person.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _slot_minutes(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidField("slot_minutes", "must be a whole number of minutes")
    if not SLOT_MINUTES_MIN <= value <= SLOT_MINUTES_MAX:
        raise InvalidField(
            "slot_minutes", f"must be {SLOT_MINUTES_MIN}-{SLOT_MINUTES_MAX}, got {value}"
        )
    return value


def _require_clinician(person: Person) -> None:
    if person.role != "clinician":
        raise InvalidField("clinician", f"{person.email} is not a clinician")


def _room_for_more(session: Session, clinician: Person) -> None:
    count = len(list(session.scalars(
        select(Availability.id).where(Availability.clinician_id == clinician.id)
    )))
    if count >= MAX_WINDOWS_PER_CLINICIAN:
        raise InvalidField("availability", f"at most {MAX_WINDOWS_PER_CLINICIAN} windows; "
                                           "delete old ones first")


def _overlap(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _refuse_overlap(session: Session, clinician: Person, new: Availability) -> None:
    """:class:`InvalidField` when ``new`` overlaps one of the clinician's windows at any time
    (compared over the weeks a weekly window and an explicit one can share)."""
    zone = _zone(clinician)
    for old in list_availability(session, clinician):
        if old.kind == new.kind == "weekly":
            clash = old.weekday == new.weekday and _overlap(
                (_on(date.min, old.start_time), _on(date.min, old.end_time)),
                (_on(date.min, new.start_time), _on(date.min, new.end_time)))
        else:
            explicit = new if new.kind == "explicit" else old
            assert explicit.start_utc is not None and explicit.end_utc is not None
            first = explicit.start_utc.astimezone(zone).date() - timedelta(days=1)
            last = explicit.end_utc.astimezone(zone).date() + timedelta(days=1)
            clash = any(_overlap(a, b) for a in _occurrences(old, zone, first, last)
                        for b in _occurrences(new, zone, first, last))
        if clash:
            raise InvalidField("availability", f"overlaps your window {describe(old, zone)}; "
                                               "change or delete that one first")


def _on(day: date, at: time | None) -> datetime:
    assert at is not None
    return datetime.combine(day, at, timezone.utc)


def describe(row: Availability, zone: ZoneInfo) -> str:
    """A window in words, in the clinician's time: "Monday 09:00-12:00"."""
    if row.kind == "weekly":
        assert row.start_time is not None and row.end_time is not None
        day = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
               "Sunday")[row.weekday or 0]
        return f"{day} {row.start_time:%H:%M}-{row.end_time:%H:%M}"
    assert row.start_utc is not None and row.end_utc is not None
    return (f"{row.start_utc.astimezone(zone):%Y-%m-%d %H:%M}-"
            f"{row.end_utc.astimezone(zone):%Y-%m-%d %H:%M}")


def _add(session: Session, clinician: Person, row: Availability) -> Availability:
    _room_for_more(session, clinician)
    _refuse_overlap(session, clinician, row)
    session.add(row)
    session.flush()
    return row


def add_explicit(
    session: Session, clinician: Person, start: datetime, end: datetime, slot_minutes: int = 30
) -> Availability:
    """A one-off window (``start``/``end`` aware, any offset) cut into ``slot_minutes`` slots."""
    _require_clinician(clinician)
    start, end = _utc(start, "start"), _utc(end, "end")
    minutes = _slot_minutes(slot_minutes)
    if end <= start:
        raise InvalidField("end", "must be after start")
    if end - start > MAX_WINDOW:
        raise InvalidField("end", "a window may span at most 14 days; use weekly availability")
    if end - start < timedelta(minutes=minutes):
        raise InvalidField("end", f"the window is shorter than one {minutes}-minute slot")
    return _add(session, clinician, Availability(
        clinician_id=clinician.id, kind="explicit", start_utc=start, end_utc=end,
        slot_minutes=minutes))


def add_weekly(
    session: Session, clinician: Person, weekday: int, start: time, end: time,
    slot_minutes: int = 30,
) -> Availability:
    """Every ``weekday`` (Monday 0) from ``start`` to ``end``, local time of the clinician."""
    _require_clinician(clinician)
    if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise InvalidField("weekday", "must be 0 (Monday) to 6 (Sunday)")
    minutes = _slot_minutes(slot_minutes)
    start, end = start.replace(tzinfo=None), end.replace(tzinfo=None)
    if end <= start:
        raise InvalidField("end_time", "must be after start_time")
    span = datetime.combine(date.min, end) - datetime.combine(date.min, start)
    if span < timedelta(minutes=minutes):
        raise InvalidField("end_time", f"the window is shorter than one {minutes}-minute slot")
    return _add(session, clinician, Availability(
        clinician_id=clinician.id, kind="weekly", weekday=weekday, start_time=start, end_time=end,
        slot_minutes=minutes))


def list_availability(session: Session, clinician: Person) -> list[Availability]:
    return list(session.scalars(
        select(Availability).where(Availability.clinician_id == clinician.id)
        .order_by(Availability.kind.desc(), Availability.weekday, Availability.start_time,
                  Availability.start_utc, Availability.id)
    ))


def delete_availability(session: Session, clinician: Person, availability_id: int) -> None:
    """Remove one of the clinician's own windows (booked appointments stay booked)."""
    row = session.get(Availability, availability_id)
    if row is None or row.clinician_id != clinician.id:
        raise NotFound("availability")
    session.delete(row)
    session.flush()


def _cut(start: datetime, end: datetime, minutes: int) -> list[Slot]:
    step = timedelta(minutes=minutes)
    slots, at = [], start
    while at + step <= end:
        slots.append(Slot(at, at + step))
        at += step
    return slots


def _occurrences(
    row: Availability, zone: ZoneInfo, first: date, last: date
) -> list[tuple[datetime, datetime]]:
    """The window's (start, end) times in UTC on the local days ``first``-``last``."""
    if row.kind == "explicit":
        assert row.start_utc is not None and row.end_utc is not None
        return [(row.start_utc, row.end_utc)]
    assert row.start_time is not None and row.end_time is not None
    found = []
    day = first
    while day <= last:
        if day.weekday() == row.weekday:
            found.append((datetime.combine(day, row.start_time, zone).astimezone(timezone.utc),
                          datetime.combine(day, row.end_time, zone).astimezone(timezone.utc)))
        day += timedelta(days=1)
    return found


def _window_slots(row: Availability, zone: ZoneInfo, first: date, last: date) -> list[Slot]:
    return [slot for start, end in _occurrences(row, zone, first, last)
            for slot in _cut(start, end, row.slot_minutes or 30)]


def _booked(
    session: Session, clinician_id: int, since: datetime
) -> list[tuple[datetime, datetime]]:
    return [(a.start_utc, a.end_utc) for a in session.scalars(
        select(Appointment).where(
            Appointment.clinician_id == clinician_id,
            Appointment.status != "cancelled",
            Appointment.end_utc > since,
        )
    )]


def all_slots(session: Session, clinician: Person, now: datetime, days: int) -> list[Slot]:
    """Every future slot in the next ``days`` days, booked or not, sorted, without duplicates."""
    days = max(1, min(days, MAX_DAYS_AHEAD))
    zone = _zone(clinician)
    until = now + timedelta(days=days)
    first, last = now.astimezone(zone).date(), until.astimezone(zone).date()
    found: dict[datetime, Slot] = {}
    for row in list_availability(session, clinician):
        for slot in _window_slots(row, zone, first, last):
            if now < slot.start <= until:
                found.setdefault(slot.start, slot)
    return [found[k] for k in sorted(found)]


def free_slots(
    session: Session, clinician: Person, *, now: datetime | None = None, days: int = 28
) -> list[Slot]:
    """The clinician's bookable slots in the next ``days`` days (UTC, soonest first)."""
    now = now or datetime.now(timezone.utc)
    booked = _booked(session, clinician.id, now)
    return [s for s in all_slots(session, clinician, now, days)
            if not any(_overlap((s.start, s.end), b) for b in booked)]


def clinicians(session: Session) -> list[Person]:
    """Everyone one can book with, by name."""
    return list(session.scalars(select(Person).where(Person.role == "clinician")
                                .order_by(Person.name)))


def get_clinician(session: Session, clinician_id: int) -> Person:
    person = session.get(Person, clinician_id)
    if person is None or person.role != "clinician":
        raise NotFound("clinician")
    return person


def book(
    session: Session, patient: Person, clinician_id: int, start: datetime,
    *, now: datetime | None = None,
) -> Appointment:
    """Book the slot starting at ``start``. :class:`SlotTaken` when someone has it (decided by
    the unique index; the session is rolled back then), :class:`InvalidField` when ``start`` is
    not one of the clinician's slots, :class:`NotFound` for an unknown clinician.

    A patient without a clinician becomes this clinician's patient.
    """
    now = now or datetime.now(timezone.utc)
    if patient.role != "patient":
        raise InvalidField("patient", "only patients book appointments")
    clinician = get_clinician(session, clinician_id)
    start = _utc(start, "start")
    _room_for_booking(session, patient, now)
    horizon = max(1, min(MAX_DAYS_AHEAD, (start - now).days + 2))
    slot = next((s for s in all_slots(session, clinician, now, horizon) if s.start == start), None)
    if slot is None:
        raise InvalidField("start", "is not one of the clinician's future slots "
                                    "(GET /api/slots?clinician_id=... lists them)")
    row = Appointment(clinician_id=clinician.id, patient_id=patient.id, start_utc=slot.start,
                      end_utc=slot.end, status="booked")
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise SlotTaken() from None
    if patient.clinician_id is None:
        patient.clinician_id = clinician.id
        session.flush()
    return row


def _room_for_booking(session: Session, patient: Person, now: datetime) -> None:
    # Lock the patient's row (PostgreSQL; SQLite has one writer) so two concurrent bookings
    # cannot both pass the count.
    session.execute(select(Person.id).where(Person.id == patient.id).with_for_update())
    held = session.scalar(select(func.count()).select_from(Appointment).where(
        Appointment.patient_id == patient.id, Appointment.status != "cancelled",
        Appointment.start_utc > now))
    if (held or 0) >= MAX_FUTURE_BOOKINGS:
        raise InvalidField("start", f"you already have {held} upcoming appointments, the most "
                                    "one can hold; cancel one to book another")


def appointment_for(session: Session, person: Person, appointment_id: int) -> Appointment:
    """One appointment the person is part of (patient or clinician), else :class:`NotFound`."""
    row = session.get(Appointment, appointment_id)
    if row is None or person.id not in (row.patient_id, row.clinician_id):
        raise NotFound("appointment")
    return row


def cancel(session: Session, person: Person, appointment_id: int) -> Appointment:
    """Cancel (patient or clinician of it); the slot becomes free again."""
    row = appointment_for(session, person, appointment_id)
    if row.status != "cancelled":
        row.status = "cancelled"
        session.flush()
    return row


def appointments_of(
    session: Session, person: Person, *, since: datetime | None = None,
    include_cancelled: bool = False,
) -> list[Appointment]:
    """The person's own appointments (as patient or as clinician), soonest first."""
    column = Appointment.clinician_id if person.role == "clinician" else Appointment.patient_id
    query = select(Appointment).where(column == person.id)
    if since is not None:
        query = query.where(Appointment.end_utc >= since)
    if not include_cancelled:
        query = query.where(Appointment.status != "cancelled")
    return list(session.scalars(query.order_by(Appointment.start_utc, Appointment.id)))
