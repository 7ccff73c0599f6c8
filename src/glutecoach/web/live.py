"""Live coach: the /live page and the /ws/live WebSocket.

The browser draws its camera (640x480) onto a canvas about 15 times a second and sends each
picture as one binary WebSocket message: 8 bytes of little-endian float64 capture time in
seconds, then the JPEG. The server decodes it (OpenCV, BGR to RGB), runs
:class:`glutecoach.live.LiveCoach` on it in a thread of its own, and answers with one JSON
``update`` (landmarks, rep count, phase, depth, the one current cue). The page sends its next
picture only when the previous answer has arrived, so the picture analysed is always the
latest one and nothing queues up however slow the machine: the frame rate drops, the lag does
not grow. Should a client send faster anyway, the server keeps only the newest unprocessed
picture and counts the others as ``dropped``.

A text message ``{"type": "stop", "pain_before": 0-10|null, "pain_after": 0-10|null}`` ends the
set: the server judges the whole set with the offline analysis (``LiveCoach.finish``, the same
judgement as an uploaded video), saves it and the pain ratings to the patient's log and answers
``{"type": "summary", ...}`` before closing. A connection that drops without "stop" saves
nothing.

Close codes: 4401 not signed in, 4403 not a patient or a cross-site page, 4429 too many live
sets running on this server, 1000 after the summary.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import struct
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request, WebSocket
from fastapi.responses import HTMLResponse, Response
from starlette.websockets import WebSocketDisconnect, WebSocketState

from glutecoach.coaching.errors import InvalidField
from glutecoach.coaching.sets import json_safe
from glutecoach.live import LiveCoach
from glutecoach.pose.skeleton import BLAZEPOSE_JOINTS, BONES, J
from glutecoach.store import service
from glutecoach.store.analysed_sets import log_analysed_set
from glutecoach.store.models import Person
from glutecoach.store.service import check_pain
from glutecoach.web.deps import SESSION_COOKIE, Db, User, user_from_cookie
from glutecoach.web.templating import render

log = logging.getLogger(__name__)

router = APIRouter()

#: Bones as pairs of landmark indices, for the page's skeleton overlay.
BONE_INDEX: list[list[int]] = [[J[a], J[b]] for a, b in BONES]
#: Largest picture message accepted (a 640x480 JPEG is 30-80 kB).
MAX_FRAME_BYTES = 2 * 1024 * 1024
#: Largest picture side accepted after decoding; bigger ones are scaled down.
MAX_SIDE = 1280
#: A live set longer than this is ended as if "stop" had been sent.
MAX_SET_SECONDS = 15 * 60
#: The header layout of a picture message: capture time in seconds.
_HEADER = struct.Struct("<d")

#: Live sets one person may run at once: one account cannot hold every place on the server.
MAX_LIVE_PER_PERSON = 1

_running = 0
_running_by_person: Counter[int] = Counter()
_running_lock = threading.Lock()


def live_config() -> dict[str, Any]:
    """What live.js needs to know, rendered into the page as JSON."""
    return {
        "ws_path": "/ws/live",
        "bones": BONE_INDEX,
        "joints": list(BLAZEPOSE_JOINTS),
        "width": 640,
        "height": 480,
        "fps": 15,
        "jpeg_quality": 0.7,
        "max_frame_bytes": MAX_FRAME_BYTES,
    }


# --- the page -----------------------------------------------------------------------------------


@router.get("/live", response_class=HTMLResponse, include_in_schema=False)
def live_page(request: Request, user: User, db: Db) -> Response:
    """The live coach page. Signed-out visitors are sent to sign in (deps.current_user); a
    clinician is told that live sets are saved to a patient's log (403)."""
    is_patient = user.role == "patient"
    if is_patient:
        service.require_exercise_allowed(db, user)  # the red-flag block (422 with the reason)
    return render(
        request,
        "live.html",
        {"live_config": live_config(), "is_patient": is_patient},
        status_code=200 if is_patient else 403,
    )


# --- the socket ---------------------------------------------------------------------------------


def _origin_ok(ws: WebSocket) -> bool:
    """Browsers always send Origin on a WebSocket handshake; refuse pages from other hosts
    (cross-site WebSocket hijacking). Non-browser clients without Origin are allowed: they
    still need the session cookie."""
    origin = ws.headers.get("origin")
    if not origin:
        return True
    host = ws.headers.get("host", "")
    return urlsplit(origin).netloc.lower() == host.lower()


