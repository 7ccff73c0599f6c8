"""The typed result contract (result.py): the published JSON Schema, real results against it,
and codes that do not exist refused."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest
from pydantic import ValidationError
from support import QOM, REPCOUNT, ROOT

from glutecoach.analysis import analyze_file
from glutecoach.checks.base import CUES, PRIORITY
from glutecoach.result import SCHEMA_ID, AnalysisResult, Fault, FaultCode, analysis_json_schema

PUBLISHED = ROOT / "docs" / "schema" / "analysis-1.schema.json"


@pytest.fixture(scope="module")
def real_docs() -> list[dict]:
    """glutecoach.analysis/1 documents of real keypoint files (OpenPose pixels, J_05 with faults,
    and RepCount's frame-normalised keypoints, which are counted but not judged)."""
    paths = [QOM / "J_01.npy", QOM / "J_05.npy", sorted(REPCOUNT.glob("*.npy"))[0]]
    return [json.loads(json.dumps(analyze_file(p).to_dict())) for p in paths]


def test_the_published_schema_is_the_models_schema():
    assert json.loads(PUBLISHED.read_text()) == analysis_json_schema()


def test_glutecoach_schema_prints_it():
    run = subprocess.run([sys.executable, "-m", "glutecoach.cli", "schema"], capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == json.loads(PUBLISHED.read_text())


def test_real_results_match_the_schema_and_read_back_unchanged(real_docs: list[dict]):
    schema = json.loads(PUBLISHED.read_text())
    assert any(rep["faults"] for doc in real_docs for rep in doc["reps"])
    assert any(rep["not_checked"] for doc in real_docs for rep in doc["reps"])
    for doc in real_docs:
        assert doc["schema"] == SCHEMA_ID and doc["rep_count"] == len(doc["reps"])
        jsonschema.validate(doc, schema)
        assert AnalysisResult.model_validate(doc).to_dict() == doc
        assert list(doc)[:7] == ["schema", "source", "analysed_frames", "people_in_view",
                                 "squat_detected", "view", "rep_count"]


def test_fault_codes_are_the_cues_of_the_checks():
    assert set(FaultCode) == set(CUES) == set(PRIORITY)


@pytest.mark.parametrize("code", ["knee_valgus", "trunk_lean", ""])
def test_an_unknown_fault_code_is_refused(real_docs: list[dict], code: str):
    with pytest.raises(ValidationError):
        Fault(code=code, severity="fault", value=1.0, threshold=1.0, unit="deg", cue="", message="")
    doc = json.loads(json.dumps(next(d for d in real_docs if d["summary"]["fault_counts"])))
    rep = next(r for r in doc["reps"] if r["faults"])
    rep["faults"][0]["code"] = code
    with pytest.raises(ValidationError, match="faults.0.code"):
        AnalysisResult.model_validate(doc)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, json.loads(PUBLISHED.read_text()))


def test_another_schema_id_is_refused(real_docs: list[dict]):
    doc = {**real_docs[0], "schema": "glutecoach.analysis/2"}
    with pytest.raises(ValidationError, match="schema"):
        AnalysisResult.model_validate(doc)
