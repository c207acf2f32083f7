"""The initialization chapter's widget and plot functions, without a browser."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from utils.plots import initialization as plots
from utils.widgets.initialization import diagnose_activations, initialization_explorer


@pytest.fixture(scope="module")
def explorer():
    return initialization_explorer("sigmoid", "std 1")


def _set(w, **values):
    for name, value in values.items():
        w.controls[name].value = value


def test_explorer_has_its_controls_and_draws(explorer):
    assert set(explorer.controls) == {"activation", "init"}
    assert bytes(explorer.image.value).startswith(b"\x89PNG")
    (ax,) = explorer.figure.axes
    assert len(ax.patches) == 5  # one histogram per layer
    assert "sigmoid layers, init std 1" in explorer.figure.texts[0].get_text()


@pytest.mark.parametrize(
    ("activation", "init", "words"),
    [
        ("sigmoid", "std 1", "saturated"),
        ("sigmoid", "std 0.01", "near 0.5"),
        ("tanh", "std 1", "saturated"),
        ("tanh", "std 0.01", "near 0"),
        ("tanh", "Xavier", "survives"),
        ("relu", "std 1", "explodes"),
        ("relu", "std 0.01", "near 0"),
        ("relu", "He", "survives"),
    ],
)
def test_explorer_status_names_what_happens(explorer, activation, init, words):
    _set(explorer, activation=activation, init=init)
    assert words in explorer.message
    assert explorer.message.startswith("layer 5: std ")


def test_explorer_image_changes_and_is_deterministic(explorer):
    _set(explorer, activation="tanh", init="Xavier")
    first = bytes(explorer.image.value)
    _set(explorer, init="He")
    assert bytes(explorer.image.value) != first
    _set(explorer, init="Xavier")
    assert bytes(explorer.image.value) == first


def test_explorer_rejects_unknown_choices():
    with pytest.raises(ValueError, match="activation must be one of"):
        initialization_explorer("softplus")
    with pytest.raises(ValueError, match="init must be one of"):
        initialization_explorer("relu", "orthogonal")


def test_diagnose_non_finite_values():
    acts = [np.full((3, 4), np.inf)]
    assert "exploded" in diagnose_activations(acts, "relu")


def test_plot_histograms_and_grid():
    rng = np.random.default_rng(2)
    acts = [rng.uniform(0, 1, (50, 10)) for _ in range(5)]
    axes = plots.plot_activation_histograms(acts, label="demo")
    assert len(axes) == 5 and axes[0].get_title() == "layer 1"
    assert axes[0].get_ylabel() == "demo"
    grid = plots.plot_histogram_grid({"a": acts, "b": acts}, activation="sigmoid")
    assert grid.shape == (2, 5)
    plt.close("all")


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: plots.plot_activation_histograms(np.zeros((3, 3))), TypeError, "non-empty list"),
        (
            lambda: plots.plot_activation_histograms([np.zeros(3)], value_range=(1, 0)),
            ValueError,
            "low < high",
        ),
        (
            lambda: plots.plot_activation_histograms([np.zeros(3)] * 2, axes=[None]),
            ValueError,
            "need 2 axes",
        ),
        (
            lambda: plots.plot_histogram_grid({"a": [np.zeros(3)]}, activation="elu"),
            ValueError,
            "activation must be one of",
        ),
        (
            lambda: plots.plot_histogram_grid({"a": [np.zeros(3)], "b": []}, activation="relu"),
            ValueError,
            "same number of layers",
        ),
        (lambda: plots.plot_weight_matrix(np.zeros(3)), ValueError, "must be 2-D"),
    ],
)
def test_plot_functions_reject_bad_input(call, error, words):
    with pytest.raises(error, match=words):
        call()
    plt.close("all")


def test_plot_weight_matrix_labels():
    ax = plots.plot_weight_matrix(np.ones((2, 8)), title="W")
    assert ax.get_title() == "W" and ax.get_xlabel() == "unit (column of W)"
    plt.close("all")