def _signed_in(ws: WebSocket) -> tuple[int, str] | None:
    """(person id, role) for the session cookie, or None."""
    with ws.app.state.db.sessions() as session:
        person = user_from_cookie(session, ws.cookies.get(SESSION_COOKIE))
        return None if person is None else (int(person.id), str(person.role))


def _decode(jpeg: bytes) -> Any:
    """JPEG (or PNG) bytes to an RGB uint8 array, or None when it is not a picture."""
    import cv2
    import numpy as np

    data = np.frombuffer(jpeg, dtype=np.uint8)
    bgr = cv2.imdecode(data, cv2.IMREAD_COLOR)
    if bgr is None or bgr.ndim != 3 or bgr.shape[0] < 16 or bgr.shape[1] < 16:
        return None
    height, width = bgr.shape[:2]
    if max(height, width) > MAX_SIDE:
        scale = MAX_SIDE / max(height, width)
        bgr = cv2.resize(bgr, (round(width * scale), round(height * scale)),
                         interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def _process(coach: LiveCoach, t_s: float, jpeg: bytes) -> dict[str, Any] | None:
    """Decode and analyse one picture (runs in the connection's own thread)."""
    rgb = _decode(jpeg)
    if rgb is None:
        return None
    update = coach.push_image(rgb, t_s).to_dict()
    if update["landmarks"] is not None:
        update["landmarks"] = [[round(v, 4) for v in point] for point in update["landmarks"]]
    return update


def _load_model(coach: LiveCoach) -> None:
    from glutecoach.pose.base import default_estimator

    if coach.estimator is None:
        coach.estimator = default_estimator()


def _pain(value: Any, name: str) -> int | None:
    """A pain rating 0-10 sent with "stop", or None when missing or invalid: a bad rating must
    not cost the person the set they just did."""
    try:
        return check_pain(value, name)
    except InvalidField:
        return None


def _save(ws: WebSocket, person_id: int, result: Any, pain_before: int | None = None,
          pain_after: int | None = None) -> dict[str, Any]:
    """Save the finished set to the patient's log (the upload's own save function)."""
    with ws.app.state.db.session_scope() as session:
        person = session.get(Person, person_id)
        if person is None:
            raise LookupError("this account no longer exists")
        row = log_analysed_set(session, person, result, pain_before=pain_before,
                               pain_after=pain_after)
        return {"id": int(row.id), "reps": int(row.reps),
                "form_passing_reps": int(row.form_passing_reps),
                "form_score": row.form_score, "url": "/progress"}


async def _send(ws: WebSocket, message: dict[str, Any]) -> None:
    if ws.application_state == WebSocketState.CONNECTED:
        await ws.send_text(_json_text(message))


def _json_text(message: dict[str, Any]) -> str:
    """Strict JSON: NaN and infinity (which JSON lacks) become null, numpy scalars plain."""
    loose = json.dumps(message, default=_json_default)
    return json.dumps(json_safe(json.loads(loose)), allow_nan=False)


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


@router.websocket("/ws/live")
async def live_socket(ws: WebSocket) -> None:
    """One live set per connection; see the module docstring for the protocol."""
    global _running
    if not _origin_ok(ws):
        await ws.accept()
        await ws.close(code=4403, reason="cross-site connection refused")
        return
    who = await asyncio.to_thread(_signed_in, ws)
    await ws.accept()
    if who is None:
        await ws.close(code=4401, reason="sign in first")
        return
    person_id, role = who
    if role != "patient":
        await ws.close(code=4403, reason="the live coach saves to a patient's log")
        return
    if blocked := await asyncio.to_thread(service.exercise_blocked, ws.app.state.db, person_id):
        await ws.close(code=4403, reason=blocked[:120])  # the red-flag block
        return
    with _running_lock:
        if _running_by_person[person_id] >= MAX_LIVE_PER_PERSON:
            busy = "you already have a live set running (another tab or device); stop it first"
        elif _running >= ws.app.state.settings.live_sets:  # each holds a pose model and a thread
            busy = "too many live sets on this server; try again soon"
        else:
            busy = ""
            _running += 1
            _running_by_person[person_id] += 1
    if busy:
        await ws.close(code=4429, reason=busy)
        return

    loop = asyncio.get_running_loop()
    # One thread per connection: MediaPipe's graph is always called from the same thread,
    # and the event loop stays free for other requests while the model runs.
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-coach")
    coach = LiveCoach()
    state: dict[str, Any] = {"pending": None, "stop": False, "gone": False, "dropped": 0,
                             "pain": (None, None)}
    wake = asyncio.Event()
    send_lock = asyncio.Lock()

    async def send(message: dict[str, Any]) -> None:
        async with send_lock:  # the reader and the analysis loop both answer
            await _send(ws, message)

    async def reader() -> None:
        try:
            while True:
                message = await ws.receive()
                if message["type"] == "websocket.disconnect":
                    break
                data = message.get("bytes")
                if data is not None:
                    if len(data) > MAX_FRAME_BYTES + _HEADER.size:
                        await send({"type": "error", "message": "picture too large"})
                        continue
                    if len(data) <= _HEADER.size:
                        await send({"type": "error", "message": "empty picture"})
                        continue
                    (t_s,) = _HEADER.unpack_from(data)
                    if state["pending"] is not None:
                        state["dropped"] += 1
                    state["pending"] = (t_s, bytes(data[_HEADER.size:]))
                    wake.set()
                    continue
                text = message.get("text") or ""
                try:
                    command = json.loads(text)
                except ValueError:
                    command = None
                if isinstance(command, dict) and command.get("type") == "stop":
                    state["pain"] = (_pain(command.get("pain_before"), "pain_before"),
                                     _pain(command.get("pain_after"), "pain_after"))
                    state["stop"] = True
                    wake.set()
                    return
                if isinstance(command, dict) and command.get("type") == "ping":
                    await send({"type": "pong"})
                    continue
                await send({"type": "error", "message": "unknown message"})
        except (WebSocketDisconnect, RuntimeError):
            pass
        state["gone"] = True
        wake.set()

    reader_task: asyncio.Task[None] | None = None
    started = time.monotonic()
    first_t: float | None = None
    frames = 0
    try:
        await loop.run_in_executor(executor, _load_model, coach)
        await send({"type": "ready", "max_frame_bytes": MAX_FRAME_BYTES,
                         "max_set_seconds": MAX_SET_SECONDS})
        reader_task = asyncio.create_task(reader())
        while True:
            await wake.wait()
            wake.clear()
            if state["gone"]:
                return  # the page went away without "stop": nothing is saved
            frame = state["pending"]
            state["pending"] = None
            if frame is not None:
                t_s, jpeg = frame
                if not math.isfinite(t_s):
                    t_s = time.monotonic() - started
                first_t = t_s if first_t is None else first_t
                received = time.perf_counter()
                try:
                    update = await loop.run_in_executor(executor, _process, coach, t_s, jpeg)
                except Exception:
                    log.exception("live picture failed")
                    await send({"type": "error", "message": "this picture could not be analysed"})
                    continue
                if update is None:
                    await send({"type": "error", "message": "not a JPEG picture"})
                else:
                    frames += 1
                    update.update(type="update", frames=frames, dropped=state["dropped"],
                                  server_ms=round((time.perf_counter() - received) * 1000, 1))
                    update["latency_ms"] = round(update["latency_ms"], 1)
                    await send(update)
                if t_s - first_t > MAX_SET_SECONDS:
                    break  # as if "stop" had been sent (the page may still be sending)
                if state["pending"] is not None:
                    wake.set()
                    continue
            if state["stop"]:
                break
        result = await loop.run_in_executor(executor, coach.finish)
        summary = result.to_dict()  # made strict JSON by _send
        saved: dict[str, Any] | None = None
        error: str | None = None
        if result.rep_count > 0:
            try:
                saved = await asyncio.to_thread(_save, ws, person_id, result, *state["pain"])
            except Exception as exc:
                log.exception("saving a live set failed")
                error = f"the set could not be saved: {exc}"
        else:
            error = "no reps were counted, so nothing was saved"
        await send({"type": "summary", "saved": saved is not None, "set": saved,
                         "error": error, "frames": frames, "result": summary})
        await ws.close(code=1000)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        if reader_task is not None and not reader_task.done():
            reader_task.cancel()
        try:
            await loop.run_in_executor(executor, coach.close)
        except Exception:
            log.debug("closing the pose model failed", exc_info=True)
        executor.shutdown(wait=False)
        with _running_lock:
            _running -= 1
            _running_by_person[person_id] -= 1
            if not _running_by_person[person_id]:
                del _running_by_person[person_id]
