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

Rules every exercise follows:

- **float64 only.** The course computes in float64. Where the reference gives floats, a
  result in float32 (or float16), or a float that has only float32's precision, fails with
  ``your result is float32; compute in float64 (the course's convention)`` before any other
  comparison and without looking for known mistakes. It is never accepted at a looser
  tolerance: float32 rounding (about 7 significant digits) is larger than several of the
  mistakes the probes tell apart, and it spoils every gradient check, so a float32 answer
  could pass with a real mistake in it, or be given a hint about something it did not do.
- **Names.** An :class:`Exercise` (or one of its probes) declares the names of its outputs,
  ``outputs=("dx", "dW", "db")`` or ``outputs=("loss", "grads")``, and messages use them:
  ``dW``, ``grads['W1']``. A differing entry is always shown, with its index and both values;
  integers and booleans print as themselves (``1``, ``True``), never as ``1.0``.
- **Each hint once.** A known mistake diagnosed in several failed cases has its hint printed
  once, at its first case.
- **Integers.** With ``require_int`` (on an exercise or a probe), wherever the reference
  returns an ``int`` the answer must be an ``int`` (a NumPy integer is fine), not a float
  that holds a whole number: ``expected an int, got float 4.0 (np.ceil returns a float: wrap
  it in int(...))``, the reason given by ``require_int="np.ceil returns a float"``.
"""

from __future__ import annotations

import hashlib
import importlib
import pkgutil
import re
import traceback
import warnings
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from utils.notebook import exercise_chapter

__all__ = [
    "CheckFailed",
    "Exercise",
    "ExerciseNotDone",
    "FloatingPointDivide",
    "FloatingPointInvalid",
    "FloatingPointOverflow",
    "Mistake",
    "Probe",
    "check",
    "exercise_seed",
    "exercises",
    "get_exercise",
    "judge",
    "part",
    "register",
    "run_probe",
    "same",
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
    for word, kind in (
        ("overflow", FloatingPointOverflow),
        ("invalid", FloatingPointInvalid),
        ("divide", FloatingPointDivide),
    ):
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

    ``outputs`` names what ``call`` returns, for the messages: a tuple of names for a tuple
    (``("dx", "dW", "db")``), one name for the whole result (``"grads"`` gives
    ``grads['W1']``), or a dict of names for some keys of a dict; an entry may be a pair
    ``(name, outputs)`` naming the parts of that item too. ``None`` takes the exercise's.

    ``require_int``: wherever the reference gives an ``int``, the answer must be an ``int``
    too, not a float holding a whole number; a string says where such a float usually comes
    from, for the message (``"np.ceil returns a float"``). ``None`` takes the exercise's.
    """

    name: str
    inputs: Callable[[np.random.Generator], dict]
    call: Callable[[Any, dict], Any]
    expected: Callable[[dict], Any]
    mistakes: Sequence[Mistake] = ()
    rtol: float = 1e-7
    atol: float = 1e-10
    strict: bool = False
    outputs: str | tuple | dict | None = None
    require_int: bool | str | None = None


@dataclass(frozen=True)
class Exercise:
    """An exercise: its id, chapter, the notebook name of the object checked, and probes.

    ``outputs`` names the returned values as the exercise's docstring does (``("loss",
    "grads")``); ``require_int`` asks for an ``int`` wherever the reference returns one. Both
    apply to every probe that does not set its own.
    """

    id: str
    title: str
    obj_name: str
    probes: Sequence[Probe]
    points: int = 1
    outputs: str | tuple | dict | None = None
    require_int: bool | str = False
    chapter: str = field(init=False)

    def __post_init__(self):
        chapter = exercise_chapter(self.id)
        if chapter is None:
            raise ValueError(f"Exercise: id must look like 'ex01_name', got {self.id!r}")
        object.__setattr__(self, "chapter", chapter)
        # The probes carry the exercise's defaults, so judge() needs nothing but the probe.
        object.__setattr__(
            self,
            "probes",
            tuple(
                replace(
                    p,
                    outputs=self.outputs if p.outputs is None else p.outputs,
                    require_int=self.require_int if p.require_int is None else p.require_int,
                )
                for p in self.probes
            ),
        )


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


def exercise_seed(ex_id: str, secret: bytes | None = None) -> int:
    """The seed of an exercise's probe inputs; every seed of the course comes from here.

    Parameters
    ----------
    ex_id : str
        The exercise id, e.g. ``"ex05_affine_backward"``.
    secret : bytes, optional
        The course secret of the grader. Without it, the fixed public seed of the notebook
        self-check: CRC-32 of the id (a 32-bit int). With it, the grader's secret seed: the
        first 8 bytes of SHA-256(secret, NUL, id), big-endian (a 64-bit int), the same on
        every machine and unpredictable without the secret.

    Returns
    -------
    int
        A seed for ``numpy.random.default_rng``.
    """
    if secret is None:
        return zlib.crc32(ex_id.encode())
    digest = hashlib.sha256(bytes(secret) + b"\x00" + ex_id.encode()).digest()
    return int.from_bytes(digest[:8], "big")


def default_seed(ex_id: str) -> int:
    """The fixed seed of a notebook self-check: ``exercise_seed(ex_id)`` without a secret."""
    return exercise_seed(ex_id)


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
    """Convert a result to plain data: arrays, Python numbers, tuples, dicts, None.

    A float32 (or float16) NumPy scalar becomes a 0-d array: a Python float would hide its
    dtype, which the float64 rule must see.
    """
    if isinstance(value, tuple | list):
        return tuple(to_plain(v) for v in value)
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, np.floating) and value.dtype.itemsize < 8:
        return np.asarray(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


@dataclass
class Verdict:
    """The judgement of one probe: passed, or a message with expected vs got and a hint.

    ``hint`` is the ``Hint (name): ...`` line that ends ``message`` when a known mistake was
    diagnosed; :func:`format_failures` prints each hint once per exercise.
    """

    probe: str
    passed: bool
    message: str = ""
    mistake: str | None = None
    student_traceback: str = ""
    hint: str = ""


FLOAT32_MISTAKE = "computed in float32"
_FLOAT32_HINT = (
    "float32 keeps about 7 significant digits; the checks, like any gradient check, need "
    "float64's 16. NumPy computes in float64 unless told otherwise: look for np.float32, "
    "dtype=np.float32 or .astype(np.float32) in your code."
)


def _failed(
    probe: Probe, problem: str, mistake: Mistake | None = None, student_traceback: str = ""
) -> Verdict:
    if mistake is None:
        return Verdict(probe.name, False, problem, None, student_traceback)
    hint = f"Hint ({mistake.name}): {mistake.hint}"
    return Verdict(probe.name, False, f"{problem}\n{hint}", mistake.name, student_traceback, hint)


def judge(probe: Probe, inputs: dict, outcome: Outcome, obj_name: str = "your code") -> Verdict:
    """Compare an outcome with the reference; diagnose known mistakes. Runs no student code.

    A float32 result fails first, with no diagnosis (see the module's rules); so does a
    result whose only problem is its type (a float where an ``int`` is asked for), since
    its value is right.
    """
    if outcome.error is not None:
        exc = outcome.error
        raised = f"{obj_name} raised {type(exc).__name__}: {exc}"
        for m in probe.mistakes:
            if m.raises is not None and isinstance(exc, m.raises):
                return _failed(probe, raised, m, _student_tb(exc))
        return _failed(probe, raised, None, _student_tb(exc))
    expected = probe.expected(inputs)
    got = outcome.result
    float32 = _float32_problem(got, expected, probe.outputs)
    if float32:
        return _failed(probe, float32, Mistake(FLOAT32_MISTAKE, _FLOAT32_HINT))
    problem = _compare(
        got,
        expected,
        probe.rtol,
        probe.atol,
        _Namer(probe.outputs, expected),
        probe.require_int or False,
    )
    if problem is None:
        return Verdict(probe.name, True)
    if problem.kind == "type":
        return _failed(probe, problem.text)
    for m in probe.mistakes:
        if _is_mistake(m, got, inputs, probe):
            return _failed(probe, problem.text, m)
    return _failed(probe, problem.text)


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
    frames = [
        f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.startswith(_UTILS_DIR)
    ]
    text = "".join(traceback.format_list(frames))
    return text + "".join(traceback.format_exception_only(type(exc), exc))


# ---------------------------------------------------------------- float32


def _float_leaves(got: Any, expected: Any, path: tuple = ()):
    """``(path, got, expected)`` for each float the reference gives, where ``got`` has the
    same structure (where it does not, the comparison reports the structure instead)."""
    if isinstance(expected, tuple):
        if isinstance(got, tuple) and len(got) == len(expected):
            for i, (g, e) in enumerate(zip(got, expected, strict=True)):
                yield from _float_leaves(g, e, (*path, i))
        return
    if isinstance(expected, dict):
        if isinstance(got, dict):
            for k in expected:
                if k in got:
                    yield from _float_leaves(got[k], expected[k], (*path, k))
        return
    if isinstance(expected, float | np.floating) or (
        isinstance(expected, np.ndarray) and expected.dtype.kind == "f"
    ):
        yield path, got, expected


def _looks_float32(value: Any) -> bool:
    """Floats that all survive a round trip through float32, and are not all simple
    fractions like 0.5 or 0.375: the trace of a float32 computation stored in float64."""
    try:
        a = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    a = a[np.isfinite(a)]
    if a.size == 0:
        return False
    with np.errstate(over="ignore"):
        exact = a.astype(np.float32).astype(np.float64) == a
    simple = a * 4096 == np.round(a * 4096)
    return bool(exact.all() and not simple.all())


def _float32_problem(got: Any, expected: Any, outputs: Any) -> str:
    """The message for a result in float32, or with float32's precision only; else ''."""
    namer = _Namer(outputs, expected)
    leaves = list(_float_leaves(got, expected))
    low = [
        (path, g.dtype.name)
        for path, g, _ in leaves
        if isinstance(g, np.ndarray) and g.dtype.kind == "f" and g.dtype.itemsize < 8
    ]
    by_dtype = bool(low)
    if not by_dtype:  # floats of float64 type holding float32 values: float(np.float32(...))
        low = [
            (path, "float32")
            for path, g, e in leaves
            if _looks_float32(g) and not _looks_float32(e)
        ]
    if not low:
        return ""
    names = [namer(path) for path, _ in low]
    which = "" if len(low) == len(leaves) or None in names else f" ({', '.join(names)})"
    if by_dtype:
        return f"your result is {low[0][1]}{which}; compute in float64 (the course's convention)"
    return (
        f"your result was computed in float32{which}: it has float32's 7 significant "
        "digits only; compute in float64 (the course's convention)"
    )


# ---------------------------------------------------------------- comparing


@dataclass
class _Problem:
    text: str
    kind: str = "value"  # "type": the value is right, its type is not


class _Namer:
    """Turns a path into a result, like ``(1, "W1")``, into the name a student knows.

    ``outputs`` is a name for the whole result (``"grads"`` gives ``grads['W1']``), a tuple
    with one entry per item of a tuple result, or a dict with entries for some keys of a
    dict result; an entry is a name, or a pair ``(name, outputs)`` for an item that has parts
    of its own (``b (second call)``). Without names, the keys of a dict built by the probe are
    names already.
    """

    def __init__(self, outputs: Any, expected: Any, where: str = ""):
        self.outputs, self.expected, self.where = outputs, expected, where

    @property
    def names(self) -> list[str] | None:
        """The names of the items of the whole result, when it is a named tuple."""
        if _fits(self.outputs, self.expected):
            return [o if isinstance(o, str) else o[0] for o in self.outputs]
        return None

    def __call__(self, path: tuple) -> str | None:
        name = _spec_name(self.outputs, self.expected, path)
        if name is not None:
            return name
        if self.where:
            return self.where + _index(path)
        if path and isinstance(path[0], str):  # a dict of named checks built by the probe
            return path[0] + _index(path[1:])
        return "your result" + _index(path) if path else None


def _index(path: tuple) -> str:
    return "".join(f"[{k!r}]" if isinstance(k, str) else f"[{k}]" for k in path)


def _fits(outputs: Any, expected: Any) -> bool:
    return (
        isinstance(outputs, tuple) and isinstance(expected, tuple) and len(outputs) == len(expected)
    )


def _spec_name(outputs: Any, expected: Any, path: tuple) -> str | None:
    if isinstance(outputs, str):
        return outputs + _index(path)
    if path and isinstance(outputs, dict) and isinstance(expected, dict) and path[0] in outputs:
        item = outputs[path[0]]
    elif path and _fits(outputs, expected) and isinstance(path[0], int):
        item = outputs[path[0]]
    else:
        return None
    if isinstance(item, str):
        return item + _index(path[1:])
    outer, inner = item
    name = _spec_name(inner, expected[path[0]], path[1:])
    return outer + _index(path[1:]) if name is None else f"{name} ({outer})"


def _describe(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return f"a 0-d array of dtype {value.dtype}"
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, tuple):
        return f"a tuple of {len(value)} item{'' if len(value) == 1 else 's'}"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(value)}"
    if isinstance(value, bool | int | float):
        return f"a {type(value).__name__} ({value!r})"
    return f"a {type(value).__name__}"


