"""Every coaching threshold, once, with its unit in its name and its source beside it.

References are the real papers in ``shared/research/evidence.md``; nothing else is cited.
"""

from __future__ import annotations

# --- Numeric pain rating scale (NPRS) -----------------------------------------------------------
#: The scale runs 0 (no pain) to 10 (worst imaginable), whole numbers.
PAIN_MIN = 0
PAIN_MAX = 10
#: A change of about 2 points or 30% is clinically meaningful.
#: Farrar et al., Pain 2001;94(2):149-158; Ostelo et al., Spine 2008.
PAIN_MEANINGFUL_CHANGE_POINTS = 2
PAIN_MEANINGFUL_CHANGE_FRACTION = 0.30
#: Hold or step back when pain rises this much in a session and has not settled by the next day
#: (the NSCA-style rule in evidence.md, using the meaningful change above).
PAIN_FLARE_RISE_POINTS = 2

# --- STarT Back Tool: Hill et al., Arthritis Rheum 2008;59(5):632-641 ---------------------------
START_BACK_ITEMS = 9
#: Items 5-9 (1-based) form the psychosocial "distress" subscale.
START_BACK_DISTRESS_ITEMS = (5, 6, 7, 8, 9)
#: Total 0-3 is low risk.
START_BACK_LOW_MAX_TOTAL = 3
#: With a total of 4 or more, a distress score of 3 or less is medium risk, 4 or more high risk.
START_BACK_MEDIUM_MAX_DISTRESS = 3
#: Item 9 ("overall, how bothersome") scores 1 only for these answers.
START_BACK_ITEM9_ANSWERS = ("not_at_all", "slightly", "moderately", "very_much", "extremely")
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
#: The article: "Aim for 10-15 repetitions, gradually increasing as you get stronger."
ARTICLE_REPS_MIN = 10
ARTICLE_REPS_MAX = 15
#: Rep targets walked through before moving to a harder exercise.
REP_TARGET_STEPS = (10, 12, 15)

# --- Progression: the "2-for-2 rule" (NSCA), as worded in evidence.md ---------------------------
#: Progress when the last set beats the target by this many reps ...
PROGRESS_MARGIN_REPS = 2
#: ... in this many sessions in a row.
PROGRESS_CONSECUTIVE_SESSIONS = 2

# --- Risk factors named by the article (sitting, inactivity, previous injury, age) -------------
#: Hours of sitting a day taken as "prolonged sitting" (a coaching choice, not a clinical cut-off).
SITTING_HOURS_HIGH = 8.0
#: Fewer active days a week than the ACSM minimum for strength work counts as inactive.
ACTIVE_DAYS_LOW = ACSM_SESSIONS_PER_WEEK_MIN
#: Age over 50 with new back pain is a red-flag pattern (NICE NG59; Finucane et al. 2020).
AGE_NEW_PAIN_FLAG_YEARS = 50
#: Age from which the programme starts at the chair squat (a coaching choice).
AGE_GENTLE_START_YEARS = 65
#: Current pain from which the programme starts at the easiest level (a coaching choice).
PAIN_GENTLE_START = 7
#: Current pain from which the squat is replaced by the chair squat (a coaching choice).
PAIN_CHAIR_START = 4
