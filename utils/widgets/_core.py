"""Interactive figures: thin ipywidgets factories over the tested plot functions.

Every factory returns an :class:`InteractiveFigure`, an ``ipywidgets.VBox`` holding the
controls, the figure rendered as a PNG image, and a status line. Changing a control redraws
at once. Drawing never raises: a failure (for example in a student's function passed in)
shows as a message in the status line, and so does a run that diverges.

Speed: most of a redraw is matplotlib building axes and laying out and rasterising their
ticks and text. A widget whose slider only moves a few artists (a dot along fixed curves)
passes ``update=``: the figure is drawn in full once, without those artists, and kept as
pixels; each change of that slider then moves the artists and paints only them over the kept
pixels (blitting), in a few milliseconds instead of a full redraw.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable, Collection

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from utils.data import GATES, gate_truth_table
from utils.experiments.descent import fit_line_sgd
from utils.plots import CLASS_COLORS, plot_gate, plot_regression_step

# render_layer and paste_layer are helpers for the widget modules, not exported.
__all__ = ["InteractiveFigure", "gate_explorer", "hello_slider", "training_steps_explorer"]

DPI = 72


class InteractiveFigure(widgets.VBox):
    """Controls, a figure redrawn on every change, and a status line.

    Parameters
    ----------
    controls : dict of str -> ipywidgets.ValueWidget
        The controls, by name; each change of ``.value`` triggers :meth:`redraw`.
    draw : callable
        ``draw(figure, values) -> str | None`` draws on the (cleared) matplotlib ``Figure``
        given the controls' values by name, and returns a status message (or None).
    figsize : (float, float)
        Figure size in inches.
    update : callable, optional
        ``update(figure, values) -> (str | None, artists) | None`` for a change of a control
        named in ``update_on``: move the artists that depend on it (``set_offsets``,
        ``set_data``...) on the figure :func:`draw` made, and return the status message and
        those artists; or return None to ask for a full redraw (say, when the axes limits
        must change). The figure is then rendered once without those artists and kept as
        pixels, and each such change paints only them over it, in the order of their
        zorder: the figure object holds the same state as after a full redraw, and the image
        is the same unless a moved artist overlaps one drawn above it that is not in the
        list (list the legend too when the moved artists can pass under it).
    update_on : collection of str
        The controls whose change goes through ``update`` (all others redraw in full).

    Attributes
    ----------
    controls : dict
    figure : matplotlib.figure.Figure
    image : ipywidgets.Image
        The rendered PNG (``image.value`` holds its bytes).
    status : ipywidgets.HTML
        The message after the last redraw (plain text is in :attr:`message`).
    """

    def __init__(
        self,
        controls: dict,
        draw: Callable,
        *,
        figsize=(6.0, 4.0),
        update: Callable | None = None,
        update_on: Collection[str] = (),
    ):
        self.controls = dict(controls)
        self.figure = Figure(figsize=figsize, dpi=DPI)  # not pyplot: no global figure state
        self._canvas = FigureCanvasAgg(self.figure)
        unknown = set(update_on) - set(self.controls)
        if unknown or (update_on and update is None):
            raise ValueError(
                "InteractiveFigure: update_on must name controls and needs update=, got "
                f"{sorted(update_on)} for controls {list(self.controls)}"
            )
        self._update, self._update_on = update, frozenset(update_on)
        self._background = None  # (values of the other controls, pixels) for blitting
        # Shown at its own pixel size (a stretched PNG is blurry), narrower on small screens.
        width_px = f"{round(figsize[0] * DPI)}px"
        self.image = widgets.Image(
            format="png", layout=widgets.Layout(width=width_px, max_width="100%", height="auto")
        )
        self.status = widgets.HTML()
        self.message = ""
        self._draw = draw
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        rows = [
            widgets.HBox(list(self.controls.values())[i : i + 3])
            for i in range(0, len(self.controls), 3)
        ]
        super().__init__([*rows, self.image, self.status])
        self.redraw()

    def _repr_mimebundle_(self, **kwargs):
        """The widget view, and beside it a PNG of the figure as first drawn.

        JupyterLab shows the live widget; a page or deck rendered from the stored notebook
        (which has no kernel and keeps no widget state) shows the PNG instead.
        """
        data = super()._repr_mimebundle_(**kwargs)
        if data is not None and self.image.value:
            data["image/png"] = base64.b64encode(self.image.value).decode("ascii")
        return data

    @property
    def values(self) -> dict:
        """The controls' current values by name."""
        return {name: c.value for name, c in self.controls.items()}

    def _on_change(self, change) -> None:
        name = next((k for k, c in self.controls.items() if c is change["owner"]), None)
        if name in self._update_on and self._blit():
            return
        self.redraw()

    def _others(self) -> tuple:
        return tuple(v for k, v in self.values.items() if k not in self._update_on)

    def _show(self, message: str) -> None:
        pixels = np.asarray(self._canvas.buffer_rgba())
        buffer = io.BytesIO()
        # RGB, light compression: the PNG is encoded on every change and shown at once.
        Image.fromarray(pixels[..., :3]).save(buffer, format="png", compress_level=1)
        self.image.value = buffer.getvalue()
        self.message = message
        self.status.value = f"<b>{html.escape(message)}</b>" if message else ""

    def _blit(self) -> bool:
        """Move the ``update`` artists and paint only them; False when a full redraw is due."""
        if self._background is None or self._background[0] != self._others():
            return False
        try:
            result = self._update(self.figure, self.values)
        except Exception:  # the full redraw shows the failure as a message
            result = None
        if result is None:
            return False
        message, artists = result
        self._canvas.restore_region(self._background[1])
        for artist in sorted(artists, key=lambda a: a.get_zorder()):
            self.figure.draw_artist(artist)
        self._show(message or "")
        return True

    def _draw_afresh(self) -> tuple[str, bool]:
        """Clear the figure and draw it; (message, whether the drawing succeeded)."""
        self.figure.clear()
        try:
            return self._draw(self.figure, self.values) or "", True
        except Exception as exc:  # a drawing failure becomes a message, never a traceback
            self.figure.clear()
            return f"Could not draw: {type(exc).__name__}: {exc}", False

    def redraw(self) -> None:
        """Draw the figure for the current values and render it to the image."""
        self._background = None
        message, drawn = self._draw_afresh()
        if drawn and self._update is not None:
            if self._keep_background():
                self._show(message)
                return
            # update declined or failed, and may have changed the figure: draw it again
            message, _ = self._draw_afresh()
        self._canvas.draw()
        self._show(message)

    def _keep_background(self) -> bool:
        """Render the figure without the ``update`` artists, keep the pixels, paint them on.

        False (nothing rendered) when ``update`` declines or fails for these values.
        """
        try:
            result = self._update(self.figure, self.values)
        except Exception:
            return False
        if result is None:
            return False
        artists = result[1]
        for artist in artists:
            artist.set_animated(True)
        self._canvas.draw()
        self._background = (self._others(), self._canvas.copy_from_bbox(self.figure.bbox))
        for artist in sorted(artists, key=lambda a: a.get_zorder()):
            artist.set_animated(False)
            self.figure.draw_artist(artist)
        return True


