"""Checks of chapter 00 (Start here).

Exercises: ``ex00_batch_iterations``, ``ex00_affine``, ``ex00_center_columns``.
The library has no other home for these one-liners yet, so the references are defined here
(``iterations_per_epoch``, ``affine``, ``center_columns``). The mistakes are the wrong
versions students write most often, recomputed so the hint can name them. Shapes are chosen
per probe so that a wrong version *runs* where it can (a square ``W`` lets ``W.T`` through,
``N == M`` lets a bias added along the wrong axis through), because a wrong answer that runs
is the dangerous kind. Where the kind of case would depend on the random draw (whether N / B
has a fractional part below or above one half), fixed inputs cover each kind, so the
notebook's check and the grader's secret inputs catch the same wrong answers.
"""

from __future__ import annotations

import numpy as np

from utils.checks import Exercise, Mistake, Probe, register, same

# ---------------------------------------------------------------- references


def iterations_per_epoch(N: int, B: int) -> int:
    """Updates in one pass over ``N`` samples in mini-batches of ``B`` (the last may be smaller)."""
    return -(-int(N) // int(B))  # ceil(N / B) in exact integer arithmetic


def affine(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``X @ W + b``: X (N, D), W (D, M), b (M,) -> (N, M)."""
    return X @ W + b


def center_columns(X: np.ndarray) -> np.ndarray:
    """``X - X.mean(axis=0)``: every column of the (N, D) result has mean 0."""
    return X - X.mean(axis=0)


# ---------------------------------------------------------------- ex00_batch_iterations


def _above_half(rng, B: int) -> int:
    # A remainder r with r / B above one half: there rounding to the nearest integer agrees
    # with the ceiling, so only the fixed pairs below tell round(N / B) apart, always by name.
    return int(rng.integers(B // 2 + 1, B))


def _iter_inputs(kind: str):
    def make(rng):
        B = int(rng.integers(3, 65))
        if kind == "remainder":  # N not a multiple of B: the last batch is smaller
            N = B * int(rng.integers(3, 40)) + _above_half(rng, B)
        elif kind == "multiple":
            N = B * int(rng.integers(2, 40))
        elif kind == "batch larger than data":
            N = _above_half(rng, B)
        elif kind == "B = 1":
            N, B = int(rng.integers(5, 500)), 1
        elif kind == "B = N":
            N = B = int(rng.integers(2, 300))
        else:  # a large data set
            B = int(rng.integers(50, 513))
            N = B * int(rng.integers(10**6 // B, 10**7 // B)) + _above_half(rng, B)
        return {"N": N, "B": B}

    return make


# Fixed pairs, the same in the notebook and in the grader, one of each kind of fraction N / B:
# 100 / 32 = 3.125 (below one half), 120 / 32 = 3.75 (above), 80 / 32 = 2.5 (exactly one
# half), 96 / 32 = 3 (no fraction), 10 / 64 = 0.156 (B > N, below one half).
FIXED_PAIRS = ((100, 32), (120, 32), (80, 32), (96, 32), (10, 64))


def _fixed_pairs(rng):
    return {"pairs": np.array(FIXED_PAIRS, dtype=np.int64)}


def _pairs(i) -> list[tuple[int, int]]:
    return [(int(N), int(B)) for N, B in i["pairs"]]


def _per_pair(count):
    """A mistake's ``output``: ``count(N, B)`` on one pair, or a tuple over the fixed pairs."""

    def output(i):
        if "pairs" in i:
            return tuple(count(N, B) for N, B in _pairs(i))
        return count(i["N"], i["B"])

    return output


def _rounded(got, i) -> bool:
    # round(2.5) is 2 (ties to even) while int(2.5 + 0.5) is 3: both count as rounding.
    return "pairs" in i and any(
        same(got, tuple(rule(N, B) for N, B in _pairs(i)), 0.0, 0.0)
        for rule in (lambda N, B: round(N / B), lambda N, B: int(N / B + 0.5))
    )


ITERATION_MISTAKES = (
    Mistake(
        "rounded instead of ceiling",
        "round(N / B) (or int(N / B + 0.5)) rounds to the NEAREST integer, so when the "
        "last batch is less than half full, e.g. N = 100 and B = 32 (3.125), it is "
        "dropped: 3 updates instead of 4. Every sample must be used, so round up: "
        "ceil(N / B), e.g. `-(-N // B)` or `(N + B - 1) // B` (or math.ceil(N / B)).",
        matches=_rounded,
    ),
    Mistake(
        "rounded down (N // B)",
        "N // B drops the last, smaller mini-batch, so some samples are never used in "
        "the epoch. Round up instead: ceil(N / B), e.g. `-(-N // B)` or "
        "`(N + B - 1) // B` (or math.ceil(N / B)).",
        output=_per_pair(lambda N, B: N // B),
    ),
    Mistake(
        "always added 1 (N // B + 1)",
        "N // B + 1 is right only when B does not divide N. When it does, e.g. N = 64 "
        "and B = 32, there are exactly 2 batches, not 3. Round up: ceil(N / B).",
        output=_per_pair(lambda N, B: N // B + 1),
    ),
    Mistake(
        "did not round (N / B)",
        "N / B is a fraction when B does not divide N, but you cannot run 31.25 updates. "
        "Count the last, smaller batch as one more: ceil(N / B).",
        output=_per_pair(lambda N, B: N / B),
    ),
    Mistake(
        "swapped N and B",
        "N is the number of samples and B the mini-batch size: the answer is ceil(N / B), "
        "not ceil(B / N).",
        output=_per_pair(lambda N, B: -(-B // N)),
    ),
)


def _iter_probe(name: str, kind: str) -> Probe:
    # Counts are compared exactly: with N in the millions, a relative tolerance would let
    # the unrounded N / B pass.
    return Probe(
        name,
        _iter_inputs(kind),
        lambda obj, i: obj(i["N"], i["B"]),
        lambda i: iterations_per_epoch(i["N"], i["B"]),
        ITERATION_MISTAKES,
        rtol=0.0,
        atol=0.0,
    )


register(
    Exercise(
        id="ex00_batch_iterations",
        title="Iterations (updates) per epoch",
        obj_name="iterations_per_epoch",
        points=1,
        require_int="np.ceil returns a float",
        probes=(
            Probe(
                "fixed (N, B): (100, 32), (120, 32), (80, 32), (96, 32), (10, 64); N / B = "
                "3.125, 3.75, 2.5, 3, 0.156",
                _fixed_pairs,
                lambda obj, i: tuple(obj(N, B) for N, B in _pairs(i)),
                _per_pair(iterations_per_epoch),
                ITERATION_MISTAKES,
                rtol=0.0,
                atol=0.0,
                outputs=tuple(f"iterations_per_epoch({N}, {B})" for N, B in FIXED_PAIRS),
            ),
            _iter_probe("B does not divide N (the last batch is smaller)", "remainder"),
            _iter_probe("B divides N exactly", "multiple"),
            _iter_probe(
                "the batch size is larger than the data set (B > N)", "batch larger than data"
            ),
            _iter_probe("batch size 1 (one sample per update)", "B = 1"),
            _iter_probe("one batch holds everything (B = N)", "B = N"),
            _iter_probe("a large data set (N in the millions)", "large"),
        ),
    )
)


# ---------------------------------------------------------------- ex00_affine


def _affine_inputs(N: int, D: int, M: int):
    def make(rng):
        return {
            "X": rng.standard_normal((N, D)),
            "W": rng.standard_normal((D, M)),
            "b": rng.uniform(0.5, 2.0, size=M) * rng.choice([-1.0, 1.0], size=M),
        }

    return make


def _affine_random_dims(rng):
    N, D, M = (int(v) for v in rng.choice(np.arange(2, 12), size=3, replace=False))
    return _affine_inputs(N, D, M)(rng)


AFFINE_MISTAKES = (
    Mistake(
        "used W.T",
        "X has shape (N, D) and W shape (D, M), so X @ W already has shape (N, M): "
        "do not transpose W. (With a square W, X @ W.T runs but computes something else.)",
        output=lambda i: i["X"] @ i["W"].T + i["b"],
    ),
    Mistake(
        "swapped the operands (W @ X)",
        "The batch comes first: X @ W, with X of shape (N, D) and W of shape (D, M). "
        "Matrix products do not commute, so W @ X is a different matrix even when the "
        "shapes happen to allow it.",
        output=lambda i: i["W"] @ i["X"] + i["b"],
    ),
    Mistake(
        "elementwise * instead of a matrix product",
        "X * W multiplies entry by entry (and only runs when the shapes broadcast). "
        "A layer needs the matrix product X @ W (or np.dot(X, W)): each output sums "
        "x[n, d] * W[d, m] over d.",
        output=lambda i: i["X"] * i["W"] + i["b"],
    ),
    Mistake(
        "forgot the bias",
        "Your result is X @ W: add the bias, X @ W + b. b has shape (M,) and NumPy "
        "broadcasts it to every row.",
        output=lambda i: i["X"] @ i["W"],
    ),
    Mistake(
        "added the bias to the wrong axis",
        "b has one entry per output column (shape (M,)), so b[m] belongs to column m of "
        "every row. Your code added it along the rows instead (b[:, None] or "
        "b.reshape(-1, 1)), which runs only for some shapes (N == M, or N == 1) and then "
        "gives wrong numbers or a wrong shape. Write X @ W + b.",
        output=lambda i: i["X"] @ i["W"] + i["b"][:, None],
    ),
    Mistake(
        "the shapes do not line up",
        "X has shape (N, D), W shape (D, M), b shape (M,), and X @ W + b has shape "
        "(N, M). An error about mismatched or non-broadcastable shapes usually comes "
        "from W.T, from W @ X, from X * W, or from reshaping b into a column.",
        raises=ValueError,
    ),
)


def _affine_probe(name: str, inputs) -> Probe:
    return Probe(
        name,
        inputs,
        lambda obj, i: obj(i["X"], i["W"], i["b"]),
        lambda i: affine(i["X"], i["W"], i["b"]),
        AFFINE_MISTAKES,
    )


register(
    Exercise(
        id="ex00_affine",
        title="An affine layer for a whole batch: X @ W + b",
        obj_name="affine",
        points=2,
        probes=(
            # Square shapes first: there every known slip runs, so the first failure names it.
            _affine_probe("everything square (N = D = M = 4)", _affine_inputs(4, 4, 4)),
            _affine_probe("a square W (D = M = 4), N=6", _affine_inputs(6, 4, 4)),
            _affine_probe("as many samples as outputs (N = M = 3), D=5", _affine_inputs(3, 5, 3)),
            _affine_probe("N=5, D=3, M=2 (all sizes different)", _affine_inputs(5, 3, 2)),
            _affine_probe("a single sample (N = 1), D=6, M=3", _affine_inputs(1, 6, 3)),
            _affine_probe("random sizes N, D, M (all different)", _affine_random_dims),
            _affine_probe("a batch of 64, D=10, M=7", _affine_inputs(64, 10, 7)),
        ),
    )
)


# ---------------------------------------------------------------- ex00_center_columns


def _center_inputs(N: int, D: int, *, integers: bool = False):
    def make(rng):
        offsets = rng.uniform(-5.0, 5.0, size=D)  # columns with clearly different means
        scales = rng.uniform(0.5, 3.0, size=D)
        X = offsets + scales * rng.standard_normal((N, D))
        if integers:
            X = np.round(3 * X).astype(np.int64)
        return {"X": X}

    return make


def _row_centered(got, i) -> bool:
    X = np.asarray(i["X"], dtype=np.float64)
    keep = X - X.mean(axis=1, keepdims=True)
    if same(got, keep):
        return True
    # Without keepdims the row means (shape (N,)) line up with the columns when N == D.
    return X.shape[0] == X.shape[1] and same(got, X - X.mean(axis=1))


def _standardised(got, i) -> bool:
    X = np.asarray(i["X"], dtype=np.float64)
    centred = X - X.mean(axis=0)
    with np.errstate(all="ignore"):
        return any(same(got, centred / X.std(axis=0, ddof=ddof)) for ddof in (0, 1))


def _call_leaves_x(obj, i):
    X = i["X"]
    obj(X)
    return X  # what the caller's array holds after the call


CENTER_MISTAKES = (
    Mistake(
        "row means instead of column means (axis=1)",
        "X.mean(axis=1) averages each row (one mean per sample). Each column (feature) "
        "must get mean 0, so average down the rows: X - X.mean(axis=0).",
        matches=_row_centered,
    ),
    Mistake(
        "subtracted the overall mean",
        "X.mean() with no axis is one number, the mean of all N * D entries. Every "
        "column needs its own mean: X.mean(axis=0) has shape (D,).",
        output=lambda i: i["X"] - i["X"].mean(),
    ),
    Mistake(
        "divided by the std as well (that is standardising)",
        "Centring only subtracts the column means. Dividing by the standard deviation "
        "as well is standardising, a different operation (chapter 07 uses it). Return "
        "X - X.mean(axis=0) and nothing more.",
        matches=_standardised,
    ),
    Mistake(
        "returned the column means",
        "X.mean(axis=0), shape (D,), is the amount to subtract; return the centred data "
        "X - X.mean(axis=0), shape (N, D).",
        output=lambda i: i["X"].mean(axis=0),
    ),
    Mistake(
        "row means without keepdims (axis=1)",
        "X.mean(axis=1) has shape (N,), which does not broadcast against (N, D). You want "
        "column means anyway: X - X.mean(axis=0), where the (D,) means broadcast over "
        "the rows.",
        raises=ValueError,
    ),
    Mistake(
        "subtracted in place on an integer array",
        "X -= ... writes into the caller's array, and NumPy cannot store the float "
        "result in an integer array. Build a new array: return X - X.mean(axis=0).",
        raises=TypeError,
    ),
)

INPLACE_MISTAKE = Mistake(
    "changed X in place",
    "Your function modified the array it was given (X -= ... or X[:] = ...), so the caller's "
    "data is gone. Return a new array: X - X.mean(axis=0).",
    matches=lambda got, i: same(got, center_columns(i["X"])),
)


def _center_probe(name: str, inputs) -> Probe:
    return Probe(
        name, inputs, lambda obj, i: obj(i["X"]), lambda i: center_columns(i["X"]), CENTER_MISTAKES
    )


register(
    Exercise(
        id="ex00_center_columns",
        title="Centre the columns of a batch",
        obj_name="center_columns",
        points=1,
        probes=(
            _center_probe("N=8, D=3 (columns with different means)", _center_inputs(8, 3)),
            _center_probe("a square X (N = D = 4)", _center_inputs(4, 4)),
            _center_probe("one feature (D = 1), N=10", _center_inputs(10, 1)),
            _center_probe("many samples (N=200, D=5)", _center_inputs(200, 5)),
            _center_probe(
                "integer data (dtype int64), N=6, D=3", _center_inputs(6, 3, integers=True)
            ),
            Probe(
                "the caller's X is left unchanged",
                _center_inputs(7, 3),
                _call_leaves_x,
                lambda i: i["X"],
                (INPLACE_MISTAKE,),
            ),
        ),
    )
)
