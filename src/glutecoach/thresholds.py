"""Every threshold the analysis uses, once, with its unit in its name and its source.

References are the ones in ../shared/research/evidence.md (never the article's own two, which do
not exist). Where the literature gives no cut-off, the value is a screening heuristic and says so;
none was tuned to a single recording.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FilterThresholds:
    # Peers' practice (peers.md): ignore joints below about 0.3-0.5 confidence.
    min_joint_score: float = 0.3
    # Fill gaps shorter than about 10 frames at 30 fps; longer gaps stay missing.
    max_gap_s: float = 0.35
    # 4th-order Butterworth at about 6 Hz, zero phase (peers.md; common in gait/squat analysis).
    lowpass_cutoff_hz: float = 6.0
    # Hampel identifier (kinematics.filtering.hampel) for gross pose errors (a knee placed on
    # the other leg, a foot on the floor's edge): a sample more than 3 robust SDs from the
    # median of the 0.3 s around it (9 frames at 30 fps: shorter than a squat's half cycle, so
    # a turning point is a minority of any window). The SD is floored at 0.5% of the body's
    # extent (about 8 mm on a 1.7 m person): on a still joint the window's spread is a pixel or
    # less (median 0.2-0.5% of the body over the clips of ../shared/data, often 0), and without
    # a floor its noise would be flagged; a deviation under 3 x 0.5% is left to the low-pass.
    hampel_window_s: float = 0.3
    hampel_min_sigma_body: float = 0.005
    # The live coach cannot look ahead, so it smooths causally with a One Euro filter (peers.md): a low
    # cut-off (1.5 Hz) while a joint is still removes jitter, and beta raises the cut-off with
    # speed so a squat's descent is not lagged (heuristic; the live tests count the 5-rep clip
    # with these values).
    live_min_cutoff_hz: float = 1.5
    live_beta: float = 0.05
    # A live set's frame rate is measured from its timestamps; with fewer than two frames it is
    # taken as 15 fps, a browser's usual pace for the pose model, until there is more to go by.
    live_fallback_fps: float = 15.0


@dataclass(frozen=True)
class RepThresholds:
    """Hysteresis on the knee-bend signal ``thigh_rise`` (0 standing, 1 thighs horizontal).

    ``thigh_rise`` = 1 - (vertical thigh extent / vertical shin extent) / standing value. A
    vertical extent is unchanged by the camera's angle around the person, so the same numbers
    hold for front, side and oblique views, and for keypoints normalised per frame.
    """

    # Leaving the top: 15% of the way from standing towards thighs horizontal.
    enter_descent: float = 0.15
    # A rep must bend at least this far (a fifth of the way: the thigh about 35-40 degrees from
    # vertical, a quarter squat). Shallower dips are weight shifts or fidgeting, not squats;
    # shallow squats still count, and get depth advice.
    min_depth: float = 0.20
    # Back at the top: within 10% of the standing value. enter/exit apart = hysteresis.
    exit_ascent: float = 0.10
    # ... or, after a deep bend, back up to this share of the bottom's thigh_rise or less (at
    # least 70% of the way up): fast sets often stop just short of standing between reps. The
    # next rep then starts once the signal drops the same hysteresis gap below that level, and
    # is a squat only if the one it continues was (checks.judge.RepJudge). Measured with
    # benchmarks/robustness.py (recordings played backwards, at half frame rate, with frames
    # lost, with jitter, mirrored): 0 (standing only) 24 of 42 squat variants exact and 95 of
    # 98 non-squat variants at zero; 0.25: 25 and 94; 0.30: 26 and 95. Higher shares count
    # more but would let a bounce at a sticking point mid-ascent start a second rep.
    exit_fraction: float = 0.30
    # Where the rep's start and end are placed: the last/first frame this close to standing.
    top_level: float = 0.06
    # A squat rep takes 0.6-12 s (fast bodyweight reps to slow sit-to-stand with a pause).
    min_rep_s: float = 0.6
    # Detection lost for longer than trust_gap_s makes the next after_gap_s untrusted: a top
    # reached then must hold confirm_top_s before it ends the rep, so that the badly placed
    # joints of a re-found person cannot split one rep in two.
    trust_gap_s: float = 0.1
    # Running median over this much of the signal inside the counter (seconds, not samples,
    # so that it means the same at any frame rate).
    median_window_s: float = 0.15
    after_gap_s: float = 0.5
    confirm_top_s: float = 0.3
    # Losing the person for longer than this resets the count's state (no rep across it).
    max_gap_s: float = 2.0
    max_rep_s: float = 12.0
    # How far before a rep's start the standing posture is looked for (the gate and the
    # standing segment lengths use the most upright frame there).
    standing_lookback_s: float = 1.0
    # Standing value of the thigh/shin vertical ratio before any frames are seen (thigh and
    # shank are about equally long: Winter, Biomechanics and Motor Control of Human Movement).
    standing_ratio_prior: float = 1.0
    # The standing value the counter learns (reps.RepCounter._remember_standing). Thigh over
    # shin vertical extent = (thigh/shank length) x cos(thigh from vertical) / cos(shank from
    # vertical). Thigh/shank length is 1.0 +/- 0.1 between people (Winter), a camera above or
    # below hip height changes it by up to about 10%, and a "standing" top with soft knees
    # (up to about 30 degrees of knee bend, shank vertical: cos 30 = 0.87, as in wall and
    # ball squats, or fast sets) lowers it: 0.87 x 0.9 x 0.9 = 0.70 at the least, and a
    # straight leg reads at most 1.1 x 1.1 / cos(25) (shin inclined) = 1.3-1.6.
    standing_ratio_range: tuple[float, float] = (0.65, 1.6)
    # Above this the shin is nearly flat (kneeling, lying, a plank, the back leg of a lunge):
    # with the thigh vertical, a thigh/shin ratio of 2.5 puts the shin 66 degrees from
    # vertical, which no standing or squatting leg reaches. Never a standing sample
    # (reps.RepCounter), and, per leg, when the two legs are combined
    # (kinematics.signals.combine_legs): where one leg reads that and the other does
    # not, the flat one is a lunge's back leg or a pose error, and the other leg alone says
    # what the knees do. Measured: RepCount stu4_69, frames 66-67, the right knee placed at
    # its ankle's height at the bottom of a squat (right ratio 3.4 after smoothing, left 0.6):
    # the mean, 2.0, read as back at the top and split the rep in two (the Hampel filter
    # cannot catch it: two frames in a window that per-frame normalisation makes noisy).
    flat_shin_ratio: float = 2.5
    # Learned only from still moments: the ratio changes by at most 8% over still_window_s
    # (a descent changes it by that much in well under 0.1 s).
    still_window_s: float = 0.4
    still_max_change: float = 0.08
    # ... and never from far below the current standing value (a hold at the bottom is still
    # and can look upright): only within a third of the way to thighs horizontal.
    learn_max_rise: float = 0.35
    # The median of the still, upright moments of the last 3 s (about a rep with its pause:
    # the latest tops), as the counter used to take over its tops: a median, so one
    # mis-placed knee cannot set it. A 10 s window kept a tall start as "standing" for three
    # reps of a set whose tops came back only to 0.8 of it (tests/test_reps.py); a
    # higher quantile (0.75, 0.9) reads every dip as deeper, and let a jump onto a pull-up
    # bar and a weight shift during front raises (RepCount) pass as squats. Learned once such
    # moments span 0.13 s (5 frames at 30 fps; a count of frames would ask twice as long at
    # 15 fps and miss a first rep that starts 0.4 s into the clip); during a long hold at the
    # bottom, with no new sample, the last value is kept.
    standing_window_s: float = 3.0
    standing_quantile: float = 0.5
    standing_min_s: float = 0.13
    # A moment is still only once samples span at least this share of still_window_s (a lone
    # first sample says nothing about movement).
    still_min_span_share: float = 0.5


@dataclass(frozen=True)
class SignalThresholds:
    """The knee-bend signal (kinematics.signals): each leg's vertical thigh extent over its
    vertical shin extent, about 1 standing and 0 with the thigh horizontal."""

    # A shin whose downward extent is at most this share of the leg's longer segment lies flat
    # (kneeling, the back leg of a lunge): the ratio then takes its cap, ratio_max.
    flat_shin_share: float = 0.15
    # The ratio's range: -1.5 is far below parallel; 5.0 reads as "shin flat", far from any
    # squat, and keeps one wild frame from dominating a median.
    ratio_min: float = -1.5
    ratio_max: float = 5.0
    # A leg's weight in the combined signal from its weakest joint confidence (hip, knee,
    # ankle): 0 at 0.3 (peers' usual cut-off), rising over 0.5 to 1 at 0.8, squared so that a
    # clearly better-seen leg dominates.
    leg_weight_from_score: float = 0.3
    leg_weight_score_span: float = 0.5
    # Joint confidences are smoothed over about a third of a second (a running median) before
    # they weight the legs, so a weight does not flicker frame to frame.
    score_median_s: float = 0.33
    # Legs upright: the hips-to-ankles line within this of vertical, hips on top (a standing or
    # squatting person, not a plank or someone lying down).
    upright_max_lean_deg: float = 35.0


@dataclass(frozen=True)
class SamplingThresholds:
    """Which video frames the pose model sees (pose.sampling): a base rate, and a dense one near
    the turning points of a rep, where a straight line between sparse samples cuts a corner."""

    base_rate_hz: float = 7.5
    dense_rate_hz: float = 15.0
    # The picture is scaled to at most this many pixels on its longer side before the pose
    # model (BlazePose works on 256 px crops; a larger picture costs time, not accuracy).
    pose_max_side_px: int = 640
    # Dense sampling: the knee bend (thigh rise, 0 standing .. 1 thighs horizontal) is past
    # this ...
    dense_min_rise: float = 0.08
    # ... and changing slower than this (rise per second): near a turning point. Fast, straight
    # stretches of the descent and ascent interpolate well at the base rate.
    dense_max_rise_per_s: float = 0.5
    # The knee bend's speed is taken over at least this long (landmark jitter over one dense
    # step would look like speed).
    speed_span_s: float = 0.12
    # The standing reference: the straightest legs of the last few seconds ...
    standing_window_s: float = 4.0
    # ... unless even those are bent past this ratio (lying, kneeling): no reps to refine.
    min_standing_ratio: float = 0.3
    # A leg whose weakest joint confidence is below this is not used for the knee bend.
    min_leg_score: float = 0.5


@dataclass(frozen=True)
class BackfillThresholds:
    """Re-tracking stretches where the legs were lost (pose.backfill), from the well-tracked
    frames either side. Leg quality: the better leg's weakest joint confidence."""

    # Below this the legs were not found ...
    lost_leg_quality: float = 0.5
    # ... and from a frame at least this good the backward pass may start.
    good_leg_quality: float = 0.7
    # Shorter stretches are bridged by interpolation anyway.
    min_run_s: float = 0.25
    # The tracker is not trusted further than this from its start (and memory holds one
    # stretch).
    max_run_s: float = 3.0
    # Frames beyond the good frame fed first, so the tracker is locked on.
    warm_up_s: float = 0.3
    # Frames re-tracked per second: close spacing keeps the tracker locked.
    retrack_rate_hz: float = 15.0
    # A re-tracked frame replaces the original only if its leg quality is better by this much.
    min_quality_gain: float = 0.1
    # Kept re-tracked frames at most this many frames apart have the frames between them
    # interpolated.
    max_fill_frames: int = 4


