"""Build the course from its single source.

``solutions/NN_topic.py`` (jupytext percent format) is executed into
``solutions/NN_topic.ipynb`` (outputs stored) and stripped into the student notebook
``course/NN_topic.ipynb`` (solutions replaced by stubs, outputs cleared).

Usage::

    python -m utils.build              # build every chapter
    python -m utils.build --only 05    # build one chapter (authors)
    python -m utils.build --check      # rebuild in a temporary folder, list what differs
    python -m utils.build --check --no-execute   # sources and cells only (seconds)

Solution regions use nbgrader's markers, alone on their lines::

    ### BEGIN SOLUTION            <!-- BEGIN SOLUTION -->
    ...                           ...
    ### END SOLUTION              <!-- END SOLUTION -->

Code markers may only appear in cells tagged ``exercise``; markdown markers in any markdown
cell. Unpaired, nested or misplaced markers stop the build with the file and line.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from utils._nbfast import nbformat
from utils.notebook import (
    CHECK_TAG,
    CODE_BEGIN,
    CODE_END,
    EXERCISE_TAG,
    MD_BEGIN,
    MD_END,
    check_call,
    check_cell_id,
    exercise_chapter,
    exercise_id,
    has_tag,
    is_check,
    is_exercise,
    stub_code,
    stub_markdown,
)

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
COURSE = ROOT / "course"

CHAPTER_RE = re.compile(r"^(\d\d)_[a-z0-9_]+$")

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_PLACEHOLDER = "Interactive figure: run this cell in Jupyter to use it."

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
CELL_TIMEOUT_S = 300


class BuildError(Exception):
    """A chapter source that cannot be built; the message names the file and line."""


@dataclass
class Chapter:
    """One chapter source file and the names derived from it."""

    source: Path

    @property
    def name(self) -> str:
        return self.source.stem

    @property
    def number(self) -> str:
        return self.name[:2]


def find_chapters(only: str | None = None, solutions: Path = SOLUTIONS) -> list[Chapter]:
    """Return the chapter sources ``solutions/NN_topic.py``, sorted, optionally one chapter."""
    chapters = []
    for path in sorted(solutions.glob("*.py")):
        if not CHAPTER_RE.match(path.stem):
            raise BuildError(f"{path}: chapter sources must be named NN_snake_case.py")
        chapters.append(Chapter(path))
    if only is not None:
        wanted = only.zfill(2)
        chapters = [c for c in chapters if c.number == wanted]
        if not chapters:
            raise BuildError(f"--only {only}: no solutions/{wanted}_*.py")
    return chapters


def _cell_header_lines(text: str) -> list[int]:
    """1-based line numbers of the ``# %%`` cell headers of a percent script."""
    return [i for i, line in enumerate(text.splitlines(), start=1) if line.startswith("# %%")]


