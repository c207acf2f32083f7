"""Self-checks for the exercises, written once and used by notebooks and the grader.

A check cell calls ``check("ex01_perceptron", perceptron)``. The exercise's *probes* each
generate inputs from a seeded ``numpy.random.Generator``, call the student's object, and
compare the result with the reference implementation in ``utils``. On success one fixed line
is printed (``ex01_perceptron: 6/6 checks passed``); on failure a :class:`CheckFailed`
(an ``AssertionError``) says which case failed, expected vs got, and, when the wrong answer
is a known mistake, names it with a hint.

The two halves of a probe are kept apart so the grader can run them in different processes:
:func:`run_probe` calls the student's object and returns raw data only (arrays and numbers);
:func:`judge` compares that data with the reference and never touches student code.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import traceback
import warnings
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "CheckFailed", "Exercise", "ExerciseNotDone", "FloatingPointDivide", "FloatingPointInvalid",
    "FloatingPointOverflow", "Mistake", "Probe", "check", "exercises",
    "get_exercise", "judge", "part", "register", "run_probe", "same",
]

_UTILS_DIR = str(Path(__file__).resolve().parent.parent)
_RED, _BOLD, _RESET = "\x1b[31m", "\x1b[1m", "\x1b[0m"


class ExerciseNotDone(NotImplementedError):
    """The student's object still raises ``NotImplementedError``: the exercise is not done."""

    def _render_traceback_(self):  # IPython shows these lines instead of a traceback
        return [f"{_RED}{_BOLD}NotImplementedError{_RESET}: {self}"]


class FloatingPointOverflow(FloatingPointError):
    """An overflow (e.g. ``exp(1000)``) in the student's code under a strict probe."""


class FloatingPointInvalid(FloatingPointError):
    """An invalid operation (``0 / 0``, ``inf - inf``) in the student's code under a strict probe."""


class FloatingPointDivide(FloatingPointError):
    """A division by zero in the student's code under a strict probe."""


def _typed_float_error(exc: FloatingPointError) -> FloatingPointError:
    """The same error as one of the subclasses above, so a hint can tell the kinds apart."""
    text = str(exc)
    for word, kind in (("overflow", FloatingPointOverflow), ("invalid", FloatingPointInvalid),
                       ("divide", FloatingPointDivide)):
        if word in text:
            return kind(text).with_traceback(exc.__traceback__)
    return exc


