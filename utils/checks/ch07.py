"""Checks of chapter 07 (Weight initialization).

Exercises: ``ex07_xavier_normal``, ``ex07_xavier_uniform``, ``ex07_he_normal``,
``ex07_he_uniform``, ``ex07_activation_histograms``.

The four initializers are compared with :mod:`utils.nn` (``xavier_normal``,
``xavier_uniform``, ``he_normal``, ``he_uniform``) in three ways:

- *statistics* on a large matrix (hundreds of thousands of entries, so the sample standard
  deviation is within about 0.3 % of the true one): a wrong formula is named by the standard
  deviation it produces (fan_out instead of fan_in, the often-seen ``2 / sqrt(n + m)``, the
  other convention ``sqrt(1 / n)``, a missing square root, a normal's std used as a uniform's
  limit);
- *exact draws*: the same seed must give exactly the reference's numbers, which holds only
  when the draw is ``rng.standard_normal((fan_in, fan_out)) * std`` (or ``rng.normal(0, std,
  ...)``, the same numbers) and ``rng.uniform(-limit, limit, size=(fan_in, fan_out))``;
- *determinism*: two generators with the same seed must give the same matrix, which fails
  when the code draws from NumPy's global state (``np.random.randn``) instead of ``rng``.

The student's function receives a fresh ``numpy.random.Generator`` built inside the probe
from a seed (plain data), so the grader can rebuild it in the child process.

``ex07_activation_histograms`` is compared with
:func:`utils.experiments.initialization.layer_activations`, which draws each layer's weights
from ``rng`` in layer order.
"""

from __future__ import annotations

import functools

import numpy as np

from utils import nn
from utils.checks import Exercise, Mistake, Probe, register
from utils.experiments.initialization import HISTOGRAM_ACTIVATIONS, layer_activations

__all__: list[str] = []


# ------------------------------------------------------------------ the four initializers


def _std_of(kind: str, n: int, m: int) -> float:
    """Standard deviation of the weights for each correct and mistaken formula."""
    table = {
        "xavier": np.sqrt(2.0 / (n + m)),
        "he": np.sqrt(2.0 / n),
        "he_fan_out": np.sqrt(2.0 / m),
        "misquoted": 2.0 / np.sqrt(n + m),
        "lecun": np.sqrt(1.0 / n),
        "xavier_no_sqrt": 2.0 / (n + m),
        "he_no_sqrt": 2.0 / n,
    }
    return float(table[kind])


def _fresh(i: dict) -> np.random.Generator:
    return np.random.default_rng(int(i["seed"]))


def _stats_inputs(rng) -> dict:
    # fan_in clearly different from fan_out, so every wrong formula gives another std.
    return {
        "fan_in": int(rng.integers(900, 1300)),
        "fan_out": int(rng.integers(200, 350)),
        "seed": int(rng.integers(0, 2**31)),
    }


def _square_inputs(rng) -> dict:
    n = int(rng.integers(400, 600))
    return {
        "fan_in": n,
        "fan_out": int(rng.integers(150, 250)),
        "seed": int(rng.integers(0, 2**31)),
    }


def _small_inputs(rng) -> dict:
    return {
        "fan_in": int(rng.integers(3, 9)),
        "fan_out": int(rng.integers(10, 16)),
        "seed": int(rng.integers(0, 2**31)),
    }


def _call_stats(obj, i):
    W = np.asarray(obj(i["fan_in"], i["fan_out"], rng=_fresh(i)), dtype=np.float64)
    if W.shape != (i["fan_in"], i["fan_out"]):
        return W.shape  # a shape (tuple of ints): named by the shape mistake
    return float(W.std()), float(W.mean())


def _call_range(obj, i):
    W = np.asarray(obj(i["fan_in"], i["fan_out"], rng=_fresh(i)), dtype=np.float64)
    if W.shape != (i["fan_in"], i["fan_out"]):
        return W.shape
    return float(np.abs(W).max()), float(np.abs(W).max() / W.std())


def _call_draws(obj, i):
    return np.asarray(obj(i["fan_in"], i["fan_out"], rng=_fresh(i)))