def hello_slider() -> InteractiveFigure:
    """The environment check: a slider, a bar that follows it, and a line of text.

    If you see a slider and moving it changes the bar and the text, widgets work.
    """
    slider = widgets.IntSlider(value=3, min=0, max=10, description="n", continuous_update=True)

    def bars(ax, n):
        return ax.barh(["n", "n²"], [n, n * n], color=[CLASS_COLORS[0], CLASS_COLORS[1]])

    def draw(fig, v):
        ax = fig.add_subplot()
        n = v["n"]
        bars(ax, n)
        ax.set_xlim(0, 100)
        ax.set_xlabel("value")
        ax.set_title("Move the slider: the bars follow")
        fig.subplots_adjust(left=0.12, right=0.96, bottom=0.25, top=0.85)
        return f"Widgets work: n = {n}, n² = {n * n}"

    def update(fig, v):  # the same axes: new bars (and the frame; not the tick marks)
        (ax,) = fig.axes
        for bar in list(ax.patches):
            bar.remove()
        n = v["n"]
        return f"Widgets work: n = {n}, n² = {n * n}", [*bars(ax, n), *ax.spines.values()]

    return InteractiveFigure(
        {"n": slider}, draw, figsize=(5.0, 2.2), update=update, update_on=("n",)
    )