def _is_int(value: Any) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


def _fmt(value: Any, digits: int) -> str:
    """A number as a student reads it: ints as ints, floats with enough digits."""
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    v = float(value)
    # Past 6 digits both numbers keep their trailing zeros, so they line up digit for digit.
    text = f"{v:#.{digits}g}" if digits > 6 and np.isfinite(v) else f"{v:.{digits}g}"
    if np.isfinite(v) and not any(c in text for c in ".en"):
        text += ".0"  # a float that holds a whole number still prints as a float
    return text


def _pair(expected: Any, got: Any) -> tuple[str, str]:
    """Both numbers, with the fewest digits (6 or more) that tell them apart."""
    for digits in range(6, 18):
        e, g = _fmt(expected, digits), _fmt(got, digits)
        if e != g:
            break
    return e, g


def _show(value: np.ndarray, prefix: str) -> str:
    with np.printoptions(precision=6, suppress=True, threshold=1000, linewidth=120):
        return np.array2string(value, separator=", ", prefix=prefix)


def _excerpt(expected: np.ndarray, got: np.ndarray, first: tuple) -> list[str]:
    """Both arrays if small; else the part of the row that holds the first wrong entry."""
    if got.dtype == bool and expected.dtype != bool:
        got = got.astype(np.int64)  # True/False where 1/0 are expected: print 1/0
    if expected.dtype == bool and got.dtype != bool:
        expected = expected.astype(np.int64)
    if expected.size <= 24:
        return [
            f"  expected: {_show(expected, '  expected: ')}",
            f"  got:      {_show(got, '  got:      ')}",
        ]
    row, j = first[:-1], first[-1]
    e_row, g_row = expected[row], got[row]
    n, width = e_row.shape[0], 8
    start = max(0, min(j - 3, n - width))
    stop = min(n, start + width)
    cols = ":" if (start, stop) == (0, n) else f"{start}:{stop}"
    index = ", ".join([*(str(i) for i in row), cols])
    lab_e, lab_g = f"  expected[{index}]: ", f"  got[{index}]: "
    lab_g = lab_g.ljust(len(lab_e))
    return [lab_e + _show(e_row[start:stop], lab_e), lab_g + _show(g_row[start:stop], lab_g)]


