"""Reading a submission: validation, chapter, and the plan of the run.

Nothing here runs student code. A submission that cannot be read becomes a
:class:`Rejected` with a short reason (the CSV's ``status``); a readable one becomes a
:class:`Submission` whose plan is what "Restart and Run All" would do with the student's
notebook: every code cell of the student (setup, exercises, cells they inserted, edited
course cells) in the student's order, except that each check cell is replaced by the
grader's probes of that exercise. The object graded is therefore the one bound where the
check cell stands (a retyped, moved or duplicated exercise cell is graded as the student's
own Run All would use it). Outputs are dropped before anything else: they are not graded.

Also here: the chapter (metadata, else the exercise cells, else the file name, else the
names the cells define). The static flags (a cell that imports or names the course's
reference implementation, a copy of the published solution) are in
:mod:`utils.grade.flags`.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from utils import notebook
from utils._nbfast import nbformat

ROOT = Path(__file__).resolve().parent.parent.parent
COURSE = ROOT / "course"
SOLUTIONS = ROOT / "solutions"
UTILS_DIR = ROOT / "utils"
DEFAULT_MAX_FILE_MB = 256  # the whole file, printed outputs included
MAX_CODE_CHARS = 2_000_000  # all code cells together, once outputs are dropped
NAME_RE = re.compile(r"^(\d\d)_[A-Za-z0-9_]+")


@dataclass
class Rejected:
    """A submission that is not graded at all: 0 points and the reason."""

    reason: str
    chapter: str = ""
    detail: str = ""


@dataclass
class Submission:
    """A readable submission of a known chapter, with the plan of its run.

    ``steps`` is the run in notebook order: ``{"kind": "cell", "key", "label", "source"}``
    for a code cell of the student, ``{"kind": "probes", "key": ex_id}`` where the check
    cell of ``ex_id`` stands. ``cells`` maps each exercise to the source of the cell that
    defines its object last before the check (what flags are computed on); ``missing``
    lists the exercises whose object no cell defines.
    """

    chapter: str
    steps: list[dict]
    cells: dict[str, str]
    missing: list[str]
    warnings: list[str] = field(default_factory=list)
    static_flags: dict[str, str] = field(default_factory=dict)
    unchanged: bool = False
    copies: dict[str, tuple] = field(default_factory=dict)  # ex_id -> (source, ratio, lines)


def course_chapters() -> dict[str, Path]:
    """The course notebooks present, by chapter number (discovered, not hard-coded)."""
    found = {}
    for path in sorted(COURSE.glob("*.ipynb")):
        match = NAME_RE.match(path.stem)
        if match:
            found[match.group(1)] = path
    return found


@cache
def course_notebook(chapter: str):
    """The course (student) notebook of a chapter, parsed once."""
    path = course_chapters()[chapter]
    return nbformat.read(str(path), as_version=4)


def course_exercises(chapter: str) -> list[str]:
    """Exercise ids of a chapter, in notebook order, from the course notebook's metadata."""
    return list(course_notebook(chapter).metadata["dlf"]["exercises"])


def parse(
    raw: bytes, name: str, forced_chapter: str | None, max_bytes: int = DEFAULT_MAX_FILE_MB << 20
) -> Submission | Rejected:
    """Validate a submission's bytes and plan its run."""
    sub = _parse(raw, name, forced_chapter, max_bytes)
    if isinstance(sub, Rejected) and not sub.chapter:
        # Unreadable: the row still belongs to the batch's chapter (or the file name's).
        match = NAME_RE.match(Path(name).name)
        guess = forced_chapter or (match.group(1) if match else "")
        sub.chapter = guess if guess in course_chapters() else ""
    return sub