def _call_twice(obj, i):
    first = np.asarray(obj(i["fan_in"], i["fan_out"], rng=_fresh(i)), dtype=np.float64)
    second = np.asarray(obj(i["fan_in"], i["fan_out"], rng=_fresh(i)), dtype=np.float64)
    if first.shape != second.shape:
        return float("inf")
    return float(np.abs(first - second).max())


def _std_is(kind: str, factor: float = 1.0):
    """Matches a (std, mean) result whose std is that of formula ``kind`` (times ``factor``)."""

    def matches(got, i):
        want = factor * _std_of(kind, i["fan_in"], i["fan_out"])
        return isinstance(got, tuple) and len(got) == 2 and abs(got[0] - want) <= 0.02 * want

    return matches


def _transposed(got, i) -> bool:
    return tuple(np.shape(got)) == (i["fan_out"], i["fan_in"]) or got == (i["fan_out"], i["fan_in"])


WRONG_SHAPE = Mistake(
    "wrong shape (fan_out, fan_in)",
    "W must have shape (fan_in, fan_out): batches are rows, a layer computes X @ W with X of "
    "shape (N, fan_in), so W has one row per input and one column per unit.",
    matches=_transposed,
)

GLOBAL_STATE = Mistake(
    "used np.random global state instead of rng",
    "Two generators with the same seed gave different matrices, so your code does not draw "
    "from the rng argument (np.random.randn / np.random.uniform use NumPy's global state). "
    "Draw with rng.standard_normal(...) or rng.uniform(...), so a seed reproduces the run.",
    matches=lambda got, i: isinstance(got, float) and got > 0,
)

NOTES_FORMULA = Mistake(
    "the misquoted formula 2/sqrt(n+m)",
    "2 / sqrt(n + m) is not Glorot's formula: the variance is 2 / (n + m), so the std is "
    "sqrt(2 / (n + m)). For n = m = 100 the misquoted formula gives 0.141 instead of 0.1.",
    matches=_std_is("misquoted"),
)

LECUN = Mistake(
    "sqrt(1/n): the other convention",
    "std = sqrt(1 / fan_in) is the 'fan-in only' variant some libraries call Xavier or LeCun "
    "initialization (it keeps the forward variance only). This exercise asks for Glorot's "
    "compromise between the forward and backward passes: std = sqrt(2 / (fan_in + fan_out)).",
    matches=_std_is("lecun"),
)

XAVIER_NO_SQRT = Mistake(
    "missing sqrt",
    "2 / (n + m) is the variance; the standard deviation is its square root, "
    "sqrt(2 / (fan_in + fan_out)).",
    matches=_std_is("xavier_no_sqrt"),
)

HE_FAN_OUT = Mistake(
    "He with fan_out instead of fan_in",
    "He's std is sqrt(2 / fan_in): the variance of a unit's input sums over its fan_in "
    "incoming weights. You used fan_out (the number of units of the layer).",
    matches=_std_is("he_fan_out"),
)

HE_NO_SQRT = Mistake(
    "missing sqrt",
    "2 / fan_in is the variance; the standard deviation is sqrt(2 / fan_in).",
    matches=_std_is("he_no_sqrt"),
)

HE_NO_TWO = Mistake(
    "forgot the factor 2",
    "sqrt(1 / fan_in) keeps the variance through a linear layer, but ReLU zeroes half of "
    "its inputs and halves the second moment: He's std is sqrt(2 / fan_in).",
    matches=_std_is("lecun"),
)

HE_USED_XAVIER = Mistake(
    "used Xavier's formula",
    "sqrt(2 / (fan_in + fan_out)) is Xavier/Glorot. He's std depends on fan_in only: "
    "sqrt(2 / fan_in).",
    matches=_std_is("xavier"),
)


