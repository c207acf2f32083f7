"""Checks of chapter 01 (Perceptron and XOR).

Exercises: ``ex01_perceptron``, ``ex01_gates``, ``ex01_xor_network``, ``ex01_train_perceptron``.
Every expected value comes from :mod:`utils.perceptron`; the mistakes are the wrong versions
students write most often, recomputed here so the hint can name them.
"""

from __future__ import annotations

import numbers

import numpy as np

from utils import perceptron as ref
from utils.checks import Exercise, Mistake, Probe, register, same
from utils.data import GATES, gate_truth_table


def _int_matrix(rng, n, d, low=-3, high=3) -> np.ndarray:
    return rng.integers(low, high + 1, size=(n, d)).astype(np.float64)


# ---------------------------------------------------------------- ex01_perceptron


def _z(i: dict) -> np.ndarray:
    return np.asarray(i["X"]) @ np.asarray(i["w"]) + i["b"]


def _perceptron_inputs(n: int, d: int):
    def make(rng):
        X = rng.standard_normal((n, d))
        w = rng.standard_normal(d)
        b = float(rng.choice([-1.0, 1.0]) * rng.uniform(0.3, 1.5))
        return {"X": X, "w": w, "b": b}

    return make


def _random_dims(rng):
    d = int(rng.integers(3, 10))
    n = int(rng.integers(6, 20))
    return _perceptron_inputs(n, d)(rng)


def _on_boundary(rng):
    # Integer inputs and weights make X @ w + b exactly 0 on several rows.
    d = int(rng.integers(2, 6))
    X = _int_matrix(rng, 12, d)
    w = rng.choice([-2.0, -1.0, 1.0, 2.0], size=d)
    z = X @ w
    k = int(np.argmax(z != 0))  # a row with a non-zero sum, so the bias is not 0
    b = float(-z[k]) if z[k] != 0 else 1.0
    rows = rng.choice(np.arange(12), size=3, replace=False)
    X[rows] = X[k]
    return {"X": X, "w": w, "b": b}


def _bias_only(rng):
    d = int(rng.integers(2, 5))
    return {"X": rng.standard_normal((5, d)), "w": np.zeros(d), "b": float(rng.uniform(0.5, 2.0))}


def _call_perceptron(obj, i):
    return obj(i["X"], i["w"], i["b"])


def _expected_perceptron(i):
    return ref.perceptron(i["X"], i["w"], i["b"])


def _is_sign(got, i) -> bool:
    got = np.asarray(got)
    z = _z(i)
    return (
        got.shape == z.shape
        and np.isin(got, (-1, 0, 1)).all()
        and (got == -1).any()
        and np.array_equal(got == 1, z > 0)
    )


PERCEPTRON_MISTAKES = (
    Mistake(
        "used >= instead of >",
        "The step is 1 only where X @ w + b > 0 (strictly). A point exactly on the "
        "boundary, where X @ w + b == 0, must give 0. Use `>`, not `>=`.",
        output=lambda i: (_z(i) >= 0).astype(np.int64),
    ),
    Mistake(
        "forgot the bias",
        "Your outputs are step(X @ w): add b before the step, step(X @ w + b).",
        output=lambda i: ref.step(np.asarray(i["X"]) @ np.asarray(i["w"])),
    ),
    Mistake(
        "returned the weighted sum instead of the step",
        "You returned z = X @ w + b itself. The perceptron outputs step(z): 1 where "
        "z > 0, else 0 (e.g. `(z > 0).astype(int)` or `step(z)`).",
        output=_z,
    ),
    Mistake(
        "used sign (-1/+1) instead of step (0/1)",
        "np.sign (or a -1/+1 rule) gives -1 for negative z. This course's perceptron "
        "outputs 0 there: use step(z), which is 1 where z > 0 and 0 elsewhere.",
        matches=_is_sign,
    ),
    Mistake(
        "returned shape (N, 1) instead of (N,)",
        "Return one number per row, shape (N,). X @ w with w of shape (D,) already has "
        "shape (N,): do not reshape w into a column.",
        matches=lambda got, i: np.shape(got) == (np.shape(i["X"])[0], 1),
    ),
    Mistake(
        "multiplied in the wrong order",
        "X has shape (N, D) and w shape (D,), so X @ w has shape (N,). w @ X or "
        "X.T @ w do not line up (unless N happens to equal D).",
        raises=ValueError,
    ),
)


