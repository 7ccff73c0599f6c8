"""The patient's and clinician's main journeys in Chromium, against the real app and real data:
sign up, screening (with and without a red flag), uploading a real squat clip and reading its
result, booking an appointment and seeing it in the clinician's calendar; every page at phone
width, with labelled inputs, and by keyboard."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from browser_support import (
    CLIP,
    DESKTOP,
    PASSWORD,
    PHONE,
    VIDEOS,
    add_clinician,
    api_register,
    api_screen,
    shot,
    sign_in,
    unique_email,
)

TRUTH = VIDEOS / "truth.csv"


def _sign_up(page: Any, email: str, name: str = "Pat Browser") -> None:
    page.goto("/signup")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    # Filled in from the device by /static/pages.js (each test's browser sets a time zone).
    device = page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")
    assert device != "UTC" and page.get_by_label("Time zone").input_value() == device
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(re.compile(r"/screening$"))


def _fill_screening(page: Any, *, red_flag: bool = False) -> None:
    page.get_by_label("Back pain now").fill("3")
    page.get_by_label("Knee pain now").fill("2")
    page.get_by_label("Age").fill("45")
    page.get_by_label("Hours sitting a day").fill("7")
    page.get_by_label("Days a week you are active").fill("2")
    if red_flag:
        page.locator("fieldset").filter(has_text="Safety questions").locator(
            "input[type=checkbox]").first.check()
    page.get_by_role("button", name="See my result").click()


def test_sign_up_and_screening(new_page: Any) -> None:
    page = new_page(DESKTOP)
    _sign_up(page, unique_email("signup"))
    assert page.get_by_role("heading", name=re.compile("safety questions")).is_visible()
    shot(page, "screening")
    _fill_screening(page)
    page.get_by_role("heading", name="Your screening").wait_for()
    assert page.get_by_text("You can start the exercises").is_visible()
    assert page.get_by_role("alert").count() == 0
    shot(page, "screening-result")
    page.get_by_role("link", name="See today's plan").click()
    page.wait_for_url(re.compile(r"/today$"))
    shot(page, "today", readme=True)


def test_red_flag_shows_urgent_advice(new_page: Any) -> None:
    page = new_page(PHONE)
    _sign_up(page, unique_email("redflag"))
    _fill_screening(page, red_flag=True)
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "Do not do the exercises" in page.content()
    box = alert.bounding_box()
    assert box and box["y"] < PHONE["height"], "urgent advice must be seen without scrolling"
    shot(page, "screening-red-flag", full_page=False, readme=True)


def test_upload_a_real_clip_and_see_reps_and_cues(new_page: Any) -> None:
    if not CLIP.exists():
        pytest.skip(f"{CLIP} is missing (../shared/data beside the clone)")
    truth = {row.split(",")[0]: row.split(",") for row in TRUTH.read_text().splitlines()[1:]}
    true_reps = int(truth[CLIP.name][2])
    page = new_page(DESKTOP)
    api_register(page, unique_email("upload"))
    api_screen(page)
    page.goto("/upload")
    page.get_by_label(re.compile("Video file")).set_input_files(str(CLIP))
    page.get_by_role("button", name="Upload and analyse").click()
    page.wait_for_url(re.compile(r"/analyses/\d+$"))
    page.locator("#rep-count").wait_for(timeout=180_000)
    assert int(page.locator("#rep-count").inner_text()) == true_reps
    cards = page.locator("section.card.rep")
    assert cards.count() == true_reps
    # Cues in the clinic's own words, per rep and for the set; what a side view cannot check.
    assert page.locator("#top-cues li").count() >= 1
    cue_texts = page.locator("#top-cues li").all_inner_texts()
    cards_text = " ".join(cards.all_inner_texts())
    for text in cue_texts:  # each set-level cue is one of the reps' own cues
        cue = text.rsplit("(", 1)[0].strip()
        assert cue and cue in cards_text, (cue, cards_text)
    assert page.get_by_role("heading", name="Not checked in this video").is_visible()
    assert "knees caving in" in page.locator("table").inner_text()
    shot(page, "upload-result", readme=True)


def _add_availability(page: Any) -> str:
    """The clinician opens a weekly window on tomorrow's weekday, 09:00-12:00 in their time
    zone, in 30-minute slots, on the availability page; returns the weekday's name."""
    tomorrow = datetime.now(ZoneInfo("Europe/London")) + timedelta(days=1)
    page.goto("/clinic/availability")
    page.get_by_label("Day").select_option(value=str(tomorrow.weekday()))
    page.get_by_label("From").fill("09:00")
    page.get_by_label("To", exact=True).fill("12:00")
    page.get_by_label("Slot length (minutes)").fill("30")
    page.get_by_role("button", name="Add the window").click()
    page.get_by_text("Saved.").wait_for()
    day = tomorrow.strftime("%A")
    assert page.get_by_text(f"Every {day} 09:00").is_visible()
    shot(page, "clinician-availability")
    return day


