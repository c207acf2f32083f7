"""What grading costs over plain execution, for one chapter's solution notebook.

``grade_plain_s`` executes the notebook in a fresh kernel (as :mod:`benchmarks.notebooks`
does); ``grade_s`` runs the grader's command line on the same notebook,
``python -m utils.grade NOTEBOOK --out CSV --force``, process start included. Both are
medians, the runs alternating. When no notebook can be timed the keys are null, with the
reason in the notes.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.notebooks import ROOT, execute_seconds

NULL = {"grade_plain_s": None, "grade_s": None, "grade_overhead": None}


def pick_notebook(paths: list[Path], chapter: str | None = None) -> Path | None:
    """The notebook of ``chapter`` ("05"), or else the one with the most exercises."""
    if chapter is not None:
        return next((p for p in paths if p.name.startswith(f"{chapter.zfill(2)}_")), None)
    from utils._nbfast import nbformat

    best, most = None, 0
    for path in paths:
        nb = nbformat.read(str(path), as_version=4)
        count = len(nb.metadata.get("dlf", {}).get("exercises", []))
        if count > most:
            best, most = path, count
    return best


def grade_seconds(path: Path, out_dir: Path) -> float:
    """Wall time of the grader's command line on one notebook; raises on a non-zero exit."""
    cmd = [
        sys.executable,
        "-m",
        "utils.grade",
        str(path),
        "--out",
        str(out_dir / "grades.csv"),
        "--force",
    ]
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()
        raise RuntimeError(
            f"`python -m utils.grade` exited {done.returncode}: "
            + (tail[-1] if tail else "no output")
        )
    rows = (out_dir / "grades.csv").read_text(encoding="utf-8").strip().splitlines()
    if len(rows) < 2:
        raise RuntimeError("`python -m utils.grade` wrote no row for the notebook")
    return elapsed


def bench_grading(
    paths: list[Path], *, repeats: int = 3, chapter: str | None = None, log=print
) -> tuple[dict, list[str]]:
    """The grading keys and their notes (null with the reason when nothing could be timed).

    The CSV is checked to hold a row for the notebook, so a run that grades nothing is not
    timed as if it had.
    """
    path = pick_notebook(paths, chapter)
    if path is None:
        return dict(NULL), [
            "grading keys are null: no solution notebook with exercises"
            + (f" for chapter {chapter}" if chapter else "")
        ]
    plain, graded = [], []
    try:
        with tempfile.TemporaryDirectory(prefix="dlf-bench-grade-") as tmp:
            for r in range(repeats):
                plain.append(execute_seconds(path))
                graded.append(grade_seconds(path, Path(tmp)))
                log(
                    f"  grading {path.stem} run {r + 1}/{repeats}: plain {plain[-1]:.1f} s, "
                    f"graded {graded[-1]:.1f} s"
                )
    except Exception as exc:
        return dict(NULL), [f"grading keys are null: {type(exc).__name__}: {exc}"[:300]]
    plain_s, grade_s = float(np.median(plain)), float(np.median(graded))
    return (
        {"grade_plain_s": plain_s, "grade_s": grade_s, "grade_overhead": grade_s / plain_s},
        [
            f"grading: {path.stem} (the most exercises), median of {repeats} (grader process "
            "start and its self-test included; the grader runs every cell, as Run All does)"
        ],
    )