def _perceptron_probe(name, inputs):
    return Probe(name, inputs, _call_perceptron, _expected_perceptron, PERCEPTRON_MISTAKES)


register(
    Exercise(
        id="ex01_perceptron",
        title="A perceptron for a batch of inputs",
        obj_name="perceptron",
        points=2,
        probes=(
            _perceptron_probe("2 features, random weights and bias", _perceptron_inputs(8, 2)),
            _perceptron_probe("D features (D random, 3 to 9)", _random_dims),
            _perceptron_probe("rows exactly on the boundary (X @ w + b == 0)", _on_boundary),
            _perceptron_probe("w = 0: the bias alone decides", _bias_only),
            _perceptron_probe("a single row (N = 1)", _perceptron_inputs(1, 3)),
            _perceptron_probe("one feature (D = 1)", _perceptron_inputs(10, 1)),
        ),
    )
)


# ---------------------------------------------------------------- ex01_gates

GATE_NAMES = ("AND", "OR", "NAND")
_CORNERS, _ = gate_truth_table("AND")
_NUDGE = 0.05

# All 16 functions of two bits, named, as outputs on (0,0), (0,1), (1,0), (1,1).
_FUNCTIONS: dict[str, tuple[int, int, int, int]] = {
    **GATES,
    "always 0": (0, 0, 0, 0),
    "always 1": (1, 1, 1, 1),
    "x1": (0, 0, 1, 1),
    "x2": (0, 1, 0, 1),
    "NOT x1": (1, 1, 0, 0),
    "NOT x2": (1, 0, 1, 0),
    "x1 AND NOT x2": (0, 0, 1, 0),
    "x2 AND NOT x1": (0, 1, 0, 0),
    "x1 OR NOT x2": (1, 0, 1, 1),
    "x2 OR NOT x1": (1, 1, 0, 1),
}

_ADVICE = {
    ("AND", "OR"): "The threshold is too low: only (1, 1) may fire. With w = (1, 1), the bias "
    "must satisfy 1 + b <= 0 < 2 + b, so b in (-2, -1]; -1.5 is halfway.",
    ("OR", "AND"): "The threshold is too high: every corner but (0, 0) must fire. With "
    "w = (1, 1), b must satisfy b <= 0 < 1 + b, so b in (-1, 0]; -0.5 is halfway.",
    ("AND", "NAND"): "NAND is NOT AND: you have the opposite gate. Flip the signs of w and b.",
    ("NAND", "AND"): "NAND is NOT AND: flip the signs of w and b (negating z = x @ w + b swaps "
    "which side of the line fires).",
    ("OR", "NOR"): "NOR is NOT OR: you have the opposite gate. Flip the signs of w and b.",
    ("NAND", "NOR"): "The threshold is off: NAND fires unless both inputs are 1. With "
    "w = (-1, -1), b must satisfy -2 + b <= 0 < -1 + b, so b in (1, 2]; "
    "1.5 is halfway.",
    ("NAND", "OR"): "NAND fires on (0, 0) and never on (1, 1); OR does the reverse on those two "
    "corners. Negative weights and a positive bias, e.g. w = (-1, -1), b = 1.5.",
}


