"""Interactive figure of the capstone chapter.

- :func:`training_curves_explorer`: choose the dropout rate, the learning rate and whether
  the network has batch normalization; the precomputed loss and accuracy curves (training vs
  validation) of that run are shown, with the epoch early stopping would keep.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from utils.experiments.capstone import early_stopping_epochs
from utils.plots import capstone as plots
from utils.widgets._core import InteractiveFigure

__all__ = ["describe_run", "training_curves_explorer"]


def describe_run(run: dict, patience: int, *, underfit_below: float = 0.8) -> str:
    """One line about a run: where early stopping would stop, or what went wrong.

    A run whose best training accuracy stays under ``underfit_below`` is called underfitting.
    What a good fit reaches depends on the data (on noisy labels such as wine quality even a
    large network stays near 0.75), so :func:`training_curves_explorer` passes 80% of the best
    training accuracy among the runs it shows.
    """
    val_loss = np.asarray(run["val_loss"], dtype=np.float64)
    train_acc = np.asarray(run["train_acc"], dtype=np.float64)
    finite = np.isfinite(val_loss)
    if not finite.any():
        return "this run diverged in its first epoch: the learning rate is far too large"
    best, stopped = early_stopping_epochs(val_loss, patience)
    last = int(np.flatnonzero(finite)[-1]) + 1
    best_loss = max(float(val_loss[best - 1]), 0.0) + 0.0  # + 0.0: never print "-0.000"
    head = (
        f"best epoch {best}: validation loss {best_loss:.3f}, validation "
        f"accuracy {run['val_acc'][best - 1]:.3f}"
    )
    if last < val_loss.size:
        return f"diverged at epoch {last + 1} (the loss became infinite or NaN); {head}"
    if np.nanmax(train_acc) < underfit_below:
        return (
            f"underfits: training accuracy at most {np.nanmax(train_acc):.2f} (under "
            f"{underfit_below:.2f}), too much dropout or too small a step; {head}"
        )
    if stopped is None and best > val_loss.size - patience:
        return f"still improving at epoch {val_loss.size}: more epochs (or a larger step) would help; {head}"
    where = (
        f"early stopping (patience {patience}) stops at epoch {stopped}"
        if stopped
        else f"no early stop within {val_loss.size} epochs"
    )
    return f"{head}; {where}"


def training_curves_explorer(runs: dict, *, patience: int = 20) -> InteractiveFigure:
    """Loss and accuracy curves of precomputed runs, chosen by dropout, learning rate and BN.

    Parameters
    ----------
    runs : dict
        As :func:`utils.experiments.capstone.capstone_runs` returns: keys
        ``(p, lr, batchnorm)``, values dicts of per-epoch arrays ``train_loss``, ``val_loss``,
        ``train_acc``, ``val_acc``. Every combination of the values found in the keys must be present.
    patience : int
        For the epoch that early stopping would keep (dashed line) and where it stops.
    """
    if not isinstance(runs, dict) or not runs:
        raise TypeError(
            "training_curves_explorer: runs must be a non-empty dict "
            f"{{(p, lr, batchnorm): curves}}, got {type(runs).__name__}"
        )
    ps = sorted({k[0] for k in runs})
    lrs = sorted({k[1] for k in runs})
    bns = sorted({k[2] for k in runs}, reverse=True)
    missing = [(p, lr, bn) for p in ps for lr in lrs for bn in bns if (p, lr, bn) not in runs]
    if missing:
        raise ValueError(f"training_curves_explorer: runs lacks the combinations {missing}")
    first = runs[next(iter(runs))]
    for key, run in runs.items():
        for name in ("train_loss", "val_loss", "train_acc", "val_acc"):
            if name not in run:
                raise ValueError(f"training_curves_explorer: run {key} has no {name!r}")
    epochs = len(first["train_loss"])
    top = max(
        float(np.nanmax(np.where(np.isfinite(r["val_loss"]), r["val_loss"], np.nan)))
        if np.isfinite(r["val_loss"]).any()
        else 0.0
        for r in runs.values()
    )
    loss_top = max(1.2, min(top, 3.0))
    # Underfitting is judged against the best training accuracy any run reaches on this data.
    reachable = max(
        (
            float(np.nanmax(r["train_acc"]))
            for r in runs.values()
            if np.isfinite(r["train_acc"]).any()
        ),
        default=1.0,
    )
    underfit_below = 0.8 * reachable
    loss_ticks = np.arange(0, loss_top, 0.5)
    x_ticks = np.linspace(0, epochs, 5).round()
    controls = {
        "p": widgets.SelectionSlider(
            options=[(f"{p:g}", p) for p in ps], value=ps[0], description="dropout p"
        ),
        "lr": widgets.SelectionSlider(
            options=[(f"{lr:g}", lr) for lr in lrs], value=lrs[len(lrs) // 2], description="Adam lr"
        ),
        "bn": widgets.Dropdown(
            options=[("with BatchNorm" if b else "without BatchNorm", b) for b in bns],
            value=bns[0],
            description="layers",
        ),
    }

    def draw(fig, v):
        run = runs[v["p"], v["lr"], v["bn"]]
        axes = fig.subplots(1, 2)
        message = describe_run(run, patience, underfit_below=underfit_below)
        best, _ = early_stopping_epochs(run["val_loss"], patience)
        plots.plot_training_history(run, axes=axes, best_epoch=best or None, compact=True)
        # Fixed limits and ticks: runs compare at a glance, and no tick locator runs per redraw.
        for ax, high, ticks in ((axes[0], loss_top, loss_ticks), (axes[1], 1.05, (0, 0.5, 1))):
            ax.set_xlim(0, epochs + 1)
            ax.set_ylim(0, high)
            ax.set_xticks(x_ticks)
            ax.set_yticks(ticks)
        bn = "with" if v["bn"] else "without"
        fig.suptitle(f"dropout p = {v['p']:g}, Adam lr = {v['lr']:g}, {bn} batch norm")
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.86, wspace=0.25)
        return message

    def update(fig, v):  # fixed axes: only the curves, the legend and the title change
        run = runs[v["p"], v["lr"], v["bn"]]
        axes = fig.axes
        for ax in axes:
            for line in list(ax.get_lines()):
                line.remove()
        axes[0].get_legend().remove()
        best, _ = early_stopping_epochs(run["val_loss"], patience)
        plots.plot_training_history(run, axes=axes, best_epoch=best or None, compact=True)
        bn = "with" if v["bn"] else "without"
        title = fig.suptitle(f"dropout p = {v['p']:g}, Adam lr = {v['lr']:g}, {bn} batch norm")
        frames = [spine for ax in axes for spine in ax.spines.values()]
        lines = [line for ax in axes for line in ax.get_lines()]
        return describe_run(run, patience, underfit_below=underfit_below), [
            *lines,
            axes[0].get_legend(),
            title,
            *frames,
        ]

    return InteractiveFigure(
        controls, draw, figsize=(11.0, 3.8), update=update, update_on=tuple(controls)
    )
