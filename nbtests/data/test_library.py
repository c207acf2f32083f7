"""The library of chapters 00–01: correctness, determinism, and clear errors on bad input."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from utils import data, plots
from utils.experiments import descent as demos
from utils.perceptron import (
    GATE_WEIGHTS,
    perceptron,
    step,
    train_perceptron,
    xor_network,
)

RNG = np.random.default_rng


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ----- perceptron -----------------------------------------------------------------------


def test_step_is_one_only_for_strictly_positive_inputs():
    assert step(np.array([-1.0, 0.0, 1e-12, 5.0])).tolist() == [0, 0, 1, 1]


@pytest.mark.parametrize("gate", ["AND", "OR", "NAND"])
def test_hand_chosen_gate_weights_compute_their_gates(gate):
    X, y = data.gate_truth_table(gate)
    w, b = GATE_WEIGHTS[gate]
    assert perceptron(X, w, b).tolist() == y.tolist()


def test_xor_network_table():
    X, y = data.gate_truth_table("XOR")
    H, out = xor_network(X)
    assert H.tolist() == [[0, 0], [0, 1], [0, 1], [1, 1]]  # h1 = AND, h2 = OR
    assert out.tolist() == y.tolist()


def test_learning_rule_learns_and_but_not_xor():
    X, y = data.gate_truth_table("AND")
    w, b, errors = train_perceptron(X, y, lr=1.0, epochs=10)
    assert perceptron(X, w, b).tolist() == y.tolist() and errors[-1] == 0
    X, y = data.gate_truth_table("XOR")
    *_, errors = train_perceptron(X, y, lr=1.0, epochs=50)
    assert errors.min() > 0


def test_learning_rule_first_epoch_by_hand():
    # AND from zeros, lr 1: (0,0) ok; (0,1) ok; (1,0) ok; (1,1) wrong -> w=(1,1), b=1.
    X, y = data.gate_truth_table("AND")
    w, b, errors = train_perceptron(X, y, lr=1.0, epochs=1)
    assert w.tolist() == [1.0, 1.0] and b == 1.0 and errors.tolist() == [1]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: perceptron(np.zeros(3), np.zeros(3), 0.0),
            ValueError,
            r"perceptron: X must have shape \(N, D\) with N >= 1, got \(3,\)",
        ),
        (
            lambda: perceptron(np.zeros((4, 2)), np.zeros(3), 0.0),
            ValueError,
            r"perceptron: w must have shape \(2,\), got \(3,\)",
        ),
        (
            lambda: perceptron(np.zeros((4, 2)), np.zeros(2), "1"),
            TypeError,
            r"perceptron: b must be a real number, got str",
        ),
        (
            lambda: perceptron([["a", "b"]], np.zeros(2), 0.0),
            TypeError,
            r"perceptron: X must contain real numbers",
        ),
        (
            lambda: perceptron(np.zeros((4, 2)), np.zeros(2), np.nan),
            ValueError,
            r"perceptron: b must be finite",
        ),
        (lambda: step(["x"]), TypeError, r"step: z must be numeric"),
        (
            lambda: xor_network(np.zeros((4, 3))),
            ValueError,
            r"xor_network: X must have shape \(N, 2\), got \(4, 3\)",
        ),
        (
            lambda: train_perceptron(np.zeros((4, 2)), np.array([0, 1, 2, 1])),
            ValueError,
            r"train_perceptron: y must contain only 0 and 1",
        ),
        (
            lambda: train_perceptron(np.zeros((4, 2)), np.zeros(3)),
            ValueError,
            r"train_perceptron: y must have shape \(4,\), got \(3,\)",
        ),
        (
            lambda: train_perceptron(np.zeros((4, 2)), np.zeros(4), lr=0),
            ValueError,
            r"train_perceptron: lr must be > 0",
        ),
        (
            lambda: train_perceptron(np.zeros((4, 2)), np.zeros(4), epochs=0),
            ValueError,
            r"train_perceptron: epochs must be an int >= 1",
        ),
    ],
)
def test_perceptron_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ----- data -----------------------------------------------------------------------------

MAKERS = [data.xor, data.circles, data.moons, data.spirals, data.gaussians]


@pytest.mark.parametrize("make", MAKERS)
def test_data_sets_are_seeded_shaped_and_balanced(make):
    X1, y1 = make(100, rng=RNG(3))
    X2, y2 = make(100, rng=RNG(3))
    assert X1.shape == (100, 2) and X1.dtype == np.float64
    assert y1.shape == (100,) and y1.dtype == np.int64
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert not np.array_equal(X1, make(100, rng=RNG(4))[0])
    counts = np.bincount(y1)
    assert counts.min() >= 20


def test_zero_noise_xor_sits_on_the_corners():
    X, y = data.xor(40, noise=0.0, rng=RNG(0))
    assert set(map(tuple, X)) <= {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert np.array_equal(y, (X[:, 0] != X[:, 1]).astype(int))


def test_truth_tables():
    X, y = data.gate_truth_table("nand")
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]] and y.tolist() == [1, 1, 1, 0]


@pytest.mark.parametrize("make", [*MAKERS, data.noisy_sine])
def test_data_sets_refuse_bad_input(make):
    with pytest.raises(TypeError, match=rf"{make.__name__}: rng must be a numpy.random.Generator"):
        make(10, rng=0)
    with pytest.raises(ValueError, match=rf"{make.__name__}: n must be >= "):
        make(0, rng=RNG(0))
    with pytest.raises(TypeError, match=rf"{make.__name__}: n must be an int, got float"):
        make(10.5, rng=RNG(0))


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: data.gate_truth_table("XAND"), ValueError, r"name must be one of \['AND'"),
        (lambda: data.xor(10, noise=-1, rng=RNG(0)), ValueError, r"xor: noise must be >= 0"),
        (lambda: data.circles(10, factor=2, rng=RNG(0)), ValueError, r"factor must be in \(0, 1\)"),
        (lambda: data.spirals(10, classes=1, rng=RNG(0)), ValueError, r"classes must be >= 2"),
        (lambda: data.spirals(10, turns=0, rng=RNG(0)), ValueError, r"turns must be > 0"),
        (
            lambda: data.gaussians(10, centers=[1, 2], rng=RNG(0)),
            ValueError,
            r"centers must have shape \(C, 2\), got \(2,\)",
        ),
    ],
)
def test_data_bad_options(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ----- demos ----------------------------------------------------------------------------


def _line(n=40):
    rng = RNG(1)
    x = rng.uniform(-1, 1, n)
    return x, 2 * x + 0.5 + 0.1 * rng.standard_normal(n)


def test_fit_line_sgd_learns_the_line_and_records_its_history():
    x, t = _line()
    h = demos.fit_line_sgd(x, t, lr=0.1, batch_size=8, steps=200, rng=RNG(0))
    assert h["w"].shape == h["b"].shape == h["loss"].shape == (201,)
    assert len(h["batches"]) == 200 and all(len(set(b)) == 8 for b in h["batches"])
    assert abs(h["w"][-1] - 2) < 0.15 and abs(h["b"][-1] - 0.5) < 0.1
    assert h["loss"][-1] < 0.05 * h["loss"][0] and h["diverged_at"] is None
    # the loss stored is the full-data MSE of the stored parameters
    k = 17
    assert np.isclose(h["loss"][k], np.mean((h["w"][k] * x + h["b"][k] - t) ** 2))


def test_fit_line_sgd_reports_divergence_without_warnings():
    x, t = _line()
    with np.errstate(all="raise"):
        h = demos.fit_line_sgd(x, t, lr=5.0, batch_size=8, steps=100, rng=RNG(0))
    k = h["diverged_at"]
    assert k is not None and 1 <= k < 100
    assert np.isfinite(h["loss"][: k + 1]).all() and np.isnan(h["loss"][k + 1 :]).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lr": 0}, r"fit_line_sgd: lr must be > 0"),
        ({"batch_size": 100}, r"fit_line_sgd: batch_size must be <= N = 40, got 100"),
        ({"steps": 0}, r"fit_line_sgd: steps must be >= 1"),
        ({"rng": None}, r"fit_line_sgd: rng must be a numpy.random.Generator"),
    ],
)
def test_fit_line_sgd_bad_input(kwargs, message):
    x, t = _line()
    args = {"lr": 0.1, "batch_size": 8, "steps": 5, "rng": RNG(0)} | kwargs
    with pytest.raises((ValueError, TypeError), match=message):
        demos.fit_line_sgd(x, t, **args)


# ----- plots ----------------------------------------------------------------------------


def test_plot_functions_return_axes_and_draw():
    X, y = data.moons(60, rng=RNG(0))
    ax = plots.plot_decision_regions(lambda Z: (Z[:, 1] > 0.25).astype(int), X, y)
    assert ax.collections, "nothing drawn"
    ax = plots.plot_decision_regions(lambda Z: 1 / (1 + np.exp(-Z[:, 0])), X, y, title="p")
    assert ax.get_title() == "p"
    ax = plots.plot_gate("AND", *GATE_WEIGHTS["AND"])
    assert ax.get_title() == "AND: solved"
    ax = plots.plot_gate("XOR", *GATE_WEIGHTS["OR"])
    assert ax.get_title() == "XOR: not solved"
    ax_x, ax_h = plots.plot_xor_spaces()
    assert ax_h.lines, "the separating line in h-space is missing"
    ax = plots.plot_curves(np.arange(3), {"train": [3, 2, 1], "val": [3, 2, 2]}, xlabel="epoch")
    assert [ln.get_label() for ln in ax.lines] == ["train", "val"]
    axes = plots.plot_matrices([(np.eye(2), "I"), (np.ones(2), "b")])
    assert len(axes) == 2 and "shape (2,)" in axes[1].get_title()
    x, t = _line()
    h = demos.fit_line_sgd(x, t, steps=5, rng=RNG(0))
    ax_fit, ax_loss = plots.plot_regression_step(x, t, h, 5)
    assert ax_loss.get_title().startswith("loss =")


def test_boundary_line_is_where_the_perceptron_switches():
    fig, ax = plt.subplots()
    ax.set_xlim(-1, 2)
    ax.set_ylim(-1, 2)
    w, b = np.array([1.0, 2.0]), -1.0
    plots.plot_boundary_line(w, b, ax=ax)
    xs, ys = ax.lines[0].get_data()
    assert np.allclose(w[0] * np.asarray(xs) + w[1] * np.asarray(ys) + b, 0)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: plots.plot_points(np.zeros((3, 3)), [0, 1, 0]),
            ValueError,
            r"plot_points: X must have shape \(N, 2\), got \(3, 3\)",
        ),
        (
            lambda: plots.plot_points(np.zeros((3, 2)), [0, 1]),
            ValueError,
            r"plot_points: y must have shape \(3,\) to match X, got \(2,\)",
        ),
        (
            lambda: plots.plot_points(np.zeros((2, 2)), [0.5, 1]),
            ValueError,
            r"plot_points: y must hold integer class labels",
        ),
        (
            lambda: plots.plot_decision_regions("f", np.zeros((3, 2)), [0, 1, 0]),
            TypeError,
            r"plot_decision_regions: predict must be callable",
        ),
        (
            lambda: plots.plot_decision_regions(lambda Z: Z, np.zeros((3, 2)), [0, 1, 0]),
            ValueError,
            r"plot_decision_regions: predict must return shape \(40000,\)",
        ),
        (
            lambda: plots.plot_boundary_line([1, 2, 3], 0),
            ValueError,
            r"plot_boundary_line: w must have shape \(2,\)",
        ),
        (lambda: plots.plot_gate("XAND", [1, 1], 0), ValueError, r"name must be one of"),
        (
            lambda: plots.plot_curves([0, 1], {"a": [1, 2, 3]}),
            ValueError,
            r"plot_curves: curves\['a'\] must have shape \(2,\), got \(3,\)",
        ),
        (
            lambda: plots.plot_curves([0, 1], []),
            TypeError,
            r"plot_curves: curves must be a non-empty dict",
        ),
        (lambda: plots.plot_matrices([np.eye(2)]), TypeError, r"plot_matrices: items\[0\] must be"),
        (
            lambda: plots.plot_matrices([(np.zeros((2, 2, 2)), "T")]),
            ValueError,
            r"plot_matrices: items\[0\] must be 1-D or 2-D",
        ),
        (
            lambda: plots.plot_regression_step([0, 1], [0, 1], {}, 0),
            TypeError,
            r"plot_regression_step: history must be the dict from utils.experiments.descent.fit_line_sgd",
        ),
    ],
)
def test_plots_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_plot_regression_step_refuses_a_step_out_of_range():
    x, t = _line()
    h = demos.fit_line_sgd(x, t, steps=5, rng=RNG(0))
    with pytest.raises(ValueError, match=r"step must be an int in \[0, 5\], got 6"):
        plots.plot_regression_step(x, t, h, 6)


def test_topic_modules_export_distinct_names():
    """``utils.plots`` and ``utils.widgets`` re-export every topic module with ``*``: a name in
    two modules would silently shadow one of them."""
    import importlib
    import pkgutil

    for package in ("utils.plots", "utils.widgets"):
        owner: dict[str, str] = {}
        pkg = importlib.import_module(package)
        for info in pkgutil.iter_modules(pkg.__path__):
            module = importlib.import_module(f"{package}.{info.name}")
            for name in getattr(module, "__all__", []):
                assert name not in owner, f"{package}: {name} in both {owner[name]} and {info.name}"
                owner[name] = info.name
        assert set(owner) == set(pkg.__all__), f"{package}.__all__ misses a topic module"