def _gate_hint(gate: str, func: str) -> str:
    advice = _ADVICE.get((gate, func))
    if advice is None:
        if func == "always 0":
            advice = "Your line leaves all four corners on the side that outputs 0 (b too small?)."
        elif func == "always 1":
            advice = "Your line leaves all four corners on the side that outputs 1 (b too large?)."
        else:
            advice = (
                "Work out z = w1*x1 + w2*x2 + b at each corner and make it > 0 exactly "
                f"where {gate} is 1."
            )
    return (
        f"With your (w, b) for {gate!r}, the perceptron outputs {_FUNCTIONS[func]} on the "
        f"corners (0,0), (0,1), (1,0), (1,1), which is {func}; {gate} must give "
        f"{GATES[gate]}. {advice}"
    )


def _first_wrong_gate(got, i) -> str | None:
    """The gate the failure message is about: the first one (in the order AND, OR, NAND,
    the order in which the answer is compared) whose outputs differ from the expected ones."""
    if not isinstance(got, dict):
        return None
    expected = _expected_gates(i)
    return next(
        (
            g
            for g in GATE_NAMES
            if g not in got or not np.array_equal(np.asarray(got[g]), expected[g])
        ),
        None,
    )


def _gate_computes(gate: str, func: str) -> Mistake:
    # Only the gate named in the failure message is diagnosed, so that with two wrong gates
    # the hint is about the gate whose numbers the message shows.
    table = np.array(_FUNCTIONS[func])
    return Mistake(
        f"your {gate} computes {func}",
        _gate_hint(gate, func),
        matches=lambda got, i: (
            _first_wrong_gate(got, i) == gate and np.array_equal(np.asarray(got[gate])[:4], table)
        ),
    )


def _missing(gate: str) -> Mistake:
    return Mistake(
        f"missing key {gate!r}",
        f"make_gates() must return a dict with the keys 'AND', 'OR' and 'NAND' (upper-case "
        f"strings), each mapped to a pair (w, b); {gate!r} is not among your keys.",
        matches=lambda got, i: isinstance(got, dict) and gate not in got,
    )


def _too_close(got, i) -> bool:
    # The gate named in the failure message is right on the exact corners (the first four
    # points) and wrong only on nudged ones.
    if not isinstance(got, dict) or set(got) != set(GATE_NAMES):
        return False
    gate = _first_wrong_gate(got, i)
    return gate is not None and np.array_equal(np.asarray(got[gate])[:4], GATES[gate])


GATES_MISTAKES = (
    *(_missing(g) for g in GATE_NAMES),
    *(_gate_computes(g, f) for g in GATE_NAMES for f in _FUNCTIONS if f != g),
    Mistake(
        "the line passes through (or too close to) a corner",
        "The weights of this gate are right on the exact corners, but the check also "
        f"nudges every corner by up to {_NUDGE} in each coordinate, and some nudged corner "
        "lands on the wrong side. Real inputs are never exactly 0 or 1, and a line "
        "through a corner only works thanks to the tie rule step(0) = 0. Move the line "
        "into the gap "
        "between the corners that must give 1 and those that must give 0, e.g. for AND "
        "with w = (1, 1) any b strictly between -1.9 and -1.1 passes; -1.5 (halfway) is safest.",
        matches=_too_close,
    ),
    Mistake(
        "a value is not a pair (w, b)",
        "Each value of the dict must be a pair (w, b): w an array of shape (2,), b a "
        'number, e.g. "AND": (np.array([1.0, 1.0]), -1.5).',
        raises=TypeError,
    ),
    Mistake(
        "w has the wrong shape",
        "w must be an array of 2 numbers, shape (2,), one weight per input.",
        raises=ValueError,
    ),
)