def _parse(
    raw: bytes, name: str, forced_chapter: str | None, max_bytes: int
) -> Submission | Rejected:
    if not raw.strip():
        return Rejected("empty file")
    if len(raw) > max_bytes:
        return Rejected(
            "file too large", detail=f"{len(raw)} bytes; the limit is {max_bytes} (--max-size)"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Rejected("malformed notebook", detail="not UTF-8 text (a binary file?)")
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        return Rejected(
            "malformed notebook", detail=f"not valid JSON ({exc}); the file may be truncated"
        )
    del text
    if not isinstance(data, dict):
        return Rejected("malformed notebook", detail="the JSON is not a notebook object")
    version = data.get("nbformat")
    if version == 3 or (version is None and "worksheets" in data):
        return Rejected(
            "nbformat 3",
            detail="an old notebook format (nbformat 3); open it in "
            "JupyterLab and save it again, which writes nbformat 4",
        )
    if version != 4:
        return Rejected("malformed notebook", detail=f"unsupported nbformat {version!r}")
    if not isinstance(data.get("cells"), list):
        return Rejected("malformed notebook", detail="no list of cells")
    code_chars = _drop_outputs(data)
    if code_chars > MAX_CODE_CHARS:
        return Rejected(
            "code too large",
            detail=f"{code_chars} characters of code; the limit is {MAX_CODE_CHARS}",
        )
    warnings = []
    try:
        nb = nbformat.reads(json.dumps(data), as_version=nbformat.NO_CONVERT)
    except Exception as exc:  # nbformat raises many kinds on odd input
        return Rejected("malformed notebook", detail=f"nbformat cannot read it: {exc}"[:300])
    try:
        nbformat.validate(nb)
    except Exception as exc:  # ValidationError, or worse on very odd input
        warnings.append(
            "the notebook does not fully validate against the nbformat schema "
            f"(graded anyway): {str(exc).splitlines()[0][:200]}"
        )

    code = _code_cells(nb)
    chapter, reason, how = _chapter(nb, code, name, forced_chapter)
    if reason:
        # A notebook of another chapter is a wrong answer to this batch's chapter: its row
        # goes in that chapter's gradebook, with 0 points.
        row_chapter = forced_chapter if reason == "wrong chapter" else chapter
        return Rejected(
            reason,
            chapter=row_chapter or "",
            detail=_chapter_detail(reason, chapter, forced_chapter),
        )
    if how:
        warnings.append(how)
    return plan(chapter, code, warnings)


def _drop_outputs(data: dict) -> int:
    """Remove outputs, attachments and execution counts in place; return the code's length."""
    total = 0
    for cell in data["cells"]:
        if not isinstance(cell, dict):
            continue
        cell.pop("attachments", None)
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
            total += len(_source(cell))
    return total


def _source(cell) -> str:
    source = cell.get("source", "") if isinstance(cell, dict) else ""
    if isinstance(source, list):
        source = "".join(s for s in source if isinstance(s, str))
    return source if isinstance(source, str) else ""


@dataclass
class _Cell:
    """One code cell of the submission, as the plan sees it."""

    number: int  # 1-based position among all the notebook's cells
    source: str
    check: bool  # tagged as a check cell
    cell_id: str
    exercise_id: str


def _code_cells(nb) -> list[_Cell]:
    out = []
    for number, cell in enumerate(nb.cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        cell_id = cell.get("id")
        out.append(
            _Cell(
                number,
                _source(cell),
                notebook.is_check(cell),
                cell_id if isinstance(cell_id, str) else "",
                notebook.exercise_id(cell),
            )
        )
    return out


def _check_target(cell: _Cell, ids: list[str]) -> str:
    """The exercise whose check cell this is ('' for any other cell)."""
    suffix = notebook.CHECK_ID_SUFFIX
    if cell.cell_id.endswith(suffix) and cell.cell_id.removesuffix(suffix) in ids:
        return cell.cell_id.removesuffix(suffix)
    if cell.check:
        target = notebook.check_call(cell.source)
        if target in ids:
            return target
    return ""


def plan(chapter: str, code: list[_Cell], warnings: list[str]) -> Submission:
    """The run of a submission: the student's code cells in order, probes at the checks."""
    from utils.checks import get_exercise

    ids = course_exercises(chapter)
    obj_names = {ex: get_exercise(ex).obj_name for ex in ids}
    checks = {i: _check_target(c, ids) for i, c in enumerate(code)}
    tagged = {ex for ex in checks.values() if ex}
    # A check the student retyped in a cell of their own still marks where the probes go,
    # when the course's check cell is gone.
    for i, c in enumerate(code):
        if not checks[i]:
            target = notebook.check_call(c.source)
            if (
                target
                and target in ids
                and target not in tagged
                and c.source.lstrip().startswith("check(")
            ):
                checks[i] = target
    defines = {i: _defined_names(c.source) for i, c in enumerate(code)}
    position: dict[str, int] = {}  # probes of ex run after code cell index (exclusive end)
    for i in range(len(code)):
        if checks[i]:
            position[checks[i]] = i  # the last check cell of an exercise counts
    for ex in ids:
        if ex in position:
            continue
        where = [
            i for i in range(len(code)) if obj_names[ex] in defines[i] or code[i].exercise_id == ex
        ]
        position[ex] = (where[-1] + 1) if where else len(code)
        warnings.append(
            f"{ex}: no check cell found; checked after cell "
            f"{code[where[-1]].number if where else code[-1].number if code else 0}"
        )
    steps: list[dict] = []
    cells: dict[str, str] = {}
    by_position: dict[int, list[str]] = {}
    for ex in ids:
        by_position.setdefault(position[ex], []).append(ex)
    for i, c in enumerate(code):
        for ex in by_position.get(i, []):
            if not checks[i] or checks[i] != ex:
                steps.append({"kind": "probes", "key": ex})
        if checks[i]:
            if position.get(checks[i]) == i:
                steps.append({"kind": "probes", "key": checks[i]})
            continue  # a check cell is the course's: never the student's code
        label = f"cell {c.number}" + (f" ({c.exercise_id})" if c.exercise_id else "")
        steps.append(
            {
                "kind": "cell",
                "key": f"cell {c.number}",
                "label": label,
                "source": c.source[:MAX_CODE_CHARS],
            }
        )
    for ex in by_position.get(len(code), []):
        steps.append({"kind": "probes", "key": ex})
    missing = []
    for ex in ids:
        before = [
            i
            for i in range(min(position[ex], len(code)))
            if obj_names[ex] in defines[i] and not checks[i]
        ]
        tagged_cell = [i for i in range(len(code)) if code[i].exercise_id == ex]
        if before:
            cells[ex] = code[before[-1]].source
        elif tagged_cell:
            cells[ex] = code[tagged_cell[-1]].source
        if not any(obj_names[ex] in defines[i] for i in range(len(code))) and not tagged_cell:
            missing.append(ex)
    from utils.grade.flags import copy_flags, static_flags

    sub = Submission(chapter, steps, cells, missing, warnings)
    sub.unchanged = _unchanged(chapter, code)
    sub.static_flags = static_flags(chapter, code, cells)
    sub.copies = copy_flags(chapter, cells, sub.static_flags)
    return sub


def _defined_names(source: str) -> set[str]:
    """Names a cell binds at its top level (def, class, assignment, import)."""
    tree = _parse_cell(source)
    out: set[str] = set()
    if tree is None:
        return out
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Name):
                        out.add(sub.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                out.add((alias.asname or alias.name).split(".")[0])
    return out


def _unchanged(chapter: str, code: list[_Cell]) -> bool:
    """No exercise touched: every code cell but the checks is the course notebook's, unedited
    (an edited check cell is not graded, so it does not count as work)."""
    ids = course_exercises(chapter)
    course = {_normal(c.source) for c in _code_cells(course_notebook(chapter))}
    return all(
        _normal(c.source) in course for c in code if c.source.strip() and not _check_target(c, ids)
    )


def _normal(source: str) -> str:
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


def _chapter(nb, code: list[_Cell], name: str, forced: str | None) -> tuple[str | None, str, str]:
    """(chapter, rejection reason or '', how it was told when not by metadata or name)."""
    known = course_chapters()
    dlf = nb.metadata.get("dlf") if isinstance(nb.metadata, dict) else None
    found, how = None, ""
    if (
        isinstance(dlf, dict)
        and isinstance(dlf.get("chapter"), str)
        and re.fullmatch(r"\d\d", dlf["chapter"])
    ):
        found = dlf["chapter"]
    if found is None:
        match = NAME_RE.match(Path(name).name)
        if match and match.group(1) in known:
            found = match.group(1)
    if found is None:
        found, how = _chapter_from_cells(code, known)
    if forced is not None and found is not None and found != forced:
        return found, "wrong chapter", ""
    chapter = found or forced
    if chapter is None:
        return None, "unknown chapter", ""
    if chapter not in known:
        return chapter, "unknown chapter", ""
    return chapter, "", how


def _chapter_from_cells(code: list[_Cell], known) -> tuple[str | None, str]:
    """The chapter told by the exercise ids in cell metadata, else by the names defined."""
    votes: dict[str, int] = {}
    for c in code:
        for ex in (c.exercise_id, c.cell_id.removesuffix(notebook.CHECK_ID_SUFFIX)):
            number = notebook.exercise_chapter(ex)
            if number is not None and number in known:
                votes[number] = votes.get(number, 0) + 1
    if votes:
        best = max(votes, key=votes.get)
        return best, (
            f"chapter {best} told by the exercise ids in the cells' metadata "
            "(the notebook's own chapter metadata is missing)"
        )
    from utils.checks import exercises

    defined = set().union(*(_defined_names(c.source) for c in code)) if code else set()
    scores = {}
    for chapter in known:
        names = {ex.obj_name for ex in exercises(chapter)}
        if names:
            scores[chapter] = len(names & defined) / len(names)
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if ranked and ranked[0][1] >= 0.5 and (len(ranked) == 1 or ranked[1][1] < ranked[0][1]):
        best = ranked[0][0]
        return best, (
            f"chapter {best} told by the functions the notebook defines (its "
            "chapter metadata and exercise ids are missing)"
        )
    return None, ""


def _chapter_detail(reason: str, chapter: str | None, forced: str | None) -> str:
    if reason == "wrong chapter":
        return f"this notebook is chapter {chapter}, the batch is chapter {forced}"
    if chapter:
        return f"no course notebook for chapter {chapter}"
    return (
        "no chapter in the notebook's metadata, its exercise cells or its file name "
        "(NN_topic.ipynb); pass --chapter NN"
    )


def _parse_cell(source: str):
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        source = TransformerManager().transform_cell(source)
    except Exception:
        pass
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
