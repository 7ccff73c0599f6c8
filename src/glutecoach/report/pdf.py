"""The clinician report: one or two A4 pages to read before an appointment.

Built with ReportLab (pip-installable, no system tools): screening and red flags, programme and
level, adherence, the pain trend and what it means clinically, form faults over time, the plots
and the references used. The PDF is written to a temporary file and moved into place, so a
failure never leaves half a report behind. Only references from evidence.md are cited.
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

from glutecoach.coaching.adherence import week_start
from glutecoach.coaching.exercises import EXERCISES
from glutecoach.coaching.programme import TOP_LEVEL
from glutecoach.coaching.progress import ProgressData, SetSummary
from glutecoach.coaching.screening import RED_FLAGS
from glutecoach.outputs import replaced_atomically
from glutecoach.report import plots

#: Cited as evidence.md gives them; no other source is ever cited.
REFERENCES: dict[str, str] = {
    "hill": "Hill JC et al. STarT Back Tool. Arthritis Rheum. 2008;59(5):632-641.",
    "farrar": "Farrar JT et al. Pain. 2001;94(2):149-158.",
    "ostelo": "Ostelo RW et al. Spine. 2008.",
    "nice": "NICE guideline NG59 (low back pain and sciatica); Finucane LM et al. J Orthop "
    "Sports Phys Ther. 2020;50(7):350-372.",
    "acsm": "ACSM position stand on resistance training (Ratamess NA et al.). 2009.",
    "macadam": "Macadam P, Feser EA. Int J Sports Phys Ther. 2019;14(1):14-31.",
    "distefano": "DiStefano LJ, Blackburn JT, Marshall SW, Padua DA. Gluteal muscle activation "
    "during common therapeutic exercises. J Orthop Sports Phys Ther. "
    "2009;39(7):532-540.",
}

_FLAG_TEXT = {flag.code: flag for flag in RED_FLAGS}
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
    flags = result.get("red_flags", [])
    sb = result.get("start_back", {})
    when = data.screening_day.isoformat() if data.screening_day else "?"
    out.append(
        Paragraph(
            f"Screened {when}. STarT Back total {sb.get('total')}/9, distress subscale "
            f"{sb.get('distress')}/5: <b>{sb.get('risk')} risk</b> (Hill 2008). "
            f"Pain at screening: back {result.get('pain', {}).get('back')}/10, knee "
            f"{result.get('pain', {}).get('knee')}/10.",
            st["body"],
        )
    )
    if flags:
        listed = "; ".join(
            escape(f"{_FLAG_TEXT[c].question} ({_FLAG_TEXT[c].meaning})")
            for c in flags
            if c in _FLAG_TEXT
        )
        out.append(
            Paragraph(
                f"<b>Red flags answered yes ({result.get('referral')} referral):</b> {listed}",
                st["alert"],
            )
        )
    else:
        out.append(Paragraph("No red flags answered yes (NICE NG59; Finucane 2020).", st["body"]))
    if not result.get("programme_allowed", True):
        out.append(Paragraph("<b>Programme blocked until a clinician clears it.</b>", st["alert"]))
    factors = ", ".join(f.replace("_", " ") for f in result.get("risk_factors", [])) or "none"
    out.append(Paragraph(f"Risk factors reported: {factors}.", st["body"]))
    return out


def _programme(data: ProgressData, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    out: list[Flowable] = [Paragraph("Programme and level", st["h"])]
    if data.programme is None:
        return [*out, Paragraph("No programme yet.", st["body"])]
    p = data.programme
    name = EXERCISES[p["exercise"]].name if p["exercise"] in EXERCISES else p["exercise"]
    out.append(
        Paragraph(
            f"Level {p['level']} (0 easiest, {TOP_LEVEL} hardest): <b>{escape(name)}</b>, "
            f"{p['sets']} x {p['target_reps']} reps, {p['sessions_per_week']} sessions a week "
            "(ACSM dosing, Ratamess 2009). "
            "Progression: 2-for-2 rule on good-form reps; hold or step back when pain rises 2+ "
            "points and has not settled by the next day.",
            st["body"],
        )
    )
    rows = [["From", "Level", "Exercise", "Target", "Why"]]
    for h in data.programme_history[-6:]:
        rows.append(
            [
                h["started_at"][:10],
                h["level"],
                h["exercise"],
                (f"{h['sets']}x{h['target_reps']}"),
                Paragraph(escape(h["reason"]), st["small"]),
            ]
        )
    out.append(_table(rows, [2 * cm, 1.1 * cm, 3.2 * cm, 1.4 * cm, _PAGE_W - 7.7 * cm]))
    return out


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
    out: list[Flowable] = [Paragraph("Pain trend and what it means", st["h"])]
    for trend in data.trends:
        if trend.first is None:
            continue
        out.append(
            Paragraph(escape(trend.sentence().replace("session:", "before training:")), st["body"])
        )
    out.append(
        Paragraph(
            "On the 0-10 scale a change of about 2 points or 30% is clinically meaningful "
            "(Farrar 2001; Ostelo 2008); smaller changes are within day-to-day variation.",
            st["small"],
        )
    )
    return out


def _faults(data: ProgressData, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Filmed sets grouped by week, so a whole programme fits in a few rows."""
    out: list[Flowable] = [Paragraph("Form faults over time (filmed sets, by week)", st["h"])]
    weeks: dict[date, list[SetSummary]] = defaultdict(list)
    for session in data.sessions:
        weeks[week_start(session.day)].extend(x for x in session.sets if x.form_score is not None)
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
                f"{sum(x.form_score or 0 for x in sets) / len(sets):.0f}",
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


def build_report(data: ProgressData, out: Path) -> Path:
    """Write the clinician PDF for ``data`` to ``out`` (atomically) and return its path."""
    out = Path(out)
    st = _styles()
    with tempfile.TemporaryDirectory(prefix="glutecoach-report-") as tmp:
        story: list[Flowable] = [
            Paragraph(f"Glute programme summary: {escape(data.person_name)}", st["title"]),
            Paragraph(
                f"{escape(data.person_email)} · report date {data.today.isoformat()}. "
                "This summary flags what to discuss; it is not a diagnosis.",
                st["small"],
            ),
            *_screening(data, st),
            *_programme(data, st),
            *_adherence(data, st),
            *_pain(data, st),
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