def _unpack_gate(name: str, pair) -> tuple[np.ndarray, float]:
    if not isinstance(pair, tuple | list) or len(pair) != 2:
        raise TypeError(
            f"make_gates()[{name!r}] must be a pair (w, b), got "
            f"{type(pair).__name__}"
            + (f" of length {len(pair)}" if isinstance(pair, tuple | list) else "")
        )
    w, b = pair
    try:
        w = np.array(w, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"make_gates()[{name!r}]: w must be numbers, got {type(w).__name__}"
        ) from None
    if w.shape != (2,):
        raise ValueError(f"make_gates()[{name!r}]: w must have shape (2,), got {w.shape}")
    if isinstance(b, np.ndarray) and b.size == 1:
        b = b.reshape(()).item()
    if isinstance(b, bool) or not isinstance(b, numbers.Real):
        raise TypeError(f"make_gates()[{name!r}]: b must be a number, got {type(b).__name__}")
    if not (np.isfinite(w).all() and np.isfinite(float(b))):
        raise ValueError(f"make_gates()[{name!r}]: w and b must be finite")
    return w, float(b)


def _call_gates(obj, i):
    # Many weights compute the same gate, so the answer compared is what the weights compute
    # on the probe points (the reference perceptron, step(points @ w + b)), not the weights.
    gates = obj()
    if not isinstance(gates, dict):
        raise TypeError(f"make_gates must return a dict, got {type(gates).__name__}")
    points = np.asarray(i["points"])
    return {g: ref.perceptron(points, *_unpack_gate(g, gates[g])) for g in GATE_NAMES if g in gates}


def _expected_gates(i):
    reps = len(i["points"]) // 4
    return {g: np.tile(np.array(GATES[g]), reps) for g in GATE_NAMES}


def _random_nudges(rng):
    nudges = [np.zeros((4, 2))] + [rng.uniform(-_NUDGE, _NUDGE, size=(4, 2)) for _ in range(10)]
    return {"points": np.concatenate([_CORNERS + d for d in nudges])}


def _worst_nudges(rng):
    # A linear z is most extreme at the vertices of the nudge box, so a corner is safe for
    # every nudge up to _NUDGE iff it is safe at those 4 vertices.
    signs = np.array([[-1, -1], [-1, 1], [1, -1], [1, 1]], dtype=np.float64)
    nudges = [np.zeros((4, 2))] + [np.tile(s, (4, 1)) * _NUDGE for s in rng.permutation(signs)]
    return {"points": np.concatenate([_CORNERS + d for d in nudges])}


register(
    Exercise(
        id="ex01_gates",
        title="AND, OR and NAND as perceptrons",
        obj_name="make_gates",
        points=2,
        probes=(
            Probe(
                "the four corners (0,0), (0,1), (1,0), (1,1)",
                lambda rng: {"points": _CORNERS.copy()},
                _call_gates,
                _expected_gates,
                GATES_MISTAKES,
            ),
            Probe(
                f"the corners nudged at random by up to {_NUDGE} in each coordinate",
                _random_nudges,
                _call_gates,
                _expected_gates,
                GATES_MISTAKES,
            ),
            Probe(
                f"the corners nudged by exactly {_NUDGE} in each coordinate (worst cases)",
                _worst_nudges,
                _call_gates,
                _expected_gates,
                GATES_MISTAKES,
            ),
        ),
    )
)


# ---------------------------------------------------------------- ex01_xor_network


def _hidden_z(i) -> np.ndarray:
    return np.asarray(i["X"]) @ ref.XOR_HIDDEN_W + ref.XOR_HIDDEN_B


def _xor_ref(i):
    return ref.xor_network(i["X"])


def _h_is(func):
    # The wrong H must differ from the right one here (a wrong tie rule only shows on lines).
    def matches(got, i):
        return (
            isinstance(got, tuple)
            and len(got) == 2
            and not same(got[0], _xor_ref(i)[0])
            and same(got[0], func(i))
        )

    return matches


def _output_variant(out_w, out_b, use_step=True):
    def output(i):
        H, _ = _xor_ref(i)
        z = H @ np.asarray(out_w, dtype=np.float64) + out_b
        return H, (ref.step(z) if use_step else z)

    return output


