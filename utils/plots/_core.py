"""Figures of the course. Each function takes ``ax=None``, returns the Axes, never shows.

Importing this module sets font sizes readable from the back of a lecture room.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from utils._validate import as_float_matrix, as_float_vector, as_scalar
from utils.data import gate_truth_table

__all__ = [
    "CLASS_COLORS",
    "LossPlot",
    "draw_histogram_panel",
    "plot_boundary_line",
    "plot_curves",
    "plot_decision_regions",
    "plot_gate",
    "plot_matrices",
    "plot_points",
    "plot_regression_step",
    "plot_xor_spaces",
]

# A fixed title height: matplotlib otherwise measures every axis's tick labels on each draw to
# place the title, about a tenth of a widget redraw (no course figure has ticks on top).
mpl.rcParams.update(
    {
        "font.size": 12,
        "axes.titlesize": 13,
        "axes.labelsize": 12,
        "legend.fontsize": 11,
        "xtick.labelsize": 11,
        "ytick.labelsize": 11,
        "figure.dpi": 90,
        "axes.titley": 1.0,
    }
)

#: Class colours (colour-blind safe): class 0 blue, class 1 orange, then green, purple, ...
CLASS_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2")
_MARKERS = ("o", "s", "^", "D", "v", "P")


def _axes(ax: Axes | None, figsize=(5, 4)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _labels(y, n: int, func: str) -> np.ndarray:
    y = np.asarray(y)
    if y.shape != (n,):
        raise ValueError(f"{func}: y must have shape ({n},) to match X, got {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        if not np.all(np.equal(np.mod(y, 1), 0)):
            raise ValueError(f"{func}: y must hold integer class labels, got dtype {y.dtype}")
        y = y.astype(np.int64)
    return y


def plot_points(
    X, y, *, ax: Axes | None = None, title: str | None = None, size: float = 30
) -> Axes:
    """Scatter 2-D points coloured and shaped by class.

    Parameters
    ----------
    X : array_like, shape (N, 2)
    y : array_like of int, shape (N,)
    """
    X = as_float_matrix(X, "plot_points", "X", columns=2)
    y = _labels(y, X.shape[0], "plot_points")
    ax = _axes(ax)
    for k in np.unique(y):
        pts = X[y == k]
        ax.scatter(
            pts[:, 0],
            pts[:, 1],
            s=size,
            c=CLASS_COLORS[k % len(CLASS_COLORS)],
            marker=_MARKERS[k % len(_MARKERS)],
            edgecolors="k",
            linewidths=0.6,
            label=f"class {k}",
            zorder=3,
        )
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    return ax


def plot_decision_regions(
    predict: Callable[[np.ndarray], np.ndarray],
    X,
    y,
    *,
    ax: Axes | None = None,
    resolution: int = 200,
    padding: float = 0.5,
    title: str | None = None,
) -> Axes:
    """Shade the plane by a classifier's prediction and draw the data on top.

    Parameters
    ----------
    predict : callable
        Maps an array of shape (M, 2) to shape (M,): class labels (int) or the probability
        of class 1 (float in [0, 1]).
    X : array_like, shape (N, 2)
    y : array_like of int, shape (N,)
    resolution : int
        Grid points per axis.
    """
    if not callable(predict):
        raise TypeError(
            f"plot_decision_regions: predict must be callable, got {type(predict).__name__}"
        )
    X = as_float_matrix(X, "plot_decision_regions", "X", columns=2)
    y = _labels(y, X.shape[0], "plot_decision_regions")
    ax = _axes(ax)
    lo, hi = X.min(axis=0) - padding, X.max(axis=0) + padding
    g1, g2 = np.meshgrid(
        np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    )
    grid = np.column_stack([g1.ravel(), g2.ravel()])
    z = np.asarray(predict(grid), dtype=np.float64)
    if z.shape != (grid.shape[0],):
        raise ValueError(
            f"plot_decision_regions: predict must return shape ({grid.shape[0]},) "
            f"for an input of shape {grid.shape}, got {z.shape}"
        )
    z = z.reshape(g1.shape)
    n_classes = int(max(y.max(), np.nanmax(z))) + 1
    cmap = mpl.colors.ListedColormap(CLASS_COLORS[: max(n_classes, 2)])
    if np.all(z == np.round(z)):
        levels = np.arange(-0.5, max(n_classes, 2))
        ax.contourf(g1, g2, z, levels=levels, cmap=cmap, alpha=0.25)
    else:  # probabilities of class 1
        ax.contourf(g1, g2, z, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.3)
        ax.contour(g1, g2, z, levels=[0.5], colors="k", linewidths=1.5)
    plot_points(X, y, ax=ax, title=title)
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    return ax


def plot_boundary_line(
    w, b, *, ax: Axes | None = None, label: str | None = None, color: str = "k"
) -> Axes:
    """Draw the line ``w[0] * x1 + w[1] * x2 + b = 0`` across the Axes' current limits.

    Parameters
    ----------
    w : array_like, shape (2,)
    b : float
    """
    w = as_float_vector(w, "plot_boundary_line", "w", length=2)
    b = as_scalar(b, "plot_boundary_line", "b")
    ax = _axes(ax)
    (x_lo, x_hi), (y_lo, y_hi) = ax.get_xlim(), ax.get_ylim()
    if abs(w[1]) > 1e-12:
        xs = np.array([x_lo, x_hi])
        ys = -(w[0] * xs + b) / w[1]
    elif abs(w[0]) > 1e-12:
        ys = np.array([y_lo, y_hi])
        xs = np.full(2, -b / w[0])
    else:  # w = 0: no line; the whole plane is on one side
        return ax
    ax.plot(xs, ys, color=color, linewidth=2, label=label)
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    return ax


def plot_gate(
    name: str, w, b, *, ax: Axes | None = None, perceptron: Callable | None = None
) -> Axes:
    """A gate's four inputs coloured by its truth table, and a perceptron's line and verdict.

    Filled markers are the gate's target outputs; the shaded half-plane is where the
    perceptron ``step(x @ w + b)`` outputs 1. The title says whether it computes the gate.
    """
    from utils.perceptron import perceptron as reference

    run = perceptron or reference
    X, target = gate_truth_table(name)
    w = as_float_vector(w, "plot_gate", "w", length=2)
    b = as_scalar(b, "plot_gate", "b")
    out = np.asarray(run(X, w, b)).astype(np.int64).ravel()
    ax = _axes(ax, figsize=(4, 4))
    ax.set_xlim(-0.5, 1.5)
    ax.set_ylim(-0.5, 1.5)
    g1, g2 = np.meshgrid(np.linspace(-0.5, 1.5, 81), np.linspace(-0.5, 1.5, 81))
    fires = (np.column_stack([g1.ravel(), g2.ravel()]) @ w + b > 0).reshape(g1.shape)
    ax.contourf(
        g1,
        g2,
        fires.astype(float),
        levels=[-0.5, 0.5, 1.5],
        colors=[CLASS_COLORS[0], CLASS_COLORS[1]],
        alpha=0.15,
    )
    plot_points(X, target, ax=ax, size=160)
    plot_boundary_line(w, b, ax=ax)
    solved = np.array_equal(out, target)
    ax.set_title(
        f"{name.upper()}: {'solved' if solved else 'not solved'}",
        color="green" if solved else "firebrick",
    )
    ax.set_aspect("equal")
    ax.legend(loc="upper left", fontsize=9)
    return ax


def plot_xor_spaces(*, axes: Sequence[Axes] | None = None) -> tuple[Axes, Axes]:
    """XOR in input space (no line separates it) and in hidden space (one line does)."""
    from utils.perceptron import XOR_OUT_B, XOR_OUT_W, xor_network

    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11, 4))
    ax_x, ax_h = axes
    X, y = gate_truth_table("XOR")
    H, _ = xor_network(X)
    for ax, pts, (lab1, lab2), title in (
        (ax_x, X, ("$x_1$", "$x_2$"), "input space $x$: no line separates"),
        (ax_h, H.astype(float), ("$h_1$ (AND)", "$h_2$ (OR)"), "hidden space $h$: one line does"),
    ):
        ax.set_xlim(-0.5, 1.5)
        ax.set_ylim(-0.5, 1.5)
        plot_points(pts, y, ax=ax, size=160, title=title)
        ax.set_xlabel(lab1)
        ax.set_ylabel(lab2)
        ax.set_aspect("equal")
    sources: dict[tuple, list[str]] = {}
    for x_pt, h_pt in zip(X, H, strict=True):
        ax_x.annotate(
            f"({x_pt[0]:.0f},{x_pt[1]:.0f})",
            x_pt,
            xytext=(8, 8),
            textcoords="offset points",
            fontsize=10,
        )
        sources.setdefault(tuple(h_pt), []).append(f"({x_pt[0]:.0f},{x_pt[1]:.0f})")
    for h_pt, names in sources.items():  # (0,1) and (1,0) land on the same hidden point
        ax_h.annotate(
            "from " + " and ".join(names),
            h_pt,
            xytext=(8, -16),
            textcoords="offset points",
            fontsize=9,
        )
    plot_boundary_line(XOR_OUT_W, XOR_OUT_B, ax=ax_h, label="$-h_1 + h_2 - 0.5 = 0$", color="green")
    ax_h.set_xlim(-0.5, 1.9)  # room for the labels right of (1, 1)
    ax_h.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=9)
    return ax_x, ax_h


def plot_curves(
    x,
    curves: dict,
    *,
    ax: Axes | None = None,
    xlabel: str = "",
    ylabel: str = "",
    title: str | None = None,
    logy: bool = False,
    marker: str | None = None,
) -> Axes:
    """Several labelled lines against a common x (e.g. loss per epoch, error per degree).

    Parameters
    ----------
    x : array_like, shape (T,)
    curves : dict of str -> array_like of shape (T,)
    """
    x = as_float_vector(x, "plot_curves", "x")
    if not isinstance(curves, dict) or not curves:
        raise TypeError(
            "plot_curves: curves must be a non-empty dict {label: values}, "
            f"got {type(curves).__name__}"
        )
    ax = _axes(ax, figsize=(6, 4))
    for label, values in curves.items():
        v = as_float_vector(values, "plot_curves", f"curves[{label!r}]", length=x.shape[0])
        ax.plot(x, v, label=str(label), marker=marker)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if len(curves) > 1:
        ax.legend()
    ax.grid(alpha=0.3)
    return ax


def plot_matrices(items, *, axes: Sequence[Axes] | None = None, fmt: str = "{:.1f}"):
    """Draw small matrices side by side as grids of numbers, each with a title and its shape.

    Parameters
    ----------
    items : list of (array_like of ndim 1 or 2, str)
        A 1-D array of shape (D,) is drawn as one row.

    Returns
    -------
    list of Axes
    """
    if not isinstance(items, list | tuple) or not items:
        raise TypeError("plot_matrices: items must be a non-empty list of (array, title)")
    mats = []
    for i, item in enumerate(items):
        if not (isinstance(item, tuple | list) and len(item) == 2):
            raise TypeError(f"plot_matrices: items[{i}] must be (array, title), got {item!r}")
        arr = np.asarray(item[0], dtype=np.float64)
        if arr.ndim not in (1, 2):
            raise ValueError(f"plot_matrices: items[{i}] must be 1-D or 2-D, got shape {arr.shape}")
        mats.append((arr, str(item[1])))
    if axes is None:
        widths = [max(m.shape[-1], 1) + 0.8 for m, _ in mats]
        _, axes = plt.subplots(
            1,
            len(mats),
            figsize=(min(sum(widths) * 0.75 + 1, 14), 3.2),
            gridspec_kw={"width_ratios": widths},
        )
        axes = np.atleast_1d(axes)
    for ax, (arr, title) in zip(axes, mats, strict=True):
        grid = arr.reshape(1, -1) if arr.ndim == 1 else arr
        ax.imshow(
            grid,
            cmap="Blues",
            alpha=0.6,
            aspect="equal",
            vmin=min(grid.min(), 0),
            vmax=max(grid.max(), 1e-9) * 1.6,
        )
        for (r, c), v in np.ndenumerate(grid):
            ax.text(c, r, fmt.format(v), ha="center", va="center", fontsize=11)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"{title}\nshape {arr.shape}", fontsize=12)
    return list(axes)


def plot_regression_step(x, t, history: dict, step: int, *, axes: Sequence[Axes] | None = None):
    """The big picture of training on a line fit, at one step of mini-batch SGD.

    Left: the data, the current mini-batch (large orange dots) and the current line
    ``w x + b``. Right: the loss on all the data against the step, the current step marked.

    Parameters
    ----------
    x, t : array_like, shape (N,)
    history : dict
        From :func:`utils.experiments.descent.fit_line_sgd`: ``"w"``, ``"b"``, ``"loss"`` of shape
        (steps + 1,) and ``"batches"`` (a list of ``steps`` index arrays).
    step : int
        0 <= step <= steps. At step k the line has taken k updates; the batch shown is the
        one that the next update uses.
    """
    x = as_float_vector(x, "plot_regression_step", "x")
    t = as_float_vector(t, "plot_regression_step", "t", length=x.shape[0])
    if not isinstance(history, dict) or not {"w", "b", "loss", "batches"} <= set(history):
        raise TypeError(
            "plot_regression_step: history must be the dict from "
            "utils.experiments.descent.fit_line_sgd (keys w, b, loss, batches)"
        )
    steps = len(history["loss"]) - 1
    if not isinstance(step, int | np.integer) or not 0 <= step <= steps:
        raise ValueError(f"plot_regression_step: step must be an int in [0, {steps}], got {step!r}")
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 4))
    ax_fit, ax_loss = axes
    ax_fit.scatter(x, t, s=18, color="0.6", label="all data")
    if step < len(history["batches"]):
        idx = history["batches"][step]
        ax_fit.scatter(
            x[idx],
            t[idx],
            s=60,
            color=CLASS_COLORS[1],
            edgecolors="k",
            label="next mini-batch",
            zorder=3,
        )
    xs = np.array([x.min(), x.max()])
    w, b = history["w"][step], history["b"][step]
    ax_fit.plot(
        xs,
        w * xs + b,
        color=CLASS_COLORS[0],
        linewidth=2.5,
        label=f"w·x + b with w={w:.3g}, b={b:.3g}",
    )
    margin = 0.25 * (t.max() - t.min() + 1e-12)
    ax_fit.set_ylim(t.min() - margin, t.max() + margin)  # the data stays in view
    ax_fit.set_xlabel("input $x$")
    ax_fit.set_ylabel("target $t$")
    ax_fit.set_title(f"step {step}: the model")
    ax_fit.legend(loc="upper left", fontsize=10)
    loss = np.asarray(history["loss"])
    ax_loss.plot(np.arange(steps + 1), loss, color="0.5")
    ax_loss.plot([step], [loss[step]], "o", color=CLASS_COLORS[1], markersize=9)
    ax_loss.set_xlabel("step (one mini-batch each)")
    ax_loss.set_ylabel("mean squared error (all data)")
    ax_loss.set_title(f"loss = {loss[step]:.4g}")
    ax_loss.set_ylim(0, 1.05 * np.nanmax(loss[: step + 1]) + 1e-12)
    ax_loss.grid(alpha=0.3)
    return ax_fit, ax_loss


def draw_histogram_panel(
    ax: Axes, values, edges, *, x=None, color: str = "C0", alpha: float = 0.8
) -> tuple[np.ndarray, float, bool]:
    """One layer's histogram, as filled stairs: the fraction of the values in each bin.

    Values beyond the first or last edge are counted in the end bins, so an exploding layer
    shows as a spike at the edge; values that are not finite count in the total but in no
    bin. Every per-layer histogram of the course (side by side on several Axes, or several
    panels on one Axes) is drawn by this function.

    Parameters
    ----------
    ax : Axes
    values : array_like, any shape
        One layer's values; all of them are counted.
    edges : numpy.ndarray, shape (bins + 1,)
        Increasing bin edges.
    x : numpy.ndarray, shape (bins + 1,), optional
        Where the edges are drawn (default ``edges``): shifted and scaled edges put several
        panels side by side on one Axes.
    color : str
    alpha : float

    Returns
    -------
    fractions : numpy.ndarray of float64, shape (bins,)
        Count per bin divided by the number of values.
    std : float
        The standard deviation of the finite values (NaN when there are none).
    complete : bool
        True when there are values and all are finite.
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    with np.errstate(all="ignore"):
        finite = v[np.isfinite(v)]
        counts, _ = np.histogram(np.clip(finite, edges[0], edges[-1]), bins=edges)
        std = float(finite.std()) if finite.size else float("nan")
    fractions = counts / max(v.size, 1)
    ax.stairs(fractions, edges if x is None else x, fill=True, color=color, alpha=alpha)
    return fractions, std, bool(v.size) and finite.size == v.size


