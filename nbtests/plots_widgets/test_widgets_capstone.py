"""The capstone chapter's widget and plot functions, without a browser."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from utils import data
from utils.experiments import capstone as experiments
from utils.experiments.capstone import early_stopping_epochs
from utils.plots import capstone as plots
from utils.widgets.capstone import describe_run, training_curves_explorer


@pytest.fixture(scope="module")
def runs():
    """Real runs on a small 3-class problem: 2 dropout rates x 2 learning rates x BN or not."""
    rng = np.random.default_rng(0)
    X, y = data.gaussians(90, centers=((-2, 0), (2, 0), (0, 2.5)), std=0.8, rng=rng)
    Y = data.one_hot(y, 3)
    return experiments.capstone_runs(
        X[:60], Y[:60], X[60:], Y[60:], ps=(0.0, 0.9), lrs=(1e-3, 1e-1), epochs=30, seed=1
    )


@pytest.fixture(scope="module")
def explorer(runs):
    return training_curves_explorer(runs, patience=5)


def _set(w, **values):
    for name, value in values.items():
        w.controls[name].value = value


def test_runs_have_every_combination_and_finite_curves(runs):
    assert set(runs) == {
        (p, lr, bn) for p in (0.0, 0.9) for lr in (1e-3, 1e-1) for bn in (True, False)
    }
    for run in runs.values():
        assert {k: v.shape for k, v in run.items()} == {
            k: (30,) for k in ("train_loss", "val_loss", "train_acc", "val_acc")
        }
    good = runs[0.0, 1e-1, True]
    assert good["train_loss"][-1] < good["train_loss"][0]
    assert np.all((good["val_acc"] >= 0) & (good["val_acc"] <= 1))


def test_explorer_draws_both_panels_with_train_and_val(explorer):
    assert set(explorer.controls) == {"p", "lr", "bn"}
    assert bytes(explorer.image.value).startswith(b"\x89PNG")
    loss_ax, acc_ax = explorer.figure.axes
    assert loss_ax.get_ylabel() == "loss" and acc_ax.get_ylabel() == "accuracy"
    labels = [line.get_label() for line in loss_ax.get_lines()]
    assert labels[:2] == ["training loss", "validation loss"]
    assert any(label.startswith("best epoch") for label in labels)


def test_explorer_shows_the_chosen_run(explorer, runs):
    _set(explorer, p=0.0, lr=1e-1, bn=False)
    val_line = explorer.figure.axes[0].get_lines()[1]
    np.testing.assert_allclose(val_line.get_ydata(), runs[0.0, 1e-1, False]["val_loss"])
    assert "without batch norm" in explorer.figure.texts[0].get_text()
    best, _ = early_stopping_epochs(runs[0.0, 1e-1, False]["val_loss"], 5)
    assert explorer.message.startswith(f"best epoch {best}")


def test_extreme_dropout_is_reported_as_underfitting(explorer):
    _set(explorer, p=0.9, lr=1e-3, bn=True)
    assert "underfits" in explorer.message
    assert not explorer.message.startswith("Could not draw")


def test_explorer_image_changes_and_is_deterministic(explorer):
    _set(explorer, p=0.0, lr=1e-1, bn=True)
    first = bytes(explorer.image.value)
    _set(explorer, bn=False)
    assert bytes(explorer.image.value) != first
    _set(explorer, bn=True)
    assert bytes(explorer.image.value) == first


def _run(val_loss, train_acc=0.95):
    val_loss = np.asarray(val_loss, dtype=float)
    return {
        "train_loss": val_loss.copy(),
        "val_loss": val_loss,
        "train_acc": np.full(val_loss.size, train_acc),
        "val_acc": np.full(val_loss.size, 0.9),
    }


def test_diverged_and_empty_runs_give_messages_not_crashes():
    curve = np.r_[np.linspace(1.0, 0.5, 10), np.full(10, np.nan)]
    assert describe_run(_run(curve), 5).startswith("diverged at epoch 11")
    assert "diverged in its first epoch" in describe_run(_run(np.full(5, np.nan)), 3)
    w = training_curves_explorer({(0.0, 0.1, True): _run(curve)}, patience=5)
    assert w.message.startswith("diverged") and len(w.figure.axes) == 2


def test_still_improving_and_early_stop_messages():
    assert "still improving" in describe_run(_run(np.linspace(1, 0.1, 30)), 5)
    dip = np.r_[np.linspace(1, 0.2, 10), np.linspace(0.21, 0.5, 20)]
    message = describe_run(_run(dip), 5)
    assert "best epoch 10" in message and "stops at epoch 15" in message


def test_explorer_rejects_bad_runs():
    with pytest.raises(TypeError, match="non-empty dict"):
        training_curves_explorer({})
    with pytest.raises(ValueError, match="lacks the combinations"):
        training_curves_explorer(
            {(0.0, 0.1, True): _run([1, 0.5]), (0.3, 0.01, True): _run([1, 0.5])}
        )
    with pytest.raises(ValueError, match="has no 'val_acc'"):
        training_curves_explorer(
            {(0.0, 0.1, True): {"train_loss": [1], "val_loss": [1], "train_acc": [1]}}
        )


def test_plots_draw_and_label():
    rng = np.random.default_rng(0)
    ax = plots.plot_class_balance(np.array([0, 0, 1, 2, 2, 2]), class_names=("a", "b", "c"))
    assert len(ax.patches) == 3 and ax.get_ylabel() == "number of samples"
    assert "3 (50%)" in [t.get_text() for t in ax.texts]
    ax = plots.plot_feature_scales(rng.uniform(1, 100, (20, 3)), ["f1", "f2", "f3"], log=True)
    at = {t.get_text(): y for t, y in zip(ax.get_yticklabels(), ax.get_yticks(), strict=True)}
    assert ax.get_xscale() == "log" and at["f1"] > at["f2"] > at["f3"]  # first feature on top
    hist = {
        "train_loss": [1.0, 0.5],
        "val_loss": [1.1, 0.7],
        "train_metric": [0.5, 0.9],
        "val_metric": [0.4, 0.8],
    }
    loss_ax, acc_ax = plots.plot_training_history(hist, best_epoch=2)
    assert acc_ax.get_ylabel() == "accuracy" and len(loss_ax.get_lines()) == 3
    ax = plots.plot_confusion_matrix(np.array([[3, 1], [0, 4]]), class_names=("x", "y"))
    assert ax.get_ylabel() == "true class" and ax.get_xlabel() == "predicted class"
    assert "3\n75%" in [t.get_text() for t in ax.texts]
    plt.close("all")


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: plots.plot_class_balance(np.array([0.5, 1.0])), ValueError, "integer labels"),
        (
            lambda: plots.plot_class_balance(np.array([0, 1]), class_names=["a"]),
            ValueError,
            "2 classes but 1 names",
        ),
        (lambda: plots.plot_feature_scales(np.zeros((3, 2)), ["a"]), ValueError, "2 columns"),
        (
            lambda: plots.plot_feature_scales(-np.ones((3, 1)), ["a"], log=True),
            ValueError,
            "positive values",
        ),
        (lambda: plots.plot_training_history({"train_loss": [1]}), TypeError, "val_loss"),
        (
            lambda: plots.plot_training_history({"train_loss": [1, 2], "val_loss": [1]}),
            ValueError,
            "equal length",
        ),
        (lambda: plots.plot_confusion_matrix(np.zeros((2, 3))), ValueError, "square"),
        (lambda: plots.plot_confusion_matrix(-np.ones((2, 2))), ValueError, "non-negative"),
    ],
)
def test_plot_functions_reject_bad_input(call, error, words):
    with pytest.raises(error, match=words):
        call()
    plt.close("all")


def test_describe_run_never_prints_negative_zero():
    """A best validation loss of -0.0 (a rounded softmax) prints as 0.000, not -0.000."""
    n = 30
    run = {
        "train_loss": np.linspace(1, 0, n),
        "val_loss": np.r_[np.linspace(1, 0.1, n - 1), -0.0],
        "train_acc": np.ones(n),
        "val_acc": np.ones(n),
    }
    message = describe_run(run, patience=5)
    assert "validation loss 0.000" in message and "-0.000" not in message


def _png_pixels(png: bytes) -> np.ndarray:
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(bytes(png))).convert("RGB"))


def _shows_a_full_render(w) -> None:
    import io

    buffer = io.BytesIO()
    w.figure.savefig(buffer, format="png", dpi=w.figure.dpi)
    np.testing.assert_array_equal(_png_pixels(w.image.value), _png_pixels(buffer.getvalue()))


def test_every_control_paints_what_a_full_redraw_shows(runs):
    w = training_curves_explorer(runs, patience=5)
    reachable = max(float(np.nanmax(r["train_acc"])) for r in runs.values())
    for control in w.controls.values():
        for option in control.options:
            control.value = option[1] if isinstance(option, tuple) else option
            run = runs[w.values["p"], w.values["lr"], w.values["bn"]]
            assert w.message == describe_run(run, 5, underfit_below=0.8 * reachable)
            _shows_a_full_render(w)


def test_underfitting_is_judged_against_what_the_data_allows():
    # Noisy labels (wine quality): the best run reaches 0.75 training accuracy. It fits as
    # well as the data allows; a run stuck at the majority share (0.45) underfits.
    dip = np.r_[np.linspace(1, 0.2, 10), np.linspace(0.21, 0.5, 20)]
    good, stuck = _run(dip, train_acc=0.75), _run(dip, train_acc=0.45)
    assert "underfits" in describe_run(good, 5)  # the default bound, 0.8, suits clean labels
    assert "underfits" not in describe_run(good, 5, underfit_below=0.6)
    runs = {(0.0, 1e-3, True): good, (0.3, 1e-3, True): stuck}
    w = training_curves_explorer(runs, patience=5)
    assert "underfits" not in w.message
    w.controls["p"].value = 0.3
    assert w.message.startswith("underfits: training accuracy at most 0.45 (under 0.60)")