@dataclass(frozen=True)
class GateThresholds:
    """Is the person squatting? Checked on each candidate rep (exercise gate)."""

    # At the top of a squat the person stands: hips well above the ankles relative to the
    # body's height in the picture (lying, plank and kneeling exercises fail this).
    # Standing, the hip joint is at about 53% of stature (Winter's segment table), which is
    # about 55% of the ankle-to-nose span the landmarks show; 0.42 allows for perspective.
    min_standing_hip_height_frac: float = 0.42
    # With true proportions (pixel input) the head is not needed, and may be cropped: hip height
    # over leg length (1 for a straight vertical leg) is scaled by the leg's share of the
    # ankle-to-nose span (about 0.55) so the same threshold applies (0.42 = leg 76% vertical).
    leg_to_body_height: float = 0.55
    # Upright at the top: trunk (shoulder to hip) over shank (knee to ankle) vertical extents.
    # Winter: trunk about 0.29 and shank 0.25 of stature, a ratio near 1.2 standing; bent-over,
    # lying or swinging bodies fall outside 0.8-1.8.
    trunk_shin_ratio_top_range: tuple[float, float] = (0.8, 1.8)
    # With pixel coordinates the trunk's direction is used instead: standing means the trunk
    # nearer vertical than horizontal (a plank or push-up is near 90 degrees).
    max_trunk_lean_top_deg: float = 45.0
    # Shoulders above the hips at the bottom (trunk lean under about 70 degrees).
    min_bottom_trunk_height_frac: float = 0.10
    # Lunges and kneeling: one shank near horizontal, so its thigh/shin vertical ratio is large.
    max_leg_ratio_bottom: float = 1.6
    # Both legs bend in a squat: the less-bent leg must still reach this much thigh_rise.
    min_other_leg_depth: float = 0.15
    # ... and about as far as the other (pixel input, where both legs' landmarks are real): a
    # squat on a symmetric stance bends both knees alike, a side lunge bends one while the
    # other stays straight (ratio near 0). The less-bent leg must reach a quarter of the
    # more-bent one's thigh_rise. Measured on ../shared/data: real reps of videos and QoM
    # 0.41 or more. Keypoints normalised per frame are not asked: with no confidences, a leg
    # mis-placed for a whole rep (RepCount val1244, 0.10) cannot be told from a straight one.
    min_leg_balance: float = 0.25
    # Feet side by side (the article: "feet shoulder-width apart"): a lunge, a step-up or a
    # split stance puts one foot most of a leg length ahead of the other. From the 3D world
    # landmarks (video input), the ankles' separation along the way the hips face, at its
    # 90th percentile over the rep (a walking or reverse lunge steps out and back), over
    # the leg length. BlazePose's depth is compressed, so a split reads shorter than it is;
    # more than 0.4 leg lengths is not a squat. Measured on ../shared/data: squat reps 0.33
    # or less (most 0.1-0.2); lunges 0.51-0.71, step-ups 0.44-0.50.
    max_feet_split_leg: float = 0.4
    # Stepping into place, walking and shifting weight bend one knee and then the other; a squat
    # bends both at once. A bend that stops well short of parallel (thigh_rise under 0.6)
    # counts only if the two legs' bend rises and falls together (rank correlation at least 0.3
    # over the rep). Deeper bends are not asked: nobody steps that low, and there a wrongly
    # placed knee on one leg (common with a hidden far leg) must not cost a real rep. Measured
    # on ../shared/data: steps (and a knee bend during front raises) reach depth 0.26-0.40
    # with correlations -0.37 to 0.20; real reps
    # correlate at 0.66 or more, except deep ones (0.8) with one leg mis-tracked. Landmark
    # jitter draws every correlation towards 0, and real reps have further to fall, so the
    # limit sits nearer the steps: with extra jitter of 0.6% of the landmarks' extent (about
    # twice what RepCount's landmarks carry) 4 of 137 shallow real reps fall below 0.3 (13
    # below 0.5), and 7 of 9 steps still do. Any depth limit from 0.5 to 0.7 and any
    # correlation limit from 0.3 to 0.6 give the same figures on the data as it is.
    shallow_depth: float = 0.6
    min_legs_together: float = 0.3
    legs_together_min_samples: int = 5
    # A hip hinge (Romanian deadlift, deadlift, bending to pick something up) tips the trunk
    # over shins that stay near vertical, with the knees only slightly bent. A squat keeps the
    # trunk within about 20 degrees of parallel to the shins (common coaching; Barrack et al.
    # 2021 on the trunk-tibia difference); a squat whose chest drops (flagged beyond 25)
    # still bends the knees and brings the shins forward with them (a parallel squat needs
    # about 30 degrees or more of ankle dorsiflexion). So a rep is a hinge when the trunk leans
    # more than 35 degrees further than the shins at some point (90th percentile of its
    # frames, 2D, pixel input), the knees stop well short of parallel (thigh_rise under
    # shallow_depth: a deep knee bend is a squat whatever the trunk does), AND either the
    # shins stay within 15 degrees of vertical (half a squat's dorsiflexion) or the knees
    # bend only slightly (thigh_rise under 0.35). Measured on ../shared/data: squat reps of every
    # video source lean the trunk 15 degrees or less past the shins; QoM's "chest falling
    # forward" squats 42-57 but with shins at 17-25 degrees and thigh_rise 0.46-0.58; Romanian
    # deadlifts 47-51 with shins at 3-4 degrees (thigh_rise 0.2); QoM squats that sit back
    # with the chest dropping 35-44 with shins at 10-14 but thigh_rise 0.64-0.73; a barbell deadlift 52 (6); lifting a landmine
    # bar off the floor 69 (8); a one-leg bend to pick up a bottle 38 at thigh_rise 0.23.
    # Arms are not used: a squat with the arms overhead, crossed or holding a weight is a squat.
    max_hinge_trunk_minus_shin_deg: float = 35.0
    hinge_max_shin_lean_deg: float = 15.0
    hinge_max_depth: float = 0.35
    # Keypoints normalised frame by frame only (their feet's height and the floor are lost, so
    # hanging and jumping cannot be seen from the legs): hands above the head for most of the
    # rep. "Above the head" = wrists higher than the shoulders by half a torso length (about
    # the crown of the head). Never asked of video or pixel keypoints, where the feet decide.
    max_hands_overhead_frac: float = 0.5
    hands_overhead_torso: float = 0.5
    # Feet stay planted (pixel input): the lower ankle's rise and fall over the rep (10th to
    # 90th percentile of its height), in leg lengths. Standing on at least one foot keeps
    # that foot on the floor, walking and stepping included; a jump or a hang lifts both. A
    # third of a leg length is about 30 cm, a real jump. Measured on ../shared/data: squat
    # reps 0.02-0.28 (0.28 where a Smith machine hides the legs); the range replaced the
    # full extent of both ankles (ptp), which one mis-placed frame (a caption over the
    # picture, a plate in front of the legs) pushed to 0.37-0.55 on real squats.
    max_ankle_travel_leg: float = 0.35


