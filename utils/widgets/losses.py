"""Interactive figures of the losses chapter (factories returning an InteractiveFigure)."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from utils.plots import losses as plots
from utils.widgets._core import InteractiveFigure

__all__ = ["probability_loss_explorer", "regression_loss_explorer"]

_EPS = 1e-12  # the clipping of utils.nn


def _check_range(value, low, high, func: str, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating | np.integer):
        raise TypeError(f"{func}: {name} must be a number, got {type(value).__name__}")
    if not low <= float(value) <= high:
        raise ValueError(f"{func}: {name} must lie in [{low}, {high}], got {value}")
    return float(value)


def probability_loss_explorer(p: float = 0.2, target: int = 1) -> InteractiveFigure:
    """Slide a predicted probability and watch cross-entropy, squared and absolute error.

    Controls: ``p`` (the predicted probability of label 1) and ``target`` (0 or 1). Left:
    each loss against ``p`` with the current value marked; right: the gradient each sends to
    the logit ``z`` (``p = sigmoid(z)``). The status line gives the numbers, and says when
    the prediction is confidently wrong and the squared error's gradient has vanished.
    """
    func = "probability_loss_explorer"
    p = _check_range(p, 0.0, 1.0, func, "p")
    if target not in (0, 1):
        raise ValueError(f"{func}: target must be 0 or 1, got {target!r}")
    p_slider = widgets.FloatSlider(
        value=p,
        min=0.0,
        max=1.0,
        step=0.005,
        description="p",
        readout_format=".3f",
        continuous_update=True,
    )
    t_buttons = widgets.ToggleButtons(options=[0, 1], value=int(target), description="target")

    def draw(fig, v):
        p, t = float(v["p"]), int(v["target"])
        axes = fig.subplots(1, 2)
        plots.plot_probability_losses(p, t, axes=axes)
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.9, wspace=0.28)
        return describe(p, t)

    def update(fig, v):  # p moves the dots only: the curves, axes and legend stay
        p, t = float(v["p"]), int(v["target"])
        dots = [ax.collections[-1] for ax in fig.axes]
        for dot, offsets in zip(dots, plots.probability_loss_dots(p, t), strict=True):
            dot.set_offsets(offsets)
        return describe(p, t), [*dots, *(ax.get_legend() for ax in fig.axes)]

    def describe(p, t):
        pc = min(max(p, _EPS), 1 - _EPS)
        bce = -(t * np.log(pc) + (1 - t) * np.log1p(-pc))
        sq, g_bce, g_sq = (p - t) ** 2, p - t, 2 * (p - t) * p * (1 - p)
        message = (
            f"p = {p:.3f}, target {t}: cross-entropy {bce:.3f}, squared error {sq:.3f}; "
            f"gradient to the logit: cross-entropy {g_bce:+.3f}, squared error {g_sq:+.3f}"
        )
        if abs(p - t) >= 0.9:
            message += (
                " (confidently wrong: cross-entropy still pushes hard, the squared "
                "error barely moves)"
            )
        if p in (0.0, 1.0) and abs(p - t) == 1.0:
            message += f"; p = {p:.0f} exactly is clipped to {pc:.0e} away, so the loss is finite"
        return message

    return InteractiveFigure(
        {"p": p_slider, "target": t_buttons},
        draw,
        figsize=(9.0, 3.4),
        update=update,
        update_on=("p",),
    )


def regression_loss_explorer(pred: float = 1.5, target: float = 0.0) -> InteractiveFigure:
    """Slide a regression prediction (and its target) and watch MSE, half MSE and MAE.

    Left: each loss of one sample against the prediction, the current value marked; right:
    the gradients ``2 r``, ``r`` and ``sign(r)`` with ``r = pred - target``.
    """
    func = "regression_loss_explorer"
    pred = _check_range(pred, -5.0, 5.0, func, "pred")
    target = _check_range(target, -3.0, 3.0, func, "target")
    pred_slider = widgets.FloatSlider(
        value=pred, min=-5.0, max=5.0, step=0.05, description="ŷ (pred)", continuous_update=True
    )
    t_slider = widgets.FloatSlider(
        value=target, min=-3.0, max=3.0, step=0.1, description="t (target)"
    )

    def span_of(y, t):
        return max(4.0, abs(y - t) * 1.15)

    def draw(fig, v):
        y, t = float(v["pred"]), float(v["target"])
        axes = fig.subplots(1, 2)
        plots.plot_regression_losses(y, t, axes=axes, span=span_of(y, t))
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.9, wspace=0.28)
        drawn["span"] = span_of(y, t)
        return describe(y, t)

    def update(fig, v):  # the prediction moves the dots, unless the axes must grow
        y, t = float(v["pred"]), float(v["target"])
        if span_of(y, t) != drawn["span"]:
            return None
        dots = [ax.collections[-1] for ax in fig.axes]
        for dot, offsets in zip(dots, plots.regression_loss_dots(y, t), strict=True):
            dot.set_offsets(offsets)
        return describe(y, t), [*dots, *(ax.get_legend() for ax in fig.axes)]

    drawn = {"span": None}

    def describe(y, t):
        r = y - t
        return (
            f"residual r = {r:+.2f}: MSE {r * r:.3f} (gradient {2 * r:+.2f}), half MSE "
            f"{r * r / 2:.3f} (gradient {r:+.2f}), MAE {abs(r):.3f} "
            f"(gradient {np.sign(r):+.0f})"
        )

    return InteractiveFigure(
        {"pred": pred_slider, "target": t_slider},
        draw,
        figsize=(9.0, 3.4),
        update=update,
        update_on=("pred",),
    )
