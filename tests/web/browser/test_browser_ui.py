"""Page details in Chromium (issue 12): the phone menu on one row, a focus ring with enough
contrast, cancelling an appointment with a confirmation and a visible result."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from browser_support import DESKTOP, PASSWORD, PHONE, api_register, shot, unique_email

# Contrast ratio (WCAG 2) of the focused element's outline against the background it sits on
# (the nearest ancestor with an opaque background colour; white when none).
FOCUS_CONTRAST = """() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const e = document.activeElement, st = getComputedStyle(e);
  let p = e.parentElement, bg = [255, 255, 255];
  while (p) { const c = rgb(getComputedStyle(p).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) { bg = c; break; } p = p.parentElement; }
  const ring = rgb(st.outlineColor), a = lum(ring), b = lum(bg);
  return {tag: e.tagName, text: (e.innerText || e.id || '').slice(0, 30), style: st.outlineStyle,
          width: parseFloat(st.outlineWidth),
          ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)};
}"""


def test_phone_menu_is_one_row(new_page: Any, server: Any) -> None:
    page = new_page(PHONE)
    api_register(page, unique_email("menu"))
    page.goto("/today")
    tops = page.evaluate("[...document.querySelectorAll('header nav li')]"
                         ".map(li => Math.round(li.getBoundingClientRect().top))")
    assert len(tops) >= 8 and len(set(tops)) == 1, tops
    header = page.locator("header.top").bounding_box()
    assert header and header["height"] < 70, header  # one row, not a stack
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Every item is still reachable: the menu scrolls sideways.
    page.get_by_role("link", name="Account").scroll_into_view_if_needed()
    assert page.get_by_role("link", name="Account").is_visible()
    shot(page, "phone-menu", full_page=False)


def test_focus_ring_has_3_to_1_contrast(new_page: Any) -> None:
    page = new_page(DESKTOP)
    api_register(page, unique_email("focus"))
    page.goto("/account")
    seen = []
    for _ in range(25):
        page.keyboard.press("Tab")
        ring = page.evaluate(FOCUS_CONTRAST)
        if ring["tag"] == "BODY":
            continue
        seen.append(ring)
        assert ring["style"] != "none" and ring["width"] >= 2, ring
        assert ring["ratio"] >= 3, ring
    tags = {r["tag"] for r in seen}
    assert {"A", "INPUT", "BUTTON"} <= tags, tags  # header links, fields and buttons were met


def test_cancelling_an_appointment_asks_and_shows_the_result(new_page: Any, server: Any) -> None:
    doc_email = unique_email("cancel-doc")
    done = server.cli("users", "add", doc_email, "--role", "clinician", "--name", "Dr Cancel",
                      "--timezone", "Europe/London", stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stdout + done.stderr
    clinician = new_page(DESKTOP)
    clinician.request.post("/api/auth/login", data={"email": doc_email, "password": PASSWORD},
                           headers={"X-Requested-With": "fetch"})
    day = (datetime.now(timezone.utc) + timedelta(days=3)).date().isoformat()
    made = clinician.request.post(
        "/api/availability", headers={"X-Requested-With": "fetch"},
        data={"start": f"{day}T10:00:00+00:00", "end": f"{day}T11:00:00+00:00"})
    assert made.ok, made.text()
    page = new_page(DESKTOP)
    api_register(page, unique_email("cancel"))
    doc_id = clinician.request.get("/api/auth/me").json()["id"]
    page.goto(f"/appointments?clinician_id={doc_id}")
    page.get_by_role("button", name="Book this time").click()
    assert "Booked" in page.locator("[role=status]").inner_text()
    cancel = page.get_by_role("link", name="Cancel the appointment on")
    assert "Dr Cancel" in (cancel.get_attribute("aria-label") or "")
    cancel.click()
    assert page.get_by_role("heading", name="Cancel this appointment?").is_visible()
    page.get_by_role("link", name="No, keep it").click()
    assert page.locator("#my-appointments li").count() == 1  # nothing changed
    page.get_by_role("link", name="Cancel the appointment on").click()
    page.get_by_role("button", name="Yes, cancel the appointment").click()
    status = page.locator("[role=status]").inner_text()
    assert status.startswith("Cancelled:") and "Dr Cancel" in status
    assert page.locator("#my-appointments li").count() == 0
    shot(page, "appointment-cancelled", full_page=False)
