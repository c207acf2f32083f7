"""Reading a submission: validation, chapter, the notebook rebuilt from the course template.

Nothing here runs student code. A submission that cannot be read becomes a
:class:`Rejected` with a short reason (the CSV's ``status``); a readable one becomes a
:class:`Submission`: the course notebook of its chapter with only the exercise cells taken
from the student (matched by exercise id: the cell's ``exercise_id`` metadata, else its cell
id), the execution plan derived from it, and the static flags (an exercise cell that imports
or names the course's reference implementation of that exercise).
"""

from __future__ import annotations

import ast
import copy
import json
import re
import types
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from utils._nbfast import nbformat

ROOT = Path(__file__).resolve().parent.parent.parent
COURSE = ROOT / "course"
UTILS_DIR = ROOT / "utils"
MAX_FILE_BYTES = 20_000_000
MAX_CELL_CHARS = 200_000
NAME_RE = re.compile(r"^(\d\d)_[A-Za-z0-9_]+")


@dataclass
class Rejected:
    """A submission that is not graded at all: 0 points and the reason."""

    reason: str
    chapter: str = ""
    detail: str = ""


@dataclass
class Submission:
    """A readable submission of a known chapter, rebuilt from the course notebook."""

    chapter: str
    notebook: object  # the rebuilt notebook (course cells + student exercise cells)
    setup_source: str
    cells: dict[str, str]  # exercise id -> the student's source
    missing: list[str]
    warnings: list[str] = field(default_factory=list)
    static_flags: dict[str, str] = field(default_factory=dict)


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


def parse(raw: bytes, name: str, forced_chapter: str | None) -> Submission | Rejected:
    """Validate a submission's bytes and rebuild it from the course template."""
    sub = _parse(raw, name, forced_chapter)
    if isinstance(sub, Rejected) and not sub.chapter:
        # Unreadable: the row still belongs to the batch's chapter (or the file name's).
        match = NAME_RE.match(Path(name).name)
        guess = forced_chapter or (match.group(1) if match else "")
        sub.chapter = guess if guess in course_chapters() else ""
    return sub


