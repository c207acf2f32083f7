"""Figures of the losses chapter (each takes ax=None, returns the Axes, never shows).

The per-sample losses drawn here follow :mod:`utils.nn` (the same formulas for one sample):
squared error ``(y_hat - t)**2`` (and half of it), absolute error ``|y_hat - t|``, binary
cross-entropy ``-(t log p + (1 - t) log(1 - p))``, and the squared error of a probability
``(p - t)**2``. Gradients with respect to the logit ``z`` (where ``p = sigmoid(z)``) are
``p - t`` for cross-entropy and ``2 (p - t) p (1 - p)`` for the squared error.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from utils._validate import as_float_vector, as_scalar
from utils.plots._core import CLASS_COLORS, _axes

__all__ = [
    "plot_class_probabilities",
    "plot_fits",
    "plot_image_vector",
    "plot_loss_vs_logit",
    "plot_probability_losses",
    "plot_regression_losses",
    "probability_loss_dots",
    "regression_loss_dots",
]

#: The colours of the losses, the same in every figure of the chapter.
LOSS_COLORS = {
    "MSE": CLASS_COLORS[0],
    "half MSE": "#17becf",
    "MAE": CLASS_COLORS[1],
    "BCE": CLASS_COLORS[2],
    "squared error": CLASS_COLORS[0],
    "absolute error": CLASS_COLORS[1],
}
_P_EPS = 1e-12  # the clipping of utils.nn


def _pair(axes, func: str, figsize=(10, 3.8)) -> tuple[Axes, Axes]:
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=figsize)
    if len(axes) != 2:
        raise ValueError(f"{func}: axes must be a pair (ax_loss, ax_grad), got {len(axes)} axes")
    return axes[0], axes[1]


def _target01(target, func: str) -> float:
    t = as_scalar(target, func, "target")
    if not 0.0 <= t <= 1.0:
        raise ValueError(f"{func}: target must lie in [0, 1], got {t}")
    return t


def plot_fits(
    x,
    t,
    fits: dict,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    outliers=None,
    residuals: str | None = None,
) -> Axes:
    """Data points and one or more fitted curves, optionally with residuals and outliers.

    Parameters
    ----------
    x, t : array_like, shape (N,)
        Inputs and targets.
    fits : dict of str -> array_like of shape (N,) or (M,) with ``M != N``
        Predictions at ``x`` (shape (N,)), drawn as lines through the points sorted by x. Or
        a pair ``(xs, ys)`` of arrays for a curve on its own grid.
    outliers : array_like of int, optional
        Indices of points to draw as red crosses (labelled "outlier").
    residuals : str, optional
        The name of a fit in ``fits`` whose vertical distances to the points are drawn.
    """
    x = as_float_vector(x, "plot_fits", "x")
    t = as_float_vector(t, "plot_fits", "t", length=x.shape[0])
    if not isinstance(fits, dict):
        raise TypeError(
            f"plot_fits: fits must be a dict {{label: predictions}}, got {type(fits).__name__}"
        )
    if residuals is not None and residuals not in fits:
        raise ValueError(f"plot_fits: residuals must be one of {list(fits)}, got {residuals!r}")
    curves = {}
    for label, value in fits.items():
        if isinstance(value, tuple):
            if len(value) != 2:
                raise ValueError(
                    f"plot_fits: fits[{label!r}] must be predictions of shape "
                    f"({x.shape[0]},) or a pair (xs, ys)"
                )
            xs = as_float_vector(value[0], "plot_fits", f"fits[{label!r}][0]")
            ys = as_float_vector(value[1], "plot_fits", f"fits[{label!r}][1]", length=xs.shape[0])
        else:
            xs, ys = x, as_float_vector(value, "plot_fits", f"fits[{label!r}]", length=x.shape[0])
        curves[label] = (xs, ys)
    mask = np.zeros(x.shape[0], dtype=bool)
    if outliers is not None:
        idx = np.asarray(outliers, dtype=np.int64).ravel()
        if idx.size and (idx.min() < -x.shape[0] or idx.max() >= x.shape[0]):
            raise ValueError(f"plot_fits: outliers must be indices in [0, {x.shape[0] - 1}]")
        mask[idx] = True
    ax = _axes(ax, figsize=(6, 4))
    if residuals is not None:
        xs, ys = curves[residuals]
        ax.vlines(x, t, ys, colors="0.55", linewidth=1, label=f"residuals of {residuals}", zorder=1)
    ax.scatter(x[~mask], t[~mask], s=28, color="0.35", label="data", zorder=3)
    if mask.any():
        ax.scatter(x[mask], t[mask], s=90, color="crimson", marker="X", label="outlier", zorder=4)
    for k, (label, (xs, ys)) in enumerate(curves.items()):
        order = np.argsort(xs, kind="stable")
        ax.plot(xs[order], ys[order], linewidth=2.5, color=f"C{k}", label=str(label), zorder=2)
    ax.set_xlabel("input $x$")
    ax.set_ylabel("target $t$ / prediction $\\hat{y}$")
    if title:
        ax.set_title(title)
    ax.legend(fontsize=10, loc="best")
    ax.grid(alpha=0.3)
    return ax


def plot_regression_losses(
    pred, target, *, axes: Sequence[Axes] | None = None, span: float = 4.0
) -> tuple[Axes, Axes]:
    """Squared, half squared and absolute error of one prediction, and their gradients.

    Left: each loss as a function of the prediction ``y_hat`` (target fixed), a dot at
    ``pred``. Right: the derivative with respect to ``y_hat``: ``2 (y_hat - t)``,
    ``y_hat - t`` and ``sign(y_hat - t)``.

    Parameters
    ----------
    pred, target : float
    span : float
        The x-axis runs over ``target +- span``.
    """
    func = "plot_regression_losses"
    p, t = as_scalar(pred, func, "pred"), as_scalar(target, func, "target")
    span = as_scalar(span, func, "span")
    if span <= 0:
        raise ValueError(f"{func}: span must be > 0, got {span}")
    ax_loss, ax_grad = _pair(axes, func)
    ys = np.linspace(t - span, t + span, 401)
    r = ys - t
    losses = {"MSE": r**2, "half MSE": r**2 / 2, "MAE": np.abs(r)}
    grads = {"MSE": 2 * r, "half MSE": r, "MAE": np.sign(r)}
    colors = [LOSS_COLORS[name] for name in losses]
    for ax, curves in ((ax_loss, losses), (ax_grad, grads)):
        for name, curve in curves.items():
            ax.plot(ys, curve, color=LOSS_COLORS[name], linewidth=2, label=name)
    # one scatter per panel for the three dots: fewer artists, and the widget moves them
    for ax, dots in zip((ax_loss, ax_grad), regression_loss_dots(p, t), strict=True):
        ax.scatter(dots[:, 0], dots[:, 1], s=60, c=colors, edgecolors="k", zorder=3)
    for ax in (ax_loss, ax_grad):
        ax.axvline(t, color="0.4", linestyle=":", linewidth=1)
        ax.set_xlabel("prediction $\\hat{y}$")
        ax.set_xlim(t - span, t + span)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=10, loc="upper center")
    ax_loss.set_ylim(-0.05 * span**2, span**2 * 0.75)
    ax_grad.set_ylim(-2 * span * 0.8, 2 * span * 0.8)
    ax_loss.set_ylabel("loss of one sample")
    ax_grad.set_ylabel("$\\partial$ loss / $\\partial \\hat{y}$")
    ax_loss.set_title(f"losses, target t = {t:.2g}", y=1.01)
    ax_grad.set_title("their gradients", y=1.01)
    return ax_loss, ax_grad


def _probability_curves(ps: np.ndarray, t: float) -> dict:
    pc = np.clip(ps, _P_EPS, 1 - _P_EPS)
    return {
        "BCE": (-(t * np.log(pc) + (1 - t) * np.log1p(-pc)), ps - t),
        "squared error": ((ps - t) ** 2, 2 * (ps - t) * ps * (1 - ps)),
        "absolute error": (np.abs(ps - t), np.sign(ps - t) * ps * (1 - ps)),
    }


def probability_loss_dots(p: float, t: float, max_loss: float = 5.0) -> tuple:
    """Where :func:`plot_probability_losses` marks ``p``: one (3, 2) array of (x, y) per panel.

    The loss panel's dots (cross-entropy, squared error, absolute error) are capped at
    ``max_loss``, the top of its axis; the gradient panel's are the gradients to the logit.
    """
    at = _probability_curves(np.array([float(p)]), float(t))
    loss = [min(v[0][0], max_loss) for v in at.values()]
    grad = [v[1][0] for v in at.values()]
    xs = [float(p)] * 3
    return np.column_stack([xs, loss]), np.column_stack([xs, grad])


def regression_loss_dots(pred: float, target: float) -> tuple:
    """Where :func:`plot_regression_losses` marks ``pred``: a (3, 2) array per panel.

    The losses (MSE, half MSE, MAE) of the residual ``r = pred - target``, then their
    gradients ``2 r``, ``r`` and ``sign(r)``.
    """
    r = float(pred) - float(target)
    xs = [float(pred)] * 3
    return (
        np.column_stack([xs, [r * r, r * r / 2, abs(r)]]),
        np.column_stack([xs, [2 * r, r, float(np.sign(r))]]),
    )


def plot_probability_losses(
    p, target, *, axes: Sequence[Axes] | None = None, max_loss: float = 5.0
) -> tuple[Axes, Axes]:
    """Losses of one predicted probability, and the gradient each sends to the logit.

    Left: binary cross-entropy, squared error and absolute error as functions of the
    predicted probability ``p`` for a fixed target, a dot at ``p``. Right: the gradient with
    respect to the logit ``z`` (``p = sigmoid(z)``), which is what training receives:
    ``p - t`` for cross-entropy, ``2 (p - t) p (1 - p)`` and ``sign(p - t) p (1 - p)`` for
    the others.

    Parameters
    ----------
    p : float in [0, 1]
    target : float in [0, 1]
    max_loss : float
        Upper limit of the loss axis (cross-entropy goes to infinity at the wrong end).
    """
    func = "plot_probability_losses"
    p = as_scalar(p, func, "p")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{func}: p must lie in [0, 1], got {p}")
    t = _target01(target, func)
    ax_loss, ax_grad = _pair(axes, func)
    ps = np.linspace(0.0, 1.0, 301)
    for name, (loss, grad) in _probability_curves(ps, t).items():
        ax_loss.plot(ps, loss, color=LOSS_COLORS[name], linewidth=2, label=name)
        ax_grad.plot(ps, grad, color=LOSS_COLORS[name], linewidth=2, label=name)
    colors = [LOSS_COLORS[name] for name in _probability_curves(ps[:1], t)]
    for ax, dots in zip((ax_loss, ax_grad), probability_loss_dots(p, t, max_loss), strict=True):
        ax.scatter(dots[:, 0], dots[:, 1], s=60, c=colors, edgecolors="k", zorder=3)
    for ax in (ax_loss, ax_grad):
        ax.axvline(t, color="0.4", linestyle=":", linewidth=1)
        ax.set_xlabel("predicted probability $p$")
        ax.set_xlim(0, 1)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1])
        ax.grid(alpha=0.3)
    ax_loss.set_ylim(-0.1, max_loss)
    ax_grad.set_ylim(-1.1, 1.1)
    ax_loss.set_ylabel("loss of one sample")
    ax_grad.set_ylabel("$\\partial$ loss / $\\partial z$ (logit)")
    ax_loss.set_title(f"losses, target t = {t:.2g}", y=1.01)
    ax_grad.set_title("gradient reaching the logit $z$", y=1.01)
    ax_loss.legend(fontsize=10, loc="upper center")
    ax_grad.legend(fontsize=10, loc="lower right" if t >= 0.5 else "upper right")
    return ax_loss, ax_grad


def plot_loss_vs_logit(
    z=None,
    *,
    target: float = 1.0,
    axes: Sequence[Axes] | None = None,
    z_range: tuple[float, float] = (-10.0, 10.0),
) -> tuple[Axes, Axes]:
    """Cross-entropy vs squared error through a sigmoid, against the logit ``z``.

    Left: ``-log sigmoid(z)`` style cross-entropy and ``(sigmoid(z) - t)**2``; right: their
    derivatives with respect to ``z``, ``sigmoid(z) - t`` and
    ``2 (sigmoid(z) - t) sigmoid(z) (1 - sigmoid(z))``. The region where the prediction is
    confidently wrong (|z| > 3 on the wrong side) is shaded. An optional ``z`` is marked.
    """
    func = "plot_loss_vs_logit"
    t = _target01(target, func)
    lo, hi = (as_scalar(v, func, "z_range") for v in z_range)
    if not lo < hi:
        raise ValueError(f"{func}: z_range must be (low, high) with low < high, got {z_range}")
    zs = np.linspace(lo, hi, 501)
    e = np.exp(-np.abs(zs))  # overflow-free sigmoid, as in utils.nn
    s = np.where(zs >= 0, 1 / (1 + e), e / (1 + e))
    bce = np.maximum(zs, 0) - zs * t + np.log1p(e)
    curves = {"BCE": (bce, s - t), "squared error": ((s - t) ** 2, 2 * (s - t) * s * (1 - s))}
    ax_loss, ax_grad = _pair(axes, func)
    for name, (loss, grad) in curves.items():
        label = "cross-entropy" if name == "BCE" else "squared error (MSE)"
        ax_loss.plot(zs, loss, color=LOSS_COLORS[name], linewidth=2.5, label=label)
        ax_grad.plot(zs, grad, color=LOSS_COLORS[name], linewidth=2.5, label=label)
    for ax in (ax_loss, ax_grad):
        if t >= 0.5:
            ax.axvspan(lo, min(-3.0, hi), color="crimson", alpha=0.08, label="confidently wrong")
        else:
            ax.axvspan(max(3.0, lo), hi, color="crimson", alpha=0.08, label="confidently wrong")
        ax.set_xlabel("logit $z$ (prediction $\\sigma(z)$)")
        ax.grid(alpha=0.3)
        ax.set_xlim(lo, hi)
    if z is not None:
        z0 = as_scalar(z, func, "z")
        for ax in (ax_loss, ax_grad):
            ax.axvline(z0, color="k", linestyle="--", linewidth=1)
    ax_loss.set_ylabel("loss of one sample")
    ax_grad.set_ylabel("$\\partial$ loss / $\\partial z$")
    ax_loss.set_title(f"loss against the logit, target t = {t:.0f}", y=1.01)
    ax_grad.set_title("gradient against the logit", y=1.01)
    ax_loss.legend(fontsize=10, loc="upper center")
    ax_grad.legend(fontsize=10, loc="lower right" if t >= 0.5 else "upper left")
    return ax_loss, ax_grad


def plot_class_probabilities(
    probs: dict, class_names: Sequence[str], *, ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Grouped bars: for each output rule (e.g. sigmoids, softmax), one bar per class.

    Parameters
    ----------
    probs : dict of str -> array_like of shape (C,)
        Probabilities per class, in [0, 1]. The legend shows each group's sum.
    class_names : sequence of str, length C
    """
    func = "plot_class_probabilities"
    if not isinstance(probs, dict) or not probs:
        raise TypeError(f"{func}: probs must be a non-empty dict {{label: (C,) array}}")
    names = [str(c) for c in class_names]
    rows = {}
    for label, value in probs.items():
        v = as_float_vector(value, func, f"probs[{label!r}]", length=len(names))
        if np.any((v < 0) | (v > 1)):
            raise ValueError(f"{func}: probs[{label!r}] must lie in [0, 1], got {v}")
        rows[label] = v
    ax = _axes(ax, figsize=(6, 4))
    width = 0.8 / len(rows)
    pos = np.arange(len(names))
    for k, (label, v) in enumerate(rows.items()):
        bars = ax.bar(
            pos + (k - (len(rows) - 1) / 2) * width,
            v,
            width=width * 0.95,
            color=f"C{k}",
            label=f"{label} (sum {v.sum():.2f})",
        )
        for bar, value in zip(bars, v, strict=True):
            ax.text(
                bar.get_x() + bar.get_width() / 2,
                value + 0.02,
                f"{value:.2f}",
                ha="center",
                fontsize=10,
            )
    ax.set_xticks(pos, names)
    ax.set_ylim(0, 1.15)
    ax.set_ylabel("predicted probability")
    ax.set_title(title or "probabilities per class")
    ax.legend(fontsize=10, loc="upper right")
    return ax