def _uniform_mistakes(kind: str) -> tuple:
    """Mistakes of a uniform initializer seen in its (std, mean): limit = the normal's std."""
    base = "sqrt(6 / (fan_in + fan_out))" if kind == "xavier" else "sqrt(6 / fan_in)"
    normal_std = "sqrt(2 / (fan_in + fan_out))" if kind == "xavier" else "sqrt(2 / fan_in)"
    return (
        Mistake(
            "used the normal's std as the uniform limit",
            f"A uniform on [-a, a] has variance a^2 / 3, not a^2. To get the variance "
            f"of the normal version the limit must be sqrt(3) times its std: a = {base}, "
            f"not {normal_std}.",
            matches=_std_is(kind, 1 / np.sqrt(3.0)),
        ),
        Mistake(
            "drew from a normal instead of a uniform",
            f"The largest |w| exceeds the limit {base}: your weights are not uniform on "
            f"[-limit, limit] (a uniform's largest |w| is about sqrt(3) times its std; "
            f"yours is more than 3 times). Use rng.uniform(-limit, limit, size=(fan_in, fan_out)).",
            matches=lambda got, i: isinstance(got, tuple) and len(got) == 2 and got[1] > 3.0,
        ),
        Mistake(
            "drew on [0, limit] instead of [-limit, limit]",
            "The weights must be centred on 0: draw uniformly on [-limit, limit] "
            "(rng.uniform(-limit, limit, size=...)), not on [0, limit].",
            matches=lambda got, i: (
                isinstance(got, tuple)
                and len(got) == 2
                and got[1] > 0.2 * _std_of(kind, i["fan_in"], i["fan_out"])
            ),
        ),
    )


def _right_stats(kind: str):
    def matches(got, i):
        want = _std_of(kind, i["fan_in"], i["fan_out"])
        return (
            np.shape(got) == (i["fan_in"], i["fan_out"])
            and abs(float(np.std(got)) - want) <= 0.03 * want
        )

    return matches


def _draw_method(kind: str) -> dict:
    return {
        "normal": Mistake(
            "right distribution, different draws",
            "Your weights have the right statistics but not the reference's numbers for this seed. "
            "The exercise requires exactly rng.standard_normal((fan_in, fan_out)) * std "
            "(one call, drawn in this shape, from the rng argument).",
            matches=_right_stats(kind),
        ),
        "uniform": Mistake(
            "right distribution, different draws",
            "Your weights have the right statistics but not the reference's numbers for this seed. "
            "The exercise requires exactly rng.uniform(-limit, limit, size=(fan_in, fan_out)) "
            "(one call, from the rng argument).",
            matches=_right_stats(kind),
        ),
    }


_STATS = ("W.std()", "W.mean()")


def _init_exercise(
    ex_id: str, title: str, obj_name: str, reference, kind: str, dist: str, formula_mistakes: tuple
) -> Exercise:
    def expected_stats(i):
        return _std_of(kind, i["fan_in"], i["fan_out"]), 0.0

    def expected_draws(i):
        return reference(i["fan_in"], i["fan_out"], rng=_fresh(i))

    stats_mistakes = (WRONG_SHAPE, *formula_mistakes)
    probes = [
        # The sample mean of n*m draws scatters by std / sqrt(n*m): up to 1.1e-4 for the large
        # matrix and 2.9e-4 for the other size (He, the widest std). atol is about 6 of those,
        # so a correct answer fails with a probability below 1e-8 whatever the grader's seed.
        Probe(
            "std and mean of a large matrix",
            _stats_inputs,
            _call_stats,
            expected_stats,
            stats_mistakes,
            rtol=0.01,
            atol=7e-4,
            outputs=_STATS,
        ),
        Probe(
            "std and mean, another size",
            _square_inputs,
            _call_stats,
            expected_stats,
            stats_mistakes,
            rtol=0.015,
            atol=1.8e-3,
            outputs=_STATS,
        ),
    ]
    if dist == "uniform":

        def expected_limit(i):
            return float(np.sqrt(3.0) * _std_of(kind, i["fan_in"], i["fan_out"])), float(
                np.sqrt(3.0)
            )

        probes.append(
            Probe(
                "largest |w| is the limit",
                _stats_inputs,
                _call_range,
                expected_limit,
                (WRONG_SHAPE, *formula_mistakes),
                rtol=0.005,
                outputs=("the largest |w|", "the largest |w| / W.std()"),
            )
        )
    probes += [
        Probe(
            "exact draws for a seed (large)",
            _stats_inputs,
            _call_draws,
            expected_draws,
            (WRONG_SHAPE, _draw_method(kind)[dist]),
            outputs="W",
        ),
        Probe(
            "exact draws for a seed (small, fan_in < fan_out)",
            _small_inputs,
            _call_draws,
            expected_draws,
            (WRONG_SHAPE, _draw_method(kind)[dist]),
            outputs="W",
        ),
        Probe(
            "same seed, same matrix",
            _small_inputs,
            _call_twice,
            lambda i: 0.0,
            (GLOBAL_STATE,),
            atol=0.0,
            rtol=0.0,
            outputs="the largest difference between two calls with the same seed",
        ),
    ]
    return Exercise(id=ex_id, title=title, obj_name=obj_name, points=1, probes=tuple(probes))


