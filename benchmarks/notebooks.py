"""Execution time of every solution notebook, each run in a fresh kernel as the build runs it.

A notebook's time is from starting its kernel to the end of its last cell (what a student
waits for after "Restart kernel and run all"), the median of a few runs. The runs go round
the notebooks (all notebooks once, then again), so a slow minute of the machine does not
land on one notebook's every run.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_RE = re.compile(r"^\d\d_[a-z0-9_]+\.ipynb$")
CELL_TIMEOUT_S = 300


def discover(solutions: Path = ROOT / "solutions") -> list[Path]:
    """The solution notebooks ``NN_topic.ipynb`` present now, sorted."""
    return sorted(p for p in solutions.glob("[0-9][0-9]_*.ipynb") if NOTEBOOK_RE.match(p.name))


def execute_seconds(path: Path) -> float:
    """Execute a notebook in a fresh kernel of this environment; return the wall time.

    The settings are the build's (``utils.build.run_notebook``): this environment's python as
    the kernel, the notebook's folder as working directory, the inline matplotlib backend.
    Raises ``nbclient.exceptions.CellExecutionError`` when a cell raises.
    """
    from utils._nbfast import nbformat
    from utils.build import run_notebook

    nb = nbformat.read(str(path), as_version=4)
    start = time.perf_counter()
    run_notebook(
        nb, path.parent, timeout=CELL_TIMEOUT_S, record_timing=False, store_widget_state=False
    )
    return time.perf_counter() - start


def bench_notebooks(paths: list[Path], *, repeats: int = 3, log=print) -> tuple[dict, list[str]]:
    """``notebook_s`` (name -> median seconds, or None) and ``course_total_s``, with notes."""
    notes: list[str] = []
    times: dict[str, list[float]] = {p.stem: [] for p in paths}
    failed: dict[str, str] = {}
    for r in range(repeats):
        for path in paths:
            if path.stem in failed:
                continue
            try:
                seconds = execute_seconds(path)
            except Exception as exc:  # a broken notebook is a null with its reason
                first = str(exc).strip().splitlines()
                failed[path.stem] = f"{type(exc).__name__}: {first[-1] if first else ''}"[:200]
                log(f"  notebook {path.stem}: failed ({failed[path.stem]})")
                continue
            times[path.stem].append(seconds)
            log(f"  notebook {path.stem} run {r + 1}/{repeats}: {seconds:.1f} s")
    notebook_s = {
        name: (float(np.median(ts)) if name not in failed and ts else None)
        for name, ts in times.items()
    }
    for name, reason in failed.items():
        notes.append(f"notebook {name} is null: it failed to execute ({reason})")
    if not paths:
        notes.append("no solution notebooks found: notebook_s is empty, course_total_s null")
        total = None
    elif failed:
        total = None
        notes.append("course_total_s is null: some notebooks failed")
    else:
        total = float(sum(notebook_s.values()))
    notes.append(f"notebooks: fresh kernel each run (kernel start included), median of {repeats}")
    return {"notebook_s": notebook_s, "course_total_s": total}, notes
