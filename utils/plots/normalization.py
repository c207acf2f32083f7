"""Figures and small experiments of the normalization chapter (09).

- :func:`norm_mlp` builds the chapter's network (hidden layers ``Linear [-> BatchNorm1d] ->
  ReLU`` with weights of a chosen std), :func:`norm_train_run` trains it for a number of
  SGD steps and records the loss of every mini-batch, stopping when it diverges;
- :func:`norm_preactivations`: the input of every ReLU for a batch (what batch norm
  normalises), without touching the running statistics;
- :func:`batch_stat_noise`: how much the mean and variance of a batch scatter around the
  data's, for several batch sizes;
- plots: :func:`plot_norm_loss_grid` (loss curves with and without batch norm, one panel per
  init scale and learning rate), :func:`plot_norm_histograms` (histograms of each layer on
  one Axes), :func:`plot_batch_stat_noise`, :func:`plot_norm_axes` (which entries batch norm
  and layer norm average over).
"""

from __future__ import annotations

import functools

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from utils import nn
from utils._validate import as_count, as_generator, as_scalar
from utils.plots._core import _axes

__all__ = [
    "NORM_DIVERGED_LOSS", "batch_stat_noise", "norm_mlp", "norm_preactivations",
    "norm_train_run", "plot_batch_stat_noise", "plot_norm_axes", "plot_norm_histograms",
    "plot_norm_loss_grid",
]

#: A mini-batch loss above this (about 400 times ln 10, the loss of a uniform guess over 10
#: classes) means the scores have blown up: the run is reported as diverged and stopped.
NORM_DIVERGED_LOSS = 1000.0

_BN_COLORS = {False: "#d62728", True: "#1f77b4"}


def norm_mlp(init_std: float, *, batchnorm: bool, rng: np.random.Generator, n_in: int = 64,
             width: int = 64, depth: int = 4, n_out: int = 10) -> nn.Sequential:
    """``depth`` hidden layers ``Linear -> [BatchNorm1d ->] ReLU`` and a ``Linear`` output.

    The hidden weights are normal with mean 0 and std ``init_std`` (the scale under study);
    the output layer, which no normalization follows, always uses Xavier's std.

    Parameters
    ----------
    init_std : float > 0
    batchnorm : bool
        Put a ``BatchNorm1d(width)`` between each hidden ``Linear`` and its ReLU.
    rng : numpy.random.Generator
    n_in, width, depth, n_out : int
    """
    std = as_scalar(init_std, "norm_mlp", "init_std")
    if not std > 0:
        raise ValueError(f"norm_mlp: init_std must be > 0, got {std}")
    init = functools.partial(nn.normal, std=std)
    layers, fan_in = [], as_count(n_in, "norm_mlp", "n_in")
    for _ in range(as_count(depth, "norm_mlp", "depth")):
        layers.append(nn.Linear(fan_in, width, rng=rng, init=init))
        if batchnorm:
            layers.append(nn.BatchNorm1d(width))
        layers.append(nn.ReLU())
        fan_in = width
    layers.append(nn.Linear(fan_in, n_out, rng=rng, init="xavier"))
    return nn.Sequential(*layers)


