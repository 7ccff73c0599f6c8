"""Issue 11 in Chromium: a patient with a red flag is screened, every route that records or
analyses exercise refuses them with the reason, their own clinician clears the flag with a
note, and the patient resumes at the level the docs promise (level 0, the glute bridge)."""

from __future__ import annotations

import re
from typing import Any

from browser_support import DESKTOP, PASSWORD, add_clinician, shot, sign_in, unique_email

FETCH = {"X-Requested-With": "fetch"}
REASON = "clinician to check you today"


def test_red_flag_patient_is_refused_everywhere_until_cleared_with_a_note(
    new_page: Any, server: Any
) -> None:
    doc_email = unique_email("redflagdoc")
    add_clinician(server, doc_email, "Dr Red Flag")
    clinic = new_page(DESKTOP)
    sign_in(clinic, doc_email)
    doc_id = clinic.request.get("/api/auth/me", headers=FETCH).json()["id"]

    patient = new_page(DESKTOP)
    patient.goto("/signup")
    patient.get_by_label("Your name").fill("Rae Flag")
    patient.get_by_label("Email").fill(unique_email("redflag"))
    patient.get_by_label("Password").fill(PASSWORD)
    patient.get_by_role("button", name="Sign up").click()
    patient.wait_for_url(re.compile(r"/screening$"))
    linked = patient.request.patch("/api/auth/me", data={"clinician_id": doc_id}, headers=FETCH)
    assert linked.ok, linked.text()
    patient_id = patient.request.get("/api/auth/me", headers=FETCH).json()["id"]

    # Screening with a possible cauda equina sign: same-day advice, no exercise suggestions.
    patient.get_by_label("Any numbness around your bottom, genitals or inner thighs?").check()
    patient.get_by_label("Back pain now").fill("5")
    patient.get_by_label("Knee pain now").fill("0")
    patient.get_by_label("Age").fill("44")
    patient.get_by_label("Hours sitting a day").fill("6")
    patient.get_by_label("Days a week you are active").fill("2")
    patient.get_by_role("button", name="See my result").click()
    alert = patient.get_by_role("alert")
    alert.wait_for()
    assert "Get medical help today" in alert.inner_text()
    assert "sit-to-stand" not in patient.content()
    shot(patient, "red-flag-screened")

    # Every exercise route refuses, with the reason.
    patient.goto("/today")
    assert "paused until a clinician has checked you" in patient.content()
    assert patient.locator("form[action='/sets']").count() == 0
    response = patient.goto("/live")
    assert response is not None and response.status == 422 and REASON in patient.content()
    patient.goto("/upload")
    patient.get_by_label(re.compile("Video file")).set_input_files(
        files=[{"name": "squat.mp4", "mimeType": "video/mp4", "buffer": b"\x00" * 2048}])
    patient.get_by_role("button", name="Upload and analyse").click()
    patient.wait_for_load_state()
    assert REASON in patient.content()
    shot(patient, "red-flag-upload-refused")
    logged = patient.request.post("/api/sets", data={"exercise": "glute_bridge", "reps": 10},
                                  headers=FETCH)
    assert logged.status == 422 and REASON in logged.json()["detail"]
    uploaded = patient.request.post(
        "/api/analyses", headers=FETCH,
        multipart={"file": {"name": "s.mp4", "mimeType": "video/mp4", "buffer": b"\x00" * 64}})
    assert uploaded.status == 422 and REASON in uploaded.json()["detail"]
    code = patient.evaluate(
        """() => new Promise((resolve) => {
             const ws = new WebSocket(location.origin.replace('http', 'ws') + '/ws/live');
             ws.onclose = (e) => resolve([e.code, e.reason]);
           })"""
    )
    assert code[0] == 4403 and REASON in code[1]
    assert patient.request.get("/api/progress", headers=FETCH).json()["sessions"] == []

    # The patient's own clinician clears it, with a note.
    clinic.goto(f"/clinic/patients/{patient_id}")
    assert "URGENT (same day) red flag: numbness around the bottom or genitals" in clinic.content()
    clinic.get_by_label(re.compile("Your note")).fill("Seen in A&E: no cauda equina; MRI clear")
    clinic.get_by_role("button", name=re.compile("Clear the urgent flag")).click()
    clinic.get_by_text("Red flags cleared and your note saved.").wait_for()
    assert "Seen in A&amp;E: no cauda equina; MRI clear" in clinic.content()
    shot(clinic, "red-flag-cleared")

    # The patient resumes at level 0, the level the docs promise after clearance.
    patient.goto("/today")
    assert "Dr Red Flag checked your answers" in patient.content()
    assert "Get medical help today" not in patient.content()
    key = patient.locator("section.card").first
    assert "Glute bridge" in key.locator("h2").inner_text()
    assert "Level 0" in patient.content()
    key.get_by_text("Log a set without the camera").click()
    key.get_by_label("Reps done").fill("10")
    key.get_by_role("button", name="Log set").click()
    patient.get_by_text("Set logged. Well done.").wait_for()
    shot(patient, "red-flag-resumed")
