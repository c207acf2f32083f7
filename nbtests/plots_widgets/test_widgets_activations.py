"""Chapter 02's figures and widgets, without a browser: set values, check what is drawn."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from utils import nn
from utils.plots import ACTIVATIONS, plot_activation, plot_probabilities
from utils.widgets import activation_explorer, softmax_temperature_explorer


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ------------------------------------------------------------ plot functions


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_plot_activation_draws_f_and_its_derivative(name):
    ax = plot_activation(name)
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert {"$f(x)$", "$f'(x)$"} <= set(lines)
    x, f = lines["$f(x)$"].get_data()
    spec = ACTIVATIONS[name]
    np.testing.assert_allclose(f, spec.f(np.asarray(x), spec.default_alpha))
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    assert ax.get_legend() is not None


def test_plot_activation_uses_alpha_and_marks_a_point():
    ax = plot_activation("leaky_relu", alpha=0.2, mark=-2.0)
    x, f = next(line for line in ax.get_lines() if line.get_label() == "$f(x)$").get_data()
    np.testing.assert_allclose(f, nn.leaky_relu(np.asarray(x), 0.2))
    assert "0.2" in ax.get_title()
    assert any(line.get_label() == "tangent" for line in ax.get_lines())


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"name": "softmax"}, ValueError, "plot_activation: name must be one of"),
        ({"name": "relu6"}, ValueError, "plot_activation: name must be one of"),
        ({"name": "elu", "alpha": -1.0}, ValueError, "alpha must be >= 0"),
        ({"name": "relu", "x": np.zeros((3, 2))}, ValueError, "plot_activation"),
    ],
)
def test_plot_activation_rejects_bad_input(kwargs, error, match):
    name = kwargs.pop("name")
    with pytest.raises(error, match=match):
        plot_activation(name, **kwargs)


def test_plot_probabilities_draws_one_bar_per_class():
    p = nn.softmax(np.array([[3.2, 5.1, -1.7]]))[0]
    ax = plot_probabilities(p, ["cat", "car", "frog"], title="softmax")
    heights = [patch.get_height() for patch in ax.patches]
    np.testing.assert_allclose(heights, p)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["cat", "car", "frog"]
    assert ax.get_ylabel() == "probability" and ax.get_title() == "softmax"


@pytest.mark.parametrize(
    "probs, labels, match",
    [
        ([0.5, 0.5], ["a"], "labels must be a sequence of 2"),
        ([0.5, 0.5], "ab", "labels must be a sequence of 2"),
        ([0.5, 1.5], ["a", "b"], r"probs must be finite numbers in \[0, 1\]"),
        ([np.nan, 0.5], ["a", "b"], r"probs must be finite numbers in \[0, 1\]"),
    ],
)
def test_plot_probabilities_rejects_bad_input(probs, labels, match):
    with pytest.raises(ValueError, match=f"plot_probabilities: {match}"):
        plot_probabilities(probs, labels)


# ------------------------------------------------------------ activation_explorer


def test_activation_explorer_switches_activation_and_redraws():
    w = activation_explorer("relu")
    assert set(w.controls) == {"activation", "alpha", "x"}
    assert w.message.startswith("ReLU: f(1.0) = 1.0000, f'(1.0) = 1.0000")
    assert "alpha has no effect on ReLU" in w.message
    before = w.image.value
    w.controls["activation"].value = "sigmoid"
    assert w.image.value != before
    assert w.figure.axes[0].get_title() == "sigmoid"
    assert "f'(1.0) = 0.1966" in w.message and "range (0, 1)" in w.message
    assert "largest slope 0.25" in w.message


def test_activation_explorer_alpha_changes_the_negative_side():
    w = activation_explorer("leaky_relu", x0=-2.0)
    assert "f(-2.0) = -0.0200" in w.message and "f'(-2.0) = 0.0100" in w.message
    before = w.image.value
    w.controls["alpha"].value = 0.5
    assert w.image.value != before
    assert "f(-2.0) = -1.0000" in w.message
    ax = w.figure.axes[0]
    x, f = next(line for line in ax.get_lines() if line.get_label() == "$f(x)$").get_data()
    np.testing.assert_allclose(f, nn.leaky_relu(np.asarray(x), 0.5))
    w.controls["alpha"].value = 0.0
    assert "this is plain ReLU" in w.message


def test_activation_explorer_elu_range_follows_alpha_and_extremes_stay_finite():
    w = activation_explorer("elu", alpha=2.0)
    assert "range (-2, inf)" in w.message
    w.controls["x"].value = -5.0
    assert "nan" not in w.message and "inf," not in w.message.split("range")[0]
    w.controls["alpha"].value = 0.0
    assert "flat at 0" in w.message


def test_activation_explorer_saturation_shows_in_the_status():
    w = activation_explorer("tanh")
    w.controls["x"].value = 5.0
    assert "f'(5.0) = 0.0002" in w.message


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"name": "softmax"}, "name must be one of"),
        ({"alpha": 3.0}, r"alpha must be in \[0, 2\]"),
        ({"x0": 9.0}, r"x0 must be in \[-5, 5\]"),
    ],
)
def test_activation_explorer_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=f"activation_explorer: {match}"):
        activation_explorer(**kwargs)


# ------------------------------------------------------------ softmax_temperature_explorer


def test_temperature_explorer_reports_the_worked_example():
    w = softmax_temperature_explorer()
    assert w.message.startswith("T = 1.00: cat 0.130, car 0.869, frog 0.001 (sum 1.000)")
    heights = [p.get_height() for p in w.figure.axes[0].patches]
    np.testing.assert_allclose(heights, nn.softmax(np.array([[3.2, 5.1, -1.7]]))[0])


def test_temperature_explorer_sharpens_and_flattens():
    w = softmax_temperature_explorer()
    before = w.image.value
    w.controls["T"].value = 0.05  # the smallest: one-hot, no overflow
    assert "car 1.000" in w.message and "entropy 0.000" in w.message
    assert w.image.value != before
    w.controls["T"].value = 20.0
    heights = np.array([p.get_height() for p in w.figure.axes[0].patches])
    assert heights.max() - heights.min() < 0.15  # close to uniform
    assert "nan" not in w.message


def test_temperature_explorer_handles_huge_scores():
    w = softmax_temperature_explorer((1000.0, 1001.0, -1000.0), ("a", "b", "c"), temperature=0.05)
    assert "b 1.000" in w.message and "nan" not in w.message


@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        (((1.0,), ("a",)), {}, "scores must be at least 2 finite numbers"),
        (((1.0, np.inf), ("a", "b")), {}, "scores must be at least 2 finite numbers"),
        (((1.0, 2.0), ("a",)), {}, "labels must name the 2 scores"),
        (((1.0, 2.0), ("a", "b")), {"temperature": 0.0}, r"temperature must be in \[0.05, 20\]"),
    ],
)
def test_temperature_explorer_rejects_bad_arguments(args, kwargs, match):
    with pytest.raises(ValueError, match=f"softmax_temperature_explorer: {match}"):
        softmax_temperature_explorer(*args, **kwargs)
