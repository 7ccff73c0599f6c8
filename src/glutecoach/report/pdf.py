"""The clinician report: one or two A4 pages to read before an appointment.

Built with ReportLab (pip-installable, no system tools): who and what period it covers, the
screening (positive STarT Back items, red flags and their clearance history with notes), the
programme and its complete history (step-backs and their reasons), what was done per exercise
(reps, load, filmed or reported), pain before/during/after per region by week against the
meaningful-change band, adherence, form from filmed sets only, the plots and the references.
The PDF is written to a temporary file and moved into place, so a failure never leaves half a
report behind. Only references from evidence.md are cited.
"""

from __future__ import annotations

import tempfile
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import (
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from glutecoach.coaching import rules
from glutecoach.coaching.adherence import week_start
from glutecoach.coaching.exercises import EXERCISES
from glutecoach.coaching.programme import TOP_LEVEL
from glutecoach.coaching.progress import ProgressData, SetSummary
from glutecoach.coaching.screening import flag_label
from glutecoach.io.files import replaced_atomically
from glutecoach.report import plots

#: Cited as evidence.md gives them; no other source is ever cited.
REFERENCES: dict[str, str] = {
    "hill": "Hill JC et al. STarT Back Tool. Arthritis Rheum. 2008;59(5):632-641.",
    "farrar": "Farrar JT et al. Pain. 2001;94(2):149-158.",
    "ostelo": "Ostelo RW et al. Spine. 2008;33(1):90-94.",
    "thomee": "Thomeé R. Phys Ther. 1997;77(12):1690-1703; Silbernagel KG et al. Am J Sports "
    "Med. 2007;35(6):897-906 (pain-monitoring model).",
    "stiell": "Stiell IG et al. JAMA. 1996;275(8):611-615 (Ottawa knee rule).",
    "stratford": "Stratford P et al. Physiother Can. 1995;47:258-263 (PSFS); Roland M, Morris R. "
    "Spine. 1983;8(2):141-144 (RMDQ).",
    "crossley": "Crossley KM et al. Arch Phys Med Rehabil. 2004;85(5):815-822; Kujala UM et al. "
    "Arthroscopy. 1993;9(2):159-163 (AKPS).",
    "nice": "NICE guideline NG59 (low back pain and sciatica); Finucane LM et al. J Orthop "
    "Sports Phys Ther. 2020;50(7):350-372.",
    "acsm": "ACSM position stand on resistance training (Ratamess NA et al.). 2009.",
    "macadam": "Macadam P, Feser EA. Int J Sports Phys Ther. 2019;14(1):14-31.",
    "distefano": "DiStefano LJ, Blackburn JT, Marshall SW, Padua DA. Gluteal muscle activation "
    "during common therapeutic exercises. J Orthop Sports Phys Ther. "
    "2009;39(7):532-540.",
}

_PAGE_W = A4[0] - 3 * cm
_MAX_FAULT_WEEKS = 10


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontSize=8.5, leading=10.5)
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontSize=15, spaceAfter=4),
        "h": ParagraphStyle(
            "h", parent=base["Heading2"], fontSize=10.5, spaceBefore=6, spaceAfter=2
        ),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=7, leading=8.5),
        "alert": ParagraphStyle("alert", parent=body, textColor=colors.HexColor("#b00020")),
    }