def training_steps_explorer(
    x, t, *, lr: float = 0.1, batch_size: int = 8, steps: int = 60, seed: int = 0
) -> InteractiveFigure:
    """Step through mini-batch gradient descent on a line fit (chapter 00's big picture).

    Controls: ``step`` (which update to show) and ``lr`` (the learning rate; the run is
    recomputed from the same seed). A learning rate that makes the run diverge is reported
    as "diverged at step k" and the last finite step is drawn.
    """
    x = np.asarray(x, dtype=np.float64)
    t = np.asarray(t, dtype=np.float64)
    runs: dict[float, dict] = {}

    def history(rate: float) -> dict:
        if rate not in runs:
            runs[rate] = fit_line_sgd(
                x, t, lr=rate, batch_size=batch_size, steps=steps, rng=np.random.default_rng(seed)
            )
        return runs[rate]

    history(lr)  # validates the arguments now, with a clear error
    step_slider = widgets.IntSlider(value=0, min=0, max=steps, description="step")
    lr_slider = widgets.FloatLogSlider(
        value=lr, base=10, min=-3, max=0.5, step=0.05, description="lr", readout_format=".3f"
    )

    def shown_step(v) -> tuple:
        h = history(v["lr"])
        step, message = v["step"], ""
        if h["diverged_at"] is not None and step >= h["diverged_at"]:
            message = (
                f"diverged at step {h['diverged_at']}: the learning rate "
                f"{v['lr']:.3f} is too large; showing step {h['diverged_at'] - 1}"
            )
            step = h["diverged_at"] - 1
        shown = dict(h, loss=np.where(np.isfinite(h["loss"]), h["loss"], np.nan))
        return shown, step, message or f"step {step}: loss {h['loss'][step]:.4f}"

    def draw(fig, v):
        shown, step, message = shown_step(v)
        axes = fig.subplots(1, 2)
        plot_regression_step(x, t, shown, step, axes=axes)
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.14, top=0.9, wspace=0.3)
        return message

    def update(fig, v):  # the step: the data, line, batch and titles, on the same axes
        shown, step, message = shown_step(v)
        ax_fit, ax_loss = fig.axes
        limits = ax_fit.get_xlim(), ax_fit.get_ylim(), ax_loss.get_xlim(), ax_loss.get_ylim()
        for ax in (ax_fit, ax_loss):
            for artist in [*ax.get_lines(), *ax.collections]:
                artist.remove()
        ax_fit.get_legend().remove()
        plot_regression_step(x, t, shown, step, axes=(ax_fit, ax_loss))
        new = ax_fit.get_xlim(), ax_fit.get_ylim(), ax_loss.get_xlim(), ax_loss.get_ylim()
        if new != limits:  # the loss axis grows with a diverging run: redraw the ticks
            return None
        frames = [spine for ax in (ax_fit, ax_loss) for spine in ax.spines.values()]
        moved = [
            artist
            for ax in (ax_fit, ax_loss)
            for artist in (*ax.get_lines(), *ax.collections, ax.title)
        ]
        return message, [*moved, ax_fit.get_legend(), *frames]

    return InteractiveFigure(
        {"step": step_slider, "lr": lr_slider},
        draw,
        figsize=(9.5, 3.8),
        update=update,
        update_on=("step",),
    )


