"""``glutecoach analyze`` (one file or a folder) and ``glutecoach evaluate`` (accuracy on labelled
data). The package's ``__init__`` calls :func:`register` to add them."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from glutecoach.analysis import AnalysisOptions, analyze_sequence, load_sequence
from glutecoach.batch.local import batch_inputs
from glutecoach.cli.errors import console, fail, out, settings
from glutecoach.errors import InputError
from glutecoach.io.files import check_writable, replaced_atomically, write_text_atomically
from glutecoach.io.keypoints import is_keypoint_path
from glutecoach.thresholds import DEFAULT_FPS

#: The article whose squat instructions are coached (its cues are quoted word for word).
ARTICLE = "'Glute dysfunction: Can strengthening your glutes possibly relieve back and knee pain?'"


def _analyse_one(path: Path, options: AnalysisOptions, write_json: Callable[[list[dict[str, Any]]], None],
                 csv_out: Path | None = None, video_out: Path | None = None,
                 progress: Any = None) -> dict[str, Any]:
    seq = load_sequence(path, options, progress)
    result = analyze_sequence(seq)
    doc = result.to_dict()
    write_json([doc])  # first: a CSV or video that fails to write never costs the JSON
    if csv_out is not None:
        from glutecoach.outputs.csv import write_csv
        with replaced_atomically(csv_out) as partial:
            write_csv(seq, partial)
    if video_out is not None:
        from glutecoach.outputs.annotated import write_annotated_video
        with replaced_atomically(video_out) as partial:
            write_annotated_video(path, seq, result, partial)
    return doc


def analyze(
    input: Annotated[Path, typer.Argument(help="Video, keypoint file (.npy), OpenPose JSON folder, or a folder of these.")],
    json_out: Annotated[str | None, typer.Option("--json", help="Write the glutecoach.analysis/1 JSON here ('-' for stdout; the table then goes to stderr).")] = None,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Per-frame landmarks and angles (single input).")] = None,
    video_out: Annotated[Path | None, typer.Option("--video", help="Annotated video (single video input): .mp4, .mov, .mkv or .avi (H.264) or .webm (VP9).")] = None,
    fps: Annotated[float | None, typer.Option(help=f"Frame rate of keypoint input, 0.1-1000 (keypoint files do not record it: without it {DEFAULT_FPS:g} is assumed and the tempo is not judged).", show_default=False)] = None,
    every_frame: Annotated[bool, typer.Option("--every-frame", help="Run the pose model on every frame (slower).")] = False,
    workers: Annotated[int, typer.Option(help="Parallel processes for a folder (0 = one per core).")] = 0,
    ray: Annotated[str | None, typer.Option("--ray", help="Run a folder on Ray: 'auto' (this machine's cluster, else a local one), 'local', or an address (HOST:6379, ray://HOST:10001).")] = None,
) -> None:
    """The article's cues, rep by rep (help text above: it names the article)."""
    try:
        options = AnalysisOptions(fps=fps, every_frame=every_frame, pose_threads=settings().pose_threads)
    except InputError as exc:
        fail(str(exc))
    if not input.exists():
        fail(f"{input}: no such file or folder")
    try:
        items = batch_inputs(input)
    except InputError as exc:
        fail(str(exc))
    if len(items) > 1 and (csv_out or video_out):
        fail("--csv and --video take a single input, not a folder")
    _check_outputs(json_out if json_out != "-" else None, csv_out, video_out)
    if video_out is not None:
        from glutecoach.outputs.annotated import check_video_name
        if is_keypoint_path(items[0]):
            fail(f"{items[0]}: --video needs a video input, not keypoints")
        try:
            check_video_name(video_out)
        except InputError as exc:
            fail(str(exc))
    # With the JSON on stdout, everything for people goes to stderr, so `| jq` gets JSON only.
    show = console if json_out == "-" else out

    def write_json(docs: list[dict[str, Any]]) -> None:
        if not json_out:
            return
        payload: Any = docs[0] if len(docs) == 1 else {"schema": "glutecoach.batch/1", "results": docs}
        text = json.dumps(payload, indent=2)
        if json_out == "-":
            sys.stdout.write(text + "\n")
        else:
            _write_or_fail(Path(json_out), text + "\n")

    if len(items) == 1:
        docs = [_single(items[0], options, write_json, csv_out, video_out)]
        _print_result(docs[0], show)
    else:
        docs = _batch(items, options, workers, ray)
        write_json(docs)
        _print_summary(docs, show)
    failed = [d for d in docs if "error" in d]
    if failed:
        raise typer.Exit(2 if len(failed) == len(docs) else 1)