class LossPlot:
    """Loss curves redrawn in place after every epoch while a model trains.

    Pass one to :func:`utils.nn.fit` as its callback, ``fit(..., callback=LossPlot())``: it
    is called as ``plot(epoch, history, model)``, redraws, and returns False (training goes
    on). In a notebook the figure is one output updated in place; elsewhere nothing is shown.
    """

    def __init__(self, *, title: str = "training"):
        self.figure, self.ax = plt.subplots(figsize=(6, 3.5))
        plt.close(self.figure)  # shown through the display handle, not at the end of the cell
        self.title = title
        self._handle = None

    def update(self, history: dict) -> None:
        """Redraw from a history with ``train_loss`` (and optionally ``val_loss``) lists."""
        self.ax.clear()
        curves = {"training": history["train_loss"]}
        if history.get("val_loss"):
            curves["validation"] = history["val_loss"]
        epochs = np.arange(1, len(history["train_loss"]) + 1)
        plot_curves(
            epochs,
            curves,
            ax=self.ax,
            xlabel="epoch",
            ylabel="loss",
            title=f"{self.title}: epoch {epochs[-1]}",
            marker="o" if len(epochs) < 30 else None,
        )
        try:
            from IPython import get_ipython
            from IPython.display import display
        except ImportError:  # pragma: no cover - IPython comes with ipykernel
            return
        if get_ipython() is None:
            return
        if self._handle is None:
            self._handle = display(self.figure, display_id=True)
        else:
            self._handle.update(self.figure)

    def __call__(self, epoch: int, history: dict, model=None) -> bool:
        """Redraw after an epoch (the callback of :func:`utils.nn.fit`); return False."""
        self.update(history)
        return False

    def close(self) -> None:
        plt.close(self.figure)
