"""Figures of the backprop chapter (each takes ax=None, returns the Axes, never shows)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from matplotlib.axes import Axes

from utils._validate import as_count, as_float_vector
from utils.plots._core import _axes, plot_curves, plot_decision_regions

__all__ = [
    "mark_epoch",
    "plot_boundary_snapshots",
    "plot_graph",
    "plot_gradcheck_errors",
    "plot_training_state",
]

_VALUE_COLOR = "#1a7f37"  # forward values: green
_GRAD_COLOR = "#c62828"  # gradients: red
_KIND_FACE = {"input": "#e8f0fe", "op": "#fff4e0", "output": "#e8f5e9", "layer": "#f3e5f5"}


def plot_graph(
    nodes: dict,
    edges: Sequence,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    value_fmt: str = "{:.2f}",
) -> Axes:
    """Draw a computational graph: boxes for nodes, arrows for edges, values and gradients.

    Parameters
    ----------
    nodes : dict of str -> dict
        One entry per node, by name, with keys ``pos`` ``(x, y)`` (required), ``label``
        (the text in the box, default the name), ``kind`` (``"input"``, ``"op"``,
        ``"output"`` or ``"layer"``: the box colour), ``value`` (the forward value, drawn in
        green above the box) and ``grad`` (the gradient of the output with respect to the
        node, drawn in red below it). ``value`` and ``grad`` may be numbers, strings or None.
    edges : sequence of (src, dst) or (src, dst, label)
        Arrows in the forward direction; ``label`` is written at the arrow's middle.
    value_fmt : str
        How numeric values and gradients are written.
    """
    if not isinstance(nodes, dict) or not nodes:
        raise TypeError("plot_graph: nodes must be a non-empty dict {name: {'pos': (x, y), ...}}")
    pos = {}
    for name, spec in nodes.items():
        if not isinstance(spec, dict) or "pos" not in spec:
            raise ValueError(f"plot_graph: node {name!r} must be a dict with a 'pos' (x, y)")
        p = np.asarray(spec["pos"], dtype=np.float64)
        if p.shape != (2,) or not np.all(np.isfinite(p)):
            raise ValueError(f"plot_graph: node {name!r} has pos {spec['pos']!r}; expected (x, y)")
        kind = spec.get("kind", "op")
        if kind not in _KIND_FACE:
            raise ValueError(
                f"plot_graph: node {name!r} has kind {kind!r}; expected one of {sorted(_KIND_FACE)}"
            )
        pos[name] = p
    ax = _axes(ax, figsize=(8, 4))

    def fmt(v):
        return v if isinstance(v, str) else value_fmt.format(v)

    for edge in edges:
        if not isinstance(edge, tuple | list) or len(edge) not in (2, 3):
            raise ValueError(
                f"plot_graph: an edge must be (src, dst) or (src, dst, label), got {edge!r}"
            )
        for end in edge[:2]:
            if end not in pos:
                raise ValueError(f"plot_graph: edge {edge!r} names an unknown node {end!r}")
    boxes = {}
    for name, spec in nodes.items():
        x, y = pos[name]
        boxes[name] = ax.text(
            x,
            y,
            str(spec.get("label", name)),
            ha="center",
            va="center",
            fontsize=12,
            zorder=3,
            bbox={
                "boxstyle": "round,pad=0.45",
                "ec": "0.3",
                "fc": _KIND_FACE[spec.get("kind", "op")],
            },
        )
        if spec.get("value") is not None:
            ax.text(
                x,
                y + 0.32,
                fmt(spec["value"]),
                ha="center",
                va="bottom",
                fontsize=11,
                color=_VALUE_COLOR,
                fontweight="bold",
            )
        if spec.get("grad") is not None:
            ax.text(
                x,
                y - 0.32,
                fmt(spec["grad"]),
                ha="center",
                va="top",
                fontsize=11,
                color=_GRAD_COLOR,
                fontweight="bold",
            )
    for edge in edges:
        src, dst = edge[0], edge[1]
        # Clipped to the two boxes, so the arrow head touches the destination's border.
        ax.annotate(
            "",
            xy=pos[dst],
            xytext=pos[src],
            arrowprops={
                "arrowstyle": "-|>",
                "color": "0.35",
                "lw": 1.4,
                "mutation_scale": 16,
                "shrinkA": 1,
                "shrinkB": 1,
                "patchA": boxes[src].get_bbox_patch(),
                "patchB": boxes[dst].get_bbox_patch(),
            },
        )
        if len(edge) == 3 and edge[2]:
            mid = (pos[src] + pos[dst]) / 2
            ax.text(*mid, str(edge[2]), fontsize=10, color="0.3", ha="center", va="bottom")
    xy = np.array(list(pos.values()))
    ax.set_xlim(xy[:, 0].min() - 0.8, xy[:, 0].max() + 0.8)
    ax.set_ylim(xy[:, 1].min() - 0.9, xy[:, 1].max() + 0.9)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    has_values = any(s.get("value") is not None for s in nodes.values())
    has_grads = any(s.get("grad") is not None for s in nodes.values())
    if has_values or has_grads:
        ax.plot([], [], "s", color=_VALUE_COLOR, label="forward value (above)")
        ax.plot([], [], "s", color=_GRAD_COLOR, label="gradient of the output (below)")
        ax.legend(
            loc="lower center", bbox_to_anchor=(0.5, -0.16), ncol=2, fontsize=10, frameon=False
        )
    if title:
        ax.set_title(title)
    return ax


def plot_gradcheck_errors(
    errors: dict,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    correct: float = 1e-7,
    bug: float = 1e-2,
) -> Axes:
    """Relative errors of gradient checks, one column of dots per check, on a log scale.

    Bands mark what the numbers mean in float64: below ``correct`` (green) the backward
    pass is right; above ``bug`` (red) it is wrong; in between (yellow) look closer.

    Parameters
    ----------
    errors : dict of str -> array_like
        For each check, the relative error of every gradient entry (any shape; flattened).
    """
    if not isinstance(errors, dict) or not errors:
        raise TypeError(
            "plot_gradcheck_errors: errors must be a non-empty dict {label: relative errors}"
        )
    if not (0 < correct < bug):
        raise ValueError(f"plot_gradcheck_errors: need 0 < correct < bug, got {correct}, {bug}")
    ax = _axes(ax, figsize=(7, 4))
    floor = 1e-16  # exact zeros cannot sit on a log axis: drawn at the floor
    ax.axhspan(floor / 10, correct, color="#2ca02c", alpha=0.12, lw=0)
    ax.axhspan(correct, bug, color="#ffbf00", alpha=0.15, lw=0)
    ax.axhspan(bug, 1e6, color="#d62728", alpha=0.12, lw=0)
    for k, (label, values) in enumerate(errors.items()):
        v = np.asarray(values, dtype=np.float64).ravel()
        if v.size == 0 or np.any(v < 0) or not np.all(np.isfinite(v)):
            raise ValueError(
                f"plot_gradcheck_errors: errors[{label!r}] must be finite, "
                "non-negative and not empty"
            )
        jitter = np.linspace(-0.2, 0.2, v.size) if v.size > 1 else np.zeros(1)
        ax.scatter(
            k + jitter,
            np.maximum(v, floor),
            s=22,
            zorder=3,
            edgecolors="k",
            linewidths=0.4,
            label=f"{label}: max {v.max():.1e}",
        )
    ax.set_yscale("log")
    ax.set_ylim(floor / 10, 1e6)  # room above the dots for the legend
    ax.set_xticks(range(len(errors)))
    ax.set_xticklabels([str(k) for k in errors], fontsize=11)
    ax.set_xlim(-0.6, len(errors) - 0.4)
    ax.set_ylabel("relative error per entry")
    ax.text(
        len(errors) - 0.45,
        correct / 30,
        "correct",
        ha="right",
        va="top",
        fontsize=10,
        color="#1b5e20",
    )
    ax.text(
        len(errors) - 0.45,
        bug / 30,
        "look closer",
        ha="right",
        va="top",
        fontsize=10,
        color="#7a5c00",
    )
    ax.text(
        len(errors) - 0.45, bug * 30, "bug", ha="right", va="bottom", fontsize=10, color="#b71c1c"
    )
    ax.legend(loc="upper center", ncol=min(len(errors), 3), fontsize=9, framealpha=0.9)
    ax.set_title(title or "Gradient check: |a - b| / max(|a|, |b|, eps)")
    return ax


def plot_boundary_snapshots(
    snapshots: Sequence, X, y, *, axes: Sequence[Axes] | None = None, resolution: int = 80
) -> list[Axes]:
    """Decision regions of a classifier at several moments of training, side by side.

    Parameters
    ----------
    snapshots : sequence of (title, predict)
        ``predict`` maps (M, 2) points to (M,) labels or probabilities of class 1.
    X : array_like, shape (N, 2)
    y : array_like of int, shape (N,)
    resolution : int
        Grid points per axis (80 is smooth enough and fast).
    """
    if not isinstance(snapshots, list | tuple) or not snapshots:
        raise TypeError(
            "plot_boundary_snapshots: snapshots must be a non-empty list of (title, predict)"
        )
    for i, item in enumerate(snapshots):
        if not (isinstance(item, tuple | list) and len(item) == 2 and callable(item[1])):
            raise TypeError(f"plot_boundary_snapshots: snapshots[{i}] must be (title, predict)")
    resolution = as_count(resolution, "plot_boundary_snapshots", "resolution", minimum=2)
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, len(snapshots), figsize=(3.6 * len(snapshots), 3.6))
        axes = np.atleast_1d(axes)
    axes = list(axes)
    if len(axes) != len(snapshots):
        raise ValueError(
            f"plot_boundary_snapshots: got {len(axes)} axes for {len(snapshots)} snapshots"
        )
    for ax, (title, predict) in zip(axes, snapshots, strict=True):
        plot_decision_regions(predict, X, y, ax=ax, resolution=resolution, title=str(title))
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("")
    axes[0].set_ylabel("$x_2$")
    return axes


def mark_epoch(ax_loss: Axes, losses, epoch: int) -> list:
    """Mark ``epoch`` on a loss curve: a dot on the curve and a vertical line.

    ``losses`` of shape (E,) with NaN where the run had diverged. Returns the two artists
    (the widget of chapter 05 moves them when the epoch changes).
    """
    (dot,) = ax_loss.plot([epoch], [losses[epoch]], "o", color="#d62728", ms=9, zorder=3)
    line = ax_loss.axvline(epoch, color="#d62728", lw=1, alpha=0.5)
    return [dot, line]


def plot_training_state(
    predict: Callable,
    X,
    y,
    losses,
    epoch: int,
    *,
    axes: Sequence[Axes] | None = None,
    resolution: int = 80,
    title: str | None = None,
) -> tuple[Axes, Axes]:
    """One moment of training: the decision regions, and the loss curve with the moment marked.

    Parameters
    ----------
    predict : callable
        (M, 2) -> (M,) labels or probabilities of class 1, for the model at ``epoch``.
    X : array_like, shape (N, 2)
    y : array_like of int, shape (N,)
    losses : array_like, shape (E + 1,)
        The training loss after each epoch, ``losses[0]`` before training.
    epoch : int
        Which epoch is shown, 0 <= epoch <= E.

    Returns
    -------
    (Axes, Axes)
        The regions (left) and the loss curve (right).
    """
    losses = as_float_vector(losses, "plot_training_state", "losses")
    if (
        isinstance(epoch, bool)
        or not isinstance(epoch, int | np.integer)
        or not 0 <= epoch < losses.size
    ):
        raise ValueError(
            f"plot_training_state: epoch must be an int in [0, {losses.size - 1}], got {epoch!r}"
        )
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 2, figsize=(10, 4))
    ax_regions, ax_loss = axes
    plot_decision_regions(
        predict, X, y, ax=ax_regions, resolution=resolution, title=title or f"epoch {epoch}"
    )
    shown = np.where(np.isfinite(losses), losses, np.nan)
    plot_curves(
        np.arange(losses.size),
        {"training loss": shown},
        ax=ax_loss,
        xlabel="epoch",
        ylabel="cross-entropy loss",
        title="loss while learning",
    )
    mark_epoch(ax_loss, shown, epoch)
    top = np.nanmax(shown) if np.any(np.isfinite(shown)) else 1.0
    ax_loss.set_ylim(0, top * 1.05)
    return ax_regions, ax_loss
