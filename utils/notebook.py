"""The notebook contract: how a chapter's cells say what they are.

Every tool that reads a course notebook (the build, the site, the student distribution, the
grader, the tests) asks this module, so the rules are written once:

- An **exercise** is a code cell tagged ``exercise`` whose metadata holds
  ``exercise_id="exNN_snake_case"`` (``NN`` is the chapter). Its solution sits between
  nbgrader's markers, each alone on its line and indented inside a function body::

      ### BEGIN SOLUTION
      ...
      ### END SOLUTION

- A written answer in a markdown cell sits between ``<!-- BEGIN SOLUTION -->`` and
  ``<!-- END SOLUTION -->`` in the same way.
- A **check** is the code cell tagged ``check`` right after an exercise; it calls
  ``check("exNN_name", obj)``, and its cell id is ``exNN_name-check``.

The student notebook gets, in place of each code region, ``# YOUR CODE HERE`` and
``raise NotImplementedError("exNN_name: not done yet")``; in place of each markdown answer,
``_Write your answer here._``.

A cell here is a notebook cell as nbformat reads it, or the plain dict of a notebook's JSON;
metadata of the wrong type (a submission can hold anything) reads as absent. This module
imports only the standard library: the grader imports it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

CODE_BEGIN, CODE_END = "### BEGIN SOLUTION", "### END SOLUTION"
MD_BEGIN, MD_END = "<!-- BEGIN SOLUTION -->", "<!-- END SOLUTION -->"
CODE_STUB = "# YOUR CODE HERE"
MD_STUB = "_Write your answer here._"

EXERCISE_TAG = "exercise"
CHECK_TAG = "check"
CHECK_ID_SUFFIX = "-check"

# ``exNN_snake_case``, matched against the whole id (``fullmatch``): group 1 is the chapter.
EXERCISE_ID_RE = re.compile(r"ex(\d\d)_[a-z0-9_]+")
# The first ``check("exNN_...", ...)`` call of a cell: group 1 is the exercise id.
CHECK_CALL_RE = re.compile(r"""check\(\s*["'](ex\d\d_[a-z0-9_]+)["']""")

__all__ = [
    "CHECK_CALL_RE",
    "CHECK_ID_SUFFIX",
    "CHECK_TAG",
    "CODE_BEGIN",
    "CODE_END",
    "CODE_STUB",
    "EXERCISE_ID_RE",
    "EXERCISE_TAG",
    "MD_BEGIN",
    "MD_END",
    "MD_STUB",
    "cell_tags",
    "check_call",
    "check_cell_id",
    "exercise_chapter",
    "exercise_id",
    "has_tag",
    "is_check",
    "is_exercise",
    "not_done_line",
    "regions",
    "replace_regions",
    "strip_markers",
    "stub_code",
    "stub_markdown",
]


def _metadata(cell) -> dict:
    meta = cell.get("metadata") if isinstance(cell, dict) else None
    return meta if isinstance(meta, dict) else {}


def cell_tags(cell) -> list[str]:
    """The cell's tags (strings only; ``[]`` when the metadata holds none or a non-list)."""
    tags = _metadata(cell).get("tags")
    return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []


def has_tag(cell, tag: str) -> bool:
    """Whether the cell, of any type, carries ``tag``."""
    return tag in cell_tags(cell)


def _is_code(cell) -> bool:
    return isinstance(cell, dict) and cell.get("cell_type") == "code"


def is_exercise(cell) -> bool:
    """Whether the cell is an exercise: a code cell tagged ``exercise``."""
    return _is_code(cell) and has_tag(cell, EXERCISE_TAG)


def is_check(cell) -> bool:
    """Whether the cell is a check: a code cell tagged ``check``."""
    return _is_code(cell) and has_tag(cell, CHECK_TAG)


def exercise_id(cell) -> str:
    """The ``exercise_id`` in the cell's metadata, as written (``""`` when absent or not text).

    The id is not validated here: :func:`exercise_chapter` tells whether it is well formed.
    """
    ex_id = _metadata(cell).get("exercise_id")
    return ex_id if isinstance(ex_id, str) else ""


def exercise_chapter(ex_id: str) -> str | None:
    """The two-digit chapter of a well-formed exercise id (``"05"``), else ``None``."""
    match = EXERCISE_ID_RE.fullmatch(ex_id) if isinstance(ex_id, str) else None
    return match.group(1) if match else None


def check_call(source: str) -> str:
    """The exercise id of the first ``check("exNN_...", ...)`` call in ``source``, or ``""``."""
    match = CHECK_CALL_RE.search(source)
    return match.group(1) if match else ""


def check_cell_id(ex_id: str) -> str:
    """The cell id of the check cell of ``ex_id`` (``"ex05_affine-check"``)."""
    return f"{ex_id}{CHECK_ID_SUFFIX}"


def not_done_line(ex_id: str) -> str:
    """The statement a stub raises until the student writes the exercise."""
    return f'raise NotImplementedError("{ex_id}: not done yet")'


def regions(lines: list[str], begin: str, end: str) -> Iterator[tuple[int, int]]:
    """The marked regions of ``lines``, as ``(i, j)``: ``lines[i]`` holds ``begin`` and
    ``lines[j]`` the matching ``end`` (0-based, compared on the stripped line).

    An unclosed region or a stray ``end`` is skipped: the build refuses those sources with
    the file and line before anything strips them.
    """
    start = None
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped == begin and start is None:
            start = i
        elif stripped == end and start is not None:
            yield start, i
            start = None


def replace_regions(
    source: str, begin: str, end: str, replacement: Callable[[str], list[str]]
) -> str:
    """``source`` with each region between ``begin`` and ``end`` (markers included) replaced
    by ``replacement(indent)``, where ``indent`` is the leading whitespace of the ``begin``
    line. Lines after an unclosed ``begin`` are dropped, as a region's are."""
    out, inside = [], False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped == begin:
            out.extend(replacement(line[: len(line) - len(line.lstrip())]))
            inside = True
        elif stripped == end:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


def stub_code(source: str, ex_id: str) -> str:
    """An exercise cell's source with each solution region replaced by the stub."""
    return replace_regions(
        source,
        CODE_BEGIN,
        CODE_END,
        lambda indent: [f"{indent}{CODE_STUB}", f"{indent}{not_done_line(ex_id)}"],
    )


def stub_markdown(source: str) -> str:
    """A markdown cell's source with each written answer replaced by the placeholder."""
    return replace_regions(source, MD_BEGIN, MD_END, lambda indent: [MD_STUB])


def strip_markers(source: str) -> str:
    """A solution cell's source without its code marker lines (the solution stays)."""
    return "\n".join(
        line for line in source.splitlines() if line.strip() not in (CODE_BEGIN, CODE_END)
    )
