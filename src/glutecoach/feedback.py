"""From faults to what a physiotherapist would say: one or two cues, praise, a score.

Feedback that fires all the time is demoralising (peers.md): the set summary names at most two
cues, the most important first (checks.base.PRIORITY), and every good rep is praised.
"""

from __future__ import annotations

from collections import Counter

from glutecoach.checks.base import CUES, PRIORITY
from glutecoach.result import Rep, Summary, TopCue
from glutecoach.thresholds import TARGET_REPS_MAX, TARGET_REPS_MIN

PENALTY = {"fault": 20, "advice": 8}
PRAISE = "Good rep: controlled, and every cue that could be checked was met."


def score_rep(rep: Rep) -> int | None:
    """0-100: 100 minus a penalty per fault (20) or advice (8); None for unreliable reps."""
    if not rep.reliable:
        return None
    return max(0, 100 - sum(PENALTY[f.severity] for f in rep.faults))


def cue_order(severity: str, code: str) -> tuple[int, int]:
    """Faults before advice (advice is a cue the measurement is less sure of, or that matters
    less for safety), then the article's priority: the first cue is the one to say."""
    return (0 if severity == "fault" else 1, PRIORITY.index(code))


def finish_rep(rep: Rep) -> None:
    rep.faults.sort(key=lambda f: cue_order(f.severity, f.code))
    rep.score = score_rep(rep)
    if rep.reliable and not any(f.severity == "fault" for f in rep.faults):
        rep.praise = PRAISE if not rep.faults else "Good rep: safe form. " + rep.faults[0].cue


def top_cues(reps: list[Rep], limit: int = 2) -> list[TopCue]:
    counts = Counter(f.code for r in reps if r.reliable for f in r.faults)
    severe = {f.code for r in reps if r.reliable for f in r.faults if f.severity == "fault"}
    order = sorted(counts, key=lambda c: (*cue_order("fault" if c in severe else "advice", c), -counts[c]))
    return [TopCue(code=c, cue=CUES[c], reps=counts[c]) for c in order[:limit]]


def summarize(reps: list[Rep], squat_detected: bool) -> Summary:
    judged = [r for r in reps if r.reliable and r.score is not None]
    n = len(reps)
    if not squat_detected:
        headline = "No squats were seen in this recording."
    elif n < TARGET_REPS_MIN:
        headline = f"{n} rep{'s' if n != 1 else ''}: aim for {TARGET_REPS_MIN}-{TARGET_REPS_MAX}, building up as you get stronger."
    elif n <= TARGET_REPS_MAX:
        headline = f"{n} reps: right in the {TARGET_REPS_MIN}-{TARGET_REPS_MAX} range. Well done."
    else:
        headline = f"{n} reps: more than {TARGET_REPS_MAX}; time to make the exercise harder rather than longer."
    good = [r.index for r in judged if not any(f.severity == "fault" for f in r.faults)]
    cues = top_cues(reps)
    praise = (f"Reps {', '.join(str(i + 1) for i in good)} had good form." if good and len(good) < n
              else "Every rep had good form." if good else None)
    return Summary(
        headline=headline,
        rep_count=n,
        target_reps=(TARGET_REPS_MIN, TARGET_REPS_MAX),
        reliable_reps=len(judged),
        form_passing_reps=len(good),
        form_score=round(sum(r.score or 0 for r in judged) / len(judged)) if judged else None,
        top_cues=cues,
        praise=praise,
        fault_counts=dict(Counter(f.code for r in judged for f in r.faults)),
        disclaimer="glutecoach coaches exercise form; it does not diagnose. If you are unsure "
                   "or in pain, book an appointment with your physiotherapist.",
    )
