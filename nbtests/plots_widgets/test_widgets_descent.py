"""The descent chapter's widget and plot functions, without a browser."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from utils import plots, widgets
from utils.experiments.descent import QUADRATICS


def _set(w, **values):
    for name, value in values.items():
        w.controls[name].value = value


def test_explorer_has_its_controls_and_draws_a_path_and_a_loss_curve():
    w = widgets.learning_rate_explorer()
    assert set(w.controls) == {"lr", "problem", "steps"}
    assert bytes(w.image.value).startswith(b"\x89PNG")
    ax_path, ax_loss = w.figure.axes
    assert ax_path.get_xlabel() == "weight $w$"
    assert ax_loss.get_xlabel() == "step" and ax_loss.get_ylabel() == "log10(loss)"
    assert w.message.startswith("lr = 0.100: ")


@pytest.fixture(scope="module")
def shared():
    return {p: widgets.learning_rate_explorer(p) for p in QUADRATICS}


@pytest.mark.parametrize(
    "problem, lr, words",
    [
        ("1-D", 0.01, "too small"),
        ("1-D", 0.5, "good"),
        ("1-D", 0.8, "zig-zagging"),
        ("1-D", 0.99, "overshoots"),
        ("1-D", 1.0, "oscillates forever"),
        ("1-D", 1.02, "diverging"),
        ("1-D", 1.5, "diverged at step 4"),
        ("2-D", 0.01, "too small"),
        ("2-D", 0.195, "overshoots"),
        ("2-D", 0.3, "diverged at step 4"),
        ("2-D", 2.5, "diverged at step 1"),
    ],
)
def test_explorer_describes_the_run_in_words(shared, problem, lr, words):
    w = shared[problem]
    _set(w, lr=lr, steps=30)
    assert words in w.message, w.message
    assert "nan" not in w.message.lower() and "inf" not in w.message.lower()


def test_diverged_run_stops_at_the_step_where_it_blew_up():
    w = widgets.learning_rate_explorer("1-D", lr=1.5, steps=30)
    assert "diverged at step 4" in w.message
    line = w.figure.axes[0].get_lines()[1]  # the path (after the curve)
    xs = line.get_xdata()
    assert len(xs) == 4 and np.all(np.isfinite(xs))  # steps 0..3 only
    assert "diverged at step 4" in w.figure.axes[0].get_title()


def test_changing_a_control_changes_the_image():
    w = widgets.learning_rate_explorer("2-D", lr=0.05)
    before = bytes(w.image.value)
    _set(w, lr=0.19)
    assert bytes(w.image.value) != before
    before = bytes(w.image.value)
    _set(w, problem="1-D")
    assert bytes(w.image.value) != before
    assert w.figure.axes[0].get_ylabel() == "loss $L(w)$"
    _set(w, steps=80)
    assert w.figure.axes[1].get_xlim() == (0.0, 80.0)


def test_extreme_settings_give_a_message_not_an_error():
    w = widgets.learning_rate_explorer("2-D")
    for lr in (0.001, 2.5):
        for steps in (5, 100):
            _set(w, lr=lr, steps=steps)
            assert w.message and not w.message.startswith("Could not draw"), w.message


def test_explorer_rejects_bad_arguments():
    with pytest.raises(ValueError, match="problem must be one of"):
        widgets.learning_rate_explorer("3-D")
    with pytest.raises(ValueError, match="lr must be a number in"):
        widgets.learning_rate_explorer(lr=5.0)
    with pytest.raises(ValueError, match="steps must be an int"):
        widgets.learning_rate_explorer(steps=1000)


# ---------------------------------------------------------------- plot functions


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_plot_path_1d_drops_the_non_finite_tail():
    ax = plots.plot_path_1d(lambda w: w**2, [1.0, -2.0, np.inf, np.nan])
    path_line = ax.get_lines()[1]
    assert len(path_line.get_xdata()) == 2


def test_plot_path_2d_draws_contours_and_the_path():
    ax = plots.plot_path_2d(lambda a, b: a**2 + b**2, np.array([[1.0, 1.0], [0.5, 0.5]]), title="t")
    assert ax.get_title() == "t" and ax.get_xlabel() == "$w_1$"
    assert len(ax.collections) > 0


@pytest.mark.parametrize(
    "call, error, match",
    [
        (
            lambda: plots.plot_path_1d("w**2", [1.0]),
            TypeError,
            "plot_path_1d: f must be a function",
        ),
        (
            lambda: plots.plot_path_1d(np.square, [[1.0, 2.0]]),
            ValueError,
            r"path must have shape \(K,\)",
        ),
        (lambda: plots.plot_path_1d(np.square, [1.0], xlim=(2, 1)), ValueError, "low < high"),
        (
            lambda: plots.plot_path_2d(np.add, [1.0, 2.0]),
            ValueError,
            r"path must have shape \(K, 2\)",
        ),
        (lambda: plots.plot_path_2d(np.add, np.zeros((0, 2))), ValueError, "at least one point"),
        (lambda: plots.plot_path_2d(np.add, [[0, 0]], xlim=5), TypeError, "xlim must be a pair"),
        (lambda: plots.plot_gradient_arrows(np.add, None), TypeError, "grad must be a function"),
        (
            lambda: plots.plot_gradient_arrows(np.add, lambda a, b: (a, b), n=1),
            ValueError,
            "n must be",
        ),
        (lambda: plots.plot_surface(np.add, ax=plt.subplots()[1]), ValueError, "3-D Axes"),
        (lambda: plots.plot_epoch_batches([], 5), ValueError, "at least one epoch"),
        (lambda: plots.plot_epoch_batches([[np.array([0, 7])]], 5), ValueError, "outside 0..4"),
    ],
)
def test_plot_functions_reject_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_plot_epoch_batches_marks_repeats_and_misses():
    ax = plots.plot_epoch_batches(
        [[np.array([0, 1]), np.array([2, 3])], [np.array([0, 0]), np.array([1, 2])]], 4
    )
    texts = [t.get_text() for t in ax.texts]
    assert texts[:4] == ["1", "1", "2", "2"]
    assert texts[4:] == ["x", "2", "2", "x"]  # 0 used twice, 3 never


def test_plot_surface_draws_on_a_3d_axes():
    fig = plt.figure()
    ax = plots.plot_surface(
        lambda a, b: a**2 - b**2,
        ax=fig.add_subplot(projection="3d"),
        path=np.array([[1.0, 0.0], [0.5, 0.1], [9.0, 9.0]]),
        title="saddle",
    )
    assert ax.get_title() == "saddle" and ax.name == "3d"
