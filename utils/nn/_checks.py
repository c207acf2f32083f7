"""Argument validation shared by the modules of :mod:`utils.nn` (private)."""

from __future__ import annotations

import numpy as np

from utils._validate import as_scalar


def _float_array(x, func: str, name: str = "x", ndim: int | None = None) -> np.ndarray:
    if isinstance(x, list | tuple):
        x = np.asarray(x, dtype=np.float64)
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{func}: {name} must be a NumPy array, got {type(x).__name__}")
    if x.dtype.kind != "f":  # dtype kinds: f float, i/u integer, b bool (cheaper than issubdtype)
        if x.dtype.kind in "iub":
            x = x.astype(np.float64)
        else:
            raise TypeError(f"{func}: {name} must hold real numbers, got dtype {x.dtype}")
    if ndim is not None and x.ndim != ndim:
        shape = {1: "(N,)", 2: "(N, D)"}.get(ndim, f"{ndim} dimensions")
        raise ValueError(f"{func}: {name} must have shape {shape}, got {x.shape}")
    return x


def _same_shape(a: np.ndarray, b: np.ndarray, func: str, names=("pred", "target")) -> None:
    if a.shape != b.shape:
        raise ValueError(
            f"{func}: {names[0]} and {names[1]} must have the same shape, "
            f"got {a.shape} and {b.shape}"
        )


def _width(x, d: int, func: str) -> np.ndarray:
    """A layer's input: array-like as the kernels take it, of shape (N, d), or a clear error."""
    x = _float_array(x, func)
    if x.ndim != 2 or x.shape[1] != d:
        raise ValueError(f"{func}: x must have shape (N, {d}), got {x.shape}")
    return x


def _batch(x: np.ndarray, func: str, name: str) -> int:
    if x.ndim < 1 or x.shape[0] == 0:
        raise ValueError(f"{func}: {name} must have a batch dimension N >= 1, got shape {x.shape}")
    return x.shape[0]


def _float_dtype(dtype, func: str) -> np.dtype:
    """``np.float32`` or ``np.float64`` as a dtype; anything else is a TypeError."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise TypeError(f"{func}: dtype must be np.float32 or np.float64, got {dtype!r}")
    return dt


def _alpha(alpha, func: str, minimum: float = 0.0) -> float:
    alpha = as_scalar(alpha, func, "alpha")
    if alpha < minimum:
        raise ValueError(f"{func}: alpha must be >= {minimum}, got {alpha}")
    return alpha


def _check_dout(dout, like: np.ndarray, func: str) -> np.ndarray:
    dout = _float_array(dout, func, "dout")
    if dout.shape != like.shape:
        raise ValueError(f"{func}: dout must have shape {like.shape}, got {dout.shape}")
    return dout


def _positive(value, func: str, name: str) -> float:
    value = as_scalar(value, func, name)
    if value <= 0:
        raise ValueError(f"{func}: {name} must be > 0, got {value}")
    return value


def _fraction(value, func: str, name: str) -> float:
    value = as_scalar(value, func, name)
    if not 0 <= value < 1:
        raise ValueError(f"{func}: {name} must be in [0, 1), got {value}")
    return value


def _nonnegative(lam, func: str) -> float:
    lam = as_scalar(lam, func, "lam")
    if lam < 0:
        raise ValueError(f"{func}: lam must be >= 0, got {lam}")
    return lam


def _weight_list(weights, func: str) -> list[np.ndarray]:
    if isinstance(weights, np.ndarray):
        weights = [weights]
    if not isinstance(weights, list | tuple):
        raise TypeError(f"{func}: weights must be a list of arrays, got {type(weights).__name__}")
    return [_float_array(w, func, f"weights[{i}]") for i, w in enumerate(weights)]


def _vector_of(v, x: np.ndarray, func: str, name: str) -> np.ndarray:
    """``v`` as one entry per feature (column) of ``x``, or an error naming both shapes."""
    v = _float_array(v, func, name, ndim=1)
    d = x.shape[1]
    if v.shape != (d,):
        raise ValueError(
            f"{func}: {name} must have shape ({d},), got {v.shape} (one entry per "
            f"feature of x, whose shape is {x.shape})"
        )
    return v