class CheckFailed(AssertionError):
    """A check found a wrong answer; the message says what, and why when it can."""

    def __init__(self, message: str, student_traceback: str = ""):
        super().__init__(message)
        self.student_traceback = student_traceback

    def _render_traceback_(self):
        lines = [f"{_RED}{_BOLD}Check failed{_RESET}: {self}"]
        if self.student_traceback:
            lines += ["", "Where your code raised:", self.student_traceback.rstrip()]
        return lines


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer and the hint that explains it.

    Parameters
    ----------
    name : str
        Short name of the mistake, e.g. ``"forgot the bias"``.
    hint : str
        What to change, addressed to the student.
    output : callable, optional
        ``output(inputs) -> result``: what the mistaken version returns on these inputs. The
        mistake is diagnosed when the student's result matches it.
    raises : type, optional
        The mistake is diagnosed when the student's code raises this exception type.
    matches : callable, optional
        ``matches(got, inputs) -> bool`` for mistakes easier to recognise than to recompute.
    """

    name: str
    hint: str
    output: Callable[[dict], Any] | None = None
    raises: type[BaseException] | None = None
    matches: Callable[[Any, dict], bool] | None = None


@dataclass(frozen=True)
class Probe:
    """One case of a check: inputs, how to call the object, the reference, known mistakes.

    ``inputs(rng)`` returns a dict of plain data (arrays, numbers, strings). ``call(obj,
    inputs)`` calls the student's object and returns plain data. ``expected(inputs)`` is the
    reference result. ``strict`` turns NumPy floating-point warnings into errors (for
    exercises that must be overflow-safe): overflow, division by zero and invalid operations
    raise :class:`FloatingPointOverflow`, :class:`FloatingPointDivide` or
    :class:`FloatingPointInvalid` (all ``FloatingPointError``); underflow to 0 does not.
    """

    name: str
    inputs: Callable[[np.random.Generator], dict]
    call: Callable[[Any, dict], Any]
    expected: Callable[[dict], Any]
    mistakes: Sequence[Mistake] = ()
    rtol: float = 1e-7
    atol: float = 1e-10
    strict: bool = False


@dataclass(frozen=True)
class Exercise:
    """An exercise: its id, chapter, the notebook name of the object checked, and probes."""

    id: str
    title: str
    obj_name: str
    probes: Sequence[Probe]
    points: int = 1
    chapter: str = field(init=False)

    def __post_init__(self):
        match = re.fullmatch(r"ex(\d\d)_[a-z0-9_]+", self.id)
        if not match:
            raise ValueError(f"Exercise: id must look like 'ex01_name', got {self.id!r}")
        object.__setattr__(self, "chapter", match.group(1))


_REGISTRY: dict[str, Exercise] = {}
_LOADED = False


def register(*items: Exercise) -> None:
    """Add exercises to the registry (called by the ``utils.checks.chNN`` modules)."""
    for ex in items:
        if ex.id in _REGISTRY:
            raise ValueError(f"register: exercise {ex.id!r} is registered twice")
        _REGISTRY[ex.id] = ex


def _load_all() -> None:
    global _LOADED
    if _LOADED:
        return
    for mod in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        if re.fullmatch(r"ch\d\d", mod):
            importlib.import_module(f"{__name__}.{mod}")
    _LOADED = True


def exercises(chapter: str | None = None) -> list[Exercise]:
    """Every registered exercise (of one chapter if given), in chapter and notebook order."""
    _load_all()
    items = list(_REGISTRY.values())
    if chapter is not None:
        items = [ex for ex in items if ex.chapter == str(chapter).zfill(2)]
    return items


def get_exercise(ex_id: str) -> Exercise:
    """The registered exercise ``ex_id``; a ``KeyError`` listing the valid ids otherwise."""
    _load_all()
    if not isinstance(ex_id, str) or ex_id not in _REGISTRY:
        known = ", ".join(sorted(_REGISTRY))
        raise KeyError(f"check: unknown exercise id {ex_id!r}; known ids: {known}")
    return _REGISTRY[ex_id]


def default_seed(ex_id: str) -> int:
    """The fixed seed of a notebook self-check (the grader uses its own, secret seeds)."""
    return zlib.crc32(ex_id.encode())


@dataclass
class Outcome:
    """What running one probe on the student's object produced."""

    result: Any = None
    error: BaseException | None = None
    not_done: bool = False


def run_probe(probe: Probe, obj: Any, inputs: dict) -> Outcome:
    """Call the student's object on a probe's inputs; return raw results or the exception."""
    try:
        with warnings.catch_warnings():
            if probe.strict:
                warnings.simplefilter("error", RuntimeWarning)
                # Underflow to 0 (exp(-1000)) is harmless and silent by default; the rest is not.
                with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
                    result = probe.call(obj, _copy_inputs(inputs))
            else:
                result = probe.call(obj, _copy_inputs(inputs))
        return Outcome(result=to_plain(result))
    except NotImplementedError as exc:
        return Outcome(error=exc, not_done=True)
    except FloatingPointError as exc:
        return Outcome(error=_typed_float_error(exc))
    except Exception as exc:  # the student's code may raise anything; it is reported, not fatal
        return Outcome(error=exc)


def _copy_inputs(inputs: dict) -> dict:
    # A student's function that modifies its arguments in place must not corrupt the reference.
    return {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in inputs.items()}


def to_plain(value: Any) -> Any:
    """Convert a result to plain data: arrays, Python numbers, tuples, dicts, None."""
    if isinstance(value, tuple | list):
        return tuple(to_plain(v) for v in value)
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, np.generic):
        return value.item()
    return value


