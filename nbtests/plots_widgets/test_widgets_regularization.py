"""The regularization chapter's widgets and plot functions, without a browser."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from utils import data
from utils.experiments import regularization as experiments
from utils.experiments.regularization import LAMBDA_EXPONENTS, penalty_grid
from utils.plots import regularization as plots
from utils.widgets.regularization import dropout_explorer, penalty_explorer


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def sine():
    rng = np.random.default_rng(8)
    return (*data.noisy_sine(20, noise=0.25, rng=rng), *data.noisy_sine(200, noise=0.25, rng=rng))


@pytest.fixture(scope="module")
def explorer(sine):
    return penalty_explorer(*sine, kind="L1 (lasso)", exponent=-3.0)


def _zeros_in(message: str) -> int:
    return int(message.split(": ")[1].split(" of ")[0])


def test_penalty_explorer_draws_fit_and_histogram(explorer):
    assert set(explorer.controls) == {"kind", "log10_lambda"}
    assert bytes(explorer.image.value).startswith(b"\x89PNG")
    ax_fit, ax_w = explorer.figure.axes
    assert len(explorer.figure.images) == 2  # the pre-rendered axes and the legend
    (model,) = ax_fit.lines  # the data and the true curve are in the pasted background
    assert ax_w.patches  # the histogram and the bar of exact zeros
    assert "exactly 0" in explorer.message and "validation MSE" in explorer.message
    x, t = _sine_train()
    fits = penalty_grid(x, t)
    k = int(np.argmin(np.abs(LAMBDA_EXPONENTS - explorer.controls["log10_lambda"].value)))
    b, W = fits[explorer.controls["kind"].value]
    grid = np.asarray(model.get_xdata())
    np.testing.assert_allclose(
        model.get_ydata(), np.clip(experiments.rbf_features(grid) @ W[k] + b[k], -3, 3)
    )


def _sine_train():
    rng = np.random.default_rng(8)
    return data.noisy_sine(20, noise=0.25, rng=rng)


def test_render_layer_pastes_the_same_pixels():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from utils.widgets._core import paste_layer, render_layer

    def build(fig):
        ax = fig.add_axes((0.2, 0.2, 0.6, 0.6))
        ax.plot([0, 1], [0, 1], label="a line")
        ax.legend(loc="upper left")

    def pixels(fig):
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        return np.asarray(canvas.buffer_rgba())[..., :3].astype(int)

    direct = Figure(figsize=(3, 2), dpi=72)
    build(direct)
    back = render_layer((3, 2), build)
    assert back[0].shape == (144, 216, 4) and back[1] == (0, 0)
    pasted = Figure(figsize=(3, 2), dpi=72)
    paste_layer(pasted, back, zorder=-1)
    assert np.abs(pixels(pasted) - pixels(direct)).max() <= 1
    front = render_layer((3, 2), lambda fig: fig.text(0.5, 0.5, "a label"), crop=True)
    assert front[0].shape[0] < 30 and front[0].shape[1] < 100  # cropped to the text
    assert front[0][..., 3].max() == 255 and front[0][0, 0, 3] < 255


def test_l1_zeros_grow_with_lambda_and_l2_has_none(explorer):
    explorer.controls["kind"].value = "L1 (lasso)"
    counts = []
    for e in (-6.0, -3.0, -1.0, 0.0):
        explorer.controls["log10_lambda"].value = e
        counts.append(_zeros_in(explorer.message))
    assert counts == sorted(counts) and counts[0] < counts[-1]
    assert counts[-1] == 40  # lambda = 1 sets every weight to 0
    explorer.controls["kind"].value = "L2 (ridge)"
    assert _zeros_in(explorer.message) == 0


def test_penalty_explorer_image_changes_and_is_deterministic(explorer):
    explorer.controls["kind"].value = "L2 (ridge)"
    explorer.controls["log10_lambda"].value = -2.0
    first = bytes(explorer.image.value)
    explorer.controls["log10_lambda"].value = -5.0
    assert bytes(explorer.image.value) != first
    explorer.controls["log10_lambda"].value = -2.0
    assert bytes(explorer.image.value) == first


def test_extreme_lambdas_draw_without_nan(explorer):
    for kind in ("L1 (lasso)", "L2 (ridge)"):
        explorer.controls["kind"].value = kind
        for e in (-6.0, 0.0):
            explorer.controls["log10_lambda"].value = e
            assert "nan" not in explorer.message.lower()
            assert not explorer.message.startswith("Could not draw")


def test_plot_functions_return_axes():
    hist = {"train_loss": [1.0, 0.5, 0.3, 0.2], "val_loss": [1.0, 0.6, 0.7, 0.8]}
    ax = plots.plot_overfitting_curves(hist, stopped_at=4)
    assert "best validation epoch (2)" in [t.get_text() for t in ax.get_legend().get_texts()]
    ax = plots.plot_constraint_regions()
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "L1 minimum" in texts and "0.00)" in texts  # the diamond's corner: one weight is 0
    ax = plots.plot_weight_histogram(np.array([0.0, 0.0, 0.5, -0.2]))
    assert "exactly 0: 2 of 4" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_dropout_explorer_training_keeps_expectation():
    w = dropout_explorer(p=0.5, mode="training")
    assert set(w.controls) == {"p", "mode", "variant"}
    ratio = float(w.message.split("/ h = ")[1].split(" ")[0])
    assert abs(ratio - 1) < 0.05 and "expectation preserved" in w.message
    w.controls["variant"].value = "not inverted"
    ratio = float(w.message.split("/ h = ")[1].split(" ")[0])
    assert abs(ratio - 0.5) < 0.03


def test_dropout_explorer_evaluation_and_extremes():
    w = dropout_explorer(p=0.3, mode="evaluation")
    assert "identity" in w.message
    (ax,) = w.figure.axes
    heights_in, heights_out = (bars.heights for bars in ax.collections)
    assert heights_in.shape == (24,)
    np.testing.assert_allclose(heights_out, heights_in)  # every unit, unchanged
    w.controls["variant"].value = "not inverted"
    heights_in, heights_out = (bars.heights for bars in w.figure.axes[0].collections)
    np.testing.assert_allclose(heights_out, 0.7 * heights_in)  # scaled by 1 - p at test time
    w.controls["mode"].value = "training"
    kept = w.figure.axes[0].collections[1].heights  # the survivors of one mask, not scaled
    assert 0 < kept.size < 24 and np.all(np.isin(kept, heights_in))
    w.controls["variant"].value = "inverted"
    np.testing.assert_allclose(w.figure.axes[0].collections[1].heights, kept / 0.7)
    w.controls["mode"].value = "training"
    for p in (0.0, 0.95):
        w.controls["p"].value = p
        assert "nan" not in w.message.lower() and not w.message.startswith("Could not draw")
    with pytest.raises(ValueError, match="dropout_explorer: p must be in"):
        dropout_explorer(p=0.99)
    with pytest.raises(ValueError, match="penalty_explorer: kind must be one of"):
        penalty_explorer([0.1], [0.1], [0.1], [0.1], kind="L3")
