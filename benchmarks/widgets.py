"""Redraw time of every interactive figure, in this process, without a browser.

A factory is every name in ``utils.widgets.__all__`` that is a function annotated to return
an ``InteractiveFigure``. It is built with its defaults, or with the arguments in
:data:`ARGUMENTS` when it needs some (the data its chapter passes). Then each control is
changed a few times (a slider to evenly spaced values across its range, a dropdown through
its options, a checkbox both ways) and each change is timed from setting ``.value`` to the
moment the new PNG bytes are in the figure's image: the redraw runs synchronously inside the
assignment, so that is the whole cost of a change short of the browser showing the image.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable

import numpy as np


def _line_data():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1.0, 1.0, size=40)
    return (x, 1.5 * x + 0.5 + 0.3 * rng.standard_normal(40)), {}


def _moons_data():
    from utils.data import moons

    return moons(200, noise=0.2, rng=np.random.default_rng(0)), {}


def _sine_data():
    from utils.data import noisy_sine

    rng = np.random.default_rng(0)
    return (*noisy_sine(20, noise=0.25, rng=rng), *noisy_sine(200, noise=0.25, rng=rng)), {}


def _transfer_results():
    # The chapter's label counts; one seed and fewer steps keep the precomputation short
    # (the redraw only plots the stored curves).
    from utils.experiments.transfer import transfer_experiment

    return (transfer_experiment((10, 50, 130), seeds=(0,), steps=60, eval_every=10),), {}


def _capstone_runs():
    # The chapter's grid of dropout rates and batch norm on a small 3-class problem.
    from utils import data
    from utils.experiments.capstone import capstone_runs

    rng = np.random.default_rng(0)
    X, y = data.gaussians(90, centers=((-2, 0), (2, 0), (0, 2.5)), std=0.8, rng=rng)
    Y = data.one_hot(y, 3)
    return (capstone_runs(X[:60], Y[:60], X[60:], Y[60:], lrs=(1e-3, 1e-1), epochs=120),), {}


#: Factories that need arguments: name -> () -> (args, kwargs), data like their chapter's.
ARGUMENTS: dict[str, Callable[[], tuple[tuple, dict]]] = {
    "training_steps_explorer": _line_data,
    "boundary_training_explorer": _moons_data,
    "penalty_explorer": _sine_data,
    "transfer_explorer": _transfer_results,
    "training_curves_explorer": _capstone_runs,
}


def _returns_interactive_figure(obj) -> bool:
    if not inspect.isfunction(obj):
        return False
    annotation = inspect.signature(obj).return_annotation
    name = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    return name.split(".")[-1] == "InteractiveFigure"


def discover(module=None) -> dict[str, Callable]:
    """The widget factories of ``utils.widgets`` (or ``module``), by name."""
    if module is None:
        import utils.widgets as module
    return {
        name: getattr(module, name)
        for name in module.__all__
        if _returns_interactive_figure(getattr(module, name, None))
    }


def control_values(control, per_control: int = 5) -> list:
    """The values to set a control to: across a slider's range, through a dropdown's options."""
    current = control.value
    if hasattr(control, "options") and hasattr(control, "index"):  # Dropdown, ToggleButtons ...
        values = [opt[1] if isinstance(opt, tuple) else opt for opt in control.options]
        n = len(values)
        if isinstance(current, tuple):  # SelectMultiple: the first k options, k = 1 .. n
            picks = [tuple(values[:k]) for k in range(1, n + 1)]
            return [v for v in picks if v != current][:per_control]
        return [values[(control.index + k) % n] for k in range(1, n)][:per_control]
    if isinstance(current, bool):
        return [not current, current]
    if isinstance(current, int | float) and hasattr(control, "min") and hasattr(control, "max"):
        lo, hi = float(control.min), float(control.max)
        if hasattr(control, "base"):  # FloatLogSlider: min and max are exponents
            grid = control.base ** np.linspace(lo, hi, per_control)
        else:
            grid = np.linspace(lo, hi, per_control)
        if isinstance(current, int):
            grid = np.unique(np.round(grid).astype(int))
        return [type(current)(v) for v in grid if v != current]
    return []


def time_widget(widget, per_control: int = 5) -> list[float]:
    """Seconds for each value change of each control, until the new PNG bytes are produced."""
    times = []
    for control in widget.controls.values():
        for value in control_values(control, per_control):
            before = widget.image.value
            start = time.perf_counter()
            control.value = value
            png = widget.image.value
            elapsed = time.perf_counter() - start
            if png is before or not png:  # no redraw happened (the value did not change)
                continue
            times.append(elapsed)
    return times


def bench_widgets(
    *, per_control: int = 5, factories: dict[str, Callable] | None = None, log=print
) -> tuple[dict, list[str]]:
    """``widget_redraw_ms``: factory -> {"median_ms", "p95_ms"} (null with a reason).

    ``factories`` defaults to :func:`discover`'s.
    """
    notes: list[str] = []
    out: dict[str, dict] = {}
    if factories is None:
        try:
            factories = discover()
        except Exception as exc:
            return (
                {"widget_redraw_ms": {}},
                [f"widgets: utils.widgets could not be imported ({exc})"],
            )
    for name, factory in factories.items():
        try:
            args, kwargs = ARGUMENTS[name]() if name in ARGUMENTS else ((), {})
            widget = factory(*args, **kwargs)
        except Exception as exc:
            reason = f"could not be built: {type(exc).__name__}: {exc}"[:200]
            out[name] = {"median_ms": None, "p95_ms": None, "reason": reason}
            notes.append(
                f"widget {name} is null: {reason} (add its arguments to "
                "benchmarks.widgets.ARGUMENTS)"
            )
            continue
        try:
            times = time_widget(widget, per_control)
        except Exception as exc:  # a control the benchmark cannot drive is a null, not a crash
            times, failure = [], f"{type(exc).__name__}: {exc}"[:200]
        else:
            failure = None
        widget.close()
        if failure is not None:
            out[name] = {"median_ms": None, "p95_ms": None, "reason": f"redraw failed: {failure}"}
            notes.append(f"widget {name} is null: changing a control raised {failure}")
            continue
        if not times:
            out[name] = {
                "median_ms": None,
                "p95_ms": None,
                "reason": "no control change produced a new figure",
            }
            notes.append(f"widget {name} is null: no control change redrew the figure")
            continue
        ms = np.array(times) * 1e3
        out[name] = {"median_ms": float(np.median(ms)), "p95_ms": float(np.percentile(ms, 95))}
        log(f"  widget {name}: median {out[name]['median_ms']:.1f} ms over {len(ms)} changes")
    notes.append(f"widgets: {len(factories)} factories, up to {per_control} changes per control")
    return {"widget_redraw_ms": out}, notes
