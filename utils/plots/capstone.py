"""Figures of the capstone chapter, and the computations behind them.

- :func:`capstone_model`: the chapter's network, three hidden blocks of 144, 144 and 16 units,
  each ``Linear -> BatchNorm1d -> ReLU -> Dropout``, then a ``Linear`` layer of class scores;
- :func:`count_parameters`, :func:`confusion_matrix` (rows are true classes);
- :func:`capstone_runs`: train that network for several dropout rates, learning rates, with
  and without batch normalization, and keep every run's curves (the widget's data);
- plots: :func:`plot_class_balance`, :func:`plot_feature_scales`,
  :func:`plot_training_history` (loss and accuracy, training vs validation) and
  :func:`plot_confusion_matrix`.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from utils import nn
from utils._validate import as_count, as_float_matrix
from utils.plots._core import CLASS_COLORS

__all__ = [
    "CAPSTONE_HIDDEN", "capstone_model", "capstone_runs", "confusion_matrix", "count_parameters",
    "plot_class_balance", "plot_confusion_matrix", "plot_feature_scales",
    "plot_training_history",
]

#: The hidden layer sizes of the Keras Red Wine example's model.
CAPSTONE_HIDDEN = (144, 144, 16)


def capstone_model(n_features: int, n_classes: int, *, rng: np.random.Generator,
                   p: float = 0.3, batchnorm: bool = True,
                   hidden: Sequence[int] = CAPSTONE_HIDDEN) -> nn.Sequential:
    """The chapter's MLP: per hidden size ``Linear -> BatchNorm1d -> ReLU -> Dropout(p)``.

    The last layer is ``Linear(hidden[-1], n_classes)`` and returns raw class scores (the
    softmax is inside the loss). Linear layers use the library's default He initialization,
    drawn from ``rng`` in layer order; the Dropout layers draw their masks from ``rng`` too.

    Parameters
    ----------
    n_features, n_classes : int
    rng : numpy.random.Generator
    p : float in [0, 1)
        Dropout's drop probability.
    batchnorm : bool
        Without it each block is ``Linear -> ReLU -> Dropout``.
    hidden : sequence of int
    """
    d = as_count(n_features, "capstone_model", "n_features")
    c = as_count(n_classes, "capstone_model", "n_classes", minimum=2)
    layers: list[nn.Module] = []
    for h in hidden:
        h = as_count(h, "capstone_model", "hidden size")
        layers.append(nn.Linear(d, h, rng=rng))
        if batchnorm:
            layers.append(nn.BatchNorm1d(h))
        layers += [nn.ReLU(), nn.Dropout(p, rng=rng)]
        d = h
    return nn.Sequential(*layers, nn.Linear(d, c, rng=rng))


def count_parameters(model: nn.Module) -> int:
    """The number of learned numbers (every entry of every ``params`` array) of a model."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"count_parameters: model must be a layer or Sequential, "
                        f"got {type(model).__name__}")
    return int(sum(layer.params[name].size for layer, name in model.parameters()))


def confusion_matrix(y_true, y_pred, n_classes: int) -> np.ndarray:
    """Counts ``C[i, j]`` of samples of true class ``i`` predicted as class ``j``.

    Parameters
    ----------
    y_true, y_pred : array_like of int, shape (N,)
        Labels in ``0 .. n_classes - 1``.
    n_classes : int

    Returns
    -------
    numpy.ndarray of int64, shape (n_classes, n_classes)
        Rows are true classes, columns predicted classes; ``C.sum() == N`` and the diagonal
        holds the correct predictions.
    """
    c = as_count(n_classes, "confusion_matrix", "n_classes")
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim != 1 or y_true.shape != y_pred.shape:
        raise ValueError(f"confusion_matrix: y_true and y_pred must be label vectors of the same "
                         f"shape (N,), got {y_true.shape} and {y_pred.shape}")
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        if y.size and (not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= c):
            raise ValueError(f"confusion_matrix: {name} must hold integer labels in "
                             f"[0, {c - 1}], got dtype {y.dtype}, values {y.min()} to {y.max()}")
    counts = np.zeros((c, c), dtype=np.int64)
    np.add.at(counts, (y_true, y_pred), 1)  # add.at counts repeated (i, j) pairs; += would not
    return counts