XOR_MISTAKES = (
    Mistake(
        "returned only y",
        "Return the pair (H, y): H of shape (N, 2) with the hidden outputs, y of shape (N,).",
        matches=lambda got, i: not isinstance(got, tuple),
    ),
    Mistake(
        "returned (y, H) instead of (H, y)",
        "Return the hidden outputs first: `return H, y`.",
        matches=lambda got, i: (
            isinstance(got, tuple)
            and len(got) == 2
            and np.ndim(got[0]) == 1
            and np.ndim(got[1]) == 2
        ),
    ),
    Mistake(
        "h1 and h2 swapped",
        "Column 0 of H must be h1 = step(x1 + x2 - 1.5) (the AND) and column 1 "
        "h2 = step(x1 + x2 - 0.5) (the OR); yours are the other way round.",
        matches=_h_is(lambda i: _xor_ref(i)[0][:, ::-1]),
    ),
    Mistake(
        "forgot the step on the hidden layer",
        "Your H holds the weighted sums X @ W1 + b1. The hidden units are perceptrons: "
        "H = step(X @ W1 + b1), so every entry of H is 0 or 1.",
        matches=_h_is(_hidden_z),
    ),
    Mistake(
        "forgot the hidden biases",
        "Your H is step(X @ W1): add the hidden biases b1 = (-1.5, -0.5) before the step.",
        matches=_h_is(lambda i: ref.step(np.asarray(i["X"]) @ ref.XOR_HIDDEN_W)),
    ),
    Mistake(
        "used >= instead of > in the hidden layer",
        "A point exactly on a hidden line (x1 + x2 = 1.5 or 0.5) must give 0: the step is "
        "1 only where its input is > 0.",
        matches=_h_is(lambda i: (_hidden_z(i) >= 0).astype(np.int64)),
    ),
    Mistake(
        "output weights swapped ((1, -1) instead of (-1, 1))",
        "The output unit is y = step(-1*h1 + 1*h2 - 0.5): 'OR but not AND'. With "
        "(1, -1) it computes 'AND but not OR', which never happens, so y is always 0.",
        output=_output_variant((1.0, -1.0), ref.XOR_OUT_B),
    ),
    Mistake(
        "forgot the step on the output",
        "y must be 0 or 1: y = step(H @ w2 + b2), not the weighted sum itself.",
        output=_output_variant(ref.XOR_OUT_W, ref.XOR_OUT_B, use_step=False),
    ),
)


def _xor_corners_shuffled(rng):
    X = np.tile(_CORNERS, (3, 1))
    return {"X": X[rng.permutation(len(X))]}


def _xor_random_points(rng):
    return {"X": rng.uniform(-0.5, 1.5, size=(int(rng.integers(30, 60)), 2))}


def _xor_on_lines(rng):
    # Multiples of 0.25 are exact in binary, so x1 + x2 is exactly 0.5 or 1.5.
    x1 = rng.integers(-2, 7, size=12) / 4.0
    total = rng.choice([0.5, 1.5], size=12)
    return {"X": np.column_stack([x1, total - x1])}


def _xor_probe(name, inputs):
    return Probe(name, inputs, lambda obj, i: obj(i["X"]), _xor_ref, XOR_MISTAKES)


register(
    Exercise(
        id="ex01_xor_network",
        title="The two-layer XOR network",
        obj_name="xor_network",
        points=2,
        outputs=("H", "y"),
        probes=(
            _xor_probe("the four corners", lambda rng: {"X": _CORNERS.copy()}),
            _xor_probe("the corners, repeated and shuffled", _xor_corners_shuffled),
            _xor_probe("random real points in [-0.5, 1.5]^2", _xor_random_points),
            _xor_probe(
                "points exactly on a hidden unit's line (x1 + x2 = 0.5 or 1.5)", _xor_on_lines
            ),
            _xor_probe(
                "a single random point (N = 1)",
                lambda rng: {"X": rng.uniform(-0.5, 1.5, size=(1, 2))},
            ),
        ),
    )
)


# ---------------------------------------------------------------- ex01_train_perceptron


