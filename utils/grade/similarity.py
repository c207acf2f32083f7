"""How closely an answer copies the published solution or the library function it re-implements.

Both functions are normalised before they are compared: parsed, docstrings and comments
dropped, laid out by ``ast.unparse``, every local name (arguments, assigned names, loop and
comprehension variables) renamed ``v0, v1, ...`` in order of first use and the function itself
``f``. What is left is compared as a sequence of tokens (``difflib`` ratio, 0 to 1). A renamed
and reformatted copy scores about 1; answers written independently differ in their
expressions and their order and score well below the threshold, and short functions (fewer
than :data:`MIN_TOKENS` tokens once normalised, or fewer than :data:`MIN_STATEMENTS`
statements, like a single ``return`` of a dictionary of given constants) are never flagged:
the obvious lines of a short exercise are not a copy.

Nothing here runs student code: it reads source text.
"""

from __future__ import annotations

import ast
import copy
import difflib
import inspect
import re

THRESHOLD = 0.9
MIN_TOKENS = 60
MIN_STATEMENTS = 3
TOKEN_RE = re.compile(r"[A-Za-z_]\w*|\d+\.?\d*(?:[eE][-+]?\d+)?|\S")


class _Canon(ast.NodeTransformer):
    """Rename the local names of one function in order of first appearance."""

    def __init__(self, local: list[str]):
        self.names = {name: f"v{k}" for k, name in enumerate(local)}

    def visit_Name(self, node):
        if node.id in self.names:
            node.id = self.names[node.id]
        return node

    def visit_arg(self, node):
        if node.arg in self.names:
            node.arg = self.names[node.arg]
        node.annotation = None
        return node


def _locals(func: ast.FunctionDef) -> list[str]:
    """Arguments then every name the body binds, in source order."""
    ordered = [a.arg for a in func.args.posonlyargs + func.args.args + func.args.kwonlyargs]
    for extra in (func.args.vararg, func.args.kwarg):
        if extra is not None:
            ordered.append(extra.arg)
    stores = sorted(
        (n for n in ast.walk(func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)),
        key=lambda n: (n.lineno, n.col_offset),
    )
    for node in stores:
        if node.id not in ordered:
            ordered.append(node.id)
    return ordered


def strip_docstrings(tree) -> None:
    """Remove every docstring of ``tree`` in place (an emptied body gets ``pass``)."""
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(getattr(body[0], "value", None), ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]


def find_function(source: str, name: str) -> ast.FunctionDef | None:
    """The last top-level ``def name`` of a cell (or of a module's source), else None."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return None
    found = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name]
    return found[-1] if found else None


def normalised(func: ast.FunctionDef) -> str:
    """The function as text once docstrings, comments, layout and local names are set aside."""
    func = copy.deepcopy(func)
    strip_docstrings(func)
    func.decorator_list = []
    func.returns = None
    func = _Canon(_locals(func)).visit(func)
    func.name = "f"
    return ast.unparse(ast.fix_missing_locations(func))


def tokens(func: ast.FunctionDef) -> list[str]:
    return TOKEN_RE.findall(normalised(func))


def similarity(a: ast.FunctionDef, b: ast.FunctionDef) -> float:
    """0 to 1: how much of the two normalised token sequences match."""
    return difflib.SequenceMatcher(None, tokens(a), tokens(b), autojunk=False).ratio()


def matching_lines(a: ast.FunctionDef, b: ast.FunctionDef, limit: int = 20) -> list[str]:
    """The normalised lines the two functions share, for the instructor."""
    left, right = normalised(a).splitlines(), normalised(b).splitlines()
    out = []
    for block in difflib.SequenceMatcher(None, left, right, autojunk=False).get_matching_blocks():
        out += left[block.a : block.a + block.size]
    return out[:limit]


def copy_of(
    student: ast.FunctionDef, candidates: dict[str, ast.FunctionDef]
) -> tuple[str, float, list[str]] | None:
    """(source label, similarity, shared lines) of the closest candidate above the
    threshold, or None. Candidates shorter than MIN_TOKENS are not compared."""
    best = None
    for label, other in candidates.items():
        if other is None or len(tokens(other)) < MIN_TOKENS or _statements(other) < MIN_STATEMENTS:
            continue
        ratio = similarity(student, other)
        if ratio >= THRESHOLD and (best is None or ratio > best[1]):
            best = (label, ratio, matching_lines(student, other))
    return best


def _statements(func: ast.FunctionDef) -> int:
    """Statements in the body, docstring and nested definitions' own lines not counted."""
    func = copy.deepcopy(func)
    strip_docstrings(func)
    return sum(
        isinstance(n, ast.stmt) and not isinstance(n, (ast.FunctionDef, ast.Pass))
        for n in ast.walk(func)
    )


def library_function(obj) -> ast.FunctionDef | None:
    """A library function's own definition, parsed from its source file."""
    try:
        source = inspect.getsource(obj)
    except (OSError, TypeError):
        return None
    return find_function(
        inspect.cleandoc("\n" + source) if source.startswith(" ") else source, obj.__name__
    )