def _parse(raw: bytes, name: str, forced_chapter: str | None) -> Submission | Rejected:
    if not raw.strip():
        return Rejected("empty file")
    if len(raw) > MAX_FILE_BYTES:
        return Rejected("file too large", detail=f"{len(raw)} bytes; the limit is "
                        f"{MAX_FILE_BYTES}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Rejected("malformed notebook", detail="not UTF-8 text (a binary file?)")
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        return Rejected("malformed notebook", detail=f"not valid JSON ({exc}); "
                        "the file may be truncated")
    if not isinstance(data, dict):
        return Rejected("malformed notebook", detail="the JSON is not a notebook object")
    version = data.get("nbformat")
    if version == 3 or (version is None and "worksheets" in data):
        return Rejected("nbformat 3", detail="an old notebook format (nbformat 3); open it in "
                        "JupyterLab and save it again, which writes nbformat 4")
    if version != 4:
        return Rejected("malformed notebook", detail=f"unsupported nbformat {version!r}")
    if not isinstance(data.get("cells"), list):
        return Rejected("malformed notebook", detail="no list of cells")
    warnings = []
    try:
        nb = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    except Exception as exc:  # nbformat raises many kinds on odd input
        return Rejected("malformed notebook", detail=f"nbformat cannot read it: {exc}"[:300])
    try:
        nbformat.validate(nb)
    except Exception as exc:  # ValidationError, or worse on very odd input
        warnings.append("the notebook does not fully validate against the nbformat schema "
                        f"(graded anyway): {str(exc).splitlines()[0][:200]}")

    chapter, reason = _chapter(nb, name, forced_chapter)
    if reason:
        # A notebook of another chapter is a wrong answer to this batch's chapter: its row
        # goes in that chapter's gradebook, with 0 points.
        row_chapter = forced_chapter if reason == "wrong chapter" else chapter
        return Rejected(reason, chapter=row_chapter or "",
                        detail=_chapter_detail(reason, chapter, forced_chapter))
    template = course_notebook(chapter)
    ids = course_exercises(chapter)
    cells = _exercise_cells(nb, ids)
    missing = [ex for ex in ids if ex not in cells]
    rebuilt = copy.deepcopy(template)
    for cell in rebuilt.cells:
        ex_id = cell.metadata.get("exercise_id") if cell.cell_type == "code" else None
        if ex_id in cells:
            cell.source = cells[ex_id]
    setup = next(c.source for c in template.cells if c.cell_type == "code")
    sub = Submission(chapter, rebuilt, setup, cells, missing, warnings)
    sub.static_flags = static_flags(chapter, setup, cells)
    return sub


def _chapter(nb, name: str, forced: str | None) -> tuple[str | None, str]:
    known = course_chapters()
    dlf = nb.metadata.get("dlf") if isinstance(nb.metadata, dict) else None
    found = None
    if isinstance(dlf, dict) and isinstance(dlf.get("chapter"), str) \
            and re.fullmatch(r"\d\d", dlf["chapter"]):
        found = dlf["chapter"]
    if found is None:
        match = NAME_RE.match(Path(name).name)
        found = match.group(1) if match else None
    if forced is not None and found is not None and found != forced:
        return found, "wrong chapter"
    chapter = found or forced
    if chapter is None:
        return None, "unknown chapter"
    if chapter not in known:
        return chapter, "unknown chapter"
    return chapter, ""


def _chapter_detail(reason: str, chapter: str | None, forced: str | None) -> str:
    if reason == "wrong chapter":
        return f"this notebook is chapter {chapter}, the batch is chapter {forced}"
    if chapter:
        return f"no course notebook for chapter {chapter}"
    return ("no chapter in the notebook's metadata nor in the file name (NN_topic.ipynb); "
            "pass --chapter NN")


def _exercise_cells(nb, ids: list[str]) -> dict[str, str]:
    """Student source per exercise id: by ``exercise_id`` metadata first, then by cell id."""
    by_meta, by_id = {}, {}
    for cell in nb.cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        if not isinstance(source, str):
            continue
        source = source[:MAX_CELL_CHARS]
        meta = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
        ex_id = meta.get("exercise_id")
        if isinstance(ex_id, str) and ex_id in ids:
            by_meta.setdefault(ex_id, source)
        cell_id = cell.get("id")
        if isinstance(cell_id, str) and cell_id in ids:
            by_id.setdefault(cell_id, source)
    return {ex: by_meta.get(ex, by_id.get(ex)) for ex in ids if ex in by_meta or ex in by_id}


# ------------------------------------------------------------------ reference detection

def reference_names(ex_id: str, chapter: str) -> set[str]:
    """Names of the course's reference implementation(s) of an exercise.

    The exercise's object name, plus those functions of ``utils`` (outside ``utils.checks``)
    that the probes' ``expected`` callables call, directly or through helpers of the checks
    module, whose name contains the object's name (``mse`` and ``nn.mse_loss``), minus names the chapter's setup cell hands to students on purpose.
    Helpers such as ``numerical_gradient`` or ``relu`` are not flagged when a student uses
    them in another exercise.
    """
    return _reference_names(ex_id, chapter)


@cache
def _reference_names(ex_id: str, chapter: str) -> frozenset[str]:
    from utils.checks import get_exercise

    ex = get_exercise(ex_id)
    names: set[str] = {ex.obj_name}
    seen: set[int] = set()

    def utils_callable(name: str, glb: dict) -> bool:
        val = glb.get(name)
        if _is_utils_callable(val):
            return True
        for mod in list(glb.values()):
            if isinstance(mod, types.ModuleType) and mod.__name__.startswith("utils.") \
                    and not mod.__name__.startswith("utils.checks") \
                    and _is_utils_callable(getattr(mod, name, None)):
                return True
        return False

    def visit(func, depth: int = 0) -> None:
        if depth > 6 or id(func) in seen or not isinstance(func, types.FunctionType):
            return
        seen.add(id(func))
        glb = func.__globals__
        for code in _codes(func.__code__):
            for name in code.co_names:
                val = glb.get(name)
                if isinstance(val, types.FunctionType) and \
                        str(val.__module__).startswith("utils.checks"):
                    visit(val, depth + 1)
                elif utils_callable(name, glb):
                    names.add(name)
        for cell in func.__closure__ or ():
            try:
                val = cell.cell_contents
            except ValueError:
                continue
            if isinstance(val, types.FunctionType):
                if str(val.__module__).startswith("utils.checks"):
                    visit(val, depth + 1)
                elif _is_utils_callable(val):
                    names.add(val.__name__)

    for probe in ex.probes:
        visit(probe.expected)
    given = _setup_imports(chapter)
    stem = ex.obj_name.lower()
    related = {n for n in names
               if n == ex.obj_name or stem in n.lower()}
    return frozenset(n for n in related if n == ex.obj_name or n not in given)


def _codes(code):
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _codes(const)


def _is_utils_callable(val) -> bool:
    if not callable(val) or isinstance(val, types.ModuleType):
        return False
    module = getattr(val, "__module__", None)
    return isinstance(module, str) and module.startswith("utils.") \
        and not module.startswith("utils.checks")


@cache
def _setup_imports(chapter: str) -> frozenset[str]:
    """Names the setup cell imports with ``from utils... import name`` (given to students)."""
    setup = next(c.source for c in course_notebook(chapter).cells if c.cell_type == "code")
    out = set()
    for node in ast.walk(ast.parse(setup)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "utils":
            out.update(a.asname or a.name for a in node.names)
    return frozenset(out)


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


def static_flags(chapter: str, setup: str, cells: dict[str, str]) -> dict[str, str]:
    """Exercise id -> why its cell seems to answer with the course's own implementation."""
    setup_tree = _parse_cell(setup)
    base_aliases = _utils_aliases(setup_tree) if setup_tree else set()
    flags = {}
    for ex_id, source in cells.items():
        tree = _parse_cell(source)
        if tree is None:
            continue
        refs = reference_names(ex_id, chapter)
        aliases = base_aliases | _utils_aliases(tree)
        reasons = []
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "utils":
                hit = [a.name for a in node.names if a.name in refs or a.name == "*"]
                if hit:
                    reasons.append(f"imports {', '.join(hit)} from {node.module}")
            elif isinstance(node, ast.Attribute) and node.attr in refs:
                base = node.value
                dotted = _dotted(base)
                if dotted and (dotted in aliases or dotted.split(".")[0] == "utils"):
                    reasons.append(f"uses {dotted}.{node.attr}")
            elif isinstance(node, ast.Call):
                fname = _dotted(node.func) or ""
                args = [a.value for a in node.args if isinstance(a, ast.Constant)]
                strs = [a for a in args if isinstance(a, str)]
                if fname in ("__import__", "importlib.import_module", "import_module") and \
                        any(s.split(".")[0] == "utils" for s in strs):
                    reasons.append(f"imports a course module dynamically ({fname})")
                elif fname == "getattr" and any(s in refs for s in strs):
                    reasons.append("looks up the reference with getattr")
        if reasons:
            flags[ex_id] = "; ".join(dict.fromkeys(reasons))
    return flags


def _utils_aliases(tree) -> set[str]:
    """Names bound to modules of ``utils`` by imports in ``tree``."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "utils":
                    out.add(a.asname or a.name)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "utils":
            for a in node.names:
                full = f"{node.module}.{a.name}"
                if _is_module(full):
                    out.add(a.asname or a.name)
    return out


def _is_module(dotted: str) -> bool:
    """Whether ``utils.x.y`` names a module of the course package (by its files, no import)."""
    parts = dotted.split(".")
    if parts[0] != "utils" or not all(p.isidentifier() for p in parts):
        return False
    path = UTILS_DIR.joinpath(*parts[1:])
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _dotted(node) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None
