"""Grading one submission: secret inputs, the run in children, judging, the row, feedback.

The grader derives each exercise's probe inputs from the course secret and the exercise id
(the same inputs in every run, on every machine, so a re-grade reproduces every score; the
students cannot predict them without the secret) and ships them to the child as plain data; the child returns raw results; here they are judged with
:func:`utils.checks.judge` against the references in ``utils``, in the grader's process. What
the child sends is data only: a result that does not decode is a wrong answer, an exception
comes back as its type name and message and is rebuilt as an instance of a known class (so
``Mistake(raises=...)`` diagnoses still apply), never as an object of the child's.
"""

from __future__ import annotations

import builtins
import re
from dataclasses import dataclass, field

import numpy as np

from utils import checks
from utils.checks import (
    Outcome,
    Verdict,
    exercise_seed,
    format_failures,
    get_exercise,
    judge,
    partial_points,
)
from utils.grade.flags import reference_names
from utils.grade.plain import PlainDataError, decode, encode
from utils.grade.runner import Limits, RunResult, run_submission
from utils.grade.submission import Rejected, Submission, course_exercises, parse


@dataclass
class ExerciseGrade:
    """The grade of one exercise: points, the report of its cases, a flag if any."""

    ex_id: str
    title: str
    points: float
    max_points: float
    report: str
    flag: str = ""
    passed: int = 0
    cases: int = 0
    printed: str = ""  # what the student's code printed during this exercise's checks
    copy: tuple | None = None  # (source, similarity, shared lines): for the instructor only
    not_done: bool = False  # the stub still raises NotImplementedError
    mistakes: dict = field(default_factory=dict)  # named mistake -> {"hint", "count"} of cases
    first_failure: str = ""  # the first failed case's message, for the class report


@dataclass
class Grade:
    """The grade of one submission: a CSV row and the feedback's content."""

    submission: str
    chapter: str
    status: str
    exercises: list[ExerciseGrade] = field(default_factory=list)
    detail: str = ""
    notes: list[str] = field(default_factory=list)
    output_tail: str = ""
    seconds: float = 0.0
    isolation: dict | None = None

    @property
    def total(self) -> float:
        """The sum of the points as displayed (each rounded to 2 decimals first)."""
        return round(sum(round(e.points, 2) for e in self.exercises), 2)

    @property
    def max_total(self) -> float:
        return round(sum(e.max_points for e in self.exercises), 2)

    @property
    def flagged(self) -> list[str]:
        """The flag column's entries: ``ex_id``, or ``ex_id:copy:<source>`` for a copy."""
        return [
            f"{e.ex_id}:copy:{e.copy[0]}" if e.copy else e.ex_id
            for e in self.exercises
            if e.flag or e.copy
        ]


def secret_inputs(ex_ids: list[str], secret: bytes) -> dict[str, list[dict]]:
    """Each exercise's probe inputs, drawn from :func:`utils.checks.exercise_seed` with the
    course secret."""
    out = {}
    for ex_id in ex_ids:
        rng = np.random.default_rng(exercise_seed(ex_id, secret))
        out[ex_id] = [probe.inputs(rng) for probe in get_exercise(ex_id).probes]
    return out


def zero_grade(key: str, rejected: Rejected) -> Grade:
    """The row of a submission that could not be graded: every exercise 0."""
    exercises = []
    if rejected.chapter and rejected.reason != "unknown chapter":
        try:
            for ex_id in course_exercises(rejected.chapter):
                ex = get_exercise(ex_id)
                exercises.append(
                    ExerciseGrade(
                        ex_id, ex.title, 0.0, float(ex.points), f"not graded: {rejected.reason}"
                    )
                )
        except KeyError:
            exercises = []
    return Grade(key, rejected.chapter, rejected.reason, exercises, detail=rejected.detail)


def grade_bytes(
    raw: bytes,
    key: str,
    forced_chapter: str | None,
    limits: Limits,
    secret: bytes,
    mode: str | None = None,
) -> Grade:
    """Grade one submission's bytes (the file's content) under the key ``key``."""
    sub = parse(raw, key, forced_chapter, max_bytes=limits.max_file_bytes)
    if isinstance(sub, Rejected):
        return zero_grade(key, sub)
    return grade_submission(sub, key, limits, secret, mode=mode)


