"""A walking, lunging, kneeling and squatting body, for gate tests the shared data cannot cover.

The shared data has no walking, kneeling or lunging recordings, yet the issue names all three as
movements that must give zero squats. This builds them from joint angles instead: a 3D stick
figure with Winter's segment proportions (Biomechanics and Motor Control of Human Movement,
table 4.1), driven by textbook joint-angle curves (Perry, Gait Analysis, for walking), seen from
any camera angle by orthographic projection, with a little landmark jitter. Each movement has a
squat counterpart built the same way (a squat, a chair squat), which must still count: the
negatives cannot pass merely because the figure looks like nobody.

Body frame: x forward, y down, z to the person's left; the floor is y = 0.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from glutecoach.pose.skeleton import N_JOINTS, J
from glutecoach.types import PoseSequence, SourceInfo

Array = npt.NDArray[np.float64]

STATURE = 600.0  # pixels
THIGH, SHANK, TRUNK = 0.245 * STATURE, 0.246 * STATURE, 0.288 * STATURE
UPPER_ARM, FOREARM = 0.186 * STATURE, 0.146 * STATURE
# Joint centres, not body outlines: shoulder width over torso height comes out near 0.7, as
# BlazePose gives it on the front-view clips in ../shared/data (0.68-0.73).
HIP_HALF_WIDTH, SHOULDER_HALF_WIDTH = 0.09 * STATURE, 0.10 * STATURE
ANKLE_HEIGHT = 0.039 * STATURE
FPS = 30.0

# A leg's pose: (thigh, shank) angles in degrees from straight down, positive forward.
Leg = tuple[float, float]


def _down(angle_deg: float, length: float) -> Array:
    a = np.radians(angle_deg)
    return np.array([np.sin(a) * length, np.cos(a) * length, 0.0])


def body(hip: Array, left: Leg, right: Leg, trunk_lean: float = 0.0, arms: float = 0.0) -> Array:
    """33 x 3 joint positions for a pelvis centre ``hip``, each leg's angles, the trunk's lean
    forward and the arms' angle forward (degrees from hanging)."""
    p = np.full((N_JOINTS, 3), np.nan)
    a = np.radians(trunk_lean)
    up = np.array([np.sin(a), -np.cos(a), 0.0])  # hip to shoulder: up, and forward when leaning
    for side, sign, (thigh, shank) in (("left", 1, left), ("right", -1, right)):
        h = hip + [0.0, 0.0, sign * HIP_HALF_WIDTH]
        knee = h + _down(thigh, THIGH)
        ankle = knee + _down(shank, SHANK)
        p[J[f"{side}_hip"]], p[J[f"{side}_knee"]], p[J[f"{side}_ankle"]] = h, knee, ankle
        p[J[f"{side}_heel"]] = ankle + [-0.04 * STATURE, ANKLE_HEIGHT * 0.8, 0.0]
        p[J[f"{side}_foot_index"]] = ankle + [0.11 * STATURE, ANKLE_HEIGHT, 0.0]
        shoulder = hip + up * TRUNK + [0.0, 0.0, sign * SHOULDER_HALF_WIDTH]
        elbow = shoulder + _down(arms, UPPER_ARM)
        wrist = elbow + _down(arms, FOREARM)
        p[J[f"{side}_shoulder"]], p[J[f"{side}_elbow"]], p[J[f"{side}_wrist"]] = (
            shoulder,
            elbow,
            wrist,
        )
        for part in ("pinky", "index", "thumb"):
            p[J[f"{side}_{part}"]] = (
                wrist + _down(arms, 0.04 * STATURE) + [0.0, 0.0, sign * 0.01 * STATURE]
            )
        head = hip + up * (TRUNK + 0.13 * STATURE)
        p[J[f"{side}_eye"]] = head + [0.03 * STATURE, -0.01 * STATURE, sign * 0.015 * STATURE]
        p[J[f"{side}_eye_inner"]] = p[J[f"{side}_eye"]] + [0.0, 0.0, -sign * 0.006 * STATURE]
        p[J[f"{side}_eye_outer"]] = p[J[f"{side}_eye"]] + [0.0, 0.0, sign * 0.006 * STATURE]
        p[J[f"{side}_ear"]] = head + [0.0, 0.0, sign * 0.035 * STATURE]
        p[J[f"mouth_{side}"]] = head + [0.035 * STATURE, 0.025 * STATURE, sign * 0.01 * STATURE]
        p[J["nose"]] = head + [0.045 * STATURE, 0.005 * STATURE, 0.0]
    return p


def standing_on(ankle: Array, leg: Leg) -> Array:
    """The pelvis centre that puts this leg's ankle at ``ankle`` (the foot on the floor)."""
    return ankle - _down(leg[1], SHANK) - _down(leg[0], THIGH)


def leg_of(knee_flexion: float, shank: float) -> Leg:
    return (shank + knee_flexion, shank)