# Registered after ex07_activation_histograms below: the notebook teaches the experiment first.
_INIT_EXERCISES = (
    _init_exercise(
        "ex07_xavier_normal",
        "Xavier/Glorot normal initialization",
        "xavier_normal",
        nn.xavier_normal,
        "xavier",
        "normal",
        (NOTES_FORMULA, LECUN, XAVIER_NO_SQRT),
    ),
    _init_exercise(
        "ex07_xavier_uniform",
        "Xavier/Glorot uniform initialization",
        "xavier_uniform",
        nn.xavier_uniform,
        "xavier",
        "uniform",
        (
            *_uniform_mistakes("xavier"),
            Mistake(
                "the misquoted formula 2/sqrt(n+m)",
                "Glorot's variance is 2 / (n + m); the uniform limit with that "
                "variance is sqrt(6 / (n + m)). The often-seen 2 / sqrt(n + m) is not "
                "Glorot's formula.",
                matches=lambda got, i: (
                    _std_is("misquoted", 1 / np.sqrt(3.0))(got, i) or _std_is("misquoted")(got, i)
                ),
            ),
            Mistake(
                "sqrt(1/n): the other convention",
                "The limit sqrt(3 / fan_in) belongs to the fan-in-only convention. "
                "This exercise asks for Glorot's limit sqrt(6 / (fan_in + fan_out)).",
                matches=_std_is("lecun"),
            ),
        ),
    ),
    _init_exercise(
        "ex07_he_normal",
        "He/Kaiming normal initialization",
        "he_normal",
        nn.he_normal,
        "he",
        "normal",
        (HE_FAN_OUT, HE_NO_TWO, HE_USED_XAVIER, HE_NO_SQRT),
    ),
    _init_exercise(
        "ex07_he_uniform",
        "He/Kaiming uniform initialization",
        "he_uniform",
        nn.he_uniform,
        "he",
        "uniform",
        (
            *_uniform_mistakes("he"),
            Mistake(
                "He with fan_out instead of fan_in",
                "He's limit is sqrt(6 / fan_in): the variance of a unit's input "
                "sums over its fan_in incoming weights. You used fan_out.",
                matches=_std_is("he_fan_out"),
            ),
            Mistake(
                "forgot the factor 2",
                "sqrt(3 / fan_in) is the limit for variance 1 / fan_in; ReLU "
                "halves the second moment, so He's variance is 2 / fan_in and the "
                "limit sqrt(6 / fan_in).",
                matches=_std_is("lecun"),
            ),
        ),
    ),
)


# ---------------------------------------------------------- ex07_activation_histograms


def _init_from(i: dict):
    if i["init"] == "normal":
        return functools.partial(nn.normal, std=float(i["std"]))
    return nn.INITIALIZERS[i["init"]]


def _hist_inputs(n, d, activation, init, std=1.0, n_layers=None, width=None):
    def make(rng):
        i = {
            "X": rng.standard_normal((n, d)),
            "activation": activation,
            "init": init,
            "std": std,
            "seed": int(rng.integers(0, 2**31)),
        }
        if n_layers is not None:
            i["n_layers"], i["width"] = n_layers, width
        return i

    return make


def _kwargs(i: dict) -> dict:
    return {k: i[k] for k in ("n_layers", "width") if k in i}