def test_book_an_appointment_and_see_it_in_the_clinicians_calendar(
    new_page: Any, server: Any
) -> None:
    """A clinician in London opens tomorrow 09:00-12:00; a patient in New York books the first
    slot, sees it in New York time, and the clinician's calendar shows it at 09:00 London."""
    clinician_email = unique_email("clinician")
    add_clinician(server, clinician_email, "Dr Alex Physio")
    clinic = new_page(DESKTOP)
    sign_in(clinic, clinician_email)
    _add_availability(clinic)

    patient = new_page(PHONE, timezone_id="America/New_York")
    patient_name = "Robin Squats"
    _sign_up(patient, unique_email("booker"), name=patient_name)
    patient.goto("/appointments")
    clinician_id = patient.get_by_label("Clinician").select_option(label="Dr Alex Physio")[0]
    patient.get_by_role("button", name="Show free times").click()
    patient.get_by_role("button", name="Book this time").wait_for()
    first = patient.locator("input[name=start]").first
    first.check()
    start_utc = datetime.fromisoformat(first.get_attribute("value") or "")
    in_new_york = start_utc.astimezone(ZoneInfo("America/New_York")).strftime("%H:%M")
    in_london = start_utc.astimezone(ZoneInfo("Europe/London")).strftime("%H:%M")
    assert in_london == "09:00", start_utc
    label = first.evaluate("e => e.labels[0].innerText")
    assert in_new_york in label, (label, in_new_york)
    patient.get_by_role("button", name="Book this time").click()
    patient.get_by_text("Booked. See you then.").wait_for()
    mine = patient.locator("#my-appointments").inner_text()
    assert "Dr Alex Physio" in mine and in_new_york in mine, mine
    shot(patient, "appointments-phone", full_page=False, readme=True)

    # A slot is booked once: it is no longer offered.
    booked_value = start_utc.isoformat()
    patient.goto(f"/appointments?clinician_id={clinician_id}")
    offered = patient.locator("input[name=start]").evaluate_all("es => es.map(e => e.value)")
    assert booked_value not in offered and offered, offered
    clinic.goto("/clinic/calendar")
    row = clinic.locator("#calendar tr").filter(has_text=patient_name)
    assert row.count() == 1, clinic.locator("#calendar").inner_text()
    assert in_london in row.inner_text(), row.inner_text()
    shot(clinic, "clinician-calendar", readme=True)

    # Cancelling frees the slot again.
    patient.goto("/appointments")
    patient.locator("#my-appointments").get_by_role("link", name="Cancel the appointment").click()
    patient.get_by_role("button", name="Yes, cancel the appointment").click()
    patient.wait_for_load_state()
    assert patient.locator("#my-appointments li").count() == 0
    patient.goto(f"/appointments?clinician_id={clinician_id}")
    offered = patient.locator("input[name=start]").evaluate_all("es => es.map(e => e.value)")
    assert booked_value in offered
    clinic.reload()
    assert clinic.locator("#calendar tr").filter(has_text=patient_name).count() == 0

    # The live coach saves to a patient's log: a clinician is told so, and its socket refuses.
    response = clinic.goto("/live")
    assert response is not None and response.status == 403
    assert clinic.get_by_text("Sign in with a patient account").is_visible()
    code = clinic.evaluate(
        """() => new Promise((resolve) => {
             const ws = new WebSocket(location.origin.replace('http', 'ws') + '/ws/live');
             ws.onclose = (e) => resolve(e.code);
           })"""
    )
    assert code == 4403


PATIENT_PAGES = ["/today", "/screening", "/upload", "/live", "/pain", "/progress",
                 "/appointments", "/analyses", "/outcomes", "/outcomes/odi", "/outcomes/akps",
                 "/outcomes/psfs"]


def _unlabelled(page: Any) -> list[str]:
    return list(page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea, button')]
             .filter(e => e.type !== 'hidden' && e.offsetParent !== null && e.checkVisibility())
             .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                          && !e.getAttribute('aria-labelledby')
                          && !(e.tagName === 'BUTTON' && e.innerText.trim()))
             .map(e => e.outerHTML.slice(0, 120))"""
    ))


def test_pages_at_phone_width_with_labelled_inputs(new_page: Any) -> None:
    page = new_page(PHONE)
    for path in ("/login", "/signup"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
        assert not _unlabelled(page), (path, _unlabelled(page))
    api_register(page, unique_email("phone"))
    api_screen(page)
    for path in PATIENT_PAGES:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width}px wide at phone width"
        assert not _unlabelled(page), (path, _unlabelled(page))
        name = path.strip("/")
        shot(page, f"phone-{name}", full_page=False)


def test_clinician_pages_at_phone_width_with_labelled_inputs(
    new_page: Any, server: Any
) -> None:
    email = unique_email("phoneclinician")
    add_clinician(server, email, "Dr Sam Phone")
    page = new_page(PHONE)
    sign_in(page, email)
    for path in ("/clinic", "/clinic/calendar", "/clinic/availability"):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width}px wide at phone width"
        assert not _unlabelled(page), (path, _unlabelled(page))
        shot(page, "phone-" + path.strip("/").replace("/", "-"), full_page=False)


def test_sign_in_by_keyboard_alone(new_page: Any) -> None:
    page = new_page(DESKTOP)
    email = unique_email("keys")
    api_register(page, email)
    page.request.post("/api/auth/logout", headers={"X-Requested-With": "fetch"})
    page.context.clear_cookies()
    page.goto("/login")
    # The first Tab reaches the skip link, and it moves focus to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    focused = []
    for _ in range(15):
        page.keyboard.press("Tab")
        element_id = page.evaluate("document.activeElement.id")
        focused.append(element_id)
        if element_id == "email":
            break
    assert focused[-1] == "email", focused
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    me = page.request.get("/api/auth/me")
    assert me.ok and me.json()["email"] == email