def compare(
    got: Any,
    expected: Any,
    rtol: float = 1e-7,
    atol: float = 1e-10,
    where: str = "",
    *,
    outputs: str | tuple | dict | None = None,
    require_int: bool | str = False,
) -> str | None:
    """Return ``None`` if ``got`` matches ``expected``, else a message saying how it differs.

    Arrays must have the expected shape and close values; tuples the expected length; dicts
    the expected keys; numbers must be close. Booleans and integers compare as numbers.
    ``outputs`` names the parts of the result for the message (see :class:`Probe`), ``where``
    names the whole; with ``require_int``, wherever ``expected`` holds an ``int``, ``got``
    must hold an ``int`` too.
    """
    problem = _compare(got, expected, rtol, atol, _Namer(outputs, expected, where), require_int)
    return None if problem is None else problem.text


def _compare(
    got: Any, expected: Any, rtol: float, atol: float, namer: _Namer, require_int: bool | str
) -> _Problem | None:
    """The first wrong value, else the first wrong type (their values are right), else None."""
    problems: list[_Problem] = []
    _walk(got, expected, (), rtol, atol, namer, require_int, problems)
    wrong = [p for p in problems if p.kind != "type"]
    return (wrong or problems or [None])[0]


def _walk(
    got: Any,
    expected: Any,
    path: tuple,
    rtol: float,
    atol: float,
    namer: _Namer,
    require_int: bool | str,
    out: list[_Problem],
) -> None:
    name = namer(path)
    pre = f"{name}: " if name else ""
    if isinstance(expected, tuple):
        if not isinstance(got, tuple) or len(got) != len(expected):
            listed = f" ({', '.join(namer.names)})" if not path and namer.names else ""
            out.append(
                _Problem(
                    f"{pre}expected a tuple of {len(expected)} items{listed}, got {_describe(got)}"
                    + (" (did you forget to return?)" if got is None else "")
                )
            )
            return
        for i, (g, e) in enumerate(zip(got, expected, strict=True)):
            _walk(g, e, (*path, i), rtol, atol, namer, require_int, out)
        return
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            keys = f"keys {sorted(got)}" if isinstance(got, dict) else _describe(got)
            out.append(
                _Problem(
                    f"{pre}expected a dict with keys {sorted(expected)}, got {keys}"
                    + (" (did you forget to return?)" if got is None else "")
                )
            )
            return
        for k in expected:
            _walk(got[k], expected[k], (*path, k), rtol, atol, namer, require_int, out)
        return
    problem = _compare_leaf(got, expected, name, pre, rtol, atol, require_int)
    if problem is not None:
        out.append(problem)