@dataclass(frozen=True)
class FormThresholds:
    # Depth: thigh within about 0-10 degrees of horizontal at the bottom counts as parallel
    # (Escamilla, Med Sci Sports Exerc 2001;33(1):127-141). Advice, not a failure.
    thigh_above_parallel_deg: float = 10.0
    # Advice is given only when the thigh is above that band by more than the measuring error:
    # 2D pose errs by about 4-6 degrees at the hip and knee (Stenum et al. PLoS Comput Biol
    # 2021), so twice the knee's 5.6 degrees is added before a rep is called shallow.
    angle_margin_deg: float = 11.0
    # Depth is the thigh's angle at its deepest within this long of the rep's bottom (the
    # counter's bottom is where both legs' bend peaks; the near thigh may bottom a frame or two
    # away).
    bottom_window_s: float = 0.2
    # Chest up: trunk lean from vertical over about 45-50 degrees at the bottom of a bodyweight
    # squat (evidence.md; Barrack et al. Int J Sports Sci Coach 2021 on trunk vs tibia).
    trunk_lean_max_deg: float = 45.0
    # Trunk "parallel to the shin" within about 20 degrees (common coaching; evidence.md).
    trunk_minus_shin_max_deg: float = 20.0
    # Trunk-minus-shin is a difference of two segment angles, each with about 4 degrees of
    # error (Stenum 2021), so 5 degrees are added before the chest is called dropped. Both
    # conditions must hold: leaning past 45 degrees and much further forward than the shin.
    trunk_shin_margin_deg: float = 5.0
    # Oblique views measure depth and trunk lean from a segment's vertical extent over its
    # standing length (kinematics.angles *_vp). That length is uncertain by about 10%: a
    # camera above or below hip height foreshortens segments by different amounts as they
    # tilt, and the shoulder points move with the arms (reaching forward or overhead
    # shortens the trunk in the picture). Near vertical the angle is steep in that length
    # (the trunk at 0.8 of its length reads 37 degrees, at 0.7 46), so a fault is called
    # only when it holds with the length 10% off in the favourable direction; otherwise the
    # rep says the measure was doubtful and how to film (checks/sagittal.py). On unseen
    # people all filmed at an angle, chest and depth cues were wrong on 27 and 18 reps
    # (precision 0.56 and 0.59) without this band.
    oblique_length_error: float = 0.10
    # Stance: Escamilla et al., Med Sci Sports Exerc 2001;33(6):984-998 measured narrow
    # 107 +/- 10%, medium 142 +/- 12%, wide 169 +/- 12% of shoulder width (ankle separation).
    # Feet closer than three SDs below the narrow stance (1.07 - 3 x 0.10), or wider than three
    # SDs above the wide stance (1.69 + 3 x 0.12), are flagged: a screening band wide enough
    # for the few percent of 2D measuring error in a side-to-side ratio.
    stance_min_ratio: float = 0.77
    stance_max_ratio: float = 2.05
    # Seen at an angle, a foot placed ahead of the other adds or hides width: a tenth of a
    # shoulder width ahead, seen at 45 degrees, changes the apparent separation by about 10%
    # (the same size as the oblique length error above). An oblique-view stance is flagged
    # only when it is off by more than that. (15% cost a true narrow stance of QoM J_04 at
    # 0.68 and with it the stance F1 of 0.8; 10% keeps it and still leaves S_02's "correct"
    # rep at 0.73 unflagged.)
    oblique_stance_error: float = 0.10
    # Knee tracking: frontal plane projection angle at peak flexion; no validated cut-off, a
    # screen above about 12 degrees (women) / 9 (men) or a left-right difference above 8
    # (Munro et al. J Sport Rehabil 2012; Herrington Knee 2014). Sex unknown: 12 is used.
    # In a two-legged squat these are applied to what a camera turned a few degrees cannot
    # fake (checks.frontal._knees): the two knees' mean angle, and the knee gap below.
    # At the bottom the knees are about a thigh length in front of the ankles, so a camera
    # turned by 10 degrees shifts both sideways by about 0.17 thigh lengths, which reads as
    # roughly +-10 degrees on the two knees, more than the 8-degree difference.
    fppa_max_deg: float = 12.0
    fppa_asymmetry_max_deg: float = 8.0
    # Knee separation / ankle separation at the bottom falling well below its value at the
    # top (heuristic, evidence.md): under 80% of the standing ratio.
    knee_ankle_ratio_drop_min: float = 0.80
    # Hips back: at the bottom the hip should sit behind the ankle (side view). Heuristic:
    # under 15% of a thigh length behind the ankle means the knees went forward instead.
    hip_behind_ankle_min_thigh: float = 0.15
    # Heels: heel rising relative to the toe, in foot lengths (no validated threshold).
    heel_rise_max_foot: float = 0.15
    # Lockout: hip extension back to about neutral; more than 20 degrees of hip flexion left
    # at the top is flagged (heuristic). On video the 3D world landmarks' sagittal hip angle
    # must agree (checks/sagittal._lockout): at an angle, a wide stance's sideways thighs read
    # as 27-36 degrees of bend in the picture where 3D reads 2-9 (apurvo_sumo_fix_feet).
    lockout_hip_flexion_max_deg: float = 20.0
    # Tempo: a descent under about 1 s is fast for a controlled bodyweight squat.
    descent_min_s: float = 1.0
    # Hips shifting sideways: pelvis centre moving off the feet centre by more than a quarter
    # of hip width at the bottom (heuristic; uneven loading of the legs).
    hip_shift_max_hipwidth: float = 0.25


