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
