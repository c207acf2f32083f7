"""Static flags of a submission: what its cells say before anything runs.

Nothing here runs student code. For each exercise: a cell that imports or names the course's
reference implementation (``static_flags``), a verbatim copy of the published solution, and
a renamed or reformatted copy of the solution or of the library function the exercise
re-implements (``copy_flags``). :func:`utils.grade.submission.plan` attaches them to the
:class:`~utils.grade.submission.Submission`; the grader reports them to the instructor.
"""

from __future__ import annotations

import ast
import types
from functools import cache

from utils import notebook
from utils._nbfast import nbformat
from utils.grade.submission import (
    SOLUTIONS,
    UTILS_DIR,
    _Cell,
    _code_cells,
    _defined_names,
    _normal,
    _parse_cell,
    course_exercises,
    course_notebook,
)


def copy_flags(chapter: str, cells: dict[str, str], static: dict[str, str]) -> dict[str, tuple]:
    """Exercise id -> (source, similarity, shared lines) for an answer that is a renamed or
    reformatted copy of the published solution or of the library function it re-implements
    (:mod:`utils.grade.similarity`). Verbatim copies are already in ``static``."""
    from utils.checks import get_exercise
    from utils.grade import similarity

    out = {}
    solutions = solution_sources(chapter)
    for ex_id, source in cells.items():
        if "verbatim copy" in static.get(ex_id, ""):
            continue
        name = get_exercise(ex_id).obj_name
        mine = similarity.find_function(source, name)
        if mine is None:
            continue
        candidates = {"solution": similarity.find_function(solutions.get(ex_id, ""), name)}
        for ref_name, obj in called_reference_objects(ex_id).items():
            candidates[f"{obj.__module__}.{ref_name}"] = similarity.library_function(obj)
        found = similarity.copy_of(mine, candidates)
        if found:
            out[ex_id] = found
    return out


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
    names.update(name for name, _ in _called_references(ex_id))
    given = _setup_imports(chapter)
    stem = ex.obj_name.lower()
    related = {n for n in names if n == ex.obj_name or stem in n.lower()}
    return frozenset(n for n in related if n == ex.obj_name or n not in given)


@cache
def called_reference_objects(ex_id: str) -> dict:
    """Name -> function of the course library (outside utils.checks) that the exercise's
    references call, directly or through helpers of the checks: what a student could copy."""
    return dict(_called_references(ex_id))


@cache
def _called_references(ex_id: str) -> tuple:
    from utils.checks import get_exercise

    ex = get_exercise(ex_id)
    found: dict = {}
    seen: set[int] = set()

    def utils_callable(name: str, glb: dict):
        val = glb.get(name)
        if _is_utils_callable(val):
            return val
        for mod in list(glb.values()):
            if (
                isinstance(mod, types.ModuleType)
                and mod.__name__.startswith("utils.")
                and not mod.__name__.startswith("utils.checks")
                and _is_utils_callable(getattr(mod, name, None))
            ):
                return getattr(mod, name)
        return None

    def visit(func, depth: int = 0) -> None:
        if depth > 6 or id(func) in seen or not isinstance(func, types.FunctionType):
            return
        seen.add(id(func))
        glb = func.__globals__
        for code in _codes(func.__code__):
            for name in code.co_names:
                val = glb.get(name)
                if isinstance(val, types.FunctionType) and str(val.__module__).startswith(
                    "utils.checks"
                ):
                    visit(val, depth + 1)
                else:
                    target = utils_callable(name, glb)
                    if target is not None:
                        found.setdefault(name, target)
        for cell in func.__closure__ or ():
            try:
                val = cell.cell_contents
            except ValueError:
                continue
            if isinstance(val, types.FunctionType):
                if str(val.__module__).startswith("utils.checks"):
                    visit(val, depth + 1)
                elif _is_utils_callable(val):
                    found.setdefault(val.__name__, val)

    for probe in ex.probes:
        visit(probe.expected)
    return tuple(sorted(found.items()))


def _codes(code):
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _codes(const)


