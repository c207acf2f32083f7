"""Interactive figures of the descent chapter (factories returning an InteractiveFigure).

- :func:`learning_rate_explorer`: gradient descent on a 1-D or 2-D quadratic with a
  learning-rate slider; the status line says in words whether the run is too slow, good,
  overshooting, or diverging ("diverged at step 7").
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import MaxNLocator

from utils.experiments.descent import BLOWUP, QUADRATICS, descent_path
from utils.plots import descent as plots
from utils.plots import plot_curves
from utils.widgets._core import InteractiveFigure

__all__ = ["learning_rate_explorer"]


def _verdict(path, losses, diverged_at, lr: float, lr_max: float, stiff: int) -> str:
    head = f"lr = {lr:.3f}: "
    tail = f" (this bowl diverges for lr > {lr_max:g})"
    steps = len(losses) - 1
    if diverged_at is not None:
        return (
            head + f"diverged at step {diverged_at}: every step overshoots further and the "
            f"loss passed {BLOWUP:.0f} times its start" + tail
        )
    ratio = losses[-1] / losses[0]
    if ratio > 1.0 + 1e-9:
        return (
            head
            + f"diverging: the loss grew to {ratio:.1f} times its start in {steps} steps"
            + tail
        )
    if abs(ratio - 1.0) <= 1e-9:
        return head + "oscillates forever between two points, neither closer nor further" + tail
    side = np.sign(path[:, stiff])
    flips = np.count_nonzero(side[1:] * side[:-1] < 0)
    if ratio < 1e-4:
        reached = int(np.argmax(losses < 1e-4 * losses[0]))
        how = ", zig-zagging across the minimum" if flips >= steps // 2 else ""
        return head + f"good: the loss fell below 1/10000 of its start at step {reached}{how}"
    if flips >= steps // 2:
        return (
            head + f"overshoots: it jumps across the minimum at every step and converges slowly "
            f"(loss {100 * ratio:.2g}% of its start after {steps} steps)" + tail
        )
    return (
        head + f"too small: after {steps} steps the loss is still {100 * ratio:.2g}% of its start"
    )


def learning_rate_explorer(
    problem: str = "1-D", *, lr: float = 0.1, steps: int = 30
) -> InteractiveFigure:
    """Gradient descent on a quadratic bowl, with a slider for the learning rate.

    Left: the loss and the path of the weights (a curve in 1-D, contour lines in 2-D).
    Right: the loss at every step, on a log10 scale. The status line says whether the rate
    is too small, good, overshooting or diverging; a diverged run stops at the step where it
    blew up ("diverged at step 7"), never as a crash or a figure full of NaN.

    Parameters
    ----------
    problem : {"1-D", "2-D"}
        ``"1-D"``: L(w) = w^2 from w = 2.5. ``"2-D"``: L(w) = (w1^2 + 10 w2^2) / 2 from
        (-2.8, 1.2), a long narrow valley. See :data:`QUADRATICS`.
    lr : float
        The starting learning rate, in [0.001, 2.5].
    steps : int
        The starting number of steps, in [5, 100].
    """
    if problem not in QUADRATICS:
        raise ValueError(
            f"learning_rate_explorer: problem must be one of {list(QUADRATICS)}, got {problem!r}"
        )
    if isinstance(lr, bool) or not isinstance(lr, int | float) or not 0.001 <= lr <= 2.5:
        raise ValueError(f"learning_rate_explorer: lr must be a number in [0.001, 2.5], got {lr!r}")
    if isinstance(steps, bool) or not isinstance(steps, int) or not 5 <= steps <= 100:
        raise ValueError(f"learning_rate_explorer: steps must be an int in [5, 100], got {steps!r}")
    controls = {
        "lr": widgets.FloatLogSlider(
            value=lr,
            base=10,
            min=-3,
            max=np.log10(2.5),
            step=0.01,
            description="lr",
            readout_format=".3f",
        ),
        "problem": widgets.Dropdown(
            options=[(q["label"], key) for key, q in QUADRATICS.items()],
            value=problem,
            description="problem",
        ),
        "steps": widgets.IntSlider(value=steps, min=5, max=100, description="steps"),
    }

    def run(v):
        q = QUADRATICS[v["problem"]]
        path, losses, diverged_at = descent_path(
            q["grad"], q["loss"], q["start"], v["lr"], v["steps"]
        )
        title = f"lr = {v['lr']:.3f}" + (f": diverged at step {diverged_at}" if diverged_at else "")
        return q, path, losses, diverged_at, title

    def draw_path(ax_path, v, q, path, title, *, frame: bool):
        # frame: the loss curve or contours too (drawn once; a change of lr keeps them)
        if v["problem"] == "1-D":
            plots.plot_path_1d(
                q["curve"], path[:, 0], ax=ax_path, xlim=q["window"][0], title=title, curve=frame
            )
            ax_path.set_ylim(-0.5, 10.5)
        else:
            plots.plot_path_2d(
                q["surface"],
                path,
                ax=ax_path,
                xlim=q["window"][0],
                ylim=q["window"][1],
                levels=np.array([0.1, 0.5, 1, 2, 4, 8, 14]),
                title=title,
                resolution=60,
                contours=frame,
            )

    def draw_loss(ax_loss, v, losses):
        k = np.arange(len(losses))
        plot_curves(
            k,
            {"loss": np.log10(np.maximum(losses, 1e-300))},
            ax=ax_loss,
            xlabel="step",
            ylabel="log10(loss)",
            title="loss per step",
            marker="o" if len(k) <= 40 else None,
        )
        ax_loss.set_xlim(0, v["steps"])
        ax_loss.set_ylim(
            max(-12.0, float(np.log10(max(losses.min(), 1e-300))) - 0.5),
            float(np.log10(losses[0] * BLOWUP)) + 0.3,
        )
        if ax_loss.get_legend() is not None:
            ax_loss.get_legend().remove()

    def draw(fig, v):
        q, path, losses, diverged_at, title = run(v)
        ax_path, ax_loss = fig.subplots(1, 2, gridspec_kw={"width_ratios": (1.25, 1)})
        draw_path(ax_path, v, q, path, title, frame=True)
        draw_loss(ax_loss, v, losses)
        for ax in (ax_path, ax_loss):  # few ticks: tick layout dominates the redraw time
            ax.xaxis.set_major_locator(MaxNLocator(5))
            ax.yaxis.set_major_locator(MaxNLocator(5))
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.9, wspace=0.3)
        return describe(v, q, path, losses, diverged_at)

    def update(fig, v):  # lr and steps: the path and its title, and the whole loss panel
        q, path, losses, diverged_at, title = run(v)
        ax_path, ax_loss = fig.axes
        for line in [line for line in ax_path.get_lines() if line.get_zorder() >= 3]:
            line.remove()  # the path and its start; the loss curve (zorder 2) stays
        draw_path(ax_path, v, q, path, title, frame=False)
        for line in list(ax_loss.get_lines()):
            line.remove()
        draw_loss(ax_loss, v, losses)
        moved = [line for line in ax_path.get_lines() if line.get_zorder() >= 3]
        message = describe(v, q, path, losses, diverged_at)
        return message, [*moved, ax_path.title, *ax_path.spines.values(), ax_loss]

    def describe(v, q, path, losses, diverged_at):
        stiff = 0 if v["problem"] == "1-D" else 1
        return _verdict(path, losses, diverged_at, v["lr"], q["lr_max"], stiff)

    return InteractiveFigure(
        controls, draw, figsize=(9.5, 3.8), update=update, update_on=("lr", "steps")
    )
