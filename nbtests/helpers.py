"""Helpers shared by the tests: chapter sources, exercise objects, notebook execution."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from utils.build import Chapter, find_chapters, read_source, strip_solutions
from utils.notebook import is_exercise

ROOT = Path(__file__).resolve().parent.parent


def chapter(number: str) -> Chapter:
    """The chapter source ``solutions/NN_*.py``."""
    (found,) = find_chapters(number)
    return found


def exercise_namespace(number: str, *, student: bool) -> dict:
    """Run a chapter's setup cell and all its exercise cells in a fresh namespace.

    With ``student=True`` the exercise cells are the stubs of the course notebook, so calling
    an exercise's object raises ``NotImplementedError``. Exercise cells may use only the setup
    cell (the first code cell) and earlier exercises; they are plain Python (no magics).
    """
    nb = read_source(chapter(number))
    if student:
        nb = strip_solutions(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    namespace: dict = {"__name__": f"chapter_{number}"}
    cells = [code[0]] + [c for c in code if is_exercise(c)]
    for cell in cells:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(cell.source, f"<{cell.id}>", "exec"), namespace)  # noqa: S102
    return namespace


def exercise_ids(number: str) -> list[str]:
    """The exercise ids of a chapter source, in notebook order."""
    return read_source(chapter(number)).metadata["dlf"]["exercises"]


def fails_with_hint(ex_id: str, obj, name: str) -> None:
    """The check of ``ex_id`` fails on ``obj`` and names the known mistake ``name``."""
    import re

    import pytest

    from utils.checks import CheckFailed, check

    with pytest.raises(CheckFailed, match=rf"Hint \({re.escape(name)}\)"):
        check(ex_id, obj)


def passes(ex_id: str, obj, capsys) -> None:
    """The check of ``ex_id`` passes on ``obj`` (a correct alternative answer)."""
    from utils.checks import check

    check(ex_id, obj)
    assert "checks passed" in capsys.readouterr().out