def read_source(chapter: Chapter):
    """Parse a chapter source into a notebook (no outputs) and validate its exercises.

    Returns
    -------
    nb : nbformat.NotebookNode
        The solution notebook, with stable cell ids and the course metadata.
    """
    import jupytext

    text = chapter.source.read_text(encoding="utf-8")
    nb = jupytext.reads(text, fmt="py:percent")
    headers = _cell_header_lines(text)
    if len(headers) != len(nb.cells):
        raise BuildError(
            f"{chapter.source}:1: every cell must start with a '# %%' header "
            f"(found {len(headers)} headers for {len(nb.cells)} cells)"
        )
    where = {id(cell): (chapter.source, line) for cell, line in zip(nb.cells, headers, strict=True)}

    exercise_ids: list[str] = []
    for pos, cell in enumerate(nb.cells):
        path, line = where[id(cell)]
        _validate_markers(cell, path, line)
        if has_tag(cell, EXERCISE_TAG):
            ex_id = _validate_exercise(cell, chapter, path, line, nb.cells[pos + 1 :])
            if ex_id in exercise_ids:
                raise BuildError(f"{path}:{line}: exercise id {ex_id!r} is used twice")
            exercise_ids.append(ex_id)
            cell.id = ex_id
        elif has_tag(cell, CHECK_TAG):
            target = check_call(cell.source)
            if not target:
                raise BuildError(f"{path}:{line}: a check cell must call check('exNN_...', obj)")
            cell.id = check_cell_id(target)
        else:
            cell.id = f"c{chapter.number}-{pos:03d}"

    nb.metadata = {
        "kernelspec": dict(KERNELSPEC),
        "language_info": {"name": "python"},
        "dlf": {
            "chapter": chapter.number,
            "notebook": chapter.name,
            "kind": "solution",
            "exercises": exercise_ids,
        },
    }
    nb.nbformat, nb.nbformat_minor = 4, 5
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def _validate_markers(cell, path: Path, header_line: int) -> None:
    """Refuse unpaired, nested or misplaced solution markers (file and line in the message)."""
    begin, end = (CODE_BEGIN, CODE_END) if cell.cell_type == "code" else (MD_BEGIN, MD_END)
    other = (MD_BEGIN, MD_END) if cell.cell_type == "code" else (CODE_BEGIN, CODE_END)
    exercise = has_tag(cell, EXERCISE_TAG)
    open_line = None
    for offset, raw in enumerate(cell.source.splitlines(), start=1):
        line_no = header_line + offset
        stripped = raw.strip()
        if stripped in other:
            raise BuildError(
                f"{path}:{line_no}: marker {stripped!r} belongs in a "
                f"{'markdown' if cell.cell_type == 'code' else 'code'} cell"
            )
        if "BEGIN SOLUTION" in raw or "END SOLUTION" in raw:
            if stripped not in (begin, end):
                raise BuildError(
                    f"{path}:{line_no}: solution marker must be alone on its line, "
                    f"exactly {begin!r} or {end!r}; got {stripped!r}"
                )
        if stripped == begin:
            if cell.cell_type == "code" and not exercise:
                raise BuildError(
                    f"{path}:{line_no}: solution marker in a cell not tagged 'exercise'"
                )
            if cell.cell_type == "code" and raw == raw.lstrip():
                # A top-level stub would leave the check cell with a NameError instead of
                # the friendly "not done yet": solutions live inside a function body.
                raise BuildError(
                    f"{path}:{line_no}: the solution region must be inside a "
                    "function body (indent the markers)"
                )
            if open_line is not None:
                raise BuildError(
                    f"{path}:{line_no}: nested {begin!r} (the region opened at "
                    f"line {open_line} is not closed)"
                )
            open_line = line_no
        elif stripped == end:
            if open_line is None:
                raise BuildError(f"{path}:{line_no}: {end!r} without a matching {begin!r}")
            open_line = None
    if open_line is not None:
        raise BuildError(f"{path}:{open_line}: {begin!r} is never closed by {end!r}")


def _validate_exercise(cell, chapter: Chapter, path: Path, line: int, following) -> str:
    """Check an exercise cell's id, solution region and the check cell after it."""
    if cell.cell_type != "code":
        raise BuildError(f"{path}:{line}: only code cells can be tagged 'exercise'")
    ex_id = cell.metadata.get("exercise_id")
    number = exercise_chapter(ex_id)
    if number is None:
        raise BuildError(
            f'{path}:{line}: an exercise cell needs exercise_id="exNN_name" '
            f"(snake case), got {ex_id!r}"
        )
    if number != chapter.number:
        raise BuildError(
            f"{path}:{line}: exercise {ex_id!r} is in chapter {chapter.number}; "
            f"its id must start with ex{chapter.number}_"
        )
    if CODE_BEGIN not in cell.source:
        raise BuildError(f"{path}:{line}: exercise {ex_id!r} has no {CODE_BEGIN!r} region")
    nxt = next((c for c in following if c.cell_type == "code"), None)
    if nxt is None or not is_check(nxt) or ex_id not in nxt.source:
        raise BuildError(
            f"{path}:{line}: exercise {ex_id!r} must be followed by a code cell "
            f"tagged 'check' that calls check({ex_id!r}, ...)"
        )
    return ex_id


def strip_solutions(nb):
    """Return the student notebook: solution regions replaced, outputs cleared, checks locked."""
    student = copy.deepcopy(nb)
    student.metadata["dlf"]["kind"] = "student"
    for cell in student.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            if is_exercise(cell):
                cell.source = stub_code(cell.source, exercise_id(cell))
            if is_check(cell):
                cell.metadata["editable"] = False
                cell.metadata["deletable"] = False
        elif cell.cell_type == "markdown":
            cell.source = stub_markdown(cell.source)
    return student


