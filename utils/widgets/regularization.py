"""Interactive figures of the regularization chapter.

- :func:`penalty_explorer`: a lambda slider and an L1/L2 choice for a linear model on 40
  Gaussian-bump features of a noisy sine; the fitted function and the histogram of the 40
  weights are redrawn, and the status line counts the weights that are exactly 0. Every
  lambda of the slider is fitted once, when the widget is built (closed form for L2,
  proximal gradient descent for L1), so a redraw only draws.
- :func:`dropout_explorer`: a p slider and a training/evaluation choice; one mask applied to
  a layer of 24 activations, and the average over 2000 masks, for inverted and non-inverted
  dropout.

Speed: matplotlib spends most of a redraw laying out and rasterising text (tick labels, axis
labels, legends). The parts of a figure that never change are therefore rendered once, when
the widget is built, by :func:`utils.widgets._core.render_layer`, and pasted as pixels
(``Figure.figimage``) at every redraw; the axes drawn on top have their frame turned off and
the same limits, so the picture is the same as drawing everything each time.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.ticker import MaxNLocator

from utils._validate import as_float_vector
from utils.experiments.regularization import (
    LAMBDA_EXPONENTS,
    PENALTY_KINDS,
    penalty_grid,
    rbf_features,
)
from utils.plots import CLASS_COLORS
from utils.plots import regularization as plots
from utils.widgets._core import InteractiveFigure, paste_layer, render_layer

__all__ = ["dropout_explorer", "penalty_explorer"]


def bars(ax, x, heights, width: float, **style):
    """Vertical bars as ONE collection (``ax.bar`` makes one artist per bar, slower to draw).

    ``collection.heights`` keeps the heights drawn.
    """
    x, heights = np.asarray(x, dtype=np.float64), np.asarray(heights, dtype=np.float64)
    left, right = x - width / 2, x + width / 2
    zeros = np.zeros_like(heights)
    verts = np.stack(
        [
            np.stack([left, zeros], 1),
            np.stack([left, heights], 1),
            np.stack([right, heights], 1),
            np.stack([right, zeros], 1),
        ],
        axis=1,
    )
    collection = PolyCollection(verts, facecolors=style.pop("color"), edgecolors="none", **style)
    collection.heights = heights
    ax.add_collection(collection, autolim=False)
    return collection


def _bare(ax) -> None:
    """No frame, ticks or labels: the pasted background layer draws them."""
    ax.set_axis_off()


def penalty_explorer(
    x,
    t,
    x_val,
    t_val,
    *,
    kind: str = "L1 (lasso)",
    exponent: float = -3.0,
    centers: int = 40,
    width: float = 0.05,
) -> InteractiveFigure:
    """Slide lambda and see the fit and the weights of an L1 or L2 regularized model.

    The model is ``pred = rbf_features(x) @ w + b`` (40 Gaussian bumps on [0, 1]), trained
    on ``(x, t)`` for ``mean((pred - t)**2) + lam * penalty(w)``. The status line gives the
    number of weights exactly 0 and the training and validation errors.

    Parameters
    ----------
    x, t : array_like, shape (N,)
    x_val, t_val : array_like, shape (M,)
    kind : {"L2 (ridge)", "L1 (lasso)"}
    exponent : float
        The first lambda is ``10 ** exponent``, one of :data:`LAMBDA_EXPONENTS`.
    """
    if kind not in PENALTY_KINDS:
        raise ValueError(
            f"penalty_explorer: kind must be one of {list(PENALTY_KINDS)}, got {kind!r}"
        )
    if not np.any(np.isclose(LAMBDA_EXPONENTS, exponent)):
        raise ValueError(
            f"penalty_explorer: exponent must be one of -6, -5.75, ..., 0, got {exponent!r}"
        )
    x = as_float_vector(x, "penalty_explorer", "x")
    t = as_float_vector(t, "penalty_explorer", "t", length=x.shape[0])
    x_val = as_float_vector(x_val, "penalty_explorer", "x_val")
    t_val = as_float_vector(t_val, "penalty_explorer", "t_val", length=x_val.shape[0])
    fits = penalty_grid(x, t, centers=centers, width=width)
    grid = np.linspace(0.0, 1.0, 300)
    Phi_grid = rbf_features(grid, centers=centers, width=width)
    Phi_tr = rbf_features(x, centers=centers, width=width)
    Phi_va = rbf_features(x_val, centers=centers, width=width)
    truth = np.sin(2 * np.pi * grid)
    hist_limit = 1.5  # |w| beyond this (small lambdas, L2) lands in the end bins
    figsize = (11.0, 3.9)
    fit_box, w_box = (0.06, 0.15, 0.42, 0.72), (0.56, 0.15, 0.42, 0.72)
    fit_limits = {"xlim": (0, 1), "ylim": (-2.2, 2.2)}
    w_limits = {"xlim": (-hist_limit, hist_limit), "ylim": (0, centers + 1)}

    def fit_panel(fig):  # the data, the true curve and the axes, without the model
        ax = fig.add_axes(fit_box)
        plots.plot_penalty_fit(
            x,
            t,
            grid,
            np.full(grid.shape, np.nan),
            ax=ax,
            x_val=x_val,
            t_val=t_val,
            truth=truth,
            title="",
        )
        ax.set(**fit_limits, xticks=[0, 0.5, 1], yticks=[-2, 0, 2])
        return ax

    def background(fig):
        fit_panel(fig).get_legend().remove()
        ax_w = fig.add_axes(w_box)
        ax_w.set(
            **w_limits,
            xticks=np.round([-hist_limit, 0, hist_limit], 2),
            yticks=[0, centers],
            xlabel="weight value",
            ylabel="number of weights",
        )

    def legend(fig):
        ax = fit_panel(fig)
        _bare(ax)
        for line in list(ax.lines):  # the legend keeps its own copies of the handles
            line.remove()

    back = render_layer(figsize, background)
    front = render_layer(figsize, legend, crop=True)
    controls = {
        "kind": widgets.Dropdown(options=list(PENALTY_KINDS), value=kind, description="penalty"),
        "log10_lambda": widgets.FloatSlider(
            value=float(exponent),
            min=-6.0,
            max=0.0,
            step=0.25,
            description="log10 λ",
            readout_format=".2f",
        ),
    }

    def draw(fig, v):
        k = int(np.argmin(np.abs(LAMBDA_EXPONENTS - v["log10_lambda"])))
        b, W = fits[v["kind"]]
        w, lam = W[k], fits["lams"][k]
        paste_layer(fig, back, zorder=-1)
        ax_fit = fig.add_axes(fit_box)
        ax_fit.plot(
            grid, np.clip(Phi_grid @ w + b[k], -3, 3), color=CLASS_COLORS[1], lw=2.2, label="model"
        )
        ax_fit.set(**fit_limits)
        _bare(ax_fit)
        ax_w = fig.add_axes(w_box)
        plots.plot_weight_histogram(w, ax=ax_w, bins=31, limit=hist_limit, title="", legend=False)
        ax_w.set(**w_limits)
        _bare(ax_w)
        paste_layer(fig, front, zorder=10)
        ax_fit.text(
            0.5,
            1.03,
            f"{v['kind'][:2]}, λ = {lam:.2g}: the fit",
            ha="center",
            transform=ax_fit.transAxes,
            fontsize=13,
        )
        ax_w.text(
            0.5, 1.03, f"the {w.size} weights", ha="center", transform=ax_w.transAxes, fontsize=13
        )
        train = float(np.mean((Phi_tr @ w + b[k] - t) ** 2))
        val = float(np.mean((Phi_va @ w + b[k] - t_val) ** 2))
        zeros = int(np.sum(w == 0.0))
        return (
            f"{v['kind']}, lambda = {lam:.3g}: {zeros} of {w.size} weights exactly 0, "
            f"largest |w| = {np.abs(w).max():.3g}; training MSE {train:.4f}, "
            f"validation MSE {val:.4f}"
        )

    return InteractiveFigure(controls, draw, figsize=figsize)


def dropout_explorer(
    p: float = 0.5,
    mode: str = "training",
    *,
    variant: str = "inverted",
    units: int = 24,
    samples: int = 2000,
    seed: int = 0,
) -> InteractiveFigure:
    """Dropout on one layer of activations: a mask, and the average over many masks.

    The activations ``h`` (``units`` positive numbers) are fixed. In training, one mask
    (drawn from uniform numbers fixed by ``seed``, kept where ``u >= p``) zeroes about a
    fraction p of the units; inverted dropout scales the survivors by ``1 / (1 - p)``. The
    average of the output over ``samples`` masks shows the expected activation: equal to
    ``h`` for inverted dropout, ``(1 - p) h`` without the scaling. In evaluation, inverted
    dropout is the identity, while the non-inverted version multiplies by ``1 - p`` (the
    original paper's test-time rule).

    Parameters
    ----------
    p : float in [0, 0.95]
        Drop probability.
    mode : {"training", "evaluation"}
    variant : {"inverted", "not inverted"}
    """
    if mode not in ("training", "evaluation"):
        raise ValueError(f"dropout_explorer: mode must be 'training' or 'evaluation', got {mode!r}")
    if variant not in ("inverted", "not inverted"):
        raise ValueError(
            f"dropout_explorer: variant must be 'inverted' or 'not inverted', got {variant!r}"
        )
    if not 0 <= p <= 0.95:
        raise ValueError(f"dropout_explorer: p must be in [0, 0.95], got {p!r}")
    rng = np.random.default_rng(seed)
    h = rng.uniform(0.3, 1.5, size=units)
    u = rng.random((samples, units))  # mask k keeps unit j when u[k, j] >= p
    figsize, box = (10.0, 3.8), (0.07, 0.14, 0.91, 0.76)
    idx = np.arange(units)
    xlim = (-0.8, units - 0.2)
    controls = {
        "p": widgets.FloatSlider(
            value=float(p), min=0.0, max=0.95, step=0.05, description="p", readout_format=".2f"
        ),
        "mode": widgets.Dropdown(
            options=["training", "evaluation"], value=mode, description="mode"
        ),
        "variant": widgets.Dropdown(
            options=["inverted", "not inverted"], value=variant, description="dropout"
        ),
    }

    def artists(ax, out, keep, mean, mode_, inverted):
        """The bars and marks; the labels do not depend on p, so the legend is drawn once."""
        bars(ax, idx, h, 0.8, color="0.8", label="activation h (input)")
        if mode_ == "training":
            bars(
                ax,
                idx[keep],
                out[keep],
                0.45,
                color=CLASS_COLORS[0],
                label="one mask: kept, × 1/(1 - p)" if inverted else "one mask: kept, not scaled",
            )
            ax.plot(
                idx[~keep],
                np.zeros(int((~keep).sum())),
                "x",
                color=plots.ZERO_COLOR,
                ms=9,
                mew=2,
                label="dropped (0)",
            )
            ax.plot(
                idx, mean, "_", color="k", ms=16, mew=2.5, label=f"average over {samples} masks"
            )
        else:
            bars(
                ax,
                idx,
                out,
                0.45,
                color=CLASS_COLORS[1],
                label="evaluation output" + ("" if inverted else " = (1 - p) h"),
            )

    def legend_layer(mode_, inverted):
        def build(fig):
            ax = fig.add_axes(box)
            keep = np.arange(units) % 3 != 0  # any mask: only the legend is kept
            artists(ax, h, keep, h, mode_, inverted)
            ax.legend(loc="upper left", fontsize=10, ncol=2)
            for artist in [*ax.lines, *ax.collections]:
                artist.remove()
            _bare(ax)

        return render_layer(figsize, build, crop=True)

    def background(fig):
        ax = fig.add_axes(box)
        ax.set(xlim=xlim, xticks=np.arange(0, units, 5), xlabel="unit")
        ax.set_yticks([])

    back = render_layer(figsize, background)
    fronts = {
        (m, inv): legend_layer(m, inv) for m in ("training", "evaluation") for inv in (True, False)
    }

    def draw(fig, v):
        q, inverted = float(v["p"]), v["variant"] == "inverted"
        scale = 1.0 / (1.0 - q) if inverted else 1.0
        paste_layer(fig, back, zorder=-1)
        ax = fig.add_axes(box)
        keep = u[0] >= q
        if v["mode"] == "training":
            out = h * keep * scale
            mean = (h * (u >= q) * scale).mean(axis=0)
            gap = float(np.max(np.abs(mean / h - 1.0)))
            status = (
                f"training, p = {q:.2f}: {int((~keep).sum())} of {units} units dropped, "
                f"survivors ×{scale:.2f}; average over {samples} masks / h = "
                f"{float(np.mean(mean / h)):.3f}"
            )
            status += (
                f" (within {gap:.1%} of 1 on every unit: expectation preserved)"
                if inverted
                else f" ≈ 1 - p = {1 - q:.2f}: the expected activation shrinks"
            )
            top = float(np.max(h * scale))
        else:
            out, mean = (h if inverted else (1.0 - q) * h), None
            status = (
                "evaluation: inverted dropout is the identity, every unit is used, no scaling"
                if inverted
                else f"evaluation: the non-inverted version must multiply by 1 - p = {1 - q:.2f}"
                " at test time to match the training average"
            )
            top = float(np.max(out))
        artists(ax, out, keep, mean, v["mode"], inverted)
        ylim = (0.0, max(1.6, 1.1 * top))
        # Fixed limits and tick positions: automatic ticks would cost more than the drawing.
        ticks = MaxNLocator(5, steps=[1, 2, 5, 10]).tick_values(*ylim)
        ax.set(xlim=xlim, ylim=ylim, yticks=ticks[ticks <= ylim[1]], ylabel="activation")
        ax.patch.set_visible(False)
        ax.xaxis.set_visible(False)
        for spine in ax.spines.values():
            spine.set_visible(False)
        paste_layer(fig, fronts[v["mode"], inverted], zorder=10)
        ax.set_title(f"Dropout ({v['variant']}), p = {q:.2f}, {v['mode']}")
        return status

    return InteractiveFigure(controls, draw, figsize=figsize)
