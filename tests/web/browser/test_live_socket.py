"""The live coach's WebSocket without a browser: the protocol, its refusals and a real set.

Pictures are real frames of the 5-rep side-view clip (decoded with OpenCV, sent as JPEG like the
page sends them); the server runs the real pose model.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import CLIP, PASSWORD, unique_email

cv2 = pytest.importorskip("cv2")
testclient = pytest.importorskip("fastapi.testclient")

from glutecoach.settings import Settings
from glutecoach.web.app import create_app
from glutecoach.web.testing import FETCH, SCREEN_OK, screen_with


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    tmp = tmp_path_factory.mktemp("live-socket")
    # max_live: a finished set frees its place once its pose model is closed, a moment after
    # the summary; tests that follow each other quickly must not wait for that.
    settings = Settings(database_url=f"sqlite:///{tmp / 'db.sqlite'}", media_dir=tmp / "media",
                        signups_per_hour=10_000, max_live=100)
    with testclient.TestClient(create_app(settings)) as test_client:
        yield test_client


def _sign_up(client: Any, answers: dict[str, Any] = SCREEN_OK) -> None:
    client.cookies.clear()
    email = unique_email("socket")
    r = client.post("/api/auth/register", json={"email": email, "password": PASSWORD,
                                                "name": "Socket"}, headers=FETCH)
    assert r.status_code == 201, r.text  # registering signs in
    r = client.post("/api/screenings", json=answers, headers=FETCH)
    assert r.status_code == 201, r.text


def _frames(path: Path, step: int = 2) -> list[tuple[float, bytes]]:
    """Every ``step``-th frame (15 a second), cropped to 4:3 around the person, 640x480 JPEG."""
    cap = cv2.VideoCapture(str(path))
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    out, index = [], 0
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        if index % step == 0:
            square = frame[300:1020, 0:720]
            padded = cv2.copyMakeBorder(square, 0, 0, 120, 120, cv2.BORDER_CONSTANT)
            small = cv2.resize(padded, (640, 480), interpolation=cv2.INTER_AREA)
            ok, jpeg = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 70])
            out.append((index / fps, jpeg.tobytes()))
        index += 1
    return out


def _message(t_s: float, jpeg: bytes) -> bytes:
    return struct.pack("<d", t_s) + jpeg


def _close_code(client: Any, **kwargs: Any) -> int:
    with client.websocket_connect("/ws/live", **kwargs) as ws:
        message = ws.receive()
        assert message["type"] == "websocket.close", message
        return int(message["code"])


def test_refused_without_a_session(client: Any) -> None:
    client.cookies.clear()
    assert _close_code(client) == 4401


def test_refused_with_an_uncleared_red_flag(client: Any) -> None:
    _sign_up(client, screen_with(progressive_leg_weakness=True))
    assert _close_code(client) == 4403


def test_refused_from_another_site(client: Any) -> None:
    _sign_up(client)
    assert _close_code(client, headers={"Origin": "https://evil.example"}) == 4403


def test_refused_when_the_server_is_busy(client: Any) -> None:
    state = client.app.state
    roomy = state.settings
    state.settings = roomy.replace(max_live=0)  # (monkeypatch would delete it from State after)
    try:
        _sign_up(client)
        assert _close_code(client) == 4429
    finally:
        state.settings = roomy


def test_one_person_holds_one_live_place(client: Any) -> None:
    _sign_up(client)
    with client.websocket_connect("/ws/live") as first:
        assert first.receive_json()["type"] == "ready"  # this set holds a place
        with client.websocket_connect("/ws/live") as second:  # the same person, another tab
            message = second.receive()
            assert message["type"] == "websocket.close" and message["code"] == 4429
            assert "already have a live set" in message["reason"]
        _sign_up(client)  # somebody else still gets a place
        with client.websocket_connect("/ws/live") as other:
            assert other.receive_json()["type"] == "ready"


def test_a_real_set_over_the_socket(client: Any) -> None:
    if not CLIP.exists():
        pytest.skip(f"{CLIP} is missing (../shared/data beside the clone)")
    _sign_up(client)
    frames = _frames(CLIP)
    updates: list[dict[str, Any]] = []
    with client.websocket_connect("/ws/live", headers={"Origin": "http://testserver"}) as ws:
        assert ws.receive_json()["type"] == "ready"
        ws.send_bytes(_message(0.0, b"not a picture"))
        error = ws.receive_json()
        assert error == {"type": "error", "message": "not a JPEG picture"}
        ws.send_text("{}")
        assert ws.receive_json()["type"] == "error"
        for t_s, jpeg in frames:  # back-pressure, as the page does: one answer per picture
            ws.send_bytes(_message(t_s, jpeg))
            update = ws.receive_json()
            assert update["type"] == "update", update
            updates.append(update)
        ws.send_text(json.dumps({"type": "stop"}))
        summary = ws.receive_json()
    assert [u["frames"] for u in updates] == list(range(1, len(frames) + 1))
    found = [u for u in updates if u["found"]]
    assert len(found) >= 0.9 * len(updates)
    assert all(len(u["landmarks"]) == 33 for u in found)
    assert updates[-1]["reps"] == 5  # videos/truth.csv
    rep_updates = [u for u in updates if u["rep"]]
    assert [u["reps"] for u in rep_updates] == [1, 2, 3, 4, 5]
    assert all(u["cue"] for u in rep_updates)
    assert summary["type"] == "summary"
    assert summary["saved"] is True, summary
    assert summary["result"]["rep_count"] == 5
    assert summary["set"]["reps"] == 5
    # The set is in the patient's log.
    progress = client.get("/api/progress")
    assert progress.status_code == 200, progress.text
    sets = [x for day in progress.json()["sessions"] for x in day["sets"]]
    assert [x["reps"] for x in sets] == [5], sets


def test_nothing_saved_for_an_empty_set(client: Any) -> None:
    _sign_up(client)
    with client.websocket_connect("/ws/live") as ws:
        assert ws.receive_json()["type"] == "ready"
        ws.send_text(json.dumps({"type": "stop"}))
        summary = ws.receive_json()
    assert summary["saved"] is False
    assert "nothing was saved" in summary["error"]


def test_a_client_that_does_not_wait_gets_the_latest_picture_analysed(client: Any) -> None:
    """Pictures sent faster than they are analysed are not queued: the newest replaces any
    waiting one (counted as dropped), so the delay cannot grow."""
    if not CLIP.exists():
        pytest.skip(f"{CLIP} is missing (../shared/data beside the clone)")
    _sign_up(client)
    frames = _frames(CLIP, step=10)[:6]
    with client.websocket_connect("/ws/live") as ws:
        assert ws.receive_json()["type"] == "ready"
        ws.send_bytes(_message(0.0, b"\0" * (2 * 1024 * 1024 + 100)))
        assert ws.receive_json() == {"type": "error", "message": "picture too large"}
        for t_s, jpeg in frames:
            ws.send_bytes(_message(t_s, jpeg))
        ws.send_text(json.dumps({"type": "stop"}))
        updates = []
        while True:
            message = ws.receive_json()
            if message["type"] == "summary":
                break
            assert message["type"] == "update", message
            updates.append(message)
    assert updates, "the latest picture is always analysed"
    dropped = updates[-1]["dropped"]
    assert dropped >= 1 and len(updates) + dropped == len(frames), (len(updates), dropped)
    assert updates[-1]["t_s"] == pytest.approx(frames[-1][0])
    assert message["frames"] == len(updates)


def test_a_set_longer_than_the_limit_is_ended_by_the_server(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not CLIP.exists():
        pytest.skip(f"{CLIP} is missing (../shared/data beside the clone)")
    from glutecoach.web import live

    monkeypatch.setattr(live, "MAX_SET_SECONDS", 1.0)
    _sign_up(client)
    (_, jpeg), *_ = _frames(CLIP, step=100)
    with client.websocket_connect("/ws/live") as ws:
        assert ws.receive_json()["type"] == "ready"
        ws.send_bytes(_message(0.0, jpeg))
        assert ws.receive_json()["type"] == "update"
        ws.send_bytes(_message(2.0, jpeg))  # past the limit: the set ends without "stop"
        assert ws.receive_json()["type"] == "update"
        summary = ws.receive_json()
        assert summary["type"] == "summary" and summary["frames"] == 2
        assert ws.receive()["type"] == "websocket.close"
