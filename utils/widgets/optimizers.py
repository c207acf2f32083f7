"""Interactive figures of the optimizers chapter (factories returning an InteractiveFigure).

- :func:`optimizer_race`: several optimizers on one of the chapter's surfaces, with sliders
  for the learning rate and the betas; left the paths on the contour lines, right the loss
  per step; the status line says in words how each run ended ("adam: diverged at step 12").
"""

from __future__ import annotations

import contourpy
import ipywidgets as widgets
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.ticker import MaxNLocator

from utils import nn
from utils.experiments.optimizers import SURFACES, race_runs
from utils.plots import optimizers as plots
from utils.widgets._core import InteractiveFigure

__all__ = ["optimizer_race"]

_NAMES = tuple(nn.UPDATES)


def _contour_lines(s: dict) -> list:
    """The contour lines of a surface at its levels, as a list of (n, 2) arrays."""
    xs, ys = np.linspace(*s["xlim"], 80), np.linspace(*s["ylim"], 80)
    X, Y = np.meshgrid(xs, ys)
    generator = contourpy.contour_generator(X, Y, s["f"](X, Y))
    return [line for level in s["levels"] for line in generator.lines(float(level))]


def _describe(surface: str, name: str, path, losses, diverged_at) -> str:
    if diverged_at is not None:
        if surface == "saddle":
            return f"{name}: escaped the saddle and ran off downhill (left the window at step {diverged_at})"
        return f"{name}: diverged at step {diverged_at}"
    end = path[-1]
    if surface == "saddle":
        escaped = abs(end[1]) > 1.0
        return f"{name}: " + (
            "escaped the saddle" if escaped else f"still at the saddle (y = {end[1]:+.3f})"
        )
    if surface == "local minimum":
        basin = "the global minimum" if end[0] < 0.15 else "the local minimum"
        return f"{name}: in {basin}, loss {losses[-1]:.3f}"
    return f"{name}: loss {losses[-1]:.2e}"


