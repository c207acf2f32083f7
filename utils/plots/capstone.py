"""Figures of the capstone chapter.

- :func:`plot_class_balance`, :func:`plot_feature_scales`: the data before training;
- :func:`plot_training_history`: loss and accuracy, training vs validation;
- :func:`plot_confusion_matrix`: the counts of :func:`utils.experiments.capstone.confusion_matrix`.

The network and its runs are in :mod:`utils.experiments.capstone`.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from utils._validate import as_float_matrix
from utils.plots._core import CLASS_COLORS, _axes

__all__ = [
    "plot_class_balance",
    "plot_confusion_matrix",
    "plot_feature_scales",
    "plot_training_history",
]


def plot_class_balance(
    y,
    *,
    class_names: Sequence[str] | None = None,
    ax: Axes | None = None,
    title: str = "Class balance",
) -> Axes:
    """A bar per class: how many samples, and their share in percent above each bar.

    Parameters
    ----------
    y : array_like of int, shape (N,)
        Labels ``0 .. C - 1``.
    class_names : sequence of str, optional
    """
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer) or y.size == 0 or y.min() < 0:
        raise ValueError(
            f"plot_class_balance: y must be non-negative integer labels of shape "
            f"(N,), got shape {y.shape} and dtype {y.dtype}"
        )
    counts = np.bincount(y)
    names = (
        list(class_names) if class_names is not None else [f"class {k}" for k in range(len(counts))]
    )
    if len(names) != len(counts):
        raise ValueError(f"plot_class_balance: {len(counts)} classes but {len(names)} names")
    ax = _axes(ax, (5, 3.5))
    colors = [CLASS_COLORS[k % len(CLASS_COLORS)] for k in range(len(counts))]
    ax.bar(names, counts, color=colors, edgecolor="k")
    for k, n in enumerate(counts):
        ax.text(k, n, f"{n} ({100 * n / y.size:.0f}%)", ha="center", va="bottom", fontsize=11)
    ax.set_ylim(0, 1.18 * counts.max())
    ax.set_xlabel("class")
    ax.set_ylabel("number of samples")
    ax.set_title(title)
    return ax


def plot_feature_scales(
    X,
    names: Sequence[str],
    *,
    ax: Axes | None = None,
    log: bool = False,
    title: str = "Feature ranges",
) -> Axes:
    """One row per feature: a thin line from min to max, a thick one over the middle half.

    Parameters
    ----------
    X : array_like, shape (N, D)
    names : sequence of D str
    log : bool
        A logarithmic x-axis (for raw, positive features spanning several decades).
    """
    X = as_float_matrix(X, "plot_feature_scales", "X")
    names = list(names)
    if len(names) != X.shape[1]:
        raise ValueError(f"plot_feature_scales: X has {X.shape[1]} columns but {len(names)} names")
    if log and np.any(X <= 0):
        raise ValueError("plot_feature_scales: log=True needs positive values (raw features)")
    ax = _axes(ax, (6, 0.35 * len(names) + 1.2))
    lo, q1, med, q3, hi = np.percentile(X, [0, 25, 50, 75, 100], axis=0)
    rows = np.arange(len(names))[::-1]
    ax.hlines(rows, lo, hi, color="0.4", lw=1.5, label="min to max")
    ax.hlines(rows, q1, q3, color=CLASS_COLORS[0], lw=6, label="middle half")
    ax.plot(med, rows, "|", color="k", ms=12, mew=2, label="median")
    ax.set_yticks(rows, names)
    if log:
        ax.set_xscale("log")
    ax.set_xlabel("value" + (" (log scale)" if log else ""))
    ax.set_title(title)
    ax.legend(loc="upper left", fontsize=11)
    ax.grid(axis="x", alpha=0.3)
    return ax


def plot_training_history(
    history,
    *,
    axes: Sequence[Axes] | None = None,
    best_epoch: int | None = None,
    title: str | None = None,
    compact: bool = False,
):
    """Loss (left) and accuracy (right) per epoch, training vs validation.

    Parameters
    ----------
    history : dict
        ``train_loss`` and ``val_loss``, and optionally accuracies under ``train_metric`` /
        ``val_metric`` (as :func:`utils.nn.fit` records them) or ``train_acc`` / ``val_acc``;
        lists or arrays, one entry per epoch (NaN where a run had ended).
    axes : two Axes, optional
    best_epoch : int, optional
        Marked with a dashed vertical line (epochs count from 1).
    title : str, optional
        A title above both panels.
    compact : bool
        Faster to draw (for widgets): a legend on the loss panel only, no grid.

    Returns
    -------
    (Axes, Axes)
    """
    if not isinstance(history, dict) or "train_loss" not in history or "val_loss" not in history:
        raise TypeError(
            "plot_training_history: history must be a dict with 'train_loss' and "
            "'val_loss' (as nn.fit returns with validation=...)"
        )
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    axes = list(np.ravel(axes))
    if len(axes) != 2:
        raise ValueError(f"plot_training_history: need 2 axes (loss, accuracy), got {len(axes)}")
    curves = {"loss": (history["train_loss"], history["val_loss"])}
    for train_key, val_key in (("train_metric", "val_metric"), ("train_acc", "val_acc")):
        if train_key in history and val_key in history:
            curves["accuracy"] = (history[train_key], history[val_key])
            break
    for ax, (what, (train, val)) in zip(axes, curves.items(), strict=False):
        train = np.asarray(train, dtype=np.float64)
        val = np.asarray(val, dtype=np.float64)
        if train.shape != val.shape or train.ndim != 1:
            raise ValueError(
                f"plot_training_history: the training and validation {what} must "
                f"be 1-D and of equal length, got {train.shape} and {val.shape}"
            )
        epochs = np.arange(1, train.size + 1)
        ax.plot(epochs, train, color=CLASS_COLORS[0], label=f"training {what}")
        ax.plot(epochs, val, color=CLASS_COLORS[1], label=f"validation {what}")
        if best_epoch is not None:
            ax.axvline(best_epoch, color="k", ls="--", lw=1, label=f"best epoch ({best_epoch})")
        ax.set_xlabel("epoch")
        ax.set_ylabel(what)
        if not compact:
            ax.legend(fontsize=11)
            ax.grid(alpha=0.3)
    if compact:
        axes[0].legend(fontsize=11)
    if len(curves) == 1:
        axes[1].set_axis_off()
    if title:
        axes[0].figure.suptitle(title)
    return axes[0], axes[1]


def plot_confusion_matrix(
    cm,
    *,
    class_names: Sequence[str] | None = None,
    ax: Axes | None = None,
    title: str = "Confusion matrix",
) -> Axes:
    """The counts as a coloured grid: rows are true classes, columns predicted classes.

    Each cell prints its count and its share of the row (the recall of that class on the
    diagonal).
    """
    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or cm.shape[0] == 0:
        raise ValueError(f"plot_confusion_matrix: cm must be a square (C, C) array, got {cm.shape}")
    if np.any(cm < 0) or not np.all(np.isfinite(cm)):
        raise ValueError("plot_confusion_matrix: cm must hold non-negative counts")
    c = cm.shape[0]
    names = list(class_names) if class_names is not None else [str(k) for k in range(c)]
    if len(names) != c:
        raise ValueError(f"plot_confusion_matrix: {c} classes but {len(names)} names")
    ax = _axes(ax, (4.6, 4.2))
    rows = cm.sum(axis=1, keepdims=True)
    share = np.divide(cm, rows, out=np.zeros(cm.shape), where=rows > 0)
    ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    for i in range(c):
        for j in range(c):
            ax.text(
                j,
                i,
                f"{int(round(cm[i, j]))}\n{100 * share[i, j]:.0f}%",
                ha="center",
                va="center",
                fontsize=11,
                color="white" if share[i, j] > 0.6 else "black",
            )
    ax.set_xticks(range(c), names)
    ax.set_yticks(range(c), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(title)
    return ax