def grade_submission(
    sub: Submission, key: str, limits: Limits, secret: bytes, mode: str | None = None
) -> Grade:
    ex_ids = course_exercises(sub.chapter)
    inputs = secret_inputs(ex_ids, secret)
    tree, payload = encode(inputs)
    n_probes = {e: len(get_exercise(e).probes) for e in ex_ids}
    refnames = {e: sorted(reference_names(e, sub.chapter)) for e in ex_ids}
    run = run_submission(sub, ex_ids, n_probes, tree, payload, refnames, limits, mode=mode)
    grade = Grade(key, sub.chapter, "ok", seconds=run.seconds)
    grade.notes += sub.warnings
    for ex_id in ex_ids:
        grade.exercises.append(_grade_exercise(ex_id, sub, inputs[ex_id], run))
    if sub.missing:
        grade.notes.append(
            "no cell defines the object of "
            + ", ".join(f"{e} ({get_exercise(e).obj_name})" for e in sub.missing)
            + ": 0 points there"
        )
    statuses = [kind for kind, _ in run.incidents]
    if statuses:
        grade.status = statuses[0]
        grade.notes += [text for _, text in run.incidents]
    elif sub.unchanged:
        grade.status = "unchanged"
        grade.notes.append("no exercise was touched: the notebook is the course's blank one")
    elif sub.missing:
        grade.status = "missing exercise cells"
    if run.output_total > limits.output_bytes:
        grade.notes.append(
            f"the notebook printed {run.output_total} bytes; only the first "
            f"{limits.output_bytes} were read"
        )
    grade.output_tail = run.output_tail.decode("utf-8", "replace")
    grade.isolation = run.isolation
    return grade


def _grade_exercise(
    ex_id: str, sub: Submission, inputs: list[dict], run: RunResult
) -> ExerciseGrade:
    ex = get_exercise(ex_id)
    flags = [r for r in (sub.static_flags.get(ex_id), run.flags.get(ex_id)) if r]
    flag = "; ".join(flags)
    verdicts, not_done = [], False
    for k, probe in enumerate(ex.probes):
        got = run.results.get((ex_id, k))
        if got is None:
            why = run.failed.get(ex_id, "no result")
            verdicts.append(Verdict(probe.name, False, f"not scored: {why}"))
            continue
        header, payload = got
        verdict, nd = _judge_one(ex, probe, inputs[k], header, payload)
        not_done = not_done or nd
        verdicts.append(verdict)
    passed = sum(v.passed for v in verdicts)
    if not_done:
        points = 0.0
        report = f"{ex_id}: not done yet (your function still raises NotImplementedError)"
    else:
        points = partial_points(ex, verdicts)
        report = format_failures(ex, verdicts)
        tb = next((v.student_traceback for v in verdicts if v.student_traceback), "")
        if tb and passed < len(verdicts):
            report += "\n\nWhere your code raised:\n" + tb.rstrip()
        undefined = sorted(
            {
                m.group(1)
                for v in verdicts
                if not v.passed
                for m in [UNDEFINED_RE.search(v.message or "")]
                if m
            }
        )
        for name in undefined:
            report += "\n\n" + undefined_name_hint(name)
    grade = ExerciseGrade(
        ex_id, ex.title, points, float(ex.points), report, flag, passed, len(verdicts)
    )
    grade.printed = run.printed.get(ex_id, "")
    grade.copy = sub.copies.get(ex_id)
    grade.not_done = not_done
    for v in verdicts:
        if not v.passed and v.mistake:
            hint = v.hint.removeprefix(f"Hint ({v.mistake}): ")
            seen = grade.mistakes.setdefault(v.mistake, {"hint": hint, "count": 0})
            seen["count"] += 1
    first = next((v for v in verdicts if not v.passed), None)
    if first is not None and not not_done:
        grade.first_failure = f"Case failed: {first.probe}\n{first.message}"
    return grade


UNDEFINED_RE = re.compile(r"name '([A-Za-z_][A-Za-z0-9_]*)' is not defined")
MODULES = {
    "np": "import numpy as np",
    "numpy": "import numpy",
    "math": "import math",
    "plt": "import matplotlib.pyplot as plt",
    "random": "import random",
    "itertools": "import itertools",
    "functools": "import functools",
    "collections": "import collections",
    "nn": "from utils import nn",
    "data": "from utils import data",
    "copy": "import copy",
}


