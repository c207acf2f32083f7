"""Builders of grader test submissions, made from the course and solution notebooks.

Nothing here is committed data: each test builds its corpus in a temporary folder from
``course/NN_*.ipynb`` (the blank student notebook) and ``solutions/NN_*.ipynb`` (every
exercise solved), then edits exercise cells, check cells or the file itself.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from utils._nbfast import nbformat
from utils.notebook import exercise_id

ROOT = Path(__file__).resolve().parent.parent.parent


def notebook_path(kind: str, chapter: str) -> Path:
    """``course/NN_*.ipynb`` (kind "course") or ``solutions/NN_*.ipynb`` ("solution")."""
    folder = ROOT / ("course" if kind == "course" else "solutions")
    (path,) = sorted(folder.glob(f"{chapter}_*.ipynb"))
    return path


def load(kind: str, chapter: str):
    return nbformat.read(str(notebook_path(kind, chapter)), as_version=4)


def exercise_sources(chapter: str, kind: str = "solution") -> dict[str, str]:
    nb = load(kind, chapter)
    return {exercise_id(c): c.source for c in nb.cells if c.cell_type == "code" and exercise_id(c)}


def with_cells(chapter: str, replace: dict[str, str], base: str = "course"):
    """A notebook of ``base`` kind whose exercise cells ``replace`` gives new sources."""
    nb = copy.deepcopy(load(base, chapter))
    for cell in nb.cells:
        ex_id = exercise_id(cell) if cell.cell_type == "code" else None
        if ex_id in replace:
            cell.source = replace[ex_id]
    return nb


def write(nb, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    return path


def run_grader(
    *args: str, timeout: float = 600, uids: str | None = None
) -> subprocess.CompletedProcess:
    """``python -m utils.grade ARGS`` as an instructor runs it (a separate process)."""
    env = dict(os.environ)
    if uids:
        env["DLF_GRADE_UIDS"] = uids
    return subprocess.run(
        [sys.executable, "-m", "utils.grade", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def read_rows(path: Path) -> dict[str, dict]:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    keys = [r["submission"] for r in rows]
    assert len(keys) == len(set(keys)), f"duplicate rows in {path}"
    return {r["submission"]: r for r in rows}


def nb3_text() -> str:
    """A minimal notebook in the old nbformat 3 layout."""
    return json.dumps(
        {
            "metadata": {},
            "nbformat": 3,
            "nbformat_minor": 0,
            "worksheets": [
                {
                    "cells": [
                        {"cell_type": "code", "input": "1 + 1", "language": "python", "outputs": []}
                    ]
                }
            ],
        }
    )