def kernel_environment() -> None:
    """Make kernels started from this process use this environment, the inline backend and
    one BLAS thread (the course's matrices are small: one thread is as fast alone and ten times
    faster when several kernels share two cores, as in a parallel build or the tests)."""
    # The kernelspec's argv is a bare "python": make it this environment's.
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"]
    os.environ.pop("MPLBACKEND", None)
    os.environ["PYTHONHASHSEED"] = "0"
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")


def run_notebook(nb, cwd: Path, *, timeout: int = CELL_TIMEOUT_S, **client_options) -> None:
    """Execute ``nb`` in place, top to bottom, in a fresh kernel of this environment.

    The kernel talks to this process over local (IPC) sockets in a private temporary folder
    rather than TCP ports on localhost: nothing to encrypt, no port to collide with another
    kernel. Raises nbclient's ``CellExecutionError`` when a cell raises.
    """
    from nbclient import NotebookClient
    from traitlets.config import Config

    kernel_environment()
    with tempfile.TemporaryDirectory(prefix="dlf-kernel-") as sockets:
        config = Config(
            {"KernelManager": {"transport": "ipc", "ip": os.path.join(sockets, "kernel")}}
        )
        client = NotebookClient(
            nb,
            config=config,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(cwd)}},
            **client_options,
        )
        client.execute()


def execute(nb, cwd: Path, name: str):
    """Execute a notebook in a fresh kernel of this environment; return it with clean outputs."""
    from nbclient.exceptions import CellExecutionError

    try:
        run_notebook(nb, cwd, record_timing=False, store_widget_state=False)
    except CellExecutionError as exc:
        raise BuildError(f"solutions/{name}.py: a cell raised while executing:\n{exc}") from None
    _clean_outputs(nb, name)
    # The patch release of Python is not part of the notebook: another 3.11.x must not churn it.
    info = nb.metadata.get("language_info", {})
    if "version" in info:
        info["version"] = ".".join(str(info["version"]).split(".")[:2])
    return nb


def _clean_outputs(nb, name: str) -> None:
    """Make stored outputs independent of the run: merged streams, no widget ids or paths."""
    machine = [str(ROOT), "ipykernel_", str(Path.home())]
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.metadata.pop("execution", None)
        merged = []
        for out in cell.outputs:
            out.pop("transient", None)
            if (
                out.output_type == "stream"
                and merged
                and merged[-1].output_type == "stream"
                and merged[-1].name == out.name
            ):
                merged[-1].text += out.text
                continue
            if WIDGET_MIME in out.get("data", {}):
                # The widget's state is not stored; its first figure is (InteractiveFigure).
                snapshot = {k: v for k, v in out.data.items() if k == "image/png"}
                out.data = {"text/plain": WIDGET_PLACEHOLDER, **snapshot}
                out.metadata = {}
            merged.append(out)
        cell.outputs = merged
        for out in merged:
            text = json.dumps(out.get("text", "")) + json.dumps(
                {k: v for k, v in out.get("data", {}).items() if not k.startswith("image/")}
            )
            for marker in machine:
                if marker and marker in text:
                    raise BuildError(
                        f"solutions/{name}.py: cell {cell.id} stores an output that "
                        f"depends on this machine (contains {marker!r}); silence "
                        "the warning or print without the path"
                    )