def sequence(
    poses: list[Array], yaw_deg: float, seed: int = 0, jitter_px: float = 1.5
) -> PoseSequence:
    """Project 3D poses to a 1280x720 picture seen from ``yaw_deg`` (0: the camera in front of the
    person, 90: at their left side, 180: behind), with Gaussian jitter like a pose model's.
    Seen from the side, the far (right) leg gets the low confidence BlazePose gives a hidden
    leg, so the knee-bend signal follows the near leg alone
    (kinematics.signals.combine_legs)."""
    rng = np.random.default_rng(seed)
    a = np.radians(yaw_deg)
    pts = np.asarray(poses)  # (T, 33, 3)
    u = pts[..., 0] * np.sin(a) + pts[..., 2] * np.cos(a)
    xy = np.stack([640.0 + u, 680.0 + pts[..., 1]], axis=-1)
    xy = xy + rng.normal(0.0, jitter_px, xy.shape)
    n = len(poses)
    info = SourceInfo(
        path="stick figure",
        kind="keypoints",
        fps=FPS,
        frames=n,
        duration_s=n / FPS,
        width=1280,
        height=720,
    )
    score = np.full((n, N_JOINTS), 0.95)
    if 60 <= yaw_deg <= 120:
        score[:, [J[f"right_{j}"] for j in ("hip", "knee", "ankle", "heel", "foot_index")]] = 0.35
    if yaw_deg > 120:  # from behind: the face is not seen
        score[:, : J["left_shoulder"]] = 0.05
    return PoseSequence(
        xy=xy,
        score=score,
        times=np.arange(n) / FPS,
        frame_indices=np.arange(n),
        coords="pixels",
        source=info,
    )


def world_landmarks(poses: list[Array], yaw_deg: float) -> Array:
    """The same poses as BlazePose's 3D world landmarks seen from ``yaw_deg`` (as ``sequence``
    projects them): metres, origin between the hips, x to the picture's right, y down, z away
    from the camera."""
    a = np.radians(yaw_deg)
    pts = np.asarray(poses)
    right = pts[..., 0] * np.sin(a) + pts[..., 2] * np.cos(a)
    away = -pts[..., 0] * np.cos(a) + pts[..., 2] * np.sin(a)
    world = np.stack([right, pts[..., 1], away], axis=-1) * (1.7 / STATURE)
    hips = (world[:, J["left_hip"]] + world[:, J["right_hip"]]) / 2
    return world - hips[:, None, :]


def _ease(n: int) -> Array:
    """0 to 1 over n frames, smoothly (cosine), as a movement starts and stops."""
    return (1 - np.cos(np.linspace(0.0, np.pi, n))) / 2


def _frames(seconds: float) -> int:
    return max(1, int(round(seconds * FPS)))


def squats(reps: int = 5, knee_deg: float = 100.0, pause_s: float = 0.0) -> list[Array]:
    """Bodyweight squats: the shanks tilt forward by about a third of the knee bend, the trunk
    leans about half as much as the knees bend, the hips go back; ``pause_s`` at the bottom
    (a chair squat sits for a moment)."""
    ankle = np.zeros(3)

    def at(k: float) -> Array:
        leg = leg_of(k, -0.35 * k)
        return body(standing_on(ankle, leg), leg, leg, trunk_lean=0.45 * k, arms=0.8 * k)

    out = [at(0.0)] * _frames(1.0)
    for _ in range(reps):
        out += [at(knee_deg * f) for f in _ease(_frames(1.0))]
        out += [at(knee_deg)] * _frames(pause_s)
        out += [at(knee_deg * (1 - f)) for f in _ease(_frames(1.0))]
        out += [at(0.0)] * _frames(0.6)
    return out


def lunges(reps: int = 6) -> list[Array]:
    """Forward lunges, legs alternating: step forward, lower the back knee towards the floor
    (front thigh near horizontal, back shank near it too), rise, step back."""
    stride = 0.45 * STATURE
    out: list[Array] = []
    stand = body(standing_on(np.zeros(3), (0, 0)), (0, 0), (0, 0))
    out += [stand] * _frames(1.0)
    split = np.degrees(np.arcsin(stride / 2 / (THIGH + SHANK)))
    for rep in range(reps):
        front_is_left = rep % 2 == 0

        def pose(front: Leg, back: Leg, front_ankle_x: float, front_is_left: bool = front_is_left) -> Array:
            hip = standing_on(np.array([front_ankle_x, 0.0, 0.0]), front)
            legs = (front, back) if front_is_left else (back, front)
            return body(hip, *legs, trunk_lean=5.0)

        # Step: the front foot travels forward, the hips follow half-way.
        for f in _ease(_frames(0.5)):
            out.append(pose((split * f, split * f), (-split * f, -split * f), stride / 2 * f))
        lowered = ((80.0, -5.0), (-10.0, -65.0))
        for down in (_ease(_frames(1.0)), 1 - _ease(_frames(1.0))):
            for f in down:
                front = (split + (lowered[0][0] - split) * f, split + (lowered[0][1] - split) * f)
                back = (-split + (lowered[1][0] + split) * f, -split + (lowered[1][1] + split) * f)
                out.append(pose(front, back, stride / 2))
        for f in 1 - _ease(_frames(0.5)):
            out.append(pose((split * f, split * f), (-split * f, -split * f), stride / 2 * f))
        out += [stand] * _frames(0.5)
    return out