@dataclass
class Verdict:
    """The judgement of one probe: passed, or a message with expected vs got and a hint."""

    probe: str
    passed: bool
    message: str = ""
    mistake: str | None = None
    student_traceback: str = ""


def judge(probe: Probe, inputs: dict, outcome: Outcome, obj_name: str = "your code") -> Verdict:
    """Compare an outcome with the reference; diagnose known mistakes. Runs no student code."""
    if outcome.error is not None:
        exc = outcome.error
        for m in probe.mistakes:
            if m.raises is not None and isinstance(exc, m.raises):
                return Verdict(probe.name, False,
                               f"{obj_name} raised {type(exc).__name__}: {exc}\n"
                               f"Hint ({m.name}): {m.hint}", m.name, _student_tb(exc))
        return Verdict(probe.name, False, f"{obj_name} raised {type(exc).__name__}: {exc}",
                       None, _student_tb(exc))
    expected = probe.expected(inputs)
    problem = compare(outcome.result, expected, probe.rtol, probe.atol)
    if problem is None:
        return Verdict(probe.name, True)
    for m in probe.mistakes:
        if _is_mistake(m, outcome.result, inputs, probe):
            return Verdict(probe.name, False, f"{problem}\nHint ({m.name}): {m.hint}", m.name)
    return Verdict(probe.name, False, problem)


def _is_mistake(m: Mistake, got: Any, inputs: dict, probe: Probe) -> bool:
    try:
        if m.matches is not None and m.matches(got, inputs):
            return True
        if m.output is not None:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                wrong = m.output(inputs)
            return compare(got, wrong, probe.rtol, probe.atol) is None
    except Exception:  # a diagnosis that does not apply to this shape of answer
        return False
    return False


