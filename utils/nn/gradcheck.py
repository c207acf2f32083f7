"""Gradient checks: central differences against an analytic gradient, for arrays and layers."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from utils._validate import as_scalar


class GradcheckError(AssertionError):
    """An analytic gradient disagrees with central differences; the message names the entry."""


def rel_error(a, b, eps: float = 1e-12) -> np.ndarray:
    """Elementwise relative error ``|a - b| / max(|a|, |b|, eps)``."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), eps)


def describe_error(err, *, below: float = 1e-7) -> str:
    """Print-ready text for an error that may be pure rounding: ``"below 1e-7"`` or ``"3.2e-01"``.

    A relative error of a correct gradient (or the difference between two equal computations)
    is made of rounding: its digits change with the CPU and the BLAS library, which may add
    the same numbers in another order. Printing them would show digits that another machine
    does not reproduce. Below ``below`` this returns only the bound; above it, the value with
    two significant digits, which is then a real difference.

    >>> describe_error(1.1e-9), describe_error(0.53), describe_error(0.0, below=1e-12)
    ('below 1e-7', '5.3e-01', 'below 1e-12')
    """
    value = float(np.max(err))
    bound = float(below)
    if not (np.isfinite(bound) and bound > 0):
        raise ValueError(f"describe_error: below must be a positive number, got {below!r}")
    if value < bound:
        return f"below {bound:.0e}".replace("e-0", "e-").replace("e+0", "e")
    return f"{value:.1e}"


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5
) -> np.ndarray:
    """Central differences: ``(f(x + h e_i) - f(x - h e_i)) / (2 h)`` for every entry i.

    Costs two evaluations of ``f`` per entry of ``x``. ``x`` is changed in place during the
    computation and restored after each entry; it must be float64.
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(
            "numerical_gradient: x must be a float64 NumPy array (float32 rounding "
            f"swamps central differences), got "
            f"{getattr(x, 'dtype', type(x).__name__)}"
        )
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        f_plus = float(f(x))
        x[i] = old - h
        f_minus = float(f(x))
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2.0 * h)
    return grad


def gradcheck(
    f: Callable[[np.ndarray], float],
    x: np.ndarray,
    analytic: np.ndarray,
    *,
    tol: float = 1e-7,
    h: float = 1e-5,
    floor: float = 1e-3,
    atol: float | None = None,
) -> float:
    """Compare an analytic gradient with central differences of ``f`` at ``x``.

    An entry passes when its relative error is at most ``tol`` or when the two values differ
    by at most ``atol`` (an absolute floor, for gradients that are truly 0).

    Parameters
    ----------
    f : callable
        Maps ``x`` to a scalar (e.g. a loss).
    x : numpy.ndarray of float64
    analytic : numpy.ndarray of float64, shape of ``x``
        The gradient your backward pass computed.
    tol : float
        Largest relative error ``|a - b| / max(|a|, |b|, eps)`` accepted. Around 1e-7 or
        less in float64 means correct; 1e-2 or more means a bug.
    h : float
        The central-difference step.
    floor : float
        ``eps = floor * (largest entry of either gradient)``. Central differences carry an
        absolute rounding error of about ``1e-16 |f| / h``, so an entry a thousand times
        smaller than the largest cannot be judged relative to itself; it is judged on this
        common scale instead.
    atol : float or None
        Differences ``|a - b| <= atol`` pass whatever their relative error. A gradient that
        is exactly 0 (the bias of a layer followed by batch normalization) is measured as
        rounding noise of about ``1e-16 |f| / h``, whose relative error to 0 is 1: this
        floor is what lets it pass. ``None`` (the default) takes
        ``atol = 1e-14 * F / h``, a hundred times that noise, with ``F`` the largest ``|f|``
        met during the check (``1e-9 F`` for ``h = 1e-5``). When ``f`` is a sum of terms
        that cancel, so that ``|f|`` is much smaller than its terms, the noise follows the
        terms: pass ``atol`` computed from them (:func:`gradcheck_layer` does).

    Returns
    -------
    float
        The largest relative error over the entries that differ by more than ``atol``
        (0.0 when all are within it).

    Raises
    ------
    GradcheckError
        Naming the worst entry, both values and the error. A NaN or infinite gradient fails.
    """
    if not isinstance(analytic, np.ndarray) or analytic.dtype != np.float64:
        raise TypeError(
            "gradcheck: the analytic gradient must be a float64 array, got "
            f"{getattr(analytic, 'dtype', type(analytic).__name__)}"
        )
    if analytic.shape != np.shape(x):
        raise ValueError(
            f"gradcheck: the analytic gradient has shape {analytic.shape}, "
            f"x has shape {np.shape(x)}"
        )
    if atol is not None:
        atol = as_scalar(atol, "gradcheck", "atol")
        if not atol >= 0:
            raise ValueError(f"gradcheck: atol must be >= 0 or None, got {atol}")
    largest_f = 0.0

    def tracked(v):
        nonlocal largest_f
        value = float(f(v))
        if np.isfinite(value):  # an infinite f must not make the floor infinite
            largest_f = max(largest_f, abs(value))
        return value

    numeric = numerical_gradient(tracked, x, h=h)
    if atol is None:
        atol = 1e-14 * largest_f / h
    scale = max(
        float(np.max(np.abs(analytic), initial=0.0)), float(np.max(np.abs(numeric), initial=0.0))
    )
    err = rel_error(analytic, numeric, eps=max(floor * scale, 1e-300))
    # NaN compares False both ways: a NaN entry keeps a NaN error, made inf so it fails.
    err = np.where(np.abs(analytic - numeric) <= atol, 0.0, err)
    err = np.where(np.isnan(err), np.inf, err)
    worst = np.unravel_index(int(np.argmax(err)), err.shape) if err.size else ()
    max_err = float(err[worst]) if err.size else 0.0
    if max_err > tol:
        raise GradcheckError(
            f"gradcheck: relative error {max_err:.3e} > {tol:.0e} at index {tuple(map(int, worst))}:"
            f" analytic {analytic[worst]:.10g}, numerical {numeric[worst]:.10g}"
        )
    return max_err


def gradcheck_layer(
    layer,
    x: np.ndarray,
    *,
    rng: np.random.Generator | None = None,
    tol: float = 1e-7,
    h: float = 1e-5,
) -> dict[str, float]:
    """Gradient-check a layer (or model) for its input and every parameter.

    Uses the scalar ``f = sum(layer.forward(x) * dout)`` for a random ``dout``, whose
    gradient with respect to anything is what ``backward(dout)`` computes.

    The terms of that sum have random signs and cancel, so ``|f|`` says little about the
    rounding of ``f``; the absolute floor of :func:`gradcheck` is taken from the terms
    instead, ``atol = 1e-14 * sum(|layer.forward(x) * dout|) / h``. A gradient that is
    exactly 0 (the bias of a ``Linear`` followed by ``BatchNorm1d``) then passes, and a
    wrong one still fails.

    Parameters
    ----------
    layer : Module
        Or any object with ``forward``, ``backward`` and ``parameters()``.
    x : numpy.ndarray of float64, shape (N, D)
    rng : numpy.random.Generator, optional
        Draws ``dout`` (default ``np.random.default_rng(0)``).
    tol, h : float
        As in :func:`gradcheck`.

    Returns
    -------
    dict
        The largest relative error for ``"x"`` and for each parameter (``"0.W"`` ... for a
        Sequential). Raises :class:`GradcheckError` naming the worst entry on failure.
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(
            "gradcheck_layer: x must be a float64 array, got "
            f"{getattr(x, 'dtype', type(x).__name__)}"
        )
    rng = rng or np.random.default_rng(0)
    out = layer.forward(x)
    dout = rng.standard_normal(out.shape)
    atol = 1e-14 * float(np.sum(np.abs(out * dout))) / h
    dx = layer.backward(dout)
    analytic = {(None, "x"): dx.copy()}
    for owner, name in layer.parameters():
        analytic[(owner, name)] = owner.grads[name].copy()
    errors = {}
    names = _param_names(layer)
    for (owner, name), grad in analytic.items():
        target = x if owner is None else owner.params[name]
        label = "x" if owner is None else names[(id(owner), name)]
        try:
            errors[label] = gradcheck(
                lambda _: float(np.sum(layer.forward(x) * dout)),
                target,
                grad,
                tol=tol,
                h=h,
                atol=atol,
            )
        except GradcheckError as exc:
            raise GradcheckError(f"{label}: {exc}") from None
    return errors


def _param_names(layer) -> dict:
    """``(id(module), name) -> dotted name`` (``"0.W"``) for a module, else the bare names."""
    if not hasattr(layer, "named_modules"):
        return {(id(owner), name): name for owner, name in layer.parameters()}
    return {
        (id(module), name): f"{path}.{name}" if path else name
        for path, module in layer.named_modules()
        for name in module.params
    }
