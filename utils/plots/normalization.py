"""Figures of the normalization chapter (09).

- :func:`plot_norm_loss_grid`: loss curves with and without batch norm, one panel per init
  scale and learning rate; :func:`draw_norm_run` draws one such run;
- :func:`plot_norm_histograms`: histograms of each layer on one Axes;
- :func:`plot_batch_stat_noise`: the scatter of batch statistics against the batch size;
- :func:`plot_norm_axes`: which entries batch norm and layer norm average over.

The network and its runs are in :mod:`utils.experiments.normalization`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from utils.plots._core import _axes, draw_histogram_panel

__all__ = [
    "BN_COLORS",
    "draw_norm_run",
    "plot_batch_stat_noise",
    "plot_norm_axes",
    "plot_norm_histograms",
    "plot_norm_loss_grid",
]

#: The colour of a run without batch norm (False) and with it (True).
BN_COLORS = {False: "#d62728", True: "#1f77b4"}


def plot_norm_loss_grid(runs: dict, *, stds, lrs, fig=None, smooth: int = 5) -> np.ndarray:
    """Loss per step with and without batch norm: a row per learning rate, a column per std.

    Parameters
    ----------
    runs : dict
        ``runs[(lr, std, batchnorm)]`` is a result of :func:`norm_train_run`.
    stds, lrs : sequences of float
    smooth : int
        Width of the moving average drawn over the noisy mini-batch losses.

    Returns
    -------
    numpy.ndarray of Axes, shape (len(lrs), len(stds))
    """
    stds, lrs = list(stds), list(lrs)
    fig = fig or plt.figure(figsize=(4.2 * len(stds), 3.3 * len(lrs)))
    axes = np.atleast_2d(np.asarray(fig.subplots(len(lrs), len(stds), sharey=True, squeeze=False)))
    for r, lr in enumerate(lrs):
        for c, std in enumerate(stds):
            ax = axes[r, c]
            for bn in (False, True):
                if (lr, std, bn) not in runs:
                    raise KeyError(
                        f"plot_norm_loss_grid: no run for (lr={lr}, std={std}, batchnorm={bn})"
                    )
                draw_norm_run(ax, runs[lr, std, bn], bn, smooth=smooth)
            ax.set_title(f"std {std:.3g}, lr {lr:g}")
            ax.set_yscale("log")
            ax.set_ylim(0.02, 20)
            ax.grid(alpha=0.3)
            if r == len(lrs) - 1:
                ax.set_xlabel("SGD step")
            if c == 0:
                ax.set_ylabel("mini-batch loss")
    axes[0, 0].legend(loc="lower left")
    fig.subplots_adjust(hspace=0.45, wspace=0.1, bottom=0.12)
    return axes


def _smoothed(loss: np.ndarray, width: int) -> np.ndarray:
    if width <= 1:
        return loss
    kernel = np.ones(width) / width
    valid = np.isfinite(loss)
    filled = np.where(valid, loss, 0.0)
    num = np.convolve(filled, kernel, mode="full")[: loss.size]
    den = np.convolve(valid.astype(float), kernel, mode="full")[: loss.size]
    with np.errstate(invalid="ignore", divide="ignore"):
        out = num / den
    return np.where(valid, out, np.nan)


def draw_norm_run(
    ax: Axes, run: dict, bn: bool, *, smooth: int = 5, alpha: float = 1.0, lw: float = 2.0
) -> None:
    """One run's loss per step (a moving average over ``smooth`` steps) on ``ax``.

    Parameters
    ----------
    ax : Axes
    run : dict
        As :func:`utils.experiments.normalization.norm_train_run` returns it: ``loss`` of
        shape (steps,), NaN after a divergence, and ``diverged_at`` (int or None), marked
        with a cross at height 15.
    bn : bool
        Whether the run had batch norm: picks the colour and the label.
    """
    loss = np.asarray(run["loss"], dtype=np.float64)
    label = "with BN" if bn else "without BN"
    if run["diverged_at"] is not None:
        label += f" (diverged at step {run['diverged_at']})"
    steps = np.arange(loss.size)
    ax.plot(steps, _smoothed(loss, smooth), color=BN_COLORS[bn], lw=lw, alpha=alpha, label=label)
    if run["diverged_at"] is not None:
        ax.plot(
            [run["diverged_at"]], [15.0], marker="x", ms=12, mew=3, color=BN_COLORS[bn], alpha=alpha
        )


def plot_norm_histograms(
    acts,
    *,
    ax: Axes | None = None,
    value_range=(-4.0, 4.0),
    bins: int = 30,
    color: str = "C0",
    title: str | None = None,
    frame: bool = True,
) -> Axes:
    """Histograms of several layers side by side on ONE Axes (panel k spans [k, k + 0.9]).

    Values outside ``value_range`` are counted in the end bins; each panel prints the std of
    its values ("overflow" when they are not finite). One Axes instead of one per layer
    keeps a widget's redraw fast.

    Parameters
    ----------
    acts : list of numpy.ndarray
        One array per layer (any shape; all values are counted).
    frame : bool
        False draws only what depends on ``acts`` (the histograms and their stds), for a
        widget that pastes the rest (panel names, separators, labels) as a pre-rendered layer.
    """
    if not isinstance(acts, list | tuple) or not acts:
        raise TypeError(
            "plot_norm_histograms: acts must be a non-empty list of arrays, got "
            f"{type(acts).__name__}"
        )
    lo, hi = (float(v) for v in value_range)
    if not lo < hi:
        raise ValueError(
            f"plot_norm_histograms: value_range must be (low, high) with "
            f"low < high, got {value_range}"
        )
    ax = _axes(ax, figsize=(10, 2.8))
    edges = np.linspace(lo, hi, bins + 1)
    top = 0.0
    for k, values in enumerate(acts):
        frac, std, complete = draw_histogram_panel(
            ax, values, edges, color=color, x=k + 0.9 * (edges - lo) / (hi - lo)
        )
        top = max(top, float(frac.max(initial=0.0)))
        shown = f"std {std:.2g}" if complete else "overflow"
        ax.text(
            k + 0.88,
            0.97,
            shown,
            ha="right",
            va="top",
            transform=ax.get_xaxis_transform(),
            fontsize=11,
        )
    ax.set_xlim(-0.05, len(acts) - 0.05)
    ax.set_ylim(0, 1.15 * top or 1.0)
    if not frame:
        return ax
    for k in range(len(acts)):
        ax.text(
            k + 0.45,
            -0.03,
            f"layer {k + 1}",
            ha="center",
            va="top",
            transform=ax.get_xaxis_transform(),
            fontsize=11,
        )
        if k:
            ax.axvline(k - 0.05, color="0.6", lw=1)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_ylabel("fraction")
    ax.set_xlabel(f"value (each panel from {lo:g} to {hi:g})", labelpad=22)
    if title:
        ax.set_title(title)
    return ax


def plot_batch_stat_noise(noise: dict, *, ax: Axes | None = None) -> Axes:
    """The scatter of the batch mean and variance against the batch size (log-log).

    ``noise`` is a result of :func:`batch_stat_noise`; a dashed line shows ``1 / sqrt(B)``.
    """
    for key in ("batch_size", "mean_std", "var_std"):
        if key not in noise:
            raise KeyError(f"plot_batch_stat_noise: noise has no {key!r} (use batch_stat_noise)")
    ax = _axes(ax, figsize=(6, 4))
    b = np.asarray(noise["batch_size"], dtype=np.float64)
    ax.plot(b, noise["mean_std"], "o-", label="std of the batch mean / data std")
    ax.plot(b, noise["var_std"], "s-", label="std of the batch variance / data variance")
    ax.plot(b, 1.0 / np.sqrt(b), "k--", lw=1, label="$1/\\sqrt{B}$")
    ax.set_xscale("log", base=2)
    ax.set_xticks(b, [f"{v:g}" for v in b])
    ax.set_yscale("log")
    ax.set_xlabel("batch size B")
    ax.set_ylabel("relative scatter over batches")
    ax.set_title("Small batches give noisy statistics")
    ax.legend()
    ax.grid(alpha=0.3, which="both")
    return ax


def plot_norm_axes(*, axes=None, n: int = 6, d: int = 5):
    """Which entries of a batch ``x`` of shape (N, D) share one mean and variance.

    Left: batch norm, one column (a feature, over the N samples). Right: layer norm, one
    row (a sample, over its D features). Returns the two Axes.
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    titles = (
        "batch norm: statistics per feature\n(over the batch, axis 0)",
        "layer norm: statistics per sample\n(over the features, axis 1)",
    )
    for k, (ax, title) in enumerate(zip(axes, titles, strict=True)):
        grid = np.zeros((n, d))
        if k == 0:
            grid[:, 1] = 1.0
        else:
            grid[2, :] = 1.0
        ax.imshow(grid, cmap="Blues", vmin=0, vmax=1.6, aspect="equal")
        ax.set_xticks(np.arange(d) - 0.5, minor=True)
        ax.set_yticks(np.arange(n) - 0.5, minor=True)
        ax.grid(which="minor", color="0.4", lw=1)
        ax.tick_params(which="both", length=0)
        ax.set_xticks(range(d), [str(j + 1) for j in range(d)])
        ax.set_yticks(range(n), [str(j + 1) for j in range(n)])
        ax.set_xlabel(f"feature (D = {d})")
        ax.set_ylabel(f"sample (N = {n})")
        ax.set_title(title)
    return axes
