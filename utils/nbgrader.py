"""An nbgrader course directory built from the course's solution notebooks.

Usage::

    python -m utils.nbgrader                    # writes _build/nbgrader/
    python -m utils.nbgrader --only 05          # one chapter
    python -m utils.nbgrader --out DIR          # elsewhere

The folder it writes is ready for nbgrader (0.9): ``nbgrader_config.py`` and
``source/NN_topic/NN_topic.ipynb`` for each chapter. Every cell carries nbgrader's metadata:

- an exercise cell is a *solution* cell whose ``grade_id`` is the exercise id; its
  ``### BEGIN SOLUTION`` / ``### END SOLUTION`` region is what ``nbgrader
  generate_assignment`` replaces with a stub;
- a check cell is an autograder *test* cell (locked) worth the exercise's points. Its code
  is ``graded_check("exNN_...", obj)`` (:func:`utils.checks.graded_check`): the same cases as
  the course's ``check``, the report printed to standard output, and the points earned as the
  cell's value, which nbgrader takes as partial credit (5 of 6 cases of a 2-point exercise:
  1.67 points, as :mod:`utils.grade` gives);
- a written answer (between ``<!-- BEGIN SOLUTION -->`` and ``<!-- END SOLUTION -->`` in a
  markdown cell) becomes a manually graded answer cell worth 0 points (set points in the
  formgrader if the course grades them); the questions above it stay in a locked cell;
- every other cell is locked, with the cell's id as its ``grade_id``.

The notebooks import ``utils``: nbgrader must run them with a kernel in which the course
package is installed (``pip install -e /path/to/course``), and the configuration keeps
nbgrader from copying a ``utils`` folder from a submission (it would shadow the installed
checks).
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path

from utils._nbfast import nbformat
from utils.notebook import MD_BEGIN, MD_END, MD_STUB

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
DEFAULT_OUT = ROOT / "_build" / "nbgrader"
TEXT_STUB = MD_STUB
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
COURSE_ID = "deep-learning-foundations"

CONFIG = f'''\
"""nbgrader configuration of the Deep Learning Foundations course (python -m utils.nbgrader)."""

c = get_config()  # noqa: F821 (nbgrader provides it)
c.CourseDirectory.course_id = {COURSE_ID!r}
# The stubs students see, the same as in the course's own notebooks.
c.ClearSolutions.code_stub = {{"python": {CODE_STUB!r}}}
c.ClearSolutions.text_stub = {TEXT_STUB!r}
# Never copy a submitted "utils" folder: it would shadow the installed course package and
# its checks. The other patterns are nbgrader's defaults.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*",
                            "utils"]
# The slowest chapter runs in about 30 s; a cell gets 5 minutes, as in the course's build.
c.Execute.timeout = 300
'''


def _nbgrader(cell, grade_id: str, *, solution=False, grade=False, locked=False, points=None):
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
    }
    if points is not None:
        meta["points"] = points
    cell.metadata["nbgrader"] = meta


def _split_answers(cell) -> list:
    """A markdown cell with written answers as a list of cells: text and answers in turn.

    The text between answers stays in locked cells; each answer region becomes a manually
    graded answer cell (0 points) that ``generate_assignment`` replaces with the text stub.
    """
    segments, current, inside = [], [], False
    for line in cell.source.splitlines():
        if line.strip() == MD_BEGIN and not inside:
            segments.append(("text", current))
            current, inside = [], True
        elif line.strip() == MD_END and inside:
            segments.append(("answer", current))
            current, inside = [], False
        else:
            current.append(line)
    segments.append(("text", current))
    cells, answers, texts = [], 0, 0
    for kind, lines in segments:
        text = "\n".join(lines).strip("\n")
        if kind == "text" and not text:
            continue
        new = nbformat.v4.new_markdown_cell(text)
        new.metadata = copy.deepcopy(cell.metadata)
        if cells:
            new.metadata.pop("slideshow", None)  # one slide, as the cell was
        if kind == "answer":
            answers += 1
            new.id = f"{cell.id}-answer{answers}"
            _nbgrader(new, new.id, solution=True, grade=True, points=0)
        else:
            texts += 1
            new.id = cell.id if texts == 1 else f"{cell.id}-text{texts}"
            _nbgrader(new, new.id, locked=True)
        cells.append(new)
    return cells


def _check_source(cell) -> str:
    """The check cell's code with ``check(`` replaced by ``graded_check(``, self-contained."""
    calls = [
        line.replace("check(", "graded_check(", 1) if line.lstrip().startswith("check(") else line
        for line in cell.source.splitlines()
    ]
    return "\n".join(["from utils.checks import graded_check", "", *calls])


def nbgrader_source(nb, points: dict[str, float]):
    """The nbgrader source notebook of a solution notebook (a new notebook; outputs cleared).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A built solution notebook (``solutions/NN_topic.ipynb``).
    points : dict of str -> float
        The points of each exercise id (the :mod:`utils.checks` registry's).
    """
    out = copy.deepcopy(nb)
    out.metadata.setdefault("dlf", {})["kind"] = "student"
    cells = []
    for cell in out.cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            cell.metadata.pop("editable", None)
            cell.metadata.pop("deletable", None)
            if "exercise" in tags:
                _nbgrader(cell, cell.metadata["exercise_id"], solution=True)
            elif "check" in tags:
                ex_id = cell.id.removesuffix("-check")
                if ex_id not in points:
                    raise ValueError(
                        f"check cell {cell.id}: no exercise {ex_id!r} in the checks registry"
                    )
                cell.source = _check_source(cell)
                _nbgrader(cell, cell.id, grade=True, locked=True, points=points[ex_id])
            else:
                _nbgrader(cell, cell.id, locked=True)
            cells.append(cell)
        elif cell.cell_type == "markdown" and MD_BEGIN in cell.source:
            cells.extend(_split_answers(cell))
        else:
            _nbgrader(cell, cell.id, locked=True)
            cells.append(cell)
    out.cells = cells
    return out


def write_course(out: Path, only: str | None = None, solutions: Path = SOLUTIONS) -> list[Path]:
    """Write ``nbgrader_config.py`` and ``source/NN_topic/NN_topic.ipynb``; return the notebooks."""
    from utils import checks

    paths = sorted(solutions.glob(f"{only or ''}*.ipynb"))
    paths = [p for p in paths if p.name[:2].isdigit()]
    if not paths:
        raise FileNotFoundError(
            f"no solution notebook {only or ''}*.ipynb in {solutions}: run `make build` first"
        )
    points = {ex.id: float(ex.points) for ex in checks.exercises()}
    out.mkdir(parents=True, exist_ok=True)
    (out / "nbgrader_config.py").write_text(CONFIG)
    written = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        target = out / "source" / path.stem / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nbgrader_source(nb, points), target)
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m utils.nbgrader",
        description="Write an nbgrader course directory (nbgrader_config.py and source/) built "
        "from the course's solution notebooks.",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help=f"the course directory (default {DEFAULT_OUT.relative_to(ROOT)})",
    )
    parser.add_argument("--only", metavar="NN", help="one chapter, e.g. 05")
    args = parser.parse_args(argv)
    try:
        written = write_course(args.out, args.only)
    except (FileNotFoundError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for path in written:
        nb = json.loads(path.read_text())
        pts = sum(c["metadata"]["nbgrader"].get("points", 0) for c in nb["cells"])
        print(f"{path.relative_to(args.out)}: {pts:g} points")
    print(
        f"{len(written)} assignments in {args.out}; next: cd {args.out} && "
        "nbgrader generate_assignment NN_topic"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
