"""`pip install glutecoach` is the analysis core and its two commands: the analysis path runs
without the web extra's packages, and a command that needs an extra says which one in one line.

The extra's packages are made unimportable in a subprocess (a meta path finder that refuses
them), which is what a core-only install looks like to Python, without building a venv."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
WEB_EXTRA = ("fastapi", "starlette", "uvicorn", "jinja2", "sqlalchemy", "alembic", "reportlab",
             "argon2", "zxcvbn", "multipart", "swagger_ui_bundle")


def _cli_without(blocked: tuple[str, ...], *args: str) -> subprocess.CompletedProcess[str]:
    """``glutecoach ARGS`` with ``blocked`` packages missing; prints the modules loaded."""
    code = textwrap.dedent(f"""
        import atexit, sys
        from importlib.abc import MetaPathFinder
        BLOCKED = {blocked!r}
        class Missing(MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in BLOCKED:
                    raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        sys.meta_path.insert(0, Missing())
        atexit.register(lambda: print("LOADED", *sorted({{m.split(".")[0] for m in sys.modules}}),
                                      file=sys.__stdout__))
        sys.argv = ["glutecoach", *{list(args)!r}]
        from glutecoach.cli import main
        main()
    """)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def _loaded(run: subprocess.CompletedProcess[str]) -> set[str]:
    return set(run.stdout.rsplit("LOADED", 1)[1].split())


def test_keypoint_analysis_needs_no_extra():
    run = _cli_without((*WEB_EXTRA, "matplotlib", "ray", "psycopg"),
                       "analyze", str(DATA / "keypoints" / "qom" / "J_01.npy"))
    assert run.returncode == 0, run.stderr
    assert "5 reps" in run.stdout
    assert not _loaded(run) & {*WEB_EXTRA, "matplotlib"}


def test_video_analysis_needs_no_extra():
    """MediaPipe itself imports matplotlib (its drawing utilities), so only the web extra's own
    packages are refused here."""
    run = _cli_without(WEB_EXTRA, "analyze",
                       str(DATA / "videos" / "dillon_side_closeup_backsquat_1rep.mp4"))
    assert run.returncode == 0, run.stderr
    assert "1 rep" in run.stdout
    assert not _loaded(run) & set(WEB_EXTRA)


def test_a_command_of_an_extra_names_the_extra(tmp_path: Path):
    for command, extra in ((["serve"], "web"), (["progress", "--person", "x"], "web"),
                           (["analyze", str(tmp_path), "--ray", "local"], "cluster")):
        if command[0] == "analyze":
            for name in ("a.npy", "b.npy"):
                (tmp_path / name).write_bytes((DATA / "keypoints" / "qom" / "J_01.npy").read_bytes())
        run = _cli_without((*WEB_EXTRA, "ray"), *command)
        assert run.returncode == 2, run.stderr
        assert run.stderr.startswith("glutecoach: error: "), run.stderr
        assert run.stderr.endswith(f"pip install 'glutecoach[{extra}]'\n")
        assert run.stderr.count("\n") == 1
