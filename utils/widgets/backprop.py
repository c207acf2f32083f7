"""Interactive figures of the backprop chapter (factories returning an InteractiveFigure)."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import MaxNLocator

from utils._validate import as_count, as_float_matrix, as_scalar
from utils.experiments.backprop import two_layer_predict, two_layer_snapshots
from utils.plots import plot_decision_regions
from utils.plots.backprop import mark_epoch, plot_training_state
from utils.widgets._core import InteractiveFigure

__all__ = ["boundary_training_explorer"]


def boundary_training_explorer(
    X,
    y,
    *,
    hidden_sizes=(2, 3, 8, 32),
    epochs: int = 200,
    every: int = 10,
    lr: float = 0.3,
    batch_size: int = 32,
    seed: int = 0,
    resolution: int = 80,
) -> InteractiveFigure:
    """Watch a two-layer ReLU network's decision boundary form, epoch by epoch.

    Every network (one per hidden size) is trained once, when the widget is built, with
    mini-batch SGD on softmax cross-entropy (:func:`utils.nn.fit`), and its parameters are
    kept every ``every`` epochs. Moving the sliders only redraws a stored snapshot.

    Controls: ``epoch`` (a slider over the snapshots) and ``hidden`` (a dropdown of the
    hidden-layer sizes). The status line gives the loss and training accuracy.

    Parameters
    ----------
    X : array_like, shape (N, 2)
    y : array_like of int, shape (N,)
        Class labels 0 .. C-1.
    hidden_sizes : sequence of int
    epochs, every, batch_size : int
    lr : float
    seed : int
        The same seed for every hidden size (initial weights and shuffling).
    resolution : int
        Grid points per axis of the shaded regions.
    """
    func = "boundary_training_explorer"
    X = as_float_matrix(X, func, "X", columns=2)
    y = np.asarray(y)
    if y.shape != (X.shape[0],) or not np.issubdtype(y.dtype, np.integer) or y.min() < 0:
        raise ValueError(
            f"{func}: y must hold integer labels >= 0 with shape ({X.shape[0]},), "
            f"got shape {y.shape} and dtype {y.dtype}"
        )
    sizes = [as_count(h, func, "hidden_sizes[i]") for h in hidden_sizes]
    if not sizes:
        raise ValueError(f"{func}: hidden_sizes must not be empty")
    epochs = as_count(epochs, func, "epochs")
    every = as_count(every, func, "every")
    if every > epochs:
        raise ValueError(f"{func}: every ({every}) must be <= epochs ({epochs})")
    lr = as_scalar(lr, func, "lr")
    if lr <= 0:
        raise ValueError(f"{func}: lr must be > 0, got {lr}")
    runs = {
        h: two_layer_snapshots(
            X,
            y,
            h,
            epochs=epochs,
            every=every,
            lr=lr,
            batch_size=as_count(batch_size, func, "batch_size"),
            seed=int(seed),
        )
        for h in sizes
    }
    last = (epochs // every) * every
    epoch_slider = widgets.IntSlider(value=0, min=0, max=last, step=every, description="epoch")
    hidden = widgets.Dropdown(
        options=sizes, value=sizes[min(2, len(sizes) - 1)], description="hidden"
    )

    def shown(v) -> tuple:
        run = runs[v["hidden"]]
        epoch = int(v["epoch"])
        k = max(int(np.searchsorted(run["epochs"], epoch, side="right")) - 1, 0)  # latest
        shown_epoch = int(run["epochs"][k])
        if run["stopped_at"] is not None and epoch >= run["stopped_at"]:
            message = (
                f"diverged at epoch {run['stopped_at']} (lr {lr} is too large for "
                f"{v['hidden']} hidden units); showing epoch {shown_epoch}"
            )
        else:
            message = (
                f"{v['hidden']} hidden units, epoch {shown_epoch}: loss "
                f"{run['loss'][shown_epoch]:.4f}, training accuracy "
                f"{run['accuracy'][shown_epoch]:.1%}"
            )
        title = f"{v['hidden']} hidden units, epoch {shown_epoch}"
        return run, k, shown_epoch, title, message

    def draw(fig, v):
        run, k, shown_epoch, title, message = shown(v)
        axes = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.0, 1.15]})
        plot_training_state(
            two_layer_predict(run["params"][k]),
            X,
            y,
            run["loss"],
            shown_epoch,
            axes=axes,
            resolution=resolution,
            title=title,
        )
        for ax in axes:  # fewer ticks: tick layout is most of the redraw time
            ax.xaxis.set_major_locator(MaxNLocator(4))
            ax.yaxis.set_major_locator(MaxNLocator(4))
        fig.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.9, wspace=0.28)
        return message

    def update(fig, v):  # the epoch: new regions and points, the marker moves on the loss
        run, k, shown_epoch, title, message = shown(v)
        ax_regions, ax_loss = fig.axes
        for artist in [*ax_regions.collections, *ax_loss.get_lines()[-2:]]:
            artist.remove()
        plot_decision_regions(
            two_layer_predict(run["params"][k]),
            X,
            y,
            ax=ax_regions,
            resolution=resolution,
            title=title,
        )
        losses = run["loss"]
        marker = mark_epoch(ax_loss, np.where(np.isfinite(losses), losses, np.nan), shown_epoch)
        frames = [spine for ax in (ax_regions, ax_loss) for spine in ax.spines.values()]
        legends = [ax.get_legend() for ax in (ax_regions, ax_loss) if ax.get_legend()]
        axis = [ax_regions.xaxis, ax_regions.yaxis]  # its tick marks lie over the regions
        moved = [*ax_regions.collections, ax_regions.title, *marker, *legends, *frames, *axis]
        return message, moved

    return InteractiveFigure(
        {"epoch": epoch_slider, "hidden": hidden},
        draw,
        figsize=(9.5, 3.8),
        update=update,
        update_on=("epoch",),
    )