def undefined_name_hint(name: str) -> str:
    """Where an undefined name should have come from, in the student's terms."""
    from utils import nn

    if name in MODULES:
        return (
            f"`{name}` is not defined when your function runs: it is a module; import it "
            f"(`{MODULES[name]}`) in a cell above the check cell, e.g. at the top of the "
            "notebook."
        )
    if name in nn.__all__:
        return (
            f"`{name}` is not defined when your function runs: it is in the course "
            f"library; call it as `nn.{name}` (the setup cell imports `nn`) or import it "
            f"in a cell above (`from utils.nn import {name}`)."
        )
    return (
        f"`{name}` is not defined when your function runs: define it (a helper in a cell "
        "of its own is fine) or import it in a cell above this exercise's check cell, "
        "and check that this cell runs without an error when you restart the kernel and "
        "run all cells."
    )


def _judge_one(ex, probe, inputs: dict, header: dict, payload: bytes) -> tuple[Verdict, bool]:
    kind = header.get("kind")
    if kind == "missing":
        return Verdict(
            probe.name,
            False,
            f"`{ex.obj_name}` is not defined where the check "
            f"cell of {ex.id} stands (a typo in the name, a cell that raised before "
            "defining it, or a cell deleted or moved below the check)",
        ), False
    if kind == "error":
        if header.get("not_done") is True:
            return Verdict(probe.name, False, "not done yet (NotImplementedError)"), True
        exc = rebuild_exception(header.get("type"), header.get("mro"), header.get("message"))
        try:
            verdict = judge(probe, inputs, Outcome(error=exc), obj_name=ex.obj_name)
        except Exception as err:  # a diagnosis that breaks on this exception
            verdict = Verdict(
                probe.name,
                False,
                f"{ex.obj_name} raised {type(exc).__name__}: "
                f"{exc} (and judging failed: {type(err).__name__})",
            )
        tb = header.get("traceback")
        verdict.student_traceback = (tb if isinstance(tb, str) else "")[:6000]
        return verdict, False
    if kind == "result":
        try:
            value = decode(header.get("value"), payload)
        except (PlainDataError, ValueError, TypeError) as err:
            return Verdict(probe.name, False, f"your result could not be read ({err})"), False
        try:
            return judge(probe, inputs, Outcome(result=value), obj_name=ex.obj_name), False
        except Exception as err:  # the reference or a diagnosis choked on this answer's shape
            return Verdict(
                probe.name,
                False,
                f"your result could not be compared with the "
                f"reference ({type(err).__name__}: {str(err)[:200]})",
            ), False
    return Verdict(probe.name, False, "no valid result came back"), False


_KNOWN = {
    cls.__name__: cls
    for cls in (
        checks.ExerciseNotDone,
        checks.FloatingPointOverflow,
        checks.FloatingPointInvalid,
        checks.FloatingPointDivide,
        checks.CheckFailed,
    )
}
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,80}")


def _known_class(name) -> type | None:
    if not isinstance(name, str):
        return None
    if name in _KNOWN:
        return _KNOWN[name]
    cls = getattr(builtins, name, None)
    if isinstance(cls, type) and issubclass(cls, BaseException):
        return cls
    return None


def rebuild_exception(type_name, mro, message) -> BaseException:
    """An exception standing for the child's: its name and message, the nearest known class.

    ``LinAlgError`` (a ``ValueError`` subclass in NumPy) comes back as a class named
    ``LinAlgError`` deriving from ``ValueError``; unknown names from ``Exception``.
    """
    name = type_name if isinstance(type_name, str) and _IDENT.fullmatch(type_name) else "Error"
    chain = [name] + [m for m in (mro if isinstance(mro, list) else []) if isinstance(m, str)]
    base = next((c for c in map(_known_class, chain) if c is not None), Exception)
    text = message if isinstance(message, str) else ""

    def init(self, *args):
        BaseException.__init__(self, text)

    cls = type(
        name, (base,), {"__init__": init, "__str__": lambda self: text, "__module__": "student"}
    )
    return cls()