def _call_hist(obj, i):
    out = obj(
        i["X"], _init_from(i), HISTOGRAM_ACTIVATIONS[i["activation"]], rng=_fresh(i), **_kwargs(i)
    )
    return tuple(np.asarray(a) for a in out) if isinstance(out, list | tuple) else out


def _expected_hist(i):
    return tuple(
        layer_activations(
            i["X"],
            _init_from(i),
            HISTOGRAM_ACTIVATIONS[i["activation"]],
            rng=_fresh(i),
            **_kwargs(i),
        )
    )


def _variant(i: dict, kind: str):
    """What a mistaken version of the experiment returns."""
    init, act, rng = _init_from(i), HISTOGRAM_ACTIVATIONS[i["activation"]], _fresh(i)
    n_layers, width = i.get("n_layers", 5), i.get("width", 100)
    X = np.asarray(i["X"], dtype=np.float64)
    H, out, W = X, [], None
    for _ in range(n_layers):
        if kind == "same W":
            W = init(H.shape[1], width, rng=rng) if W is None else W
        else:
            W = init((X if kind == "not chained" else H).shape[1], width, rng=rng)
        if kind == "activation first":
            H = act(H) @ W
        elif kind == "not chained":
            H = act(X @ W)
        elif kind == "pre-activation":
            Z = H @ W
            out.append(Z)
            H = act(Z)
            continue
        else:
            H = act(H @ W)
        out.append(H)
    return tuple(out)


HIST_MISTAKES = (
    Mistake(
        "activation applied before the matmul",
        "Each layer computes H = activation(H_prev @ W): the matrix product first, then the "
        "activation. You computed activation(H_prev) @ W, so the outputs are not squashed "
        "and the input X itself went through the activation.",
        output=lambda i: _variant(i, "activation first"),
    ),
    Mistake(
        "reused the same W for every layer",
        "Draw a new weight matrix for every layer (call init once per layer, inside the "
        "loop). With one W shared by all layers the layers are not independent, and the "
        "draws from rng differ from the reference's.",
        output=lambda i: _variant(i, "same W"),
    ),
    Mistake(
        "did not feed each layer's output to the next",
        "Layer k's input is layer k-1's output: set H = activation(H @ W) and use that H "
        "in the next iteration. You applied every layer to X itself.",
        output=lambda i: _variant(i, "not chained"),
    ),
    Mistake(
        "stored the pre-activations",
        "Store each layer's output after the activation, activation(H @ W), not H @ W: "
        "the histograms are of the activations.",
        output=lambda i: _variant(i, "pre-activation"),
    ),
    Mistake(
        "returned only the last layer",
        "Return a list with one array per layer (n_layers arrays of shape (N, width)), "
        "not just the last one.",
        matches=lambda got, i: isinstance(got, np.ndarray),
    ),
)

register(
    Exercise(
        id="ex07_activation_histograms",
        title="The activations of a deep stack of layers",
        obj_name="layer_activations",
        points=2,
        outputs="activations",
        probes=(
            Probe(
                "sigmoid, std 1, 5 layers of 100 (defaults), X (200, 100)",
                _hist_inputs(200, 100, "sigmoid", "normal", 1.0),
                _call_hist,
                _expected_hist,
                HIST_MISTAKES,
            ),
            Probe(
                "tanh, Xavier, 4 layers of 50, X (80, 50)",
                _hist_inputs(80, 50, "tanh", "xavier_normal", n_layers=4, width=50),
                _call_hist,
                _expected_hist,
                HIST_MISTAKES,
            ),
            Probe(
                "relu, He, 3 layers of 30, X (40, 12): input width differs from the layers'",
                _hist_inputs(40, 12, "relu", "he_normal", n_layers=3, width=30),
                _call_hist,
                _expected_hist,
                HIST_MISTAKES,
            ),
            Probe(
                "sigmoid, std 0.01, 2 layers of 7, X (5, 7)",
                _hist_inputs(5, 7, "sigmoid", "normal", 0.01, n_layers=2, width=7),
                _call_hist,
                _expected_hist,
                HIST_MISTAKES,
            ),
        ),
    )
)
register(*_INIT_EXERCISES)