def _table(rows: list[list[Any]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 7.5),
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b0b8c0")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return table


def _screening(data: ProgressData, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    out: list[Flowable] = [Paragraph("Screening and red flags", st["h"])]
    result = data.screening
    if result is None:
        return [*out, Paragraph("No screening recorded.", st["body"])]
    sb = result.get("start_back")
    when = data.screening_day.isoformat() if data.screening_day else "?"
    start_back = (f"STarT Back total {sb.get('total')}/9, distress subscale "
                  f"{sb.get('distress')}/5: <b>{sb.get('risk')} risk</b> (Hill 2008)." if sb
                  else "STarT Back not given (no back pain).")
    out.append(
        Paragraph(
            f"Latest screening {when}. {start_back} "
            f"Pain at screening: back {result.get('pain', {}).get('back')}/10, knee "
            f"{result.get('pain', {}).get('knee')}/10.",
            st["body"],
        )
    )
    if data.start_back_positive:
        items = "; ".join(escape(item) for item in data.start_back_positive)
        out.append(Paragraph(f"STarT Back items agreed: {items}", st["small"]))
    if not result.get("red_flags"):
        out.append(Paragraph("No red flags answered yes (NICE NG59; Finucane 2020).", st["body"]))
    elif not data.screening_cleared:
        state = ("exercise blocked until a clinician clears it" if result.get("referral") ==
                 "urgent" else "capped at the gentle level until a clinician reviews it")
        listed = "; ".join(escape(flag_label(c)) for c in result["red_flags"])
        out.append(Paragraph(f"<b>Open red flags ({state}):</b> {listed}", st["alert"]))
    if data.flag_history:
        rows: list[list[Any]] = [["Screened", "Red flags", "Referral", "Cleared", "Note"]]
        for event in data.flag_history:
            cleared = (f"{event.cleared_on} by {event.cleared_by}" if event.cleared_on
                       else "not yet")
            rows.append([
                event.day.isoformat(),
                Paragraph(escape("; ".join(event.flags)), st["small"]),
                "same day" if event.referral == "urgent" else "soon",
                Paragraph(escape(cleared), st["small"]),
                Paragraph(escape(event.note or ""), st["small"]),
            ])
        out.append(_table(rows, [1.9 * cm, 5 * cm, 1.5 * cm, 3.2 * cm, _PAGE_W - 11.6 * cm]))
    factors = ", ".join(f.replace("_", " ") for f in result.get("risk_factors", [])) or "none"
    out.append(Paragraph(f"Risk factors reported: {factors}.", st["body"]))
    return out


def _name(code: str) -> str:
    return EXERCISES[code].name if code in EXERCISES else code


def _programme(data: ProgressData, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    out: list[Flowable] = [Paragraph("Programme and level", st["h"])]
    if data.programme is None:
        return [*out, Paragraph("No programme yet.", st["body"])]
    p = data.programme
    out.append(
        Paragraph(
            f"Level {p['level']} (0 easiest, {TOP_LEVEL} hardest, then added resistance): "
            f"<b>{escape(_name(p['exercise']))}</b> ({escape(p['resistance'])}), "
            f"{p['sets']} x {p['target_reps']} reps, {p['sessions_per_week']} sessions a week "
            "(ACSM dosing, Ratamess 2009). Progression: 2-for-2 rule on filmed good-form reps "
            "(else reported reps); hold at pain 5/10 during or after, step back above 5, when "
            "the next morning has not settled or the weekly average rises, per region "
            "(Thomeé 1997; Silbernagel 2007).",
            st["body"],
        )
    )
    rows = [["From", "Level", "Exercise", "Dose", "Why (step-backs in red)"]]
    for h in data.programme_history:
        rows.append(
            [
                h["started_at"][:10],
                h["level"],
                Paragraph(escape(f"{_name(h['exercise'])}, {h['resistance']}"), st["small"]),
                f"{h['sets']}x{h['target_reps']}",
                Paragraph(escape(h["reason"]), st["alert" if h["reason"].startswith("step back")
                                                    else "small"]),
            ]
        )
    out.append(_table(rows, [1.9 * cm, 1 * cm, 4 * cm, 1.1 * cm, _PAGE_W - 8 * cm]))
    return out


def _exercises(data: ProgressData, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """What was done per exercise: sets, reps, load, and how many were filmed."""
    done: dict[str, list[SetSummary]] = defaultdict(list)
    for session in data.sessions:
        for x in session.sets:
            done[x.exercise].append(x)
    if not done:
        return []
    rows: list[list[Any]] = [
        ["Exercise", "Sets", "Reps (last / best)", "Load", "Filmed / reported"]
    ]
    for code, sets in sorted(done.items(), key=lambda item: _name(item[0])):
        loads = sorted({f"{x.load_kg:g} kg" for x in sets if x.load_kg}
                       | {f"{x.band} band" for x in sets if x.band}) or ["bodyweight"]
        filmed = sum(1 for x in sets if x.filmed)
        rows.append([_name(code), len(sets), f"{sets[-1].reps} / {max(x.reps for x in sets)}",
                     ", ".join(loads), f"{filmed} / {len(sets) - filmed}"])
    return [Paragraph("What was done, per exercise", st["h"]),
            _table(rows, [4.5 * cm, 1.2 * cm, 2.8 * cm, 3 * cm, _PAGE_W - 11.5 * cm])]


def _adherence(data: ProgressData, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    a = data.adherence
    pct = "n/a (no complete week yet)" if a.adherence_pct is None else f"{a.adherence_pct:.0f}%"
    last = "never" if a.days_since_last is None else f"{a.days_since_last} days ago"
    return [
        Paragraph("Adherence", st["h"]),
        Paragraph(
            f"{a.sessions} training days; adherence to plan {pct}; missed sessions "
            f"{a.missed_sessions}; weeks meeting the plan in a row {a.current_streak_weeks} "
            f"(best {a.longest_streak_weeks}); last session {last}.",
            st["body"],
        ),
    ]


def _pain(data: ProgressData, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    out: list[Flowable] = [Paragraph("Pain per region and what it means", st["h"])]
    for trend in data.trends:
        if trend.first is None:
            continue
        out.append(Paragraph(escape(trend.sentence()), st["body"]))
    weeks: dict[tuple[date, str, str], list[int]] = defaultdict(list)
    for point in data.pain:
        weeks[(week_start(plots.local_date(point.at, data.timezone)), point.region,
               point.moment or "rest")].append(point.score)
    regions = sorted({region for _, region, _ in weeks})
    moments = ("rest", "before", "during", "after")
    if regions:
        rows: list[list[Any]] = [["Week of", *[f"{r} {m}" for r in regions for m in moments]]]
        for monday in sorted({monday for monday, _, _ in weeks})[-_MAX_FAULT_WEEKS:]:
            rows.append([monday.isoformat(), *[
                f"{max(weeks[(monday, r, m)])}" if weeks.get((monday, r, m)) else "–"
                for r in regions for m in moments]])
        width = (_PAGE_W - 2 * cm) / (len(rows[0]) - 1)
        out.append(_table(rows, [2 * cm, *[width] * (len(rows[0]) - 1)]))
        out.append(Paragraph("Worst reading per week; rest is between sessions and at "
                             "screening.", st["small"]))
    out.append(
        Paragraph(
            f"On the 0-10 scale a change of about {rules.PAIN_MEANINGFUL_CHANGE_POINTS} points is "
            "clinically meaningful (Farrar 2001; Ostelo 2008): the grey band on the pain plot. "
            "Smaller changes are within day-to-day variation.",
            st["small"],
        )
    )
    return out


def _outcomes(data: ProgressData, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    if not data.outcomes:
        return []
    rows: list[list[Any]] = [["Measure", "First", "Latest", "Change", "Meaningful change", "Means"]]
    for o in data.outcomes:
        rows.append([Paragraph(escape(o["name"]), st["small"]),
                     f"{o['first']:g}{o['unit']} ({o['first_day']})",
                     f"{o['last']:g}{o['unit']} ({o['last_day']})", f"{o['change']:+g}",
                     f"{o['minimal_important_change']:g}", o["direction"]])
    return [Paragraph("Outcome measures", st["h"]),
            _table(rows, [4.6 * cm, 2.8 * cm, 2.8 * cm, 1.3 * cm, 2.2 * cm, _PAGE_W - 13.7 * cm]),
            Paragraph("Minimal important change: RMDQ 5 points, ODI 10 points, or 30% of the "
                      "baseline (Ostelo 2008); PSFS 2 points (Stratford 1995); AKPS 10 points "
                      "(Crossley 2004).", st["small"])]


def _faults(data: ProgressData, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Filmed sets grouped by week, so a whole programme fits in a few rows."""
    out: list[Flowable] = [Paragraph("Form faults over time (filmed sets, by week)", st["h"])]
    weeks: dict[date, list[SetSummary]] = defaultdict(list)
    for session in data.sessions:
        weeks[week_start(session.day)].extend(x for x in session.sets if x.filmed)
    rows: list[list[Any]] = [["Week of", "Good-form reps / reps", "Form score", "Faults (count)"]]
    for monday, sets in sorted(weeks.items())[-_MAX_FAULT_WEEKS:]:
        if not sets:
            continue
        counts = Counter(code for x in sets for code in x.faults)
        faults = (
            ", ".join(f"{code.replace('_', ' ')} ({n})" for code, n in counts.most_common())
            or "none"
        )
        rows.append(
            [
                monday.isoformat(),
                f"{sum(x.passing_reps for x in sets)} / {sum(x.reps for x in sets)}",
                f"{sum(x.form_score or 0 for x in sets) / len(sets):.0f}",  # filmed only
                Paragraph(escape(faults), st["small"]),
            ]
        )
    if len(rows) == 1:
        return [
            *out,
            Paragraph("No filmed sets yet: form has not been checked by camera.", st["body"]),
        ]
    out.append(_table(rows, [2.2 * cm, 3.2 * cm, 1.8 * cm, _PAGE_W - 7.2 * cm]))
    return out


def _plots(data: ProgressData, folder: Path) -> list[Flowable]:
    paths = plots.write_all(data, folder, "png")
    width = _PAGE_W * 0.49
    images = [Image(str(p), width=width, height=width * 3.2 / 7.0) for p in paths]
    grid = Table([images[:2], [images[2], ""]], colWidths=[_PAGE_W / 2] * 2)
    return [grid]


def _header(data: ProgressData) -> str:
    """Who the report is about, for whom, and the period it covers."""
    ids = " · ".join(f"{key} {value}" for key, value in data.identifiers.items())
    days = [s.day for s in data.sessions]
    if data.screening_day:
        days.append(data.screening_day)
    period = f"{min(days).isoformat()} to {data.today.isoformat()}" if days else "no records yet"
    clinician = data.clinician or "none linked"
    return escape(f"{ids} · responsible clinician: {clinician} · period covered: {period} "
                  f"(dates in {data.timezone}) · report date {data.today.isoformat()}. "
                  "This summary flags what to discuss; it is not a diagnosis.")


def build_report(data: ProgressData, out: Path) -> Path:
    """Write the clinician PDF for ``data`` to ``out`` (atomically) and return its path."""
    out = Path(out)
    st = _styles()
    with tempfile.TemporaryDirectory(prefix="glutecoach-report-") as tmp:
        story: list[Flowable] = [
            Paragraph(f"Glute programme summary: {escape(data.person_name)}", st["title"]),
            Paragraph(_header(data), st["small"]),
            *_screening(data, st),
            *_programme(data, st),
            *_exercises(data, st),
            *_adherence(data, st),
            *_pain(data, st),
            *_outcomes(data, st),
            *_faults(data, st),
            Spacer(1, 4),
            KeepTogether(_plots(data, Path(tmp))),
            Paragraph("References", st["h"]),
            *[Paragraph(escape(ref), st["small"]) for ref in REFERENCES.values()],
        ]
        with replaced_atomically(out, create_parents=True) as partial:
            doc = SimpleDocTemplate(
                str(partial),
                pagesize=A4,
                leftMargin=1.5 * cm,
                rightMargin=1.5 * cm,
                topMargin=1.2 * cm,
                bottomMargin=1.2 * cm,
                title="Glute programme summary",
                author="glutecoach",
            )
            doc.build(story)
    return out
