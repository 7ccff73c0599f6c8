"""Fuzz the JSON API from its OpenAPI document with schemathesis: no request may answer 5xx.

Runs signed in (a patient for patient routes, a clinician for clinician routes) and with the
``X-Requested-With: fetch`` header, so generated requests get past authentication and reach
the validation and the database. Examples per operation are capped to keep the run to a minute
or two on two cores; raise ``GLUTECOACH_FUZZ_EXAMPLES`` for a longer hunt.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from glutecoach.settings import Settings
from glutecoach.store.testing import ENV_POSTGRES, fresh_database_url
from glutecoach.web.app import create_app
from glutecoach.web.deps import SESSION_COOKIE
from glutecoach.web.testing import SCREEN_OK, Users

warnings.filterwarnings("ignore", message=".*httpx.*")

EXAMPLES = int(os.environ.get("GLUTECOACH_FUZZ_EXAMPLES", "25"))
_TMP = Path(tempfile.mkdtemp(prefix="glutecoach-fuzz-"))
atexit.register(shutil.rmtree, _TMP, True)  # registered first: runs last, after the database


def _database_url() -> str:
    """PostgreSQL when the tests have one (the stricter backend: NUL bytes, integer ranges),
    else SQLite. The PostgreSQL schema is dropped when the test process exits."""
    if not os.environ.get(ENV_POSTGRES):
        return f"sqlite:///{_TMP / 'fuzz.db'}"
    scope = fresh_database_url("postgresql", _TMP)
    url = scope.__enter__()
    atexit.register(scope.__exit__, None, None, None)
    return url


APP = create_app(Settings(database_url=_database_url(), media_dir=_TMP / "media"))
atexit.register(APP.state.db.dispose)  # runs before the schema is dropped (last in, first out)
# Signing out would end the fuzzing session itself; it is covered by test_web_auth and
# test_web_account.
schema = schemathesis.openapi.from_asgi("/openapi.json", APP).exclude(
    path=["/api/auth/logout", "/api/auth/logout-all"])
CLINICIAN_PREFIXES = ("/api/patients", "/api/availability")


@pytest.fixture(scope="module")
def sessions() -> Iterator[dict[str, str]]:
    users = Users(APP)
    patient = users.patient("fuzz-patient@example.com", "Fuzz Patient")
    patient.post("/api/screenings", json=SCREEN_OK)
    patient.post("/api/pain", json={"back": 3})
    clinician = users.clinician("fuzz-doc@example.com", "Fuzz Doc")
    users.link(patient, clinician)
    yield {"patient": patient.cookies[SESSION_COOKIE],
           "clinician": clinician.cookies[SESSION_COOKIE]}
    users.close()


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_answers_5xx(case: schemathesis.Case, sessions: dict[str, str]) -> None:
    role = "clinician" if case.path.startswith(CLINICIAN_PREFIXES) else "patient"
    response = case.call(headers={"X-Requested-With": "fetch"},
                         cookies={SESSION_COOKIE: sessions[role]})
    if os.environ.get("GLUTECOACH_FUZZ_DEBUG"):
        print("FUZZ", case.method, case.path, response.status_code)
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:500]}")


def test_fuzz_tests_have_their_own_ids_and_leave_no_files(tmp_path: Path) -> None:
    """Collecting this module (which builds the app) in a fresh process leaves nothing in the
    temporary folder, and every API operation's test has an id of its own."""
    env = {k: v for k, v in os.environ.items() if k != ENV_POSTGRES}
    env["TMPDIR"] = str(tmp_path)
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
                          "--collect-only", __file__], check=False, capture_output=True, text=True,
                         env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    ids = [line for line in run.stdout.splitlines() if "::test_api_never_answers_5xx" in line]
    assert len(ids) > 20 and len(set(ids)) == len(ids), ids[:3]
    assert "test_api_never_answers_5xx[GET /api/auth/me]" in " ".join(ids)
    assert list(tmp_path.iterdir()) == []