def _train_variant(
    X,
    y,
    lr,
    epochs,
    *,
    sign=1.0,
    update_bias=True,
    ge=False,
    batch=False,
    count_after=False,
    reset_each_epoch=False,
    w0=0.0,
):
    """The learning rule with one deliberate mistake switched on (all off = the reference)."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    w, b = np.full(X.shape[1], w0), w0
    errors = np.zeros(epochs, dtype=np.int64)

    def predict(z):
        return (z >= 0).astype(np.float64) if ge else (z > 0).astype(np.float64)

    for epoch in range(epochs):
        if reset_each_epoch:
            w, b = np.zeros(X.shape[1]), 0.0
        if batch:
            delta = y - predict(X @ w + b)
            errors[epoch] = np.count_nonzero(delta)
            w = w + sign * lr * delta @ X
            b = b + (sign * lr * delta.sum() if update_bias else 0.0)
        else:
            for x_i, y_i in zip(X, y, strict=True):
                delta = y_i - float(predict(x_i @ w + b))
                if delta != 0:
                    errors[epoch] += 1
                    w = w + sign * lr * delta * x_i
                    if update_bias:
                        b = b + sign * lr * delta
        if count_after:
            errors[epoch] = np.count_nonzero(predict(X @ w + b) != y)
    return w, float(b), errors


def _train_output(**kw):
    def output(i):
        return _train_variant(i["X"], i["y"], i["lr"], i["epochs"], **kw)

    return output


def _train_ref(i):
    return ref.train_perceptron(i["X"], i["y"], lr=i["lr"], epochs=i["epochs"])


def _call_train(obj, i):
    return obj(i["X"], i["y"], lr=i["lr"], epochs=i["epochs"])


def _nonzero_start(got, i) -> bool:
    # Only used on a probe where the reference makes no update at all (w = 0, b = 0 stay).
    return (
        i.get("nothing_to_learn", False)
        and isinstance(got, tuple)
        and len(got) == 3
        and (np.any(np.asarray(got[0]) != 0) or np.any(np.asarray(got[1]) != 0))
    )


TRAIN_MISTAKES = (
    Mistake(
        "returned the wrong number of things",
        "Return the triple (w, b, errors): w shape (D,), b a float, errors shape (epochs,).",
        matches=lambda got, i: not (isinstance(got, tuple) and len(got) == 3),
    ),
    Mistake(
        "used >= instead of > when predicting",
        "y_hat = step(x_i @ w + b) is 1 only where x_i @ w + b > 0. With >=, the very "
        "first prediction (w = 0, b = 0, so z = 0) is already 1, and every run changes.",
        output=_train_output(ge=True),
    ),
    Mistake(
        "update sign reversed (y_hat - y)",
        "The rule adds lr * (y_i - y_hat) * x_i: when the target is 1 and the "
        "perceptron said 0, w must move towards x_i. You used (y_hat - y_i).",
        output=_train_output(sign=-1.0),
    ),
    Mistake(
        "bias never updated",
        "The bias learns too: b += lr * (y_i - y_hat) after each mistake (it is the "
        "weight of an input that is always 1).",
        output=_train_output(update_bias=False),
    ),
    Mistake(
        "whole-batch update instead of one sample at a time",
        "The perceptron rule visits the samples one at a time, in order, and updates w "
        "and b right after each mistake, so the next sample already sees the new weights. "
        "You predicted the whole batch with the same weights and then updated once.",
        output=_train_output(batch=True),
    ),
    Mistake(
        "counted errors after the epoch's updates",
        "errors[epoch] counts the mistakes made while going through the epoch (each one "
        "caused an update), not the mistakes of the weights left at the end of the epoch.",
        output=_train_output(count_after=True),
    ),
    Mistake(
        "weights reset to zero at every epoch",
        "Set w = 0 and b = 0 once, before the epoch loop; inside it the weights must "
        "carry over from one epoch to the next.",
        output=_train_output(reset_each_epoch=True),
    ),
    Mistake(
        "ignored lr",
        "Multiply each update by the learning rate: w += lr * (y_i - y_hat) * x_i and "
        "b += lr * (y_i - y_hat).",
        output=lambda i: _train_variant(i["X"], i["y"], 1.0, i["epochs"]),
    ),
    Mistake(
        "did not start from w = 0, b = 0",
        "Start every call from w = np.zeros(D) and b = 0.0. Here there is nothing to "
        "learn (one sample, label 0, and z = 0 gives y_hat = 0), so w and b must come "
        "back as exactly 0.",
        matches=_nonzero_start,
    ),
)


def _kept_state(got, i) -> bool:
    return (
        isinstance(got, tuple)
        and len(got) == 2
        and isinstance(got[0], tuple)
        and isinstance(got[1], tuple)
        and not same(got[0], got[1])
    )


def _twice(output):
    def both(i):
        once = output(i)
        return once, once

    return both


STATE_MISTAKES = (
    Mistake(
        "weights kept from a previous call",
        "Called twice on the same data, your function returned different results: the "
        "second call started from the weights the first one left behind (a global w, "
        "or a default argument like w=np.zeros(2) changed in place with +=). Create "
        "w = np.zeros(D) and b = 0.0 inside the function, on every call.",
        matches=_kept_state,
    ),
    *(
        Mistake(m.name, m.hint, output=_twice(m.output))
        for m in TRAIN_MISTAKES
        if m.output is not None
    ),
)


def _gate_set(name, lr, epochs, shuffle=False):
    def make(rng):
        X, y = gate_truth_table(name)
        if shuffle:
            order = rng.permutation(4)
            X, y = X[order], y[order]
        return {"X": X, "y": y, "lr": float(lr(rng)) if callable(lr) else lr, "epochs": epochs}

    return make


def _separable(rng):
    d = int(rng.integers(2, 7))
    n = int(rng.integers(10, 50))
    w_true = rng.standard_normal(d)
    X = rng.standard_normal((n, d))
    b_true = -np.median(X @ w_true)  # about half of each class
    y = (X @ w_true + b_true > 0).astype(np.int64)
    return {"X": X, "y": y, "lr": float(rng.uniform(0.05, 2.0)), "epochs": 20}


def _nothing_to_learn(rng):
    d = int(rng.integers(1, 5))
    return {
        "X": rng.standard_normal((1, d)),
        "y": np.array([0]),
        "lr": 1.0,
        "epochs": 1,
        "nothing_to_learn": True,
    }


def _train_probe(name, inputs, *, strict=False):
    return Probe(name, inputs, _call_train, _train_ref, TRAIN_MISTAKES, strict=strict)


register(
    Exercise(
        id="ex01_train_perceptron",
        title="The perceptron learning rule",
        obj_name="train_perceptron",
        points=3,
        outputs=("w", "b", "errors"),
        probes=(
            Probe(
                "two calls in a row on AND give the same result",
                _gate_set("AND", 1.0, 6),
                lambda obj, i: (_call_train(obj, i), _call_train(obj, i)),
                _twice(_train_ref),
                STATE_MISTAKES,
                outputs=(
                    ("first call", ("w", "b", "errors")),
                    ("second call", ("w", "b", "errors")),
                ),
            ),
            _train_probe("one sample labelled 0, one epoch (nothing to learn)", _nothing_to_learn),
            _train_probe("AND truth table, lr = 1, 10 epochs", _gate_set("AND", 1.0, 10)),
            _train_probe(
                "OR truth table in a random order, random lr, 8 epochs",
                _gate_set("OR", lambda rng: rng.uniform(0.1, 2.0), 8, shuffle=True),
            ),
            _train_probe(
                "random linearly separable data (D from 2 to 6, N from 10 to 49)", _separable
            ),
            _train_probe(
                "XOR truth table, 12 epochs (never converges)",
                _gate_set("XOR", lambda rng: rng.uniform(0.1, 2.0), 12),
            ),
        ),
    )
)
