"""Interactive figures of the normalization chapter (09).

- :func:`batchnorm_explorer`: switch batch norm on or off and slide the std of the initial
  weights; the figure shows the loss per SGD step of a small network on the digits (with and
  without batch norm, the chosen one highlighted) and the histograms of each hidden layer's
  pre-activations at initialization. Every run is trained once, when the widget is built,
  so moving a control only redraws; the axes, ticks, labels and legend are rendered once
  (see :func:`utils.widgets._core.render_layer`), so a redraw draws only the
  curves, the histograms and the titles.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import NullLocator

from utils import data
from utils.experiments.normalization import NORM_DIVERGED_LOSS, norm_init_sweep
from utils.plots import normalization as plots
from utils.widgets._core import InteractiveFigure, paste_layer, render_layer

__all__ = ["BATCHNORM_EXPLORER_STDS", "batchnorm_explorer", "describe_norm_run"]

#: The init stds the explorer's slider offers (each trained with and without batch norm).
BATCHNORM_EXPLORER_STDS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)

_LOSS_TICKS = (0.1, 0.3, 1.0, 3.0, 10.0)


def describe_norm_run(run: dict, *, batchnorm: bool) -> str:
    """One line on a run of :func:`utils.experiments.normalization.norm_train_run`.

    It says whether the run diverged (and at which step), stayed stuck or learned.
    """
    name = "with BN" if batchnorm else "without BN"
    loss = np.asarray(run["loss"], dtype=np.float64)
    if run["diverged_at"] is not None:
        return (
            f"{name}: diverged at step {run['diverged_at']} (the loss passed "
            f"{NORM_DIVERGED_LOSS:g} or overflowed)"
        )
    finite = loss[np.isfinite(loss)]
    if finite.size == 0:
        return f"{name}: no step was run"
    k = max(1, min(10, finite.size // 4))
    first, last = float(finite[:k].mean()), float(finite[-k:].mean())
    verdict = (
        "stuck near ln 10 = 2.30 (no learning)"
        if abs(last - np.log(10)) < 0.05
        else f"loss {first:.2f} -> {last:.2f}"
    )
    return f"{name}: {verdict}"


def batchnorm_explorer(
    init_std: float = 1.0,
    batchnorm: bool = False,
    *,
    lr: float = 0.5,
    steps: int = 60,
    batch_size: int = 32,
    seed: int = 0,
) -> InteractiveFigure:
    """Loss curves and pre-activation histograms with and without batch norm.

    The network: 64 inputs (the digits, pixels scaled to [0, 1]), 4 hidden layers of 32
    units ``Linear -> [BatchNorm1d ->] ReLU``, 10 scores. The hidden weights are normal with
    the chosen std; the output layer uses Xavier. For every std of
    :data:`BATCHNORM_EXPLORER_STDS`, with and without batch norm, the network is trained for
    ``steps`` SGD steps from the same seed when the widget is built (about a second).

    Controls: ``batchnorm`` ("off"/"on") and ``init_std`` (a slider over the stds).
    The status line says, for both runs, whether the loss fell, stayed at ln 10 or diverged
    (and at which step).

    Parameters
    ----------
    init_std : float
        One of :data:`BATCHNORM_EXPLORER_STDS`.
    batchnorm : bool
    lr : float
        SGD learning rate of every run.
    steps, batch_size, seed : int
    """
    if init_std not in BATCHNORM_EXPLORER_STDS:
        raise ValueError(
            f"batchnorm_explorer: init_std must be one of "
            f"{list(BATCHNORM_EXPLORER_STDS)}, got {init_std!r}"
        )
    if not isinstance(batchnorm, bool | np.bool_):
        raise TypeError(
            f"batchnorm_explorer: batchnorm must be True or False, got {type(batchnorm).__name__}"
        )
    X, y = data.load_digits()
    X = X[:1200] / 16.0
    y = y[:1200]
    probe = X[:256]
    runs, acts = norm_init_sweep(
        X,
        y,
        BATCHNORM_EXPLORER_STDS,
        probe=probe,
        lr=lr,
        steps=steps,
        batch_size=batch_size,
        seed=seed,
        width=32,
        depth=4,
    )
    figsize = (12.0, 3.8)
    loss_box, hist_box = (0.07, 0.2, 0.33, 0.68), (0.46, 0.2, 0.52, 0.68)
    controls = {
        "batchnorm": widgets.ToggleButtons(
            options=[("off", False), ("on", True)], value=bool(batchnorm), description="batch norm"
        ),
        "init_std": widgets.SelectionSlider(
            options=list(BATCHNORM_EXPLORER_STDS),
            value=init_std,
            description="init std",
            continuous_update=True,
        ),
    }

    def loss_axes(ax):
        ax.set_yscale("log")
        ax.set_ylim(0.05, 20)
        ax.set_xlim(0, steps)

    def background(bn):  # axes, ticks, labels and legend: the same for every init std
        def build(fig):
            ax = fig.add_axes(loss_box)
            loss_axes(ax)
            ax.set_yticks(_LOSS_TICKS, [f"{t:g}" for t in _LOSS_TICKS])
            ax.yaxis.set_minor_locator(NullLocator())
            ax.set_xticks(np.linspace(0, steps, 5).round())
            ax.set_xlabel("SGD step")
            ax.set_ylabel("mini-batch loss")
            for shown in (not bn, bn):  # legend entries in the order the curves are drawn
                chosen = shown == bn
                ax.plot(
                    [],
                    [],
                    color=plots.BN_COLORS[shown],
                    alpha=1.0 if chosen else 0.35,
                    lw=2.5 if chosen else 1.5,
                    label="with BN" if shown else "without BN",
                )
            ax.legend(loc="lower left", fontsize=11)
            ax.grid(alpha=0.3)
            # the histogram panel's frame: its stairs and stds are drawn at each redraw
            ax_hist = fig.add_axes(hist_box)
            plots.plot_norm_histograms([np.zeros(1)] * len(acts[init_std, bn]), ax=ax_hist)
            stds = [text for text in ax_hist.texts if text.get_text().startswith("std")]
            for artist in [*ax_hist.patches, *stds]:
                artist.remove()

        return render_layer(figsize, build)

    backs = {bn: background(bn) for bn in (False, True)}

    def draw(fig, v):
        std, bn = v["init_std"], bool(v["batchnorm"])
        paste_layer(fig, backs[bn], zorder=-1)
        ax_loss = fig.add_axes(loss_box)
        loss_axes(ax_loss)
        for shown in (not bn, bn):  # the chosen run last, on top
            chosen = shown == bn
            run = runs[std, shown]
            plots.draw_norm_run(
                ax_loss, run, shown, alpha=1.0 if chosen else 0.35, lw=2.5 if chosen else 1.5
            )
            if run["diverged_at"] is not None:
                ax_loss.annotate(
                    f"diverged at step {run['diverged_at']}",
                    (run["diverged_at"], 15.0),
                    xytext=(8, -4),
                    textcoords="offset points",
                    va="top",
                    fontsize=11,
                    color=plots.BN_COLORS[shown],
                    alpha=1.0 if chosen else 0.6,
                )
        ax_loss.set_axis_off()
        fig.text(
            0.235, 0.93, f"loss per step, init std {std:g}, lr {lr:g}", ha="center", fontsize=13
        )
        ax_hist = fig.add_axes(hist_box)
        plots.plot_norm_histograms(
            acts[std, bn], ax=ax_hist, color=plots.BN_COLORS[bn], frame=False
        )
        ax_hist.set_axis_off()
        fig.text(
            0.72,
            0.93,
            f"input of each ReLU at initialization, BN {'on' if bn else 'off'}",
            ha="center",
            fontsize=13,
        )
        return " | ".join(describe_norm_run(runs[std, b], batchnorm=b) for b in (bn, not bn))

    return InteractiveFigure(controls, draw, figsize=figsize)