def _check_outputs(*paths: str | Path | None) -> None:
    """Fail in one line before the analysis, not after it, when an output cannot be written."""
    for p in paths:
        if p is not None:
            try:
                check_writable(Path(p))
            except InputError as exc:
                fail(str(exc))


def _write_or_fail(path: Path, text: str) -> None:
    try:
        write_text_atomically(path, text)
    except InputError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{path}: cannot write: {exc.strerror or exc}")


def _single(path: Path, options: AnalysisOptions, write_json: Callable[[list[dict[str, Any]]], None],
            csv_out: Path | None, video_out: Path | None) -> dict[str, Any]:
    with _progress_bar() as bar:
        task = bar.add_task(f"Analysing {path.name}", total=None)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            return _analyse_one(path, options, write_json, csv_out, video_out, tick)
        except InputError as exc:
            bar.stop()
            fail(str(exc))


def _progress_bar() -> Progress:
    """A progress bar on a terminal only: piped, Rich would leave blank lines in the log."""
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), console=console, transient=True,
                    disable=not console.is_terminal)


def _batch(items: list[Path], options: AnalysisOptions, workers: int, ray: str | None) -> list[dict[str, Any]]:
    paths = [str(p) for p in items]
    if ray:
        from glutecoach.batch.ray import analyse_on_ray
        with _progress_bar() as bar:
            task = bar.add_task(f"Analysing {len(items)} files on Ray ({ray})", total=len(items))
            try:
                return analyse_on_ray(paths, options.fps, options.every_frame, ray,
                                      on_done=lambda _p: bar.advance(task),
                                      pose_threads=options.pose_threads)
            except InputError as exc:
                bar.stop()
                fail(str(exc))
    if workers < 0:
        fail(f"--workers must be 0 (one per core) or more, got {workers}")
    from glutecoach.batch.local import analyse_locally, local_workers
    n = local_workers(workers, len(items))
    with _progress_bar() as bar:
        task = bar.add_task(f"Analysing {len(items)} files on {n} process(es)", total=len(items))
        return analyse_locally(paths, options.fps, options.every_frame, n,
                               on_done=lambda _p: bar.advance(task),
                               pose_threads=options.pose_threads)


def _print_summary(docs: list[dict[str, Any]], show: Console) -> None:
    """A folder batch: one row per file (reps, view, the top cue, or why it failed)."""
    table = Table(title=f"{len(docs)} files")
    table.add_column("file", no_wrap=True)
    for col in ("reps", "view", "top cue", "error"):
        table.add_column(col, overflow="fold")
    for d in docs:
        name = Path(d["source"]["path"]).name
        if "error" in d:
            reason = d["error"].removeprefix(f"{d['source']['path']}: ")
            table.add_row(name, "-", "-", "-", f"[red]{reason}[/red]")
            continue
        cues = d["summary"]["top_cues"]
        table.add_row(name, str(d["rep_count"]), d["view"], cues[0]["cue"] if cues else "-", "")
    show.print(table)
    failed = sum("error" in d for d in docs)
    if failed:
        show.print(f"[red]{failed} of {len(docs)} files failed[/red]")


def _print_result(d: dict[str, Any], show: Console) -> None:
    src = d["source"]
    s = d["summary"]
    show.print(f"[bold]{Path(src['path']).name}[/bold]: {src['kind']}, {src['duration_s']:.1f} s, "
              f"view {d['view']}, squat detected: {'yes' if d['squat_detected'] else 'no'}")
    show.print(f"[bold green]{s['headline']}[/bold green]")
    if d["reps"]:
        table = Table(show_lines=False)
        for col in ("rep", "time (s)", "score", "cues"):
            table.add_column(col)
        for r in d["reps"]:
            if not r["reliable"]:
                cues = f"[yellow]not judged: {r['unreliable_reason']}[/yellow]"
            elif r["faults"]:
                cues = "\n".join(f"{'[red]' if f['severity'] == 'fault' else '[yellow]'}{f['cue']}[/] ({f['message']})" for f in r["faults"])
            else:
                cues = "[green]" + (r["praise"] or "Good rep") + "[/green]"
            table.add_row(str(r["index"] + 1), f"{r['start_s']:.1f}-{r['end_s']:.1f}",
                          "-" if r["score"] is None else str(r["score"]), cues)
        show.print(table)
        nc = {n["code"]: n for r in d["reps"] for n in r["not_checked"]}
        if nc:
            show.print("[dim]Not checked from this recording: " + "; ".join(
                f"{c.replace('_', ' ')} ({n['reason']})" for c, n in nc.items()) + "[/dim]")
    if s["top_cues"]:
        show.print("Focus next time: " + " ".join(c["cue"] for c in s["top_cues"]))
    if s["praise"]:
        show.print(f"[green]{s['praise']}[/green]")
    if s["form_score"] is not None:
        show.print(f"Form score: {s['form_score']}/100")
    for w in d["warnings"]:
        show.print(f"[yellow]Note:[/yellow] {w}")