def _student_tb(exc: BaseException) -> str:
    """The traceback of the student's exception, without the frames of ``utils``."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if not f.filename.startswith(_UTILS_DIR)]
    text = "".join(traceback.format_list(frames))
    return text + "".join(traceback.format_exception_only(type(exc), exc))


def _describe(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, tuple):
        return f"a tuple of {len(value)} items"
    return f"a {type(value).__name__}"


def _show(value: np.ndarray) -> str:
    with np.printoptions(precision=6, suppress=True, threshold=12, edgeitems=3, linewidth=100):
        return np.array2string(np.asarray(value), separator=", ")


def compare(got: Any, expected: Any, rtol: float = 1e-7, atol: float = 1e-10,
            where: str = "") -> str | None:
    """Return ``None`` if ``got`` matches ``expected``, else a message saying how it differs.

    Arrays must have the expected shape and close values; tuples the expected length;
    numbers must be close. Booleans and integers compare as numbers.
    """
    label = f" {where}" if where else ""
    if isinstance(expected, tuple):
        if not isinstance(got, tuple) or len(got) != len(expected):
            return (f"expected{label} a tuple of {len(expected)} items, got {_describe(got)}"
                    + (" (did you forget to return?)" if got is None else ""))
        for i, (g, e) in enumerate(zip(got, expected, strict=True)):
            problem = compare(g, e, rtol, atol, where=f"{where}[{i}]".strip())
            if problem:
                return problem
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            return f"expected{label} a dict with keys {sorted(expected)}, got {_describe(got)}"
        for k in expected:
            problem = compare(got[k], expected[k], rtol, atol, where=f"{where}[{k!r}]".strip())
            if problem:
                return problem
        return None
    if got is None:
        return f"expected{label} {_describe(_as_array(expected))}, got None (did you forget to return?)"
    exp = _as_array(expected)
    try:
        arr = np.asarray(got)
    except Exception:
        return f"expected{label} {_describe(exp)}, got {_describe(got)}"
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        return f"expected{label} numbers, got {_describe(got)} with dtype {arr.dtype}"
    if np.ndim(expected) == 0 and arr.ndim == 0:
        g, e = float(arr), float(exp)
        if np.isclose(g, e, rtol=rtol, atol=atol, equal_nan=False):
            return None
        return f"expected{label} {e:.6g}, got {g:.6g}"
    if arr.shape != exp.shape:
        return f"expected{label} shape {exp.shape}, got shape {arr.shape}"
    a, e = arr.astype(np.float64), exp.astype(np.float64)
    if not np.all(np.isfinite(a)):
        bad = np.argwhere(~np.isfinite(a))[0]
        return (f"the result{label} contains {a[tuple(bad)]} at index {tuple(int(i) for i in bad)}"
                f" (expected finite numbers)")
    close = np.isclose(a, e, rtol=rtol, atol=atol)
    if close.all():
        return None
    first = tuple(int(i) for i in np.argwhere(~close)[0])
    n_bad = int((~close).sum())
    return (f"values{label} differ in {n_bad} of {close.size} entries; first at index {first}: "
            f"expected {e[first]:.6g}, got {a[first]:.6g}\n"
            f"  expected: {_show(e)}\n  got:      {_show(a)}")


def same(got: Any, wanted: Any, rtol: float = 1e-7, atol: float = 1e-10) -> bool:
    """True when ``got`` equals ``wanted`` within the tolerance (False for any mismatch of kind).

    For ``Mistake(matches=...)`` functions: "the answer is this wrong value".
    """
    try:
        return compare(got, wanted, rtol, atol) is None
    except Exception:  # an answer of another shape or type is simply not this value
        return False


def part(got: Any, k: int) -> Any:
    """Item ``k`` of a tuple answer, or None when the answer is not a tuple that long."""
    if isinstance(got, tuple) and len(got) > k:
        return got[k]
    return None


def _as_array(value: Any) -> np.ndarray:
    return np.asarray(value)


def run_exercise(ex: Exercise, obj: Any, seed: int) -> tuple[list[Verdict], bool]:
    """Run and judge every probe of an exercise in this process; ``(verdicts, not_done)``."""
    rng = np.random.default_rng(seed)
    verdicts, not_done = [], False
    for probe in ex.probes:
        inputs = probe.inputs(rng)
        outcome = run_probe(probe, obj, inputs)
        if outcome.not_done:
            not_done = True
            verdicts.append(Verdict(probe.name, False, "not done yet (NotImplementedError)"))
            continue
        verdicts.append(judge(probe, inputs, outcome, obj_name=ex.obj_name))
    return verdicts, not_done


def format_failures(ex: Exercise, verdicts: list[Verdict], limit: int = 3) -> str:
    """The failure report: the score line and up to ``limit`` failed cases."""
    passed = sum(v.passed for v in verdicts)
    lines = [f"{ex.id}: {passed}/{len(verdicts)} checks passed"]
    failed = [v for v in verdicts if not v.passed]
    for v in failed[:limit]:
        lines += ["", f"Case failed: {v.probe}", *("  " + s for s in v.message.splitlines())]
    if len(failed) > limit:
        lines += ["", f"({len(failed) - limit} more failed cases not shown)"]
    return "\n".join(lines)


def check(ex_id: str, obj: Any) -> None:
    """Check the student's object for exercise ``ex_id``; print one line or raise.

    Raises
    ------
    ExerciseNotDone
        The object still raises ``NotImplementedError`` (the stub is untouched).
    CheckFailed
        Some case gave a wrong answer; the message says which, expected vs got, and a hint.
    """
    ex = get_exercise(ex_id)
    verdicts, not_done = run_exercise(ex, obj, default_seed(ex_id))
    if not_done:
        raise ExerciseNotDone(
            f"{ex_id} is not done yet. In the exercise cell above, replace the lines "
            "`# YOUR CODE HERE` and `raise NotImplementedError(...)` with your code, run that "
            "cell, then run this check again.")
    if all(v.passed for v in verdicts):
        print(f"{ex_id}: {len(verdicts)}/{len(verdicts)} checks passed")
        return
    first_tb = next((v.student_traceback for v in verdicts if v.student_traceback), "")
    raise CheckFailed(format_failures(ex, verdicts), first_tb)