def plot_image_vector(
    image, *, row: int | None = None, axes: Sequence[Axes] | None = None, title: str = "the image"
) -> tuple[Axes, Axes]:
    """An (H, W, 3) image, and one image row as it appears inside the flattened vector x.

    ``x = image.reshape(-1)`` has H*W*3 entries in row-major order: row 0's pixels first,
    each pixel's red, green and blue values in turn. The right panel plots the W*3 entries
    of x that hold image row ``row`` (marked on the image), coloured by channel.

    Parameters
    ----------
    image : array_like, shape (H, W, 3), values in [0, 1]
    row : int, optional
        The image row shown in the right panel (default: the middle row).
    """
    func = "plot_image_vector"
    img = np.asarray(image, dtype=np.float64)
    if img.ndim != 3 or img.shape[2] != 3:
        raise ValueError(f"{func}: image must have shape (H, W, 3), got {img.shape}")
    if img.min() < 0 or img.max() > 1:
        raise ValueError(
            f"{func}: image values must lie in [0, 1], got [{img.min():.3g}, {img.max():.3g}]"
        )
    h, w, _ = img.shape
    row = h // 2 if row is None else row
    if isinstance(row, bool) or not isinstance(row, int | np.integer) or not 0 <= row < h:
        raise ValueError(f"{func}: row must be an int in [0, {h - 1}], got {row!r}")
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11, 3.6), gridspec_kw={"width_ratios": [1, 2.6]})
    ax_img, ax_vec = _pair(axes, func)
    ax_img.imshow(img, interpolation="nearest")
    ax_img.axhline(row, color="crimson", linewidth=1.5)
    ax_img.set_title(f"{title}: shape {img.shape}")
    ax_img.set_xlabel("column")
    ax_img.set_ylabel("row")
    x = img.reshape(-1)
    start = row * w * 3
    idx = np.arange(start, start + w * 3)
    for c, (name, color) in enumerate(
        (("red", "#d62728"), ("green", "#2ca02c"), ("blue", "#1f77b4"))
    ):
        ax_vec.plot(idx[c::3], x[idx[c::3]], ".", markersize=5, color=color, label=name)
    ax_vec.plot(idx, x[idx], linewidth=0.5, color="0.6", zorder=0)
    ax_vec.set_xlim(idx[0] - 2, idx[-1] + 2)
    ax_vec.set_ylim(-0.05, 1.1)
    ax_vec.set_xlabel("index in $x$")
    ax_vec.set_ylabel("value")
    ax_vec.set_title(
        f"x = image.reshape(-1), shape ({x.size},): entries {start} to "
        f"{start + w * 3 - 1} hold row {row}"
    )
    ax_vec.legend(fontsize=10, loc="upper right", ncol=3)
    return ax_img, ax_vec
