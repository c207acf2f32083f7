"""The optimizer experiments of chapter 06.

- :data:`SURFACES`: the 2-D test surfaces of the chapter (the stretched bowl
  ``x^2/20 + y^2``, the saddle ``x^2 - y^2``, a surface with a local minimum);
- :func:`optimizer_path`: run a functional update (``utils.nn.UPDATES``) on a surface,
  stopping cleanly when the run diverges;
- :func:`race_hyper`, :func:`race_runs`: several optimizers on one surface with one set of
  hyperparameters (the race widget's data).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from utils import nn

__all__ = ["SURFACES", "optimizer_path", "race_hyper", "race_runs"]


def _local_min_f(x, y):
    return x**4 / 4 - x**2 + 0.3 * x + y**2 / 2


def _local_min_grad(w):
    return np.array([w[0] ** 3 - 2 * w[0] + 0.3, w[1]])


#: The chapter's surfaces: ``f(x, y)`` (vectorised), ``grad(w) -> (2,)``, start, window,
#: contour levels, and the label used in titles.
SURFACES = {
    "test": {
        "label": "x²/20 + y²",
        "f": lambda x, y: x**2 / 20 + y**2,
        "grad": lambda w: np.array([w[0] / 10, 2 * w[1]]),
        "start": np.array([-7.0, 2.0]),
        "xlim": (-8.0, 8.0),
        "ylim": (-3.0, 3.0),
        "levels": np.array([0.05, 0.2, 0.5, 1, 2, 3.5, 5.5, 8]),
    },
    "saddle": {
        "label": "x² - y²",
        "f": lambda x, y: x**2 - y**2,
        "grad": lambda w: np.array([2 * w[0], -2 * w[1]]),
        "start": np.array([-1.5, 1e-3]),
        "xlim": (-2.0, 2.0),
        "ylim": (-2.0, 2.0),
        "levels": np.linspace(-3.5, 3.5, 15),
    },
    "local minimum": {
        "label": "x⁴/4 - x² + 0.3x + y²/2",
        "f": _local_min_f,
        "grad": _local_min_grad,
        "start": np.array([2.6, 1.5]),
        "xlim": (-2.6, 3.0),
        "ylim": (-2.0, 2.0),
        "levels": np.array([-1.3, -1.0, -0.5, 0, 0.5, 1, 2, 3, 4.5]),
    },
}


def optimizer_path(
    update: Callable,
    grad: Callable,
    w0,
    steps: int,
    *,
    loss: Callable | None = None,
    bound: float = 1e3,
    **hyper,
):
    """Run ``steps`` steps of a functional update from ``w0``; stop when the run blows up.

    Parameters
    ----------
    update : callable
        ``update(w, dw, state, **hyper) -> (w_new, state)``, e.g. ``utils.nn.adam_update``.
    grad : callable
        ``grad(w) -> array like w``.
    w0 : array_like, shape (D,)
    steps : int
    loss : callable, optional
        ``loss(w) -> float``; when given, the losses along the path are returned too.
    bound : float
        The run counts as diverged at the first step where a coordinate is not finite or
        exceeds ``bound`` in absolute value; the path stops before that point.
    **hyper
        Passed to ``update`` (``lr=...``, ``beta=...``).

    Returns
    -------
    path : numpy.ndarray, shape (K + 1, D)
        The points at steps 0..K, all finite (K = steps unless the run diverged).
    losses : numpy.ndarray, shape (K + 1,), or None without ``loss``
    diverged_at : int or None
        The step at which the run left the bound.
    """
    if not callable(update) or not callable(grad):
        raise TypeError(
            "optimizer_path: update and grad must be functions, got "
            f"{type(update).__name__} and {type(grad).__name__}"
        )
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 0:
        raise ValueError(f"optimizer_path: steps must be an int >= 0, got {steps!r}")
    w = np.array(w0, dtype=np.float64)
    if w.ndim != 1:
        raise ValueError(f"optimizer_path: w0 must have shape (D,), got {w.shape}")
    path, state, diverged_at = [w.copy()], {}, None
    with np.errstate(all="ignore"):
        for k in range(1, int(steps) + 1):
            w, state = update(w, grad(w), state, **hyper)
            if not np.all(np.isfinite(w)) or np.max(np.abs(w)) > bound:
                diverged_at = k
                break
            path.append(np.array(w, dtype=np.float64))
    path = np.array(path)
    losses = None if loss is None else np.array([float(loss(p)) for p in path])
    return path, losses, diverged_at


def race_hyper(name: str, lr: float, beta1: float, beta2: float) -> dict:
    """The hyperparameters one set of sliders gives each optimizer.

    ``beta1`` is momentum's and Nesterov's ``beta`` and Adam's ``beta1``; ``beta2`` is
    RMSProp's ``rho`` and Adam's ``beta2``; AdaGrad and SGD use only ``lr``.
    """
    if name not in nn.UPDATES:
        raise ValueError(f"race_hyper: name must be one of {list(nn.UPDATES)}, got {name!r}")
    return {
        "sgd": {"lr": lr},
        "adagrad": {"lr": lr},
        "momentum": {"lr": lr, "beta": beta1},
        "nesterov": {"lr": lr, "beta": beta1},
        "rmsprop": {"lr": lr, "rho": beta2},
        "adam": {"lr": lr, "beta1": beta1, "beta2": beta2},
    }[name]


def race_runs(surface: str, names, *, lr: float, beta1: float, beta2: float, steps: int) -> dict:
    """Run each named optimizer on a surface of :data:`SURFACES`, from its start point.

    Parameters
    ----------
    surface : str
        A key of :data:`SURFACES`.
    names : sequence of str
        Keys of ``utils.nn.UPDATES``.
    lr, beta1, beta2 : float
        Shared by all, as :func:`race_hyper` maps them.
    steps : int

    Returns
    -------
    dict
        name -> ``(path, losses, diverged_at)`` of :func:`optimizer_path`: path of shape
        (K + 1, 2), losses of shape (K + 1,), diverged_at an int or None. Leaving the
        window by ten times its size counts as diverging.
    """
    if surface not in SURFACES:
        raise ValueError(f"race_runs: surface must be one of {list(SURFACES)}, got {surface!r}")
    s = SURFACES[surface]
    # Leaving the window far behind counts as diverging (the saddle has no bottom at all).
    bound = 10.0 * max(abs(v) for v in (*s["xlim"], *s["ylim"]))
    runs = {}
    for name in names:
        runs[name] = optimizer_path(
            nn.UPDATES[name],
            s["grad"],
            s["start"],
            int(steps),
            loss=lambda w, f=s["f"]: f(w[0], w[1]),
            bound=bound,
            **race_hyper(name, lr, beta1, beta2),
        )
    return runs