def _gait(phase: Array, hip_amp: float, hip_mid: float, swing_knee: float) -> tuple[Array, Array]:
    """Thigh angle and knee flexion over a stride (phase 0-1 from heel strike), after Perry's
    sagittal curves: the thigh swings sinusoidally; the knee flexes ~15 degrees in loading and
    up to ``swing_knee`` in swing (peak at 72% of the stride)."""
    thigh = hip_mid + hip_amp * np.cos(2 * np.pi * phase)
    knee = 15 * np.exp(-(((phase - 0.15) / 0.07) ** 2)) + swing_knee * np.exp(
        -(((phase - 0.72) / 0.1) ** 2)
    )
    return thigh, knee


def walking(seconds: float = 10.0, stride_s: float = 1.1, march: bool = False) -> list[Array]:
    """Walking on the spot (a treadmill), or marching with high knees (``march``): each leg
    goes through the stride half a cycle after the other; the pelvis rides on the lower foot."""
    t = np.arange(_frames(seconds)) / FPS
    out = []
    for ti in t:
        legs = []
        for offset in (0.0, 0.5):
            phase = (ti / stride_s + offset) % 1.0
            if march:
                lift = np.sin(np.pi * min(1.0, phase / 0.5)) if phase < 0.5 else 0.0
                thigh, knee = 70.0 * lift, 90.0 * lift
            else:
                th, kn = _gait(np.array([phase]), 20.0, 5.0, 60.0)
                thigh, knee = float(th[0]), float(kn[0])
            legs.append((thigh, thigh - knee))
        heights = [np.cos(np.radians(a)) * THIGH + np.cos(np.radians(b)) * SHANK for a, b in legs]
        hip = np.array([0.0, -max(heights) - ANKLE_HEIGHT, 0.0])
        out.append(
            body(
                hip, legs[0], legs[1], trunk_lean=3.0, arms=10.0 * np.sin(2 * np.pi * ti / stride_s)
            )
        )
    return out


def kneeling(reps: int = 3) -> list[Array]:
    """Down to one knee and up again (half-kneeling, the way most people kneel): the stepping
    leg's knee lowers to the floor with its shank flat behind, the other leg bends to a right
    angle; then kneeling hip hinges with both shanks on the floor (a kneeling glute exercise)."""
    out: list[Array] = []
    stand = body(standing_on(np.zeros(3), (0, 0)), (0, 0), (0, 0))
    out += [stand] * _frames(1.0)
    front_down, back_down = (85.0, 0.0), (0.0, -88.0)
    for _ in range(reps):
        for path in (_ease(_frames(1.5)), 1 - _ease(_frames(1.5))):
            for f in path:
                front = (front_down[0] * f, front_down[1] * f)
                back = (back_down[0] * f, back_down[1] * f)
                hip = standing_on(np.array([0.3 * STATURE * f, 0.0, 0.0]), front)
                out.append(body(hip, front, back, trunk_lean=5.0))
            out += [out[-1]] * _frames(0.8)
    # Tall kneeling on both knees, hinging at the hips: the thighs tilt back and forth.
    knees_on_floor = np.array([0.0, -ANKLE_HEIGHT, 0.0])

    def tall(thigh: float) -> Array:
        leg = (thigh, -88.0)
        hip = knees_on_floor - _down(thigh, THIGH)
        return body(hip, leg, leg, trunk_lean=thigh + 10, arms=60.0)

    for _ in range(5):
        out += [tall(50.0 * f) for f in _ease(_frames(1.0))]
        out += [tall(50.0 * (1 - f)) for f in _ease(_frames(1.0))]
    return out


MOVEMENTS: dict[str, Callable[[], list[Array]]] = {
    "walking": walking,
    "marching": lambda: walking(march=True, stride_s=1.2),
    "lunges": lunges,
    "kneeling": kneeling,
}


def per_frame_normalised(seq: PoseSequence) -> PoseSequence:
    """The same landmarks as RepCount stores them: each frame min-max scaled on each axis, no
    confidences (io/keypoints.py reads such files as ``frame_normalised``)."""
    xy = seq.xy.copy()
    lo, hi = np.nanmin(xy, axis=1, keepdims=True), np.nanmax(xy, axis=1, keepdims=True)
    xy = (xy - lo) / (hi - lo)
    return PoseSequence(
        xy=xy,
        score=np.ones_like(seq.score),
        times=seq.times,
        frame_indices=seq.frame_indices,
        coords="frame_normalised",
        source=seq.source,
    )