def evaluate(
    data: Annotated[Path, typer.Argument(help="A data folder laid out like ../shared/data.")],
    json_out: Annotated[Path | None, typer.Option("--json")] = None,
    every_frame: Annotated[bool, typer.Option("--every-frame")] = False,
    pose_cache: Annotated[Path | None, typer.Option(
        "--pose-cache", help="Keep each input's landmarks in this folder and reuse them on the next run "
        "(for work on the later stages; the pose model's own output is unchanged).")] = None,
) -> None:
    """Accuracy on labelled data: rep counts per source, the exercise gate, the view, fault precision/recall/F1."""
    from glutecoach.evaluate import evaluate as run_evaluation

    if not data.is_dir():
        fail(f"{data}: not a folder")
    _check_outputs(json_out)
    with _progress_bar() as bar:
        task = bar.add_task("Evaluating", total=None)
        ev = run_evaluation(data, AnalysisOptions(every_frame=every_frame,
                                                  pose_threads=settings().pose_threads),
                            on_item=lambda name: bar.update(task, description=f"Evaluating {name}"),
                            pose_cache=pose_cache)
    table = Table(title="Rep counting, exercise gate and view")
    table.add_column("measure")
    table.add_column("result")
    for k, (a, b) in ev.totals().items():
        table.add_row(k.replace("_", " "), f"{a}/{b}")
    table.add_row("QoM correct reps with no fault", "{}/{}".format(*ev.correct_reps_clean))
    table.add_row("QoM correct reps with no cue at all", "{}/{}".format(*ev.correct_reps_no_cue))
    out.print(table)
    st = Table(title="Videos per source")
    for col in ("source", "squat clips within accept", "near-misses at zero", "view right"):
        st.add_column(col)
    for source, row in ev.by_source().items():
        st.add_row(source, *(f"{a}/{b}" if b else "-" for a, b in row.values()))
    out.print(st)
    ft = Table(title="Faults on QoM labelled reps")
    for col in ("people", "fault", "TP", "FP", "FN", "precision", "recall", "F1"):
        ft.add_column(col)
    for who, faults in [("all", ev.faults), *sorted(ev.faults_by_person.items())]:
        for code, c in faults.items():
            ft.add_row(who, code, str(c["tp"]), str(c["fp"]), str(c["fn"]), f"{c['precision']:.2f}",
                       f"{c['recall']:.2f}", f"{c['f1']:.2f}")
    out.print(ft)
    detail = Table(title="Per file")
    for col in ("file", "source", "exercise", "truth", "got", "view", "view got"):
        detail.add_column(col)
    for v in ev.videos:
        detail.add_row(v["file"], v["source"], v["exercise"], "|".join(map(str, v["accept"])), str(v["got"]),
                       v["view"] or "", v["view_got"])
    for s in ev.sequences:
        detail.add_row(s["file"], "RepCount", s["exercise"], str(s["truth"]), str(s["got"]), "", "")
    out.print(detail)
    if json_out:
        _write_or_fail(json_out, json.dumps(ev.to_dict(), indent=2) + "\n")


def schema() -> None:
    """Print the JSON Schema of the glutecoach.analysis/1 result that --json writes."""
    from glutecoach.result import analysis_json_schema

    typer.echo(json.dumps(analysis_json_schema(), indent=2))


def register(app: typer.Typer) -> None:
    """Add ``analyze`` and ``evaluate`` to the main command."""
    app.command(help="Count squat reps and check, rep by rep, every cue of the squat instructions "
                     f"in the article {ARTICLE}.")(analyze)
    app.command()(evaluate)
    app.command()(schema)
