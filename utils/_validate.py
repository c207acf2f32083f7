"""Input validation shared by the library: clear errors naming the function, expected, got."""

from __future__ import annotations

import numbers

import numpy as np


def _array(value, func: str, name: str) -> np.ndarray:
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged lists and other oddities
        raise TypeError(
            f"{func}: {name} must be an array of numbers, got {type(value).__name__}"
            f" that NumPy cannot convert ({exc})"
        ) from None
    if arr.dtype == bool:
        arr = arr.astype(np.float64)
    if not np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{func}: {name} must contain real numbers, got dtype {arr.dtype}")
    return arr


def as_float_matrix(value, func: str, name: str, columns: int | None = None) -> np.ndarray:
    """``value`` as a float64 array of shape (N, D) (N >= 1), or a clear error."""
    arr = _array(value, func, name)
    if arr.ndim != 2 or arr.shape[0] == 0:
        want = f"(N, {columns})" if columns is not None else "(N, D)"
        raise ValueError(f"{func}: {name} must have shape {want} with N >= 1, got {arr.shape}")
    if columns is not None and arr.shape[1] != columns:
        raise ValueError(f"{func}: {name} must have shape (N, {columns}), got {arr.shape}")
    return arr.astype(np.float64, copy=False)


def as_float_vector(value, func: str, name: str, length: int | None = None) -> np.ndarray:
    """``value`` as a float64 array of shape (length,), or a clear error."""
    arr = _array(value, func, name)
    if arr.ndim != 1 or (length is not None and arr.shape[0] != length):
        want = f"({length},)" if length is not None else "(n,)"
        raise ValueError(f"{func}: {name} must have shape {want}, got {arr.shape}")
    return arr.astype(np.float64, copy=False)


def as_scalar(value, func: str, name: str) -> float:
    """``value`` as a finite Python float, or a clear error."""
    if isinstance(value, np.ndarray) and value.shape in ((), (1,)):
        value = value.reshape(()).item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{func}: {name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{func}: {name} must be finite, got {value}")
    return value


def as_count(value, func: str, name: str, minimum: int = 1) -> int:
    """``value`` as an int >= minimum, or a clear error."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{func}: {name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{func}: {name} must be >= {minimum}, got {value}")
    return int(value)


def as_generator(rng, func: str) -> np.random.Generator:
    """``rng`` must be a ``numpy.random.Generator`` (no global random state in the library)."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{func}: rng must be a numpy.random.Generator "
            f"(e.g. np.random.default_rng(0)), got {type(rng).__name__}"
        )
    return rng