def _compare_leaf(
    got: Any,
    expected: Any,
    name: str | None,
    pre: str,
    rtol: float,
    atol: float,
    require_int: bool | str,
) -> _Problem | None:
    exp = np.asarray(expected)
    if got is None:
        what = "a number" if exp.ndim == 0 else _describe(exp)
        return _Problem(f"{pre}expected {what}, got None (did you forget to return?)")
    if require_int and _is_int(expected) and not _is_int(got):
        g = got.item() if isinstance(got, np.ndarray) and got.ndim == 0 else got
        if isinstance(g, bool):
            return _Problem(
                f"{pre}expected an int, got bool {g}",
                "type" if int(g) == int(expected) else "value",
            )
        if isinstance(g, float) and g == int(expected):
            why = f"{require_int}: " if isinstance(require_int, str) else ""
            return _Problem(
                f"{pre}expected an int, got float {g!r} ({why}wrap it in int(...))", "type"
            )
    try:
        arr = np.asarray(got)
    except Exception:
        return _Problem(f"{pre}expected {_describe(exp)}, got {_describe(got)}")
    if arr.dtype.kind not in "biuf":
        return _Problem(f"{pre}expected numbers, got {_describe(got)}")
    if exp.ndim == 0:
        if arr.ndim != 0:
            return _Problem(f"{pre}expected one number, got an array of shape {arr.shape}")
        g, e = arr.item(), exp.item()
        if np.isclose(float(g), float(e), rtol=rtol, atol=atol, equal_nan=False):
            return None
        se, sg = _pair(e, g)
        return _Problem(f"{pre}expected {se}, got {sg}")
    if arr.shape != exp.shape:
        return _Problem(f"{pre}expected shape {exp.shape}, got shape {arr.shape}")
    a, e = arr.astype(np.float64), exp.astype(np.float64)
    who = name or "your result"
    if not np.all(np.isfinite(a)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(a))[0])
        return _Problem(f"{who} contains {a[bad]} at index {bad} (expected finite numbers)")
    close = np.isclose(a, e, rtol=rtol, atol=atol)
    if close.all():
        return None
    first = tuple(int(i) for i in np.argwhere(~close)[0])
    n_bad = int((~close).sum())
    e_first, g_first = exp[first].item(), arr[first].item()
    if (exp.dtype == bool) != (arr.dtype == bool):  # True/False against numbers: print 1/0
        e_first, g_first = (int(v) if isinstance(v, bool) else v for v in (e_first, g_first))
    se, sg = _pair(e_first, g_first)
    lines = [
        f"{who} differs in {n_bad} of {close.size} entries; first at index {first}: "
        f"expected {se}, got {sg}",
        *_excerpt(exp, arr, first),
    ]
    return _Problem("\n".join(lines))


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
    """The failure report: the score line and up to ``limit`` failed cases.

    A hint shared by several of the cases shown is printed in full at the first of them only.
    """
    passed = sum(v.passed for v in verdicts)
    lines = [f"{ex.id}: {passed}/{len(verdicts)} checks passed"]
    failed = [v for v in verdicts if not v.passed]
    hints_shown: set[str] = set()
    for v in failed[:limit]:
        message = v.message
        if v.hint and message.endswith(v.hint):
            if v.hint in hints_shown:  # each hint once: later cases only name the mistake
                message = message[: -len(v.hint)].rstrip("\n") + f"\nHint ({v.mistake}): as above."
            hints_shown.add(v.hint)
        lines += ["", f"Case failed: {v.probe}", *("  " + s for s in message.splitlines())]
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
            "cell, then run this check again."
        )
    if all(v.passed for v in verdicts):
        print(f"{ex_id}: {len(verdicts)}/{len(verdicts)} checks passed")
        return
    first_tb = next((v.student_traceback for v in verdicts if v.student_traceback), "")
    raise CheckFailed(format_failures(ex, verdicts), first_tb)


