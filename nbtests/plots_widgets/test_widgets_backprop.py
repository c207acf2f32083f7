"""Chapter 05's figures and widget, without a browser: set values, check what is drawn."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from utils.data import moons  # noqa: E402
from utils.plots import (  # noqa: E402
    plot_boundary_snapshots,
    plot_gradcheck_errors,
    plot_graph,
    plot_training_state,
)
from utils.widgets import boundary_training_explorer  # noqa: E402


@pytest.fixture(scope="module")
def data():
    return moons(80, noise=0.2, rng=np.random.default_rng(0))


@pytest.fixture(scope="module")
def explorer(data):
    X, y = data
    return boundary_training_explorer(X, y, hidden_sizes=(2, 8), epochs=40, every=10)


def _predict(P):
    return (P[:, 0] + P[:, 1] > 0.5).astype(int)


# ------------------------------------------------------------ the widget


def test_explorer_has_the_controls_and_starts_at_epoch_0(explorer):
    assert set(explorer.controls) == {"epoch", "hidden"}
    assert explorer.controls["epoch"].max == 40 and explorer.controls["epoch"].step == 10
    assert list(explorer.controls["hidden"].options) == [2, 8]
    assert explorer.message.startswith("8 hidden units, epoch 0: loss ")
    assert explorer.figure.axes[0].get_title() == "8 hidden units, epoch 0"


def test_moving_the_epoch_redraws_and_the_loss_goes_down(explorer):
    explorer.controls["hidden"].value = 8
    explorer.controls["epoch"].value = 0
    before, loss0 = explorer.image.value, float(explorer.message.split("loss ")[1].split(",")[0])
    explorer.controls["epoch"].value = 40
    assert explorer.image.value != before
    assert explorer.figure.axes[0].get_title() == "8 hidden units, epoch 40"
    loss40 = float(explorer.message.split("loss ")[1].split(",")[0])
    assert loss40 < loss0
    assert "training accuracy" in explorer.message
    # The loss panel marks the shown epoch.
    ax_loss = explorer.figure.axes[1]
    marker = [line for line in ax_loss.get_lines() if line.get_marker() == "o"]
    assert marker and marker[0].get_xdata()[0] == 40


def test_changing_the_hidden_size_changes_the_picture(explorer):
    explorer.controls["epoch"].value = 40
    explorer.controls["hidden"].value = 8
    img8 = explorer.image.value
    explorer.controls["hidden"].value = 2
    assert explorer.message.startswith("2 hidden units, epoch 40")
    assert explorer.image.value != img8


def test_a_diverging_learning_rate_gives_a_message_not_nan(data):
    X, y = data
    w = boundary_training_explorer(X, y * 1, hidden_sizes=(8,), epochs=20, every=5, lr=1e4)
    w.controls["epoch"].value = 20
    assert "diverged at epoch" in w.message
    assert "nan" not in w.message.lower()


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"hidden_sizes": ()}, ValueError),
        ({"hidden_sizes": (0,)}, ValueError),
        ({"epochs": 5, "every": 10}, ValueError),
        ({"lr": -1.0}, ValueError),
        ({"lr": "fast"}, TypeError),
    ],
)
def test_explorer_rejects_bad_arguments(data, kwargs, error):
    X, y = data
    with pytest.raises(error, match="boundary_training_explorer"):
        boundary_training_explorer(X, y, **kwargs)


def test_explorer_rejects_bad_labels(data):
    X, y = data
    with pytest.raises(ValueError, match="boundary_training_explorer: y"):
        boundary_training_explorer(X, y.astype(float))
    with pytest.raises(ValueError, match="boundary_training_explorer: X"):
        boundary_training_explorer(X[:, :1], y)


# ------------------------------------------------------------ plot functions


def test_plot_graph_draws_boxes_values_and_gradients():
    nodes = {
        "a": {"pos": (0, 0), "kind": "input", "value": 2.0, "grad": -1.0},
        "b": {"pos": (2, 0), "label": "b = 3a", "value": 6.0, "grad": 1.0},
    }
    ax = plot_graph(nodes, [("a", "b", "x3")], title="tiny")
    texts = [t.get_text() for t in ax.texts]
    assert {"a", "b = 3a", "2.00", "-1.00", "6.00", "1.00", "x3"} <= set(texts)
    assert ax.get_title() == "tiny"
    plt.close(ax.figure)


@pytest.mark.parametrize(
    "nodes, edges, match",
    [
        ({}, [], "non-empty dict"),
        ({"a": {"value": 1}}, [], "'pos'"),
        ({"a": {"pos": (0, 0, 1)}}, [], "expected \\(x, y\\)"),
        ({"a": {"pos": (0, 0), "kind": "blob"}}, [], "kind 'blob'"),
        ({"a": {"pos": (0, 0)}}, [("a", "zzz")], "unknown node 'zzz'"),
        ({"a": {"pos": (0, 0)}}, ["a"], "an edge must be"),
    ],
)
def test_plot_graph_rejects_bad_input(nodes, edges, match):
    with pytest.raises((TypeError, ValueError), match=match):
        plot_graph(nodes, edges)
    plt.close("all")


def test_plot_gradcheck_errors_one_column_per_check():
    ax = plot_gradcheck_errors({"ok": np.full(5, 1e-9), "bug": np.array([0.5, 0.0, 1.0])})
    assert [t.get_text() for t in ax.get_xticklabels()] == ["ok", "bug"]
    assert ax.get_yscale() == "log"
    assert len(ax.collections) == 2
    plt.close(ax.figure)


@pytest.mark.parametrize(
    "errors, match",
    [
        ({}, "non-empty dict"),
        ({"a": [-1.0]}, "non-negative"),
        ({"a": [np.nan]}, "finite"),
        ({"a": []}, "not empty"),
    ],
)
def test_plot_gradcheck_errors_rejects_bad_input(errors, match):
    with pytest.raises((TypeError, ValueError), match=match):
        plot_gradcheck_errors(errors)
    plt.close("all")


def test_plot_boundary_snapshots_and_its_errors(data):
    X, y = data
    axes = plot_boundary_snapshots([("first", _predict), ("second", _predict)], X, y, resolution=20)
    assert [ax.get_title() for ax in axes] == ["first", "second"]
    plt.close("all")
    with pytest.raises(TypeError, match="plot_boundary_snapshots"):
        plot_boundary_snapshots([], X, y)
    with pytest.raises(TypeError, match="snapshots\\[0\\]"):
        plot_boundary_snapshots([("no predict", 3)], X, y)
    _, two = plt.subplots(1, 2)
    with pytest.raises(ValueError, match="2 axes for 1 snapshots"):
        plot_boundary_snapshots([("one", _predict)], X, y, axes=two)
    plt.close("all")


def test_plot_training_state_marks_the_epoch_and_validates(data):
    X, y = data
    losses = np.linspace(1.0, 0.2, 11)
    ax_r, ax_l = plot_training_state(_predict, X, y, losses, 4, resolution=20)
    assert ax_r.get_title() == "epoch 4"
    assert ax_l.get_xlabel() == "epoch"
    plt.close("all")
    with pytest.raises(ValueError, match="epoch must be an int in \\[0, 10\\]"):
        plot_training_state(_predict, X, y, losses, 11)
    with pytest.raises(ValueError, match="plot_training_state: epoch"):
        plot_training_state(_predict, X, y, losses, 2.5)
    plt.close("all")


def test_moving_the_epoch_paints_what_a_full_redraw_shows(data):
    import io

    from PIL import Image

    def pixels(png):
        return np.asarray(Image.open(io.BytesIO(bytes(png))).convert("RGB"))

    X, y = data
    w = boundary_training_explorer(X, y, hidden_sizes=(2, 8), epochs=40, every=10)
    for hidden in (2, 8):
        w.controls["hidden"].value = hidden
        for epoch in (10, 40, 20, 0):
            w.controls["epoch"].value = epoch
            assert f"epoch {epoch}" in w.figure.axes[0].get_title()
            buffer = io.BytesIO()
            w.figure.savefig(buffer, format="png", dpi=w.figure.dpi)
            np.testing.assert_array_equal(pixels(w.image.value), pixels(buffer.getvalue()))