def norm_train_run(model: nn.Module, X, y, *, lr: float, steps: int, batch_size: int,
                   rng: np.random.Generator) -> dict:
    """SGD on mini-batches drawn at random; the training-mode loss of every step.

    Parameters
    ----------
    model : Module
    X : numpy.ndarray, shape (N, D)
    y : numpy.ndarray of int, shape (N,)
    lr : float
    steps, batch_size : int
    rng : numpy.random.Generator
        Draws each batch (``batch_size`` distinct rows).

    Returns
    -------
    dict
        ``loss`` (array of shape (steps,), NaN after a divergence) and ``diverged_at`` (the
        step whose loss was not finite or above :data:`NORM_DIVERGED_LOSS`, or None).
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"norm_train_run: X must have shape (N, D) and y shape (N,), got "
                         f"{X.shape} and {y.shape}")
    steps = as_count(steps, "norm_train_run", "steps")
    batch_size = as_count(batch_size, "norm_train_run", "batch_size")
    rng = as_generator(rng, "norm_train_run")
    optimizer = nn.SGD(model, lr=as_scalar(lr, "norm_train_run", "lr"))
    losses, diverged_at = np.full(steps, np.nan), None
    model.train()
    with np.errstate(all="ignore"):  # a diverging run overflows; it is reported, not warned
        for step in range(steps):
            idx = rng.choice(X.shape[0], size=batch_size, replace=False)
            loss, dscores = nn.softmax_cross_entropy(model.forward(X[idx]), y[idx])
            if not np.isfinite(loss) or loss > NORM_DIVERGED_LOSS:
                diverged_at = step
                break
            losses[step] = loss
            model.backward(dscores)
            optimizer.step()
    return {"loss": losses, "diverged_at": diverged_at}


def norm_preactivations(model: nn.Sequential, X) -> list[np.ndarray]:
    """The input of every ReLU of ``model`` for the batch ``X`` (after batch norm if any).

    Batch-norm layers use the batch's statistics (training mode), as during training; their
    running statistics are left as they were.
    """
    h = np.asarray(X, dtype=np.float64)
    saved = [(layer, layer.running_mean.copy(), layer.running_var.copy())
             for layer in model.layers if isinstance(layer, nn.BatchNorm1d)]
    out = []
    with np.errstate(all="ignore"):
        for layer in model.layers:
            if isinstance(layer, nn.ReLU):
                out.append(h)
            h = layer.forward(h)
    for layer, mean, var in saved:
        layer.running_mean[...] = mean
        layer.running_var[...] = var
    return out


def batch_stat_noise(values, batch_sizes, *, draws: int = 2000,
                     rng: np.random.Generator) -> dict:
    """How far a batch's mean and (biased) variance fall from the whole data's.

    For each batch size ``B``, ``draws`` batches of ``B`` distinct values are cut from
    shuffled copies of ``values`` (as an epoch of training does); their means and variances are compared with the mean and variance of all
    the values.

    Returns
    -------
    dict of numpy.ndarray, each of shape (len(batch_sizes),)
        ``batch_size``; ``mean_std``: std of the batch means, in units of the data's std;
        ``var_std``: std of the batch variances divided by the data's variance;
        ``var_ratio``: mean batch variance divided by the data's variance (about (B-1)/B).
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    sizes = np.array([as_count(b, "batch_stat_noise", "batch size") for b in batch_sizes])
    if v.size < 2 or sizes.max() > v.size:
        raise ValueError(f"batch_stat_noise: need more values ({v.size}) than the largest "
                         f"batch ({sizes.max()})")
    rng = as_generator(rng, "batch_stat_noise")
    var = v.var()
    mean_std, var_std, var_ratio = [], [], []
    for b in sizes:
        per_pass = v.size // b  # as in training: shuffle, then cut into batches of b
        batches = np.concatenate([rng.permutation(v)[: per_pass * b].reshape(per_pass, b)
                                  for _ in range(-(-draws // per_pass))])[:draws]
        mean_std.append(batches.mean(axis=1).std() / np.sqrt(var))
        var_std.append(batches.var(axis=1).std() / var)
        var_ratio.append(batches.var(axis=1).mean() / var)
    return {"batch_size": sizes, "mean_std": np.array(mean_std), "var_std": np.array(var_std),
            "var_ratio": np.array(var_ratio)}


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
    axes = np.atleast_2d(np.asarray(fig.subplots(len(lrs), len(stds), sharey=True,
                                                 squeeze=False)))
    for r, lr in enumerate(lrs):
        for c, std in enumerate(stds):
            ax = axes[r, c]
            for bn in (False, True):
                if (lr, std, bn) not in runs:
                    raise KeyError(f"plot_norm_loss_grid: no run for (lr={lr}, std={std}, "
                                   f"batchnorm={bn})")
                _draw_run(ax, runs[lr, std, bn], bn, smooth=smooth)
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


def _draw_run(ax: Axes, run: dict, bn: bool, *, smooth: int = 5, alpha: float = 1.0,
              lw: float = 2.0) -> None:
    loss = np.asarray(run["loss"], dtype=np.float64)
    label = "with BN" if bn else "without BN"
    if run["diverged_at"] is not None:
        label += f" (diverged at step {run['diverged_at']})"
    steps = np.arange(loss.size)
    ax.plot(steps, _smoothed(loss, smooth), color=_BN_COLORS[bn], lw=lw, alpha=alpha,
            label=label)
    if run["diverged_at"] is not None:
        ax.plot([run["diverged_at"]], [15.0], marker="x", ms=12, mew=3, color=_BN_COLORS[bn],
                alpha=alpha)


def plot_norm_histograms(acts, *, ax: Axes | None = None, value_range=(-4.0, 4.0),
                         bins: int = 30, color: str = "C0", title: str | None = None,
                         frame: bool = True) -> Axes:
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
        raise TypeError("plot_norm_histograms: acts must be a non-empty list of arrays, got "
                        f"{type(acts).__name__}")
    lo, hi = (float(v) for v in value_range)
    if not lo < hi:
        raise ValueError(f"plot_norm_histograms: value_range must be (low, high) with "
                         f"low < high, got {value_range}")
    ax = _axes(ax, figsize=(10, 2.8))
    edges = np.linspace(lo, hi, bins + 1)
    top = 0.0
    for k, values in enumerate(acts):
        v = np.asarray(values, dtype=np.float64).ravel()
        with np.errstate(all="ignore"):
            finite = v[np.isfinite(v)]
            counts, _ = np.histogram(np.clip(finite, lo, hi), bins=edges)
            std = float(finite.std()) if finite.size == v.size and v.size else np.inf
        frac = counts / max(v.size, 1)
        top = max(top, float(frac.max(initial=0.0)))
        ax.stairs(frac, k + 0.9 * (edges - lo) / (hi - lo), fill=True, color=color, alpha=0.8)
        shown = "overflow" if not np.isfinite(std) else f"std {std:.2g}"
        ax.text(k + 0.88, 0.97, shown, ha="right", va="top",
                transform=ax.get_xaxis_transform(), fontsize=11)
    ax.set_xlim(-0.05, len(acts) - 0.05)
    ax.set_ylim(0, 1.15 * top or 1.0)
    if not frame:
        return ax
    for k in range(len(acts)):
        ax.text(k + 0.45, -0.03, f"layer {k + 1}", ha="center", va="top",
                transform=ax.get_xaxis_transform(), fontsize=11)
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
    titles = ("batch norm: statistics per feature\n(over the batch, axis 0)",
              "layer norm: statistics per sample\n(over the features, axis 1)")
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
