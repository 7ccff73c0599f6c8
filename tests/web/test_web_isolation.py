"""Every endpoint with personal data: a patient cannot read or change another patient's, and a
clinician cannot reach patients who are not theirs (404, as if it did not exist)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from analysis_docs import analysis_doc
from fastapi import FastAPI
from fastapi.testclient import TestClient

from glutecoach.settings import Settings
from glutecoach.store.models import AnalysisJob
from glutecoach.web.testing import SCREEN_OK, Users, csrf_from


@pytest.fixture
def world(app: FastAPI, users: Users, settings: Settings) -> dict[str, Any]:
    """Clinician D1 with patient A, clinician D2 with patient B; A has data of every kind."""
    d1 = users.clinician("d1@example.com", "Dr One")
    d2 = users.clinician("d2@example.com", "Dr Two")
    a = users.patient("a@example.com", "Alice")
    b = users.patient("b@example.com", "Bob")
    users.link(a, d1)
    users.link(b, d2)
    assert a.post("/api/screenings", json=SCREEN_OK).status_code == 201
    assert a.post("/api/pain", json={"back": 7}).status_code == 201
    assert a.post("/api/sets", json={"exercise": "glute_bridge", "reps": 12}).status_code == 201
    start = (datetime.now(timezone.utc) + timedelta(days=1)).replace(minute=0, second=0,
                                                                     microsecond=0)
    avail = d1.post("/api/availability", json={"start": start.isoformat(),
                                               "end": (start + timedelta(hours=1)).isoformat()})
    appt = a.post("/api/appointments", json={"clinician_id": d1.me["id"],
                                             "start": start.isoformat()})
    assert appt.status_code == 201
    video = settings.videos_dir / "a-annotated.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42 fake")
    with app.state.db.session_scope() as s:
        job = AnalysisJob(person_id=a.me["id"], status="done", progress=1.0,
                          result=analysis_doc([]),
                          original_name="alice.mp4", annotated_path=str(video), keep_video=True)
        s.add(job)
        s.flush()
        job_id = job.id
    return {"a": a, "b": b, "d1": d1, "d2": d2, "job": job_id,
            "appt": appt.json()["id"], "avail": avail.json()["id"]}


def _paths_for_patient_resource(w: dict[str, Any]) -> list[tuple[str, str]]:
    j, ap = w["job"], w["appt"]
    return [
        ("GET", f"/api/analyses/{j}"),
        ("GET", f"/api/analyses/{j}/video"),
        ("DELETE", f"/api/analyses/{j}"),
        ("GET", f"/analyses/{j}"),
        ("DELETE", f"/api/appointments/{ap}"),
    ]


def _call(c: TestClient, method: str, path: str, **kw: Any) -> int:
    return c.request(method, path, **kw).status_code


def test_a_patient_cannot_reach_another_patients_records(world: dict[str, Any]) -> None:
    a, b = world["a"], world["b"]
    for method, path in _paths_for_patient_resource(world):
        assert _call(b, method, path) == 404, (method, path)
    token = csrf_from(b.get("/pain").text)
    assert _call(b, "POST", f"/appointments/{world['appt']}/cancel",
                 data={"csrf_token": token}) == 404
    # Lists and views without ids hold only B's own data.
    assert b.get("/api/analyses").json() == []
    assert b.get("/api/appointments").json() == []
    assert b.get("/api/pain").json() == []
    assert b.get("/api/screenings").json() == []
    assert b.get("/api/progress").json()["sessions"] == []
    assert "Alice" not in b.get("/progress").text
    # Patient endpoints for clinicians' data answer 403 to a patient.
    for path in (f"/api/patients/{a.me['id']}", "/api/patients", "/api/availability"):
        assert b.get(path).status_code == 403, path
    assert b.delete(f"/api/availability/{world['avail']}").status_code == 403
    assert b.get(f"/clinic/patients/{a.me['id']}").status_code == 403
    # A's data is untouched and still A's.
    assert a.get(f"/api/analyses/{world['job']}").status_code == 200
    assert [x["status"] for x in a.get("/api/appointments").json()] == ["booked"]


def test_a_clinician_cannot_reach_patients_who_are_not_theirs(world: dict[str, Any]) -> None:
    a, d1, d2 = world["a"], world["d1"], world["d2"]
    pid = a.me["id"]
    denied = [
        ("GET", f"/api/patients/{pid}"),
        ("GET", f"/api/patients/{pid}/plots/pain"),
        ("GET", f"/api/patients/{pid}/plots/reps"),
        ("GET", f"/api/patients/{pid}/plots/adherence"),
        ("GET", f"/api/patients/{pid}/report.pdf"),
        ("POST", f"/api/patients/{pid}/clear"),
        ("GET", f"/clinic/patients/{pid}"),
        *_paths_for_patient_resource(world),
        ("DELETE", f"/api/availability/{world['avail']}"),
    ]
    for method, path in denied:
        # Deleting an analysis is the patient's own act: any clinician gets 403.
        expected = 403 if (method, path) == ("DELETE", f"/api/analyses/{world['job']}") else 404
        assert _call(d2, method, path) == expected, (method, path)
    r = d2.post(f"/api/patients/{pid}/programme",
                json={"level": 3, "target_reps": 10, "sets": 2, "sessions_per_week": 3})
    assert r.status_code == 404
    token = csrf_from(d2.get("/clinic").text)
    assert _call(d2, "POST", f"/clinic/patients/{pid}/programme", data={
        "csrf_token": token, "level": 3, "target_reps": 10, "sets": 2,
        "sessions_per_week": 3}) == 404
    assert _call(d2, "POST", f"/clinic/patients/{pid}/clear", data={"csrf_token": token}) == 404
    assert _call(d2, "POST", f"/clinic/availability/{world['avail']}/delete",
                 data={"csrf_token": token}) == 422
    assert [p["id"] for p in d2.get("/api/patients").json()] == [world["b"].me["id"]]
    assert d2.get("/api/appointments").json() == []
    assert "Alice" not in d2.get("/clinic").text and "Alice" not in d2.get("/clinic/calendar").text
    # Their own clinician can reach all of it.
    for method, path in denied:
        if method == "GET":
            assert _call(d1, method, path) == 200, path
    assert d1.get(f"/api/patients/{pid}/report.pdf").content.startswith(b"%PDF")
    assert [v["id"] for v in d1.get(f"/api/patients/{pid}").json()["videos"]] == [world["job"]]
    assert a.get(f"/api/analyses/{world['job']}").status_code == 200
    assert [x["status"] for x in a.get("/api/appointments").json()] == ["booked"]


def test_a_video_not_kept_is_the_patients_alone(app: FastAPI, world: dict[str, Any]) -> None:
    with app.state.db.session_scope() as s:
        job = s.get(AnalysisJob, world["job"])
        job.keep_video = False
    a, d1 = world["a"], world["d1"]
    assert a.get(f"/api/analyses/{world['job']}/video").status_code == 200
    assert d1.get(f"/api/analyses/{world['job']}/video").status_code == 404
    assert d1.get(f"/api/patients/{a.me['id']}").json()["videos"] == []