@dataclass(frozen=True)
class ReliabilityThresholds:
    # Thigh or shin shorter than about 60 px gives large angle errors (evidence.md).
    min_segment_px: float = 60.0
    # Share of a rep's frames in which the joints it needs must be found.
    min_joint_coverage: float = 0.7


@dataclass(frozen=True)
class ViewThresholds:
    """The camera's angle to the body: the torso's yaw from BlazePose's 3D world landmarks, or,
    without them (keypoint files), shoulder width over torso height in the picture."""

    # Torso yaw (0 = facing the camera, 90 = side on, 180 = back to it). The checks read angles
    # in the picture, where a segment tilted phi within a plane turned theta from the picture's
    # plane shows as atan(tan(phi) cos(theta)). Turned 30 degrees the error is at most 4 degrees
    # (at phi near 45), about the 3-degree error of 2D joint angles and half the 8-degree
    # smallest detectable difference (Munro et al. 2012, evidence.md); at 45 degrees it is 10,
    # at 60 degrees 18. So a side view (depth, trunk lean, hips back, read as drawn) needs the
    # movement plane within 30 degrees of the picture (yaw 60-120), and a front or back view
    # (knee tracking, hip shift) the body facing within 30 degrees of the camera or away from
    # it (yaw under 30 or over 150). Between them the view is oblique: angles come from
    # vertical extents (kinematics/angles.py) and frontal checks are not made. Measured at the
    # set's standing moments on ../shared/data (docs/accuracy.md): labelled front 2-8 degrees,
    # back 168-169, side 69-96, oblique 35-58 (131 from behind); the labels the frames
    # contradict read 47-52 (three labelled side, turned about 45 degrees), 69-88 (four
    # labelled oblique, side on or nearly) and 148 (one labelled back, from behind-left).
    facing_max_deg: float = 30.0
    side_min_deg: float = 60.0
    # The yaw is trusted from this many standing frames with world landmarks; fewer (keypoint
    # files, a camera feed that gives no 3D) fall back to the 2D rule below.
    min_world_frames: int = 5
    # 2D rule: a person's shoulders are about 0.8-0.9 of torso height wide face on, and
    # narrow as cos(yaw) as they turn (front: turned under about 47 degrees; side: past 72).
    front_min_ratio: float = 0.55
    side_max_ratio: float = 0.25


FILTER = FilterThresholds()
REPS = RepThresholds()
SIGNALS = SignalThresholds()
SAMPLING = SamplingThresholds()
BACKFILL = BackfillThresholds()
GATE = GateThresholds()
FORM = FormThresholds()
RELIABILITY = ReliabilityThresholds()
VIEW = ViewThresholds()

# The article: "Aim for 10-15 repetitions".
TARGET_REPS_MIN = 10
TARGET_REPS_MAX = 15

# Frames per second assumed where a recording does not say: keypoint files (the --fps option's
# default) and a video whose stream gives no rate. Phone cameras record at 30.
DEFAULT_FPS = 30.0
