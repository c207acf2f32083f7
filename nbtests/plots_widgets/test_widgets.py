"""Widget factories, without a browser: set values, check what is computed and drawn."""

import ipywidgets
import numpy as np
import pytest

from utils import widgets
from utils.perceptron import GATE_WEIGHTS


def _line():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, 40)
    return x, 2 * x + 0.5 + 0.1 * rng.standard_normal(40)


def _set(w, **values):
    for name, value in values.items():
        w.controls[name].value = value


def test_interactive_figure_is_a_widget_with_controls_image_and_status():
    w = widgets.hello_slider()
    assert isinstance(w, ipywidgets.VBox)
    assert w.image in w.children and w.status in w.children
    assert bytes(w.image.value).startswith(b"\x89PNG")
    before = w.image.value
    w.controls["n"].value = 7
    assert w.message == "Widgets work: n = 7, n² = 49"
    assert w.image.value != before
    assert "n² = 49" in w.status.value


def test_gate_explorer_reports_the_gates_the_weights_solve():
    w = widgets.gate_explorer("AND")
    assert set(w.controls) == {"w1", "w2", "b", "gate"}
    wa, ba = GATE_WEIGHTS["AND"]
    _set(w, w1=wa[0], w2=wa[1], b=ba)
    assert w.message.endswith("solves: AND")
    ax = w.figure.axes[0]
    assert ax.get_title() == "AND: solved"
    _set(w, gate="XOR")
    assert w.figure.axes[0].get_title() == "XOR: not solved"
    wn, bn = GATE_WEIGHTS["NAND"]
    _set(w, w1=wn[0], w2=wn[1], b=bn)
    assert w.message.endswith("solves: NAND")


def test_gate_explorer_can_never_solve_xor_on_its_slider_grid():
    w = widgets.gate_explorer("XOR")
    rng = np.random.default_rng(0)
    grid = np.round(np.arange(-2, 2.01, 0.1), 1)
    for w1, w2, b in rng.choice(grid, size=(40, 3)):
        _set(w, w1=float(w1), w2=float(w2), b=float(b))
        assert "XOR" not in w.message.split("solves:")[1].split(", ")


def test_gate_explorer_drives_the_students_function_and_survives_its_errors():
    calls = []

    def mine(X, w, b):
        calls.append(X.shape)
        return (X @ w + b > 0).astype(int)

    w = widgets.gate_explorer("OR", perceptron=mine)
    assert calls, "the student's perceptron was never called"

    def broken(X, w, b):
        raise NotImplementedError("ex01_perceptron: not done yet")

    w = widgets.gate_explorer("OR", perceptron=broken)
    assert w.message.startswith("Could not draw: NotImplementedError: ex01_perceptron")
    _set(w, w1=1.0)  # changing a control still does not raise
    assert w.message.startswith("Could not draw")


def test_training_steps_explorer_steps_and_reports_divergence():
    x, t = _line()
    w = widgets.training_steps_explorer(x, t, steps=30)
    assert w.message.startswith("step 0: loss ")
    first = w.image.value
    _set(w, step=30)
    assert w.message.startswith("step 30: loss ") and w.image.value != first
    loss_30 = float(w.message.split("loss ")[1])
    assert loss_30 < 0.2
    _set(w, lr=3.0)
    assert w.message.startswith("diverged at step ")
    assert "too large" in w.message
    assert all(np.isfinite(line.get_ydata()).any() for line in w.figure.axes[1].lines)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: widgets.gate_explorer("XAND"), ValueError, r"gate_explorer: gate must be one of"),
        (
            lambda: widgets.gate_explorer(perceptron=3),
            TypeError,
            r"gate_explorer: perceptron must be callable, got int",
        ),
        (
            lambda: widgets.training_steps_explorer([0.0, 1.0], [0.0, 1.0], batch_size=8),
            ValueError,
            r"fit_line_sgd: batch_size must be <= N = 2, got 8",
        ),
        (
            lambda: widgets.training_steps_explorer([0.0, 1.0], [0.0], batch_size=1),
            ValueError,
            r"fit_line_sgd: t must have shape \(2,\), got \(1,\)",
        ),
    ],
)
def test_widgets_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def _pixels(png: bytes) -> np.ndarray:
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(bytes(png))).convert("RGB"))


def _full_render(w) -> np.ndarray:
    import io

    buffer = io.BytesIO()
    w.figure.savefig(buffer, format="png", dpi=w.figure.dpi)
    return _pixels(buffer.getvalue())


def _blitting_figure(calls):
    """A dot moved by ``x`` over a curve drawn by ``scale``; counts draws and updates."""
    x = ipywidgets.FloatSlider(value=0.0, min=-1.0, max=1.0, step=0.1)
    scale = ipywidgets.FloatSlider(value=1.0, min=0.5, max=2.0)

    def draw(fig, v):
        calls.append("draw")
        ax = fig.add_subplot()
        grid = np.linspace(-1, 1, 50)
        ax.plot(grid, v["scale"] * grid**2, label="curve")
        ax.plot([v["x"]], [v["scale"] * v["x"] ** 2], "o", markersize=9)
        ax.legend(loc="upper center")
        ax.set_ylim(-0.1, 2.1)
        return f"x = {v['x']:.1f}"

    def update(fig, v):
        calls.append("update")
        if v["x"] >= 0.95:
            return None  # as a widget whose axes must change: a full redraw
        (ax,) = fig.axes
        dot = ax.get_lines()[-1]
        dot.set_data([v["x"]], [v["scale"] * v["x"] ** 2])
        return f"x = {v['x']:.1f} (moved)", [dot, ax.get_legend()]

    return widgets.InteractiveFigure(
        {"x": x, "scale": scale}, draw, figsize=(4, 3), update=update, update_on=("x",)
    )


