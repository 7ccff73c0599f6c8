"""Jinja2 pages: one shared :data:`templates` object and :func:`render`.

Jinja2 (through Starlette's ``Jinja2Templates``) autoescapes every value, so text a user typed
can never become markup; that is why pages are templates and not strings built in Python.
Every page extends ``base.html`` (blocks ``title``, ``content``, ``scripts``).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from glutecoach.web.deps import CSRF_FIELD, csrf_token

TEMPLATES_DIR = Path(__file__).with_name("templates")
STATIC_DIR = Path(__file__).with_name("static")

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


def local_time(
    moment: datetime | str | None, zone: str | None, fmt: str = "%a %d %b %Y, %H:%M"
) -> str:
    """``moment`` (aware, or ISO 8601 with offset) in the time zone ``zone``; '' for None."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment)
        except ValueError:
            return str(moment)
    try:
        tz = ZoneInfo(zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("UTC")
    return moment.astimezone(tz).strftime(fmt)


def plural(count: int | float | None, singular: str, many: str | None = None) -> str:
    """ "1 day", "2 days", "0 days" ("many" for irregular words: plural(n, "person", "people"))."""
    count = count or 0
    word = singular if count == 1 else (many or singular + "s")
    return f"{count:g} {word}" if isinstance(count, float) else f"{count} {word}"


#: Words for field names that are not words themselves.
FIELD_WORDS = {"availability": "window", "start": "time", "clinician_id": "clinician",
               "timezone": "time zone", "end_time": "end time", "start_time": "start time",
               "reps": "number of reps"}
#: Fields whose problem is already a whole sentence.
SENTENCE_FIELDS = frozenset({"credentials", "token"})
#: How a problem that describes the value starts ("must be ...", "is too ...").
_DESCRIBES = ("must ", "is ", "was ", "overlaps ", "may ", "has ")


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?)" else text + "."


def in_words(error: Exception) -> str:
    """An input error as a sentence for a page ("The password is too easy to guess."),
    not "field: problem"; pydantic's errors get the field's words too."""
    errors = getattr(error, "errors", None)
    if callable(errors):
        parts = []
        for e in errors():
            loc = [str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path")]
            word = FIELD_WORDS.get(loc[-1], loc[-1].replace("_", " ")) if loc else "value"
            parts.append(_sentence(f"the {word} is required" if e.get("type") == "missing"
                                   else f"{word}: {e.get('msg', '')}"))
        return " ".join(parts)
    field, problem = getattr(error, "field", None), getattr(error, "problem", None)
    if not field or not problem:
        return _sentence(str(error))
    if field in SENTENCE_FIELDS:
        return _sentence(problem)
    word = FIELD_WORDS.get(field, field.replace("_", " "))
    if problem.startswith(_DESCRIBES):
        return _sentence(f"the {word} {problem}")
    return _sentence(f"{word}: {problem}")


templates.env.filters["local"] = local_time
templates.env.filters["plural"] = plural


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> Response:
    """Render ``name`` with the signed-in user (``user``, may be None), the CSRF token
    (``csrf_token``, put it in every form as a hidden field named ``csrf_token``) and
    ``context``."""
    ctx: dict[str, Any] = {
        "user": getattr(request.state, "user", None),
        "csrf_token": csrf_token(request),
        "csrf_field": CSRF_FIELD,
    }
    ctx.update(context or {})
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)