def optimizer_race(
    surface: str = "test",
    *,
    optimizers=("sgd", "momentum", "adam"),
    lr: float = 0.1,
    beta1: float = 0.9,
    beta2: float = 0.99,
    steps: int = 50,
) -> InteractiveFigure:
    """Race optimizers on a 2-D surface: pick them, slide the learning rate and the betas.

    Left: contour lines of the surface and each optimizer's path. Right: the loss at every
    step. The status line says, for each optimizer, where it ended or at which step it
    diverged (a diverged path stops where it left the window, never as NaN).

    Parameters
    ----------
    surface : {"test", "saddle", "local minimum"}
        ``"test"``: x^2/20 + y^2 from (-7, 2); ``"saddle"``: x^2 - y^2; ``"local minimum"``:
        x^4/4 - x^2 + 0.3x + y^2/2 (see :data:`utils.experiments.optimizers.SURFACES`).
    optimizers : sequence of str
        Names from ``utils.nn.UPDATES`` shown first.
    lr : float
        The learning rate shared by all, in [0.001, 3].
    beta1 : float
        Momentum's (and Nesterov's) beta and Adam's beta1, in [0, 0.99].
    beta2 : float
        RMSProp's rho and Adam's beta2, in [0.5, 0.999].
    steps : int
        In [5, 200].
    """
    if surface not in SURFACES:
        raise ValueError(
            f"optimizer_race: surface must be one of {list(SURFACES)}, got {surface!r}"
        )
    chosen = tuple(optimizers) if not isinstance(optimizers, str) else (optimizers,)
    bad = [n for n in chosen if n not in nn.UPDATES]
    if bad or not chosen:
        raise ValueError(
            f"optimizer_race: optimizers must be names from {list(nn.UPDATES)}, got {list(chosen)}"
        )
    for name, value, lo, hi in (
        ("lr", lr, 0.001, 3.0),
        ("beta1", beta1, 0.0, 0.99),
        ("beta2", beta2, 0.5, 0.999),
    ):
        if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
            raise ValueError(
                f"optimizer_race: {name} must be a number in [{lo}, {hi}], got {value!r}"
            )
    if isinstance(steps, bool) or not isinstance(steps, int) or not 5 <= steps <= 200:
        raise ValueError(f"optimizer_race: steps must be an int in [5, 200], got {steps!r}")
    controls = {
        "optimizers": widgets.SelectMultiple(
            options=list(_NAMES), value=chosen, description="optimizers", rows=6
        ),
        "surface": widgets.Dropdown(options=list(SURFACES), value=surface, description="surface"),
        "steps": widgets.IntSlider(value=steps, min=5, max=200, description="steps"),
        "lr": widgets.FloatLogSlider(
            value=lr,
            base=10,
            min=-3,
            max=np.log10(3.0),
            step=0.02,
            description="lr",
            readout_format=".3f",
        ),
        "beta1": widgets.FloatSlider(
            value=beta1, min=0.0, max=0.99, step=0.01, description="beta1", readout_format=".2f"
        ),
        "beta2": widgets.FloatSlider(
            value=beta2, min=0.5, max=0.999, step=0.001, description="beta2", readout_format=".3f"
        ),
    }
    contours: dict[str, list] = {}

    def race(v):
        names = [n for n in _NAMES if n in v["optimizers"]]
        return race_runs(
            v["surface"], names, lr=v["lr"], beta1=v["beta1"], beta2=v["beta2"], steps=v["steps"]
        )

    def draw_paths(ax_path, v, runs):
        s = SURFACES[v["surface"]]
        for name, (path, _, _) in runs.items():
            color = plots.OPTIMIZER_COLORS[name]
            ax_path.plot(path[:, 0], path[:, 1], "-", color=color, lw=1.8, label=name)
        ax_path.plot(*s["start"], "ks", ms=7)
        ax_path.set_title(f"{s['label']}, lr = {v['lr']:.3f}")

    def draw_losses(ax_loss, v, runs):
        for name, (_, losses, _) in runs.items():
            color = plots.OPTIMIZER_COLORS[name]
            ax_loss.plot(np.arange(len(losses)), losses, color=color, lw=1.8, label=name)
        finite = np.concatenate([r[1] for r in runs.values()])
        lo, hi = float(finite.min()), float(finite[0])
        ax_loss.set(
            xlim=(0, v["steps"]),
            ylim=(lo - 0.05 * (hi - lo + 1e-9), hi + 0.1 * (hi - lo + 1e-9)),
            xlabel="step",
            ylabel="loss f(x, y)",
            title="loss per step",
        )
        ax_loss.legend(loc="upper right", fontsize=10)  # one legend serves both panels

    def draw(fig, v):
        if not v["optimizers"]:
            fig.add_subplot().set_axis_off()
            return "Select at least one optimizer (ctrl-click or shift-click to pick several)."
        s = SURFACES[v["surface"]]
        runs = race(v)
        ax_path, ax_loss = fig.subplots(1, 2, gridspec_kw={"width_ratios": (1.35, 1)})
        if v["surface"] not in contours:  # computed once per surface: redraws stay fast
            contours[v["surface"]] = _contour_lines(s)
        ax_path.add_collection(LineCollection(contours[v["surface"]], colors="0.6", linewidths=0.8))
        draw_paths(ax_path, v, runs)
        ax_path.set(xlim=s["xlim"], ylim=s["ylim"], xlabel="x", ylabel="y")
        draw_losses(ax_loss, v, runs)
        for ax in (ax_path, ax_loss):  # few ticks: tick layout dominates the redraw time
            ax.xaxis.set_major_locator(MaxNLocator(4))
            ax.yaxis.set_major_locator(MaxNLocator(4))
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.14, top=0.9, wspace=0.25)
        return describe(v, runs)

    def update(fig, v):  # the paths and title over the kept contours; the loss panel whole
        if not v["optimizers"] or len(fig.axes) != 2:
            return None
        runs = race(v)
        ax_path, ax_loss = fig.axes
        for line in [*ax_path.get_lines(), *ax_loss.get_lines()]:
            line.remove()
        ax_loss.get_legend().remove()
        draw_paths(ax_path, v, runs)
        draw_losses(ax_loss, v, runs)
        moved = [*ax_path.get_lines(), ax_path.title, *ax_path.spines.values(), ax_loss]
        return describe(v, runs), moved

    def describe(v, runs):
        return "; ".join(_describe(v["surface"], name, *run) for name, run in runs.items())

    return InteractiveFigure(
        controls,
        draw,
        figsize=(9.5, 3.7),
        update=update,
        update_on=("steps", "lr", "beta1", "beta2"),
    )