def _is_utils_callable(val) -> bool:
    if not callable(val) or isinstance(val, types.ModuleType):
        return False
    module = getattr(val, "__module__", None)
    return (
        isinstance(module, str)
        and module.startswith("utils.")
        and not module.startswith("utils.checks")
    )


@cache
def _setup_imports(chapter: str) -> frozenset[str]:
    """Names the setup cell imports with ``from utils... import name`` (given to students)."""
    setup = _course_setup(chapter)
    out = set()
    for node in ast.walk(ast.parse(setup)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "utils":
            out.update(a.asname or a.name for a in node.names)
    return frozenset(out)


def static_flags(chapter: str, code: list[_Cell], cells: dict[str, str]) -> dict[str, str]:
    """Exercise id -> why its answer seems to be the course's own implementation.

    Looked at: the cell that defines the graded object, and every cell the student wrote
    or edited (a helper cell that imports the reference counts too); and whether the graded
    cell is the published solution, verbatim once comments, docstrings and layout are set
    aside.
    """
    from utils.checks import get_exercise

    course = {_normal(c.source) for c in _code_cells(course_notebook(chapter))}
    objects = {get_exercise(ex).obj_name for ex in course_exercises(chapter)}
    # Helper cells: written or edited by the student, defining no exercise's object (an
    # exercise's own cell may use another exercise's reference, which the course allows).
    own = [
        c.source
        for c in code
        if _normal(c.source) not in course
        and not c.exercise_id
        and not (_defined_names(c.source) & objects)
    ]
    trees = [t for t in map(_parse_cell, own) if t is not None]
    setup_tree = _parse_cell(_course_setup(chapter))
    base_aliases = set().union(*(_utils_aliases(t) for t in [setup_tree, *trees] if t))
    solutions = solution_sources(chapter)
    flags = {}
    for ex_id, source in cells.items():
        tree = _parse_cell(source)
        refs = reference_names(ex_id, chapter)
        reasons = []
        graded = [tree] if tree is not None else []
        aliases = base_aliases | set().union(*(_utils_aliases(t) for t in graded))
        for node in (n for t in graded + trees for n in ast.walk(t)):
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
                if fname in ("__import__", "importlib.import_module", "import_module") and any(
                    s.split(".")[0] == "utils" for s in strs
                ):
                    reasons.append(f"imports a course module dynamically ({fname})")
                elif fname == "getattr" and any(s in refs for s in strs):
                    reasons.append("looks up the reference with getattr")
        published = solutions.get(ex_id)
        if tree is not None and published and _same_code(tree, published):
            reasons.append("a verbatim copy of the published solution")
        if reasons:
            flags[ex_id] = "; ".join(dict.fromkeys(reasons))
    return flags


def _course_setup(chapter: str) -> str:
    return next(c.source for c in course_notebook(chapter).cells if c.cell_type == "code")


@cache
def solution_sources(chapter: str) -> dict[str, str]:
    """Exercise id -> the published solution's cell (empty when solutions/ is not shipped)."""
    paths = sorted(SOLUTIONS.glob(f"{chapter}_*.ipynb"))
    if not paths:
        return {}
    nb = nbformat.read(str(paths[0]), as_version=4)
    return {
        notebook.exercise_id(c): c.source
        for c in nb.cells
        if c.cell_type == "code" and notebook.exercise_id(c)
    }


def _same_code(tree, published: str) -> bool:
    """Whether two cells are the same program once comments, docstrings and layout go.

    Solutions of one or two statements are too short to tell a copy from the obvious answer.
    """
    other = _parse_cell(published)
    if other is None:
        return False
    a, b = _without_docstrings(tree), _without_docstrings(other)
    statements = [
        n
        for n in ast.walk(ast.parse(b))
        if isinstance(n, ast.stmt) and not isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.Pass))
    ]
    return len(statements) >= 3 and a == b


def _without_docstrings(tree) -> str:
    import copy

    from utils.grade.similarity import strip_docstrings

    tree = copy.deepcopy(tree)
    strip_docstrings(tree)
    return ast.unparse(tree)


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