def gate_explorer(gate: str = "AND", *, perceptron: Callable | None = None) -> InteractiveFigure:
    """Sliders for a perceptron's ``w1, w2, b`` over the four inputs of a logic gate.

    The figure shows the decision line ``w1 x1 + w2 x2 + b = 0`` and the gate's targets; the
    status line lists which gates the current weights solve (XOR never appears).

    Parameters
    ----------
    gate : {"AND", "OR", "NAND", "NOR", "XOR", "XNOR"}
        The gate shown first.
    perceptron : callable, optional
        ``perceptron(X, w, b) -> (N,)`` of 0/1; pass your own to drive the figure with it.
        Default: :func:`utils.perceptron.perceptron`.
    """
    from utils.perceptron import perceptron as reference

    if not isinstance(gate, str) or gate.upper() not in GATES:
        raise ValueError(f"gate_explorer: gate must be one of {list(GATES)}, got {gate!r}")
    if perceptron is not None and not callable(perceptron):
        raise TypeError(
            f"gate_explorer: perceptron must be callable, got {type(perceptron).__name__}"
        )
    run = perceptron or reference
    sliders = {
        name: widgets.FloatSlider(
            value=value, min=-2.0, max=2.0, step=0.1, description=name, readout_format=".1f"
        )
        for name, value in (("w1", 0.5), ("w2", 0.5), ("b", -0.2))
    }
    dropdown = widgets.Dropdown(options=list(GATES), value=gate.upper(), description="gate")

    def draw(fig, v):
        w, b = np.array([v["w1"], v["w2"]]), float(v["b"])
        plot_gate(v["gate"], w, b, ax=fig.add_subplot(), perceptron=run)
        fig.subplots_adjust(left=0.16, right=0.96, bottom=0.12, top=0.92)
        return describe(v)

    def update(fig, v):  # the weights: regions, line, title and legend on the same axes
        (ax,) = fig.axes
        for artist in [*ax.collections, *ax.get_lines(), ax.get_legend()]:
            artist.remove()
        w, b = np.array([v["w1"], v["w2"]]), float(v["b"])
        plot_gate(v["gate"], w, b, ax=ax, perceptron=run)
        moved = [*ax.collections, *ax.get_lines(), ax.title, ax.get_legend()]
        # The frame lies over the shaded regions: repaint it too. The tick marks are not
        # repainted (their labels would cost as much as the rest): where a mark meets the
        # frame, a few pixels show it under the new shading instead of over it.
        return describe(v), [*moved, *ax.spines.values()]

    def describe(v):
        w, b = np.array([v["w1"], v["w2"]]), float(v["b"])
        solved = []
        for name in GATES:
            X, target = gate_truth_table(name)
            if np.array_equal(np.asarray(run(X, w, b)).astype(np.int64).ravel(), target):
                solved.append(name)
        listing = ", ".join(solved) if solved else "none"
        return f"w = ({w[0]:.1f}, {w[1]:.1f}), b = {b:.1f} solves: {listing}"

    return InteractiveFigure(
        {**sliders, "gate": dropdown},
        draw,
        figsize=(4.6, 4.6),
        update=update,
        update_on=tuple(sliders),
    )


def render_layer(figsize, build: Callable, *, crop: bool = False) -> tuple:
    """Render the unchanging part of a widget's figure once, as RGBA pixels.

    Parameters
    ----------
    figsize : (float, float)
        The widget figure's size: the layer has exactly its pixel size.
    build : callable
        ``build(figure)`` draws the unchanging artists on a fresh ``Figure``.
    crop : bool
        Render on a transparent background and keep only the smallest rectangle holding
        something (for a layer pasted on top, such as a legend).

    Returns
    -------
    (pixels, offset)
        ``pixels`` of shape (rows, columns, 4), uint8; ``offset`` = (x, y) in pixels of its
        lower-left corner in the figure. Pass both to :func:`paste_layer`.
    """
    fig = Figure(figsize=figsize, dpi=DPI)
    if crop:
        fig.patch.set_alpha(0.0)
    build(fig)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba()).copy()
    if not crop:
        return pixels, (0, 0)
    rows, cols = np.nonzero(pixels[..., 3])
    if rows.size == 0:
        return pixels[:1, :1], (0, 0)
    top, bottom, left, right = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
    return pixels[top:bottom, left:right].copy(), (int(left), int(pixels.shape[0] - bottom))


def paste_layer(fig, layer: tuple, *, zorder: float) -> None:
    """Paste a layer of :func:`render_layer` into ``fig`` (below the axes: zorder < 0)."""
    pixels, (x0, y0) = layer
    fig.figimage(pixels, xo=x0, yo=y0, origin="upper", zorder=zorder)