def capstone_runs(X_train, Y_train, X_val, Y_val, *, ps=(0.0, 0.3, 0.6, 0.9),
                  lrs=(1e-4, 1e-3, 1e-1), batchnorm=(True, False), epochs: int = 120,
                  batch_size: int = 128, seed: int = 0) -> dict:
    """Train :func:`capstone_model` once per (dropout p, learning rate, batch norm) with Adam.

    Every run starts from the same seed and records, per epoch, the loss and accuracy on the
    training and validation data (measured in evaluation mode). A run whose loss stops being
    finite ends there; its arrays are padded with NaN to ``epochs`` entries.

    Returns
    -------
    dict
        ``runs[(p, lr, bn)] = {"train_loss", "val_loss", "train_acc", "val_acc"}``, each a
        float64 array of shape (epochs,).
    """
    X_train = as_float_matrix(X_train, "capstone_runs", "X_train")
    X_val = as_float_matrix(X_val, "capstone_runs", "X_val", columns=X_train.shape[1])
    Y_train, Y_val = np.asarray(Y_train), np.asarray(Y_val)
    epochs = as_count(epochs, "capstone_runs", "epochs")
    n_classes = Y_train.shape[1] if Y_train.ndim == 2 else int(Y_train.max()) + 1
    from threadpoolctl import threadpool_limits  # installed with scikit-learn

    runs = {}
    # Many small matrix products: one BLAS thread is faster, and much faster on a busy machine.
    with threadpool_limits(limits=1, user_api="blas"):
        runs.update(_runs(X_train, Y_train, X_val, Y_val, ps, lrs, batchnorm, epochs,
                          batch_size, seed, n_classes))
    return runs


def _runs(X_train, Y_train, X_val, Y_val, ps, lrs, batchnorm, epochs, batch_size, seed,
          n_classes) -> dict:
    runs = {}
    for bn in batchnorm:
        for p in ps:
            for lr in lrs:
                rng = np.random.default_rng(seed)
                model = capstone_model(X_train.shape[1], n_classes, rng=rng, p=float(p),
                                       batchnorm=bool(bn))
                with np.errstate(all="ignore"):
                    hist = nn.fit(model, X_train, Y_train, epochs=epochs, batch_size=batch_size,
                                  rng=rng, optimizer=nn.Adam(model, lr=float(lr)),
                                  validation=(X_val, Y_val), metric=nn.accuracy)
                run = {}
                for key, name in (("train_loss", "train_loss"), ("val_loss", "val_loss"),
                                  ("train_metric", "train_acc"), ("val_metric", "val_acc")):
                    values = np.full(epochs, np.nan)
                    values[:len(hist[key])] = hist[key]
                    run[name] = np.where(np.isfinite(values), values, np.nan)
                runs[float(p), float(lr), bool(bn)] = run
    return runs


def _axes(ax: Axes | None, figsize) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_class_balance(y, *, class_names: Sequence[str] | None = None, ax: Axes | None = None,
                       title: str = "Class balance") -> Axes:
    """A bar per class: how many samples, and their share in percent above each bar.

    Parameters
    ----------
    y : array_like of int, shape (N,)
        Labels ``0 .. C - 1``.
    class_names : sequence of str, optional
    """
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer) or y.size == 0 or y.min() < 0:
        raise ValueError(f"plot_class_balance: y must be non-negative integer labels of shape "
                         f"(N,), got shape {y.shape} and dtype {y.dtype}")
    counts = np.bincount(y)
    names = list(class_names) if class_names is not None else [f"class {k}" for k in
                                                                range(len(counts))]
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


def plot_feature_scales(X, names: Sequence[str], *, ax: Axes | None = None, log: bool = False,
                        title: str = "Feature ranges") -> Axes:
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


def plot_training_history(history, *, axes: Sequence[Axes] | None = None,
                          best_epoch: int | None = None, title: str | None = None,
                          compact: bool = False):
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
        raise TypeError("plot_training_history: history must be a dict with 'train_loss' and "
                        "'val_loss' (as nn.fit returns with validation=...)")
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
            raise ValueError(f"plot_training_history: the training and validation {what} must "
                             f"be 1-D and of equal length, got {train.shape} and {val.shape}")
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


def plot_confusion_matrix(cm, *, class_names: Sequence[str] | None = None,
                          ax: Axes | None = None, title: str = "Confusion matrix") -> Axes:
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
            ax.text(j, i, f"{int(round(cm[i, j]))}\n{100 * share[i, j]:.0f}%", ha="center",
                    va="center", fontsize=11, color="white" if share[i, j] > 0.6 else "black")
    ax.set_xticks(range(c), names)
    ax.set_yticks(range(c), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(title)
    return ax
