"""Chapter 03's widgets and figures, without a browser: set values, check what is drawn."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from utils import plots, widgets  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_probability_explorer_reports_losses_and_gradients():
    w = widgets.probability_loss_explorer(p=0.2, target=1)
    assert set(w.controls) == {"p", "target"}
    assert w.message.startswith("p = 0.200, target 1: cross-entropy 1.609")
    before = bytes(w.image.value)
    w.controls["p"].value = 0.9
    assert "cross-entropy 0.105" in w.message and "squared error 0.010" in w.message
    assert bytes(w.image.value) != before
    ax_loss, ax_grad = w.figure.axes
    assert ax_loss.get_title() == "losses, target t = 1"
    assert ax_grad.get_ylabel().startswith("$\\partial$ loss")
    assert [line.get_label() for line in ax_loss.get_lines()][:3] == [
        "BCE",
        "squared error",
        "absolute error",
    ]


def test_probability_explorer_confident_mistake_and_exact_zero():
    w = widgets.probability_loss_explorer(p=0.02, target=1)
    assert "confidently wrong" in w.message
    w.controls["p"].value = 0.0
    assert "clipped" in w.message and "cross-entropy 27.631" in w.message
    assert "nan" not in w.message and "inf" not in w.message
    w.controls["target"].value = 0
    assert w.message.startswith("p = 0.000, target 0: cross-entropy 0.000")
    assert w.figure.axes[0].get_title() == "losses, target t = 0"


def test_regression_explorer_follows_the_residual():
    w = widgets.regression_loss_explorer(pred=1.5, target=0.0)
    assert w.message.startswith("residual r = +1.50: MSE 2.250 (gradient +3.00)")
    w.controls["target"].value = 2.0
    assert w.message.startswith("residual r = -0.50: MSE 0.250 (gradient -1.00)")
    assert "MAE 0.500 (gradient -1)" in w.message
    w.controls["pred"].value = 2.0
    assert "MAE 0.000 (gradient +0)" in w.message
    # extreme settings keep every dot on the axes (span grows with the residual)
    w.controls["pred"].value = -5.0
    w.controls["target"].value = 3.0
    ax = w.figure.axes[0]
    lo, hi = ax.get_xlim()
    assert lo <= -5.0 and hi >= 3.0


@pytest.mark.parametrize(
    "factory, kwargs, match",
    [
        (widgets.probability_loss_explorer, {"p": 1.5}, "p must lie in"),
        (widgets.probability_loss_explorer, {"target": 2}, "target must be 0 or 1"),
        (widgets.regression_loss_explorer, {"pred": 9.0}, "pred must lie in"),
        (widgets.regression_loss_explorer, {"target": "a"}, "target must be a number"),
    ],
)
def test_widget_bad_arguments(factory, kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        factory(**kwargs)


def test_plot_fits_draws_data_fits_outliers_and_residuals():
    x = np.linspace(0, 1, 6)
    t = 2 * x
    ax = plots.plot_fits(
        x,
        t,
        {"line": 2 * x + 0.1, "curve": (np.array([0.0, 1.0]), np.array([0.0, 2.0]))},
        outliers=[2],
        residuals="line",
        title="fits",
    )
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["residuals of line", "data", "outlier", "line", "curve"]
    assert ax.get_title() == "fits"


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: plots.plot_fits([0, 1], [0, 1, 2], {}), "plot_fits: t must have shape"),
        (lambda: plots.plot_fits([0, 1], [0, 1], [1, 2]), "plot_fits: fits must be a dict"),
        (
            lambda: plots.plot_fits([0, 1], [0, 1], {"a": [1, 2, 3]}),
            "fits\\['a'\\] must have shape",
        ),
        (
            lambda: plots.plot_fits([0, 1], [0, 1], {"a": [1, 2]}, residuals="b"),
            "residuals must be",
        ),
        (lambda: plots.plot_fits([0, 1], [0, 1], {"a": [1, 2]}, outliers=[5]), "outliers must be"),
        (lambda: plots.plot_regression_losses(1.0, 0.0, span=0), "span must be > 0"),
        (lambda: plots.plot_regression_losses("a", 0.0), "pred must be a real number"),
        (lambda: plots.plot_probability_losses(1.2, 1), "p must lie in"),
        (lambda: plots.plot_probability_losses(0.5, 3), "target must lie in"),
        (lambda: plots.plot_loss_vs_logit(z_range=(3, -3)), "z_range must be"),
        (
            lambda: plots.plot_class_probabilities({"a": [0.5, 0.5]}, ["x", "y", "z"]),
            "probs\\['a'\\] must have shape",
        ),
        (lambda: plots.plot_class_probabilities({"a": [1.5, 0.5]}, ["x", "y"]), "must lie in"),
        (lambda: plots.plot_class_probabilities({}, ["x"]), "non-empty dict"),
        (lambda: plots.plot_image_vector(np.zeros((4, 4))), "shape \\(H, W, 3\\)"),
        (lambda: plots.plot_image_vector(np.full((4, 4, 3), 2.0)), "values must lie in"),
        (lambda: plots.plot_image_vector(np.zeros((4, 4, 3)), row=9), "row must be an int"),
    ],
)
def test_plot_bad_inputs(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_loss_vs_logit_curves_are_right():
    ax_loss, ax_grad = plots.plot_loss_vs_logit(z=-8.0, target=1.0)
    z, bce = ax_loss.get_lines()[0].get_data()
    _, g_bce = ax_grad.get_lines()[0].get_data()
    _, g_mse = ax_grad.get_lines()[1].get_data()
    s = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(bce, np.log1p(np.exp(-z)), rtol=1e-10)
    np.testing.assert_allclose(g_bce, s - 1, atol=1e-12)
    np.testing.assert_allclose(g_mse, 2 * (s - 1) * s * (1 - s), atol=1e-12)
    assert abs(g_mse[0]) < 1e-3 < abs(g_bce[0])  # saturation at z = -10


def test_class_probabilities_and_image_vector():
    ax = plots.plot_class_probabilities({"softmax": [0.6, 0.3, 0.1]}, ["a", "b", "c"])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert ax.get_legend().get_texts()[0].get_text() == "softmax (sum 1.00)"
    img = np.zeros((8, 8, 3))
    img[4] = (1.0, 0.5, 0.0)
    ax_img, ax_vec = plots.plot_image_vector(img, row=4)
    xs, ys = ax_vec.get_lines()[0].get_data()  # the red channel of row 4
    np.testing.assert_array_equal(xs, np.arange(4 * 24, 5 * 24, 3))
    np.testing.assert_array_equal(ys, np.ones(8))
    assert "shape (192,)" in ax_vec.get_title()
