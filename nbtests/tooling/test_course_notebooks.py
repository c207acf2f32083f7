"""Student notebooks: they run until the first exercise, which reports "not done yet"."""

from pathlib import Path

import pytest
from nbclient.exceptions import CellExecutionError

from utils._nbfast import nbformat
from utils.build import run_notebook

ROOT = Path(__file__).resolve().parents[2]
COURSE = sorted((ROOT / "course").glob("*.ipynb"))


def test_there_is_a_course_notebook_for_every_chapter():
    sources = sorted(p.stem for p in (ROOT / "solutions").glob("[0-9][0-9]_*.py"))
    assert sources, "no chapter sources"
    assert [p.stem for p in COURSE] == sources


@pytest.mark.slow  # runs each course notebook in a kernel
@pytest.mark.parametrize("path", COURSE, ids=[p.stem for p in COURSE])
def test_first_error_is_the_first_exercise_not_done(path):
    nb = nbformat.read(path, as_version=4)
    exercises = nb.metadata["dlf"]["exercises"]
    assert not any("### BEGIN SOLUTION" in c.source for c in nb.cells)
    if not exercises:
        run_notebook(nb, path.parent, timeout=120)  # a chapter without exercises runs cleanly
        return
    with pytest.raises(CellExecutionError) as info:
        run_notebook(nb, path.parent, timeout=120)
    err = info.value
    assert err.ename in {"ExerciseNotDone", "NotImplementedError"}, (
        f"the first error is {err.ename}: {err.evalue}"
    )
    assert err.evalue.startswith(f"{exercises[0]} is not done yet"), err.evalue
    failed = next(
        c
        for c in nb.cells
        if c.cell_type == "code" and any(o.output_type == "error" for o in c.get("outputs", []))
    )
    assert failed.id == f"{exercises[0]}-check"
    rendered = "\n".join(next(o for o in failed.outputs if o.output_type == "error").traceback)
    assert "NotImplementedError" in rendered and "File " not in rendered, (
        "the student should see one friendly line, not a stack"
    )
