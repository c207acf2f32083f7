"""Figures of the regularization chapter.

- :func:`plot_overfitting_curves`: training and validation loss, the best epoch marked;
- :func:`plot_constraint_regions`: the L1 and L2 balls and where a loss's contours touch them;
- :func:`plot_penalty_fit`, :func:`plot_weight_histogram`: a regularized fit and its weights.

The small models behind them (features, ridge, lasso, cutout) are in
:mod:`utils.experiments.regularization`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from utils._validate import as_float_vector, as_scalar
from utils.plots._core import CLASS_COLORS, _axes

__all__ = [
    "ZERO_COLOR",
    "plot_constraint_regions",
    "plot_overfitting_curves",
    "plot_penalty_fit",
    "plot_weight_histogram",
]

#: The colour of weights that are exactly zero (and of dropped units).
ZERO_COLOR = "#d62728"


def plot_overfitting_curves(
    history: dict,
    *,
    ax: Axes | None = None,
    best_epoch: int | None = None,
    stopped_at: int | None = None,
    title: str | None = None,
    logy: bool = True,
) -> Axes:
    """Training and validation loss per epoch, with the best validation epoch marked.

    Parameters
    ----------
    history : dict
        ``history["train_loss"]`` and ``history["val_loss"]``, one value per epoch (epochs
        count from 1), as :func:`utils.nn.fit` returns.
    best_epoch : int, optional
        Default: the epoch of the lowest validation loss.
    stopped_at : int, optional
        An epoch where training stopped (early stopping), drawn as a dashed line.
    """
    train = as_float_vector(history["train_loss"], "plot_overfitting_curves", "train_loss")
    val = as_float_vector(
        history["val_loss"], "plot_overfitting_curves", "val_loss", length=train.shape[0]
    )
    ax = _axes(ax, figsize=(6, 4))
    epochs = np.arange(1, train.shape[0] + 1)
    ax.plot(epochs, train, color=CLASS_COLORS[0], label="training loss")
    ax.plot(epochs, val, color=CLASS_COLORS[1], label="validation loss")
    best = int(np.argmin(val)) + 1 if best_epoch is None else int(best_epoch)
    ax.axvline(best, color="k", lw=1.2, label=f"best validation epoch ({best})")
    ax.plot([best], [val[best - 1]], "o", color="k")
    if stopped_at is not None:
        ax.axvline(stopped_at, color="0.4", lw=1.2, ls="--", label=f"stopped at epoch {stopped_at}")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean squared error")
    ax.set_title(title or "Training vs validation loss")
    ax.legend()
    ax.grid(alpha=0.3)
    return ax


def _boundary_minimum(center, A, points) -> np.ndarray:
    loss = np.einsum("ni,ij,nj->n", points - center, A, points - center)
    return points[int(np.argmin(loss))]


def plot_constraint_regions(
    *, ax: Axes | None = None, center=(1.6, 0.55), A=((1.0, 0.45), (0.45, 0.6)), radius: float = 1.0
) -> Axes:
    """Contours of a quadratic loss and the L2 disk and L1 diamond of the same radius.

    The loss is ``(w - c)^T A (w - c)`` with minimum at ``center``. The constrained minimum
    on each region is where the region first touches a contour: on the disk it is a generic
    point (both weights non-zero), on the diamond it is a corner (one weight exactly 0).

    Parameters
    ----------
    center : (float, float)
        The unconstrained minimum, outside both regions.
    A : 2x2 symmetric positive definite matrix
    radius : float
        ``w1**2 + w2**2 <= radius**2`` and ``|w1| + |w2| <= radius``.
    """
    c = as_float_vector(center, "plot_constraint_regions", "center", length=2)
    A = np.asarray(A, dtype=np.float64)
    if A.shape != (2, 2) or not np.allclose(A, A.T) or np.linalg.eigvalsh(A)[0] <= 0:
        raise ValueError(
            "plot_constraint_regions: A must be a symmetric positive definite 2x2 matrix"
        )
    radius = as_scalar(radius, "plot_constraint_regions", "radius")
    ax = _axes(ax, figsize=(5.5, 5))
    angle = np.linspace(0, 2 * np.pi, 4001)
    disk = radius * np.column_stack([np.cos(angle), np.sin(angle)])
    diamond = disk / (np.abs(np.cos(angle)) + np.abs(np.sin(angle)))[:, None]
    g = np.linspace(-1.6 * radius, 2.6 * radius, 200)
    G1, G2 = np.meshgrid(g, g)
    P = np.stack([G1 - c[0], G2 - c[1]], axis=-1)
    L = np.einsum("...i,ij,...j->...", P, A, P)
    ax.contour(G1, G2, L, levels=np.linspace(0.05, 4.0, 12) ** 2 / 2, colors="0.55", linewidths=0.9)
    ax.fill(disk[:, 0], disk[:, 1], color=CLASS_COLORS[0], alpha=0.25)
    ax.plot(
        disk[:, 0], disk[:, 1], color=CLASS_COLORS[0], lw=2, label="L2: $w_1^2 + w_2^2 \\leq r^2$"
    )
    ax.fill(diamond[:, 0], diamond[:, 1], color=CLASS_COLORS[1], alpha=0.25)
    ax.plot(
        diamond[:, 0],
        diamond[:, 1],
        color=CLASS_COLORS[1],
        lw=2,
        label="L1: $|w_1| + |w_2| \\leq r$",
    )
    for pts, color, name in ((disk, CLASS_COLORS[0], "L2"), (diamond, CLASS_COLORS[1], "L1")):
        w = _boundary_minimum(c, A, pts)
        ax.plot(*w, "o", ms=10, color=color, markeredgecolor="k", zorder=4)
        ax.annotate(
            f"{name} minimum\n({w[0]:.2f}, {w[1]:.2f})",
            w,
            xytext=(12, -30 if name == "L1" else 12),
            textcoords="offset points",
            fontsize=11,
        )
    ax.plot(*c, "k*", ms=14, label="unregularized minimum")
    ax.axhline(0, color="k", lw=0.6)
    ax.axvline(0, color="k", lw=0.6)
    ax.set_aspect("equal")
    ax.set_xlim(g[0], g[-1])
    ax.set_ylim(g[0], g[-1])
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    ax.set_title("Loss contours, L2 disk and L1 diamond")
    ax.legend(loc="lower left", fontsize=10)
    return ax


def plot_penalty_fit(
    x,
    t,
    grid,
    pred,
    *,
    ax: Axes | None = None,
    x_val=None,
    t_val=None,
    truth=None,
    title: str | None = None,
) -> Axes:
    """A 1-D fit: the training points, optional validation points, the true curve, the model.

    Parameters
    ----------
    x, t : array_like, shape (N,)
    grid, pred : array_like, shape (G,)
        Where the model is evaluated and its predictions.
    x_val, t_val : array_like, shape (M,), optional
    truth : array_like, shape (G,), optional
        The noise-free function on ``grid``.
    """
    x = as_float_vector(x, "plot_penalty_fit", "x")
    t = as_float_vector(t, "plot_penalty_fit", "t", length=x.shape[0])
    grid = as_float_vector(grid, "plot_penalty_fit", "grid")
    pred = as_float_vector(pred, "plot_penalty_fit", "pred", length=grid.shape[0])
    ax = _axes(ax, figsize=(6, 4))
    if x_val is not None and t_val is not None:
        ax.plot(x_val, t_val, ".", color="0.7", ms=4, label="validation points")
    if truth is not None:
        ax.plot(grid, truth, color="0.35", ls="--", lw=1.5, label="true function")
    ax.plot(x, t, "o", color=CLASS_COLORS[0], markeredgecolor="k", label="training points")
    ax.plot(grid, np.clip(pred, -3, 3), color=CLASS_COLORS[1], lw=2.2, label="model")
    ax.set_ylim(-2.2, 2.2)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$t$")
    ax.set_title("The fitted function" if title is None else title)
    ax.legend(loc="upper right", fontsize=10)
    return ax


def plot_weight_histogram(
    weights,
    *,
    ax: Axes | None = None,
    bins: int = 41,
    limit: float | None = None,
    title: str | None = None,
    legend: bool = True,
) -> Axes:
    """Histogram of weight values, with the count of exact zeros shown as its own red bar.

    Parameters
    ----------
    weights : array_like, any shape (flattened)
    limit : float, optional
        The histogram covers [-limit, limit] (values beyond go in the end bins); default the
        largest |w|.
    legend : bool
        Without a legend, the count of exact zeros is written above the red bar.
    """
    w = np.asarray(weights, dtype=np.float64).ravel()
    if w.size == 0:
        raise ValueError("plot_weight_histogram: weights is empty")
    ax = _axes(ax, figsize=(6, 4))
    finite = w[np.isfinite(w)]
    zeros = int(np.sum(finite == 0.0))
    top = float(limit) if limit is not None else float(np.max(np.abs(finite), initial=0.0))
    top = top if top > 0 else 1.0
    edges = np.linspace(-top, top, bins + 1)
    counts, _ = np.histogram(np.clip(finite[finite != 0.0], -top, top), bins=edges)
    ax.stairs(counts, edges, fill=True, color=CLASS_COLORS[0], alpha=0.8, label="non-zero weights")
    width = (edges[1] - edges[0]) * 0.8
    ax.bar([0.0], [zeros], width=width, color=ZERO_COLOR, label=f"exactly 0: {zeros} of {w.size}")
    ax.set_xlabel("weight value")
    ax.set_ylabel("number of weights")
    ax.set_title("Weights" if title is None else title)
    if legend:
        ax.legend(loc="upper right", fontsize=10)
    else:
        ax.text(
            0.02,
            0.95,
            f"exactly 0: {zeros} of {w.size}",
            color=ZERO_COLOR,
            transform=ax.transAxes,
            va="top",
            fontsize=12,
        )
    return ax