def write_notebook(nb, path: Path) -> None:
    """Write a notebook deterministically (sorted keys, one-space indent, final newline)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = nbformat.writes(nb)
    if not text.endswith("\n"):
        text += "\n"
    path.write_text(text, encoding="utf-8")


def build_chapter(chapter: Chapter, solutions_out: Path, course_out: Path) -> list[Path]:
    """Build one chapter into the given folders; return the written paths."""
    nb = read_source(chapter)
    student = strip_solutions(nb)
    executed = execute(copy.deepcopy(nb), chapter.source.parent, chapter.name)
    sol_path = solutions_out / f"{chapter.name}.ipynb"
    course_path = course_out / f"{chapter.name}.ipynb"
    write_notebook(executed, sol_path)
    write_notebook(student, course_path)
    return [sol_path, course_path]


def _build_one(args):
    chapter, sol_out, course_out = args
    return build_chapter(chapter, sol_out, course_out)


def build(
    chapters: list[Chapter], solutions_out: Path, course_out: Path, jobs: int = 2
) -> list[Path]:
    """Build several chapters, ``jobs`` at a time (each in its own process and kernel)."""
    work = [(c, solutions_out, course_out) for c in chapters]
    if jobs <= 1 or len(work) <= 1:
        return [p for w in work for p in _build_one(w)]
    with ProcessPoolExecutor(max_workers=min(jobs, len(work))) as pool:
        return [p for paths in pool.map(_build_one, work) for p in paths]


def check(
    chapters: list[Chapter], jobs: int = 2, execute_notebooks: bool = True, report=print
) -> list[str]:
    """Compare the committed notebooks with a fresh build; return what is stale, cell by cell.

    Student notebooks hold no outputs and must match exactly. Solution notebooks are compared
    by :func:`utils.nbcompare.compare_notebooks`: exact structure and sources, text outputs
    within one unit of their last printed digit, figures by pixels (a figure that differs is
    reported through ``report`` as a note, not as stale: the same code drew it, and
    anti-aliasing depends on the machine). With ``execute_notebooks=False`` nothing is run:
    only sources, cells and metadata are compared (the notebook tests compare the outputs).
    """
    from utils.nbcompare import compare_notebooks

    stale = []

    def compare(committed: Path, fresh_nb, outputs: bool) -> None:
        rel = committed.relative_to(ROOT)
        if not committed.exists():
            stale.append(f"{rel} (missing)")
            return
        stored = nbformat.read(committed, as_version=4)
        diffs, notes = compare_notebooks(stored, fresh_nb, outputs=outputs, images="pixels")
        stale.extend(f"{rel}: {d}" for d in diffs)
        if not diffs and committed.parent.name == COURSE.name:
            # A student notebook holds no outputs: nothing machine-dependent, so bytes count.
            text = nbformat.writes(fresh_nb)
            if committed.read_text(encoding="utf-8") != text + (
                "" if text.endswith("\n") else "\n"
            ):
                stale.append(
                    f"{rel}: same cells, but the file is laid out differently "
                    "(written by another tool?)"
                )
        for note in notes:
            report(f"note: {rel}: {note}")

    if execute_notebooks:
        with tempfile.TemporaryDirectory(prefix="dlf-build-check-") as tmp:
            sol_tmp, course_tmp = Path(tmp, "solutions"), Path(tmp, "course")
            for fresh in build(chapters, sol_tmp, course_tmp, jobs=jobs):
                fresh_nb = nbformat.read(fresh, as_version=4)
                compare(ROOT / fresh.parent.name / fresh.name, fresh_nb, outputs=True)
    else:
        for chapter in chapters:
            nb = read_source(chapter)
            compare(SOLUTIONS / f"{chapter.name}.ipynb", nb, outputs=False)
            compare(COURSE / f"{chapter.name}.ipynb", strip_solutions(nb), outputs=True)
    names = {c.name for c in find_chapters()}
    for folder in (SOLUTIONS, COURSE):
        for nb_path in sorted(folder.glob("*.ipynb")):
            if nb_path.stem not in names:
                stale.append(f"{nb_path.relative_to(ROOT)} (no solutions/{nb_path.stem}.py)")
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m utils.build", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--only", metavar="NN", help="build one chapter, e.g. --only 05")
    parser.add_argument(
        "--check",
        action="store_true",
        help="rebuild in a temporary folder and fail if committed files differ",
    )
    parser.add_argument(
        "--no-execute",
        action="store_true",
        help="with --check: compare sources, cells and metadata without running "
        "the notebooks (the notebook tests compare their outputs)",
    )
    parser.add_argument("--jobs", type=int, default=2, help="chapters built in parallel")
    args = parser.parse_args(argv)
    if args.no_execute and not args.check:
        parser.error("--no-execute only makes sense with --check")
    try:
        chapters = find_chapters(args.only)
        if args.check:
            stale = check(chapters, jobs=args.jobs, execute_notebooks=not args.no_execute)
            if stale:
                print(
                    "the committed notebooks differ from a fresh build; if the change is "
                    "intended, run `make build` and commit:",
                    *stale,
                    sep="\n  ",
                )
                return 1
            what = "sources and cells" if args.no_execute else "sources, cells and outputs"
            print(f"build check: {len(chapters)} chapter(s) up to date ({what})")
            return 0
        for path in build(chapters, SOLUTIONS, COURSE, jobs=args.jobs):
            print(f"wrote {path.relative_to(ROOT)}")
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
