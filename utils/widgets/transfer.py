"""Interactive figure of the transfer-learning chapter.

- :func:`transfer_explorer`: over precomputed results of
  :func:`utils.experiments.transfer.transfer_experiment`, choose the labels per class and how many
  pre-trained layers to freeze; the accuracy curves and the accuracy-vs-labels figure of that
  method are drawn next to training from scratch. Nothing is trained on a redraw.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from utils.experiments import transfer as experiments
from utils.plots import transfer as plots
from utils.widgets._core import InteractiveFigure

__all__ = ["FREEZE_CHOICES", "transfer_explorer", "transfer_summary"]

#: The dropdown's choices: label -> method of :data:`utils.experiments.transfer.TRANSFER_METHODS`.
FREEZE_CHOICES = {
    "0 (fine-tune all)": "fine-tune all",
    "1 (freeze layer 1)": "freeze layer 1",
    "2 (frozen features)": "frozen features",
    "3 (head too: nothing learns)": "freeze all",
}


def transfer_summary(results: dict, method: str, n_labels: int, *, level: float = 0.9) -> str:
    """One line comparing ``method`` with training from scratch at ``n_labels`` per class."""
    a = results["label_counts"].index(n_labels)
    lines = []
    for m in ("from scratch", method):
        runs = results["curves"][m][a]  # (seeds, T)
        final = runs[:, -1]
        reach = experiments.steps_to_reach(runs.mean(axis=0), results["steps"], level)
        when = (
            f"reaches {level:.0%} at step {reach:.0f}"
            if np.isfinite(reach)
            else f"never reaches {level:.0%}"
        )
        lines.append(f"{m}: {final.mean():.3f} ± {final.std():.3f}, {when}")
    return f"{n_labels} labels per class. " + "; ".join(lines)


def transfer_explorer(
    results: dict, *, n_labels: int | None = None, frozen: str = "2 (frozen features)"
) -> InteractiveFigure:
    """Labels per class (slider) and frozen layers (dropdown) over precomputed results.

    Parameters
    ----------
    results : dict
        From :func:`utils.experiments.transfer.transfer_experiment`; it must hold the method
        ``"from scratch"`` and every method of :data:`FREEZE_CHOICES`.
    n_labels : int, optional
        The label count shown first (default: the smallest).
    frozen : str
        A key of :data:`FREEZE_CHOICES`.
    """
    if not isinstance(results, dict) or "curves" not in results:
        raise TypeError(
            "transfer_explorer: results must be the dict transfer_experiment "
            f"returns, got {type(results).__name__}"
        )
    needed = {"from scratch", *FREEZE_CHOICES.values()}
    missing = sorted(needed - set(results["curves"]))
    if missing:
        raise ValueError(
            f"transfer_explorer: results lack the methods {missing}; run "
            "transfer_experiment with methods=None (all of them)"
        )
    counts = list(results["label_counts"])
    n_labels = counts[0] if n_labels is None else n_labels
    if n_labels not in counts:
        raise ValueError(f"transfer_explorer: n_labels must be one of {counts}, got {n_labels!r}")
    if frozen not in FREEZE_CHOICES:
        raise ValueError(
            f"transfer_explorer: frozen must be one of {list(FREEZE_CHOICES)}, got {frozen!r}"
        )
    controls = {
        "labels": widgets.SelectionSlider(
            options=counts, value=n_labels, description="labels/class"
        ),
        "frozen": widgets.Dropdown(
            options=list(FREEZE_CHOICES), value=frozen, description="frozen layers"
        ),
    }

    def draw(fig, v):
        method, n = FREEZE_CHOICES[v["frozen"]], v["labels"]
        # Shared y axis, no grid, one legend: fewer tick labels and artists to draw per change.
        ax_curve, ax_labels = fig.subplots(1, 2, sharey=True)
        pair = ("from scratch", method)
        plots.plot_transfer_curves(
            results, n, pair, ax=ax_curve, compact=True, title=f"{n} labelled images per class"
        )
        plots.plot_transfer_accuracy(
            results, pair, ax=ax_labels, title="final test accuracy", logx=False, compact=True
        )
        ax_labels.set_ylim(0, 1)
        ax_labels.axvline(counts.index(n), color="0.5", ls="--", lw=1)
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.16, top=0.9, wspace=0.12)
        return describe(v)

    def update(fig, v):  # the label count: the left curves, its title and the marker move
        method, n = FREEZE_CHOICES[v["frozen"]], v["labels"]
        ax_curve, ax_labels = fig.axes
        a = counts.index(n)
        lines, bands = ax_curve.get_lines(), ax_curve.collections
        for m, line, band in zip(("from scratch", method), lines, bands, strict=True):
            mean, std = plots.transfer_curve(results, m, a)
            line.set_ydata(mean)
            band.set_data(results["steps"], mean - std, mean + std)
        ax_curve.title.set_text(f"{n} labelled images per class")
        marker = ax_labels.get_lines()[-1]
        marker.set_xdata([a, a])
        frames = [*ax_curve.spines.values(), *ax_labels.spines.values()]
        moved = [*lines, *bands, ax_curve.title, marker, ax_curve.get_legend(), *frames]
        return describe(v), moved

    def describe(v):
        method, n = FREEZE_CHOICES[v["frozen"]], v["labels"]
        if method == "freeze all":
            chance = float(results["curves"][method][counts.index(n)][:, -1].mean())
            return (
                f"Every layer is frozen, the new head too: nothing can learn, and the "
                f"random head stays at chance level (accuracy {chance:.2f}). Unfreeze at "
                "least the head."
            )
        return transfer_summary(results, method, n)

    return InteractiveFigure(
        controls, draw, figsize=(11.0, 4.0), update=update, update_on=("labels",)
    )