def test_update_moves_artists_over_the_kept_pixels_and_matches_a_full_redraw():
    calls = []
    w = _blitting_figure(calls)
    assert calls == ["draw", "update"]  # the first draw keeps the pixels without the dot
    calls.clear()
    for value in (0.3, -0.7, 0.5):
        w.controls["x"].value = value
        assert calls[-1] == "update" and "draw" not in calls
        assert w.message == f"x = {value:.1f} (moved)"
        # the figure object holds the new state, and the image is what a full render shows
        np.testing.assert_array_equal(_pixels(w.image.value), _full_render(w))
    calls.clear()
    w.controls["scale"].value = 2.0  # another control: a full redraw, pixels kept anew
    assert calls == ["draw", "update"] and w.message == "x = 0.5"
    np.testing.assert_array_equal(_pixels(w.image.value), _full_render(w))
    calls.clear()
    w.controls["x"].value = 1.0  # update declines: full redraw
    assert calls[0] == "update" and "draw" in calls and w.message == "x = 1.0"
    np.testing.assert_array_equal(_pixels(w.image.value), _full_render(w))


def test_update_on_must_name_controls_and_needs_update():
    slider = ipywidgets.IntSlider()
    with pytest.raises(ValueError, match="update_on"):
        widgets.InteractiveFigure({"n": slider}, lambda fig, v: None, update_on=("n",))
    with pytest.raises(ValueError, match="update_on"):
        widgets.InteractiveFigure(
            {"n": slider}, lambda fig, v: None, update=lambda f, v: None, update_on=("m",)
        )


def test_a_failing_update_falls_back_to_the_full_redraw_and_its_message():
    def draw(fig, v):
        if v["n"] == 3:
            raise ValueError("student code broke")
        fig.add_subplot().plot([0, v["n"]])

    def update(fig, v):
        raise RuntimeError("not this time")

    slider = ipywidgets.IntSlider(value=1, max=5)
    w = widgets.InteractiveFigure({"n": slider}, draw, update=update, update_on=("n",))
    slider.value = 3
    assert w.message == "Could not draw: ValueError: student code broke"
    slider.value = 4
    assert w.message == "" and len(w.figure.axes) == 1


@pytest.mark.parametrize(
    ("factory", "control", "values"),
    [
        ("probability_loss_explorer", "p", (0.0, 0.35, 0.9, 1.0)),
        ("regression_loss_explorer", "pred", (-1.0, 0.4, 2.5, 5.0, 4.0)),
        ("activation_explorer", "x", (-5.0, -0.3, 2.2, 5.0)),
        ("softmax_temperature_explorer", "T", (0.05, 0.4, 3.0, 20.0)),
        ("learning_rate_explorer", "lr", (0.001, 0.05, 0.9, 2.5)),
        ("learning_rate_explorer", "steps", (5, 60, 100)),
        ("optimizer_race", "lr", (0.001, 0.2, 3.0)),
        ("optimizer_race", "beta1", (0.0, 0.5, 0.99)),
    ],
)
def test_blitted_widgets_show_what_a_full_redraw_shows(factory, control, values):
    w = getattr(widgets, factory)()
    for value in values:
        w.controls[control].value = value
        np.testing.assert_array_equal(_pixels(w.image.value), _full_render(w))


@pytest.mark.parametrize(
    ("factory", "control", "values"),
    [
        ("gate_explorer", "w1", (-2.0, 0.3, 1.5, -0.4)),
        ("gate_explorer", "w2", (-2.0, 0.3, 1.5, -0.4)),
        ("gate_explorer", "b", (-2.0, 0.3, 1.5, -0.4)),
        ("hello_slider", "n", (0, 7, 10, 4)),
    ],
)
def test_repainted_shading_and_bars_leave_only_a_few_tick_mark_pixels(factory, control, values):
    w = getattr(widgets, factory)()
    for value in values:
        w.controls[control].value = value
        got, full = _pixels(w.image.value).astype(int), _full_render(w).astype(int)
        rows, cols = np.nonzero(np.abs(got - full).max(axis=2))
        # only where a tick mark meets the frame: one pixel per mark, left or bottom
        assert rows.size <= 16, (rows, cols)
        if rows.size:
            assert np.all((np.abs(cols - cols.min()) <= 1) | (np.abs(rows - rows.max()) <= 1))


def test_learning_rate_explorer_blits_on_every_problem():
    w = widgets.learning_rate_explorer()
    for problem in w.controls["problem"].options:
        w.controls["problem"].value = problem[1]
        for lr in (0.002, 0.3, 1.9):
            w.controls["lr"].value = lr
            np.testing.assert_array_equal(_pixels(w.image.value), _full_render(w))


def test_training_steps_explorer_blits_steps_and_redraws_a_growing_loss_axis():
    w = widgets.training_steps_explorer(*_line(), lr=0.1, steps=30)
    for step in (1, 2, 17, 30, 0):
        w.controls["step"].value = step
        assert w.message.startswith(f"step {step}: loss ")
        np.testing.assert_array_equal(_pixels(w.image.value), _full_render(w))
    w.controls["lr"].value = 3.0  # diverges: the loss axis grows with the step, or stops
    for step in (3, 4, 12):
        w.controls["step"].value = step
        np.testing.assert_array_equal(_pixels(w.image.value), _full_render(w))
