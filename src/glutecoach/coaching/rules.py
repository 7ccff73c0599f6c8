"""Every coaching threshold, once, with its unit in its name and its source beside it.

References are the real papers in ``shared/research/evidence.md``; nothing else is cited.
"""

from __future__ import annotations

from typing import Literal, get_args

# --- Numeric pain rating scale (NPRS) -----------------------------------------------------------
#: The scale runs 0 (no pain) to 10 (worst imaginable), whole numbers.
PAIN_MIN = 0
PAIN_MAX = 10
#: A change of about 2 points is clinically meaningful; smaller changes are noise, so nothing is
#: called better or worse (and no alert fires) below it, whatever the percentage.
#: Farrar et al., Pain 2001;94(2):149-158; Ostelo et al., Spine 2008;33(1):90-94.
PAIN_MEANINGFUL_CHANGE_POINTS = 2
#: A rise this large during a session needs the next morning's pain before the plan moves on.
PAIN_FLARE_RISE_POINTS = PAIN_MEANINGFUL_CHANGE_POINTS

# --- Pain-monitoring model: Thomeé, Phys Ther 1997;77(12):1690-1703; Silbernagel et al.,
# --- Am J Sports Med 2007;35(6):897-906. Each body region is judged on its own. -----------------
#: Pain during or after exercise may reach this; at it the plan holds, above it steps back.
PAIN_MONITOR_LIMIT = 5
#: The next morning "has not settled" when it is this much above the pain before the session
#: (the meaningful change); any smaller rise still counts as "worse" and holds the plan.
PAIN_NEXT_MORNING_UNSETTLED_POINTS = PAIN_MEANINGFUL_CHANGE_POINTS
#: Pain must not rise from week to week: a weekly average this much above the week before
#: (the meaningful change) steps back.
PAIN_WEEKLY_RISE_POINTS = PAIN_MEANINGFUL_CHANGE_POINTS
PAIN_WEEK_DAYS = 7

# --- Red flags and their follow-up: NICE NG59; Finucane et al. JOSPT 2020;50(7):350-372 ---------
#: Malignancy-pattern "soon" flags; this many together raise the referral to same-day
#: (Finucane 2020: cancer history + weight loss + night pain raise suspicion).
SERIOUS_PATTERN_FLAGS_URGENT = 2
#: Until a clinician has reviewed a "soon" flag, the plan does not go past this (gentle) level.
UNREVIEWED_FLAG_MAX_LEVEL = 0
#: After an urgent flag is cleared the programme restarts here (the gentlest level).
CLEARED_RESTART_LEVEL = 0
#: Pain that started within this many weeks counts as "new" (with age over 50: a red flag).
NEW_PAIN_WEEKS = 6

# --- Outcome measures a clinic repeats (baseline, every 4-6 weeks): evidence.md ------------------
#: Offered again this many days after the last one.
OUTCOME_REPEAT_DAYS = 28
#: Minimal important change (Ostelo et al., Spine 2008;33(1):90-94 for RMDQ and ODI;
#: Stratford et al., Physiother Can 1995 for PSFS; Crossley et al. 2004 for AKPS).
RMDQ_ITEMS = 24
RMDQ_MIC_POINTS = 5
ODI_MIC_POINTS = 10
PSFS_MIN_ACTIVITIES = 3
PSFS_MAX_ACTIVITIES = 5
PSFS_MIC_POINTS = 2
AKPS_MIC_POINTS = 10
#: Or 30% of the baseline, whichever is larger (Ostelo 2008), for RMDQ and ODI.
OUTCOME_MIC_FRACTION = 0.30

# --- Entering earlier sessions from a paper diary -----------------------------------------------
#: ``--at`` may go back this many days, never into the future.
BACKDATE_MAX_DAYS = 90

# --- STarT Back Tool: Hill et al., Arthritis Rheum 2008;59(5):632-641 ---------------------------
START_BACK_ITEMS = 9
#: Items 5-9 (1-based) form the psychosocial "distress" subscale.
START_BACK_DISTRESS_ITEMS = (5, 6, 7, 8, 9)
#: Total 0-3 is low risk.
START_BACK_LOW_MAX_TOTAL = 3
#: With a total of 4 or more, a distress score of 3 or less is medium risk, 4 or more high risk.
START_BACK_MEDIUM_MAX_DISTRESS = 3
#: Item 9 ("overall, how bothersome") scores 1 only for these answers.
StartBackItem9 = Literal["not_at_all", "slightly", "moderately", "very_much", "extremely"]
START_BACK_ITEM9_ANSWERS: tuple[str, ...] = get_args(StartBackItem9)
START_BACK_ITEM9_POSITIVE = ("very_much", "extremely")

# --- Oswestry Disability Index: Fairbank & Pynsent, Spine 2000 ----------------------------------
ODI_SECTIONS = 10
ODI_SECTION_MAX = 5

# --- Dosing: ACSM position stand (Ratamess et al. 2009); the article's 10-15 is within it ------
ACSM_REPS_MIN = 8
ACSM_REPS_MAX = 15
ACSM_SETS_MIN = 1
ACSM_SETS_MAX = 3
ACSM_SESSIONS_PER_WEEK_MIN = 2
ACSM_SESSIONS_PER_WEEK_MAX = 3
# The article's "Aim for 10-15 repetitions" is thresholds.TARGET_REPS_MIN/MAX (the analysis's
# set summary uses it too).
#: Rep targets walked through before moving to a harder exercise. Moving on needs the target
#: plus PROGRESS_MARGIN_REPS, so the highest target is 13: nobody is asked for more than 15.
REP_TARGET_STEPS = (10, 12, 13)

# --- Progression: the "2-for-2 rule" (NSCA), as worded in evidence.md ---------------------------
#: Progress when the last set beats the target by this many reps ...
PROGRESS_MARGIN_REPS = 2
#: ... in this many sessions in a row.
PROGRESS_CONSECUTIVE_SESSIONS = 2

# --- Added resistance once the bodyweight top level is reached (the article: "increase
# --- resistance"; ACSM, Ratamess et al. 2009: progress load once the reps are easy) ------------
RESISTANCE_STEPS = (
    "bodyweight",
    "light resistance band (yellow or red)",
    "medium resistance band (green)",
    "heavy resistance band (blue or black)",
    "dumbbell 2-4 kg",
    "dumbbell 5-8 kg",
)
BAND_COLOURS = ("yellow", "red", "green", "blue", "black")
MAX_LOAD_KG = 100.0

# --- Risk factors named by the article (sitting, inactivity, previous injury, age) -------------
#: Hours of sitting a day taken as "prolonged sitting" (a coaching choice, not a clinical cut-off).
SITTING_HOURS_HIGH = 8.0
#: Fewer active days a week than the ACSM minimum for strength work counts as inactive.
ACTIVE_DAYS_LOW = ACSM_SESSIONS_PER_WEEK_MIN
#: Age over 50 with new pain is a red-flag pattern (NICE NG59; Finucane et al. 2020).
AGE_NEW_PAIN_FLAG_YEARS = 50
#: Age from which the programme starts at the chair squat (a coaching choice).
AGE_GENTLE_START_YEARS = 65
#: Current pain from which the programme starts at the easiest level (a coaching choice).
PAIN_GENTLE_START = 7
#: Current pain from which the squat is replaced by the chair squat (a coaching choice).
PAIN_CHAIR_START = 4