def partial_points(ex: Exercise, verdicts: list[Verdict]) -> float:
    """The points a done exercise earns: ``points * passed / cases``, rounded to 2 decimals."""
    passed = sum(v.passed for v in verdicts)
    return round(ex.points * passed / len(verdicts), 2) if verdicts else 0.0


def graded_check(ex_id: str, obj: Any) -> float:
    """Run the check of ``ex_id`` and return the points earned: the check cell of an nbgrader
    assignment (``python -m utils.nbgrader``).

    The cases are those of :func:`check` (the same public seed). The report :func:`check`
    would show (the one-line success, the failed cases with their hints, or "not done yet")
    is printed to standard output, and nothing is written to standard error: a warning the
    student's code raises is printed with the report instead. The value returned is the
    partial credit, ``points * passed / cases`` rounded to 2 decimals (0 when the function
    still raises ``NotImplementedError``), the rule :mod:`utils.grade` applies; nbgrader
    reads it from the cell's output.

    Returns
    -------
    float
        Between 0 and the exercise's points.
    """
    import contextlib
    import sys

    ex = get_exercise(ex_id)
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stderr(sys.stdout):
        warnings.simplefilter("always")
        verdicts, not_done = run_exercise(ex, obj, default_seed(ex_id))
    for w in caught:
        print(f"warning from your code: {w.category.__name__}: {w.message}")
    passed = sum(v.passed for v in verdicts)
    if not_done:
        print(
            f"{ex_id}: not done yet (your function still raises NotImplementedError): "
            f"0 of {ex.points} points"
        )
        return 0.0
    points = partial_points(ex, verdicts)
    if passed == len(verdicts):
        print(f"{ex_id}: {passed}/{len(verdicts)} checks passed")
    else:
        print(format_failures(ex, verdicts))
        tb = next((v.student_traceback for v in verdicts if v.student_traceback), "")
        if tb:
            print("\nWhere your code raised:\n" + tb.rstrip())
    print(f"points: {points:g} of {ex.points}")
    return float(points)
