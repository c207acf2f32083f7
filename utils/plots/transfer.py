"""The figures of the transfer-learning chapter (10).

The results they draw come from :mod:`utils.experiments.transfer`.

- :func:`plot_first_layer_filters`, :func:`plot_digit_rows`: weights and images as 8x8 tiles;
- :func:`plot_transfer_accuracy`, :func:`plot_transfer_curves`: what
  :func:`utils.experiments.transfer.transfer_experiment` returns;
- :func:`plot_probe_accuracy`: a table of linear-probe accuracies.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from utils.plots._core import _axes

__all__ = [
    "plot_digit_rows",
    "plot_first_layer_filters",
    "plot_probe_accuracy",
    "plot_transfer_accuracy",
    "plot_transfer_curves",
    "transfer_curve",
]

_COLORS = {
    "from scratch": "#1f77b4",
    "fine-tune all": "#ff7f0e",
    "freeze layer 1": "#9467bd",
    "frozen features": "#2ca02c",
    "freeze all": "#7f7f7f",
}


def plot_first_layer_filters(
    W, *, ax: Axes | None = None, title: str | None = None, cols: int = 8
) -> Axes:
    """Each column of a first-layer weight matrix ``W`` (64, M) drawn as an 8x8 image.

    Each image is scaled by its own largest |weight| (red positive, blue negative), so the
    pattern of each unit shows whatever its size; the images are tiled on one Axes.
    """
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 2 or W.shape[0] != 64:
        raise ValueError(f"plot_first_layer_filters: W must have shape (64, M), got {W.shape}")
    m = W.shape[1]
    rows = -(-m // cols)
    mosaic = np.full((rows * 9 - 1, cols * 9 - 1), np.nan)
    scale = np.abs(W).max(axis=0)
    scale[scale == 0] = 1.0
    for j in range(m):
        r, c = divmod(j, cols)
        mosaic[9 * r : 9 * r + 8, 9 * c : 9 * c + 8] = (W[:, j] / scale[j]).reshape(8, 8)
    ax = _axes(ax, figsize=(4.5, 4.5 * rows / cols))
    ax.imshow(mosaic, cmap="RdBu_r", vmin=-1, vmax=1, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel(f"{m} units, 8x8 weights each")
    ax.set_title(title or "first-layer weights")
    return ax


def _check_results(results, func: str) -> None:
    if not isinstance(results, dict) or "curves" not in results:
        raise TypeError(
            f"{func}: results must be the dict transfer_experiment returns, "
            f"got {type(results).__name__}"
        )


def plot_digit_rows(rows: dict, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """8x8 images, one row per entry of ``rows`` (label -> array (k, 64), pixels in [0, 1])."""
    if not isinstance(rows, dict) or not rows:
        raise TypeError("plot_digit_rows: rows must be a non-empty dict {label: array (k, 64)}")
    images = [np.asarray(X, dtype=np.float64) for X in rows.values()]
    for label, X in zip(rows, images, strict=True):
        if X.ndim != 2 or X.shape[1] != 64 or len(X) == 0:
            raise ValueError(
                f"plot_digit_rows: rows[{label!r}] must have shape (k, 64) with "
                f"k >= 1, got {X.shape}"
            )
    cols = max(len(X) for X in images)
    mosaic = np.full((len(images) * 9 - 1, cols * 9 - 1), np.nan)
    for r, X in enumerate(images):
        for c, x in enumerate(X):
            mosaic[9 * r : 9 * r + 8, 9 * c : 9 * c + 8] = x.reshape(8, 8)
    ax = _axes(ax, figsize=(1.2 * cols + 2, 1.2 * len(images)))
    ax.imshow(mosaic, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks(9 * np.arange(len(images)) + 3.5, list(rows))
    ax.tick_params(length=0)
    ax.set_title(title or "digits")
    return ax


def plot_transfer_accuracy(
    results: dict,
    methods=None,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    logx: bool = True,
    compact: bool = False,
) -> Axes:
    """Final test accuracy against labels per class, mean over seeds with a ±1 std band.

    ``logx=False`` spaces the label counts evenly instead of on a log scale, and
    ``compact=True`` draws no grid and no legend (both faster to draw, for widgets).
    """
    _check_results(results, "plot_transfer_accuracy")
    methods = results["methods"] if methods is None else methods
    ax = _axes(ax, figsize=(6, 4))
    counts = np.array(results["label_counts"])
    x = counts if logx else np.arange(len(counts))
    for m in methods:
        final = results["curves"][m][:, :, -1]  # (counts, seeds)
        mean, std = final.mean(axis=1), final.std(axis=1)
        ax.plot(x, mean, marker="o", color=_COLORS.get(m), label=m)
        ax.fill_between(x, mean - std, mean + std, color=_COLORS.get(m), alpha=0.2)
    if logx:
        ax.set_xscale("log")
        ax.minorticks_off()
    ax.set_xticks(x, [str(c) for c in counts])
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.set_xlabel("labelled images per class" + (" (log scale)" if logx else ""))
    ax.set_ylabel("test accuracy")
    ax.set_title(title or f"Digits 5-9: mean ± std over {len(results['seeds'])} seeds")
    if not compact:
        ax.legend(loc="lower right")
        ax.grid(alpha=0.3)
    return ax


def transfer_curve(results: dict, method: str, index: int) -> tuple:
    """The mean and std over seeds of a method's test accuracy curve, at the ``index``-th
    label count of ``results``: two arrays of shape (T,), as :func:`plot_transfer_curves`
    draws them (the line and its band)."""
    runs = results["curves"][method][index]  # (seeds, T)
    return runs.mean(axis=0), runs.std(axis=0)


def plot_transfer_curves(
    results: dict,
    n_labels: int,
    methods=None,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    compact: bool = False,
) -> Axes:
    """Test accuracy during training (mean over seeds, ±1 std band) for one label count.

    ``compact=True`` draws no grid (faster to draw, for widgets); the legend stays.
    """
    _check_results(results, "plot_transfer_curves")
    if n_labels not in results["label_counts"]:
        raise ValueError(
            f"plot_transfer_curves: n_labels must be one of "
            f"{list(results['label_counts'])}, got {n_labels}"
        )
    a = results["label_counts"].index(n_labels)
    methods = results["methods"] if methods is None else methods
    ax = _axes(ax, figsize=(6, 4))
    steps = results["steps"]
    for m in methods:
        mean, std = transfer_curve(results, m, a)
        ax.plot(steps, mean, color=_COLORS.get(m), label=m)
        ax.fill_between(steps, mean - std, mean + std, color=_COLORS.get(m), alpha=0.2)
    ax.set_xticks(steps[steps % 50 == 0] if steps[-1] >= 100 else steps)
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.set_xlabel("gradient steps")
    ax.set_ylabel("test accuracy")
    ax.set_ylim(0, 1)
    ax.set_title(title or f"{n_labels} labelled images per class")
    ax.legend(loc="lower right")
    if not compact:
        ax.grid(alpha=0.3)
    return ax


def plot_probe_accuracy(table: dict, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Grouped bars: ``table[task][depth] = accuracy`` of a linear head on each layer's features."""
    if not isinstance(table, dict) or not table:
        raise TypeError(
            "plot_probe_accuracy: table must be a non-empty dict {task: {depth label: accuracy}}"
        )
    ax = _axes(ax, figsize=(6, 4))
    depths = list(next(iter(table.values())))
    width = 0.8 / len(table)
    for t, (task, accs) in enumerate(table.items()):
        x = np.arange(len(depths)) + (t - (len(table) - 1) / 2) * width
        values = [accs[d] for d in depths]
        bars = ax.bar(x, values, width, label=task, color=("#1f77b4", "#ff7f0e", "#2ca02c")[t % 3])
        ax.bar_label(bars, labels=[f"{v:.2f}" for v in values], fontsize=11, padding=2)
    ax.set_xticks(np.arange(len(depths)), depths)
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("test accuracy of a new linear head")
    ax.set_title(title or "How useful are each layer's features?")
    ax.legend(loc="lower left")
    return ax
