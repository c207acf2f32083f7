"""Figures of the descent chapter (each takes ax=None, returns the Axes, never shows).

- :func:`plot_path_1d`: a 1-D loss curve and the points a descent visited on it.
- :func:`plot_path_2d`: contour lines of a 2-D loss and the path of a descent.
- :func:`plot_gradient_arrows`: contour lines and the gradient drawn as arrows (uphill).
- :func:`plot_surface`: a 2-D loss as a 3-D surface (saddles, plateaus), optionally a path.
- :func:`plot_epoch_batches`: which mini-batch each sample fell in, epoch after epoch.

A path may run off to infinity (a diverging run): only its finite prefix is drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap

from utils.plots._core import _axes

__all__ = [
    "plot_epoch_batches",
    "plot_gradient_arrows",
    "plot_path_1d",
    "plot_path_2d",
    "plot_surface",
]

_PATH_COLOR = "#d62728"


def _callable(f, func: str, name: str = "f") -> Callable:
    if not callable(f):
        raise TypeError(f"{func}: {name} must be a function, got {type(f).__name__}")
    return f


def _limits(lim, func: str, name: str) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in lim)
    except (TypeError, ValueError):
        raise TypeError(
            f"{func}: {name} must be a pair (low, high) of numbers, got {lim!r}"
        ) from None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"{func}: {name} must satisfy low < high (finite), got {(lo, hi)}")
    return lo, hi


def _finite_path(path, dim: int, func: str) -> np.ndarray:
    """The path as float64 of shape (K,) or (K, 2), cut before its first non-finite point."""
    try:
        arr = np.asarray(path, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"{func}: path must be an array of numbers, got {type(path).__name__}"
        ) from None
    want = "(K,)" if dim == 1 else "(K, 2)"
    if (dim == 1 and arr.ndim != 1) or (dim == 2 and (arr.ndim != 2 or arr.shape[1] != 2)):
        raise ValueError(f"{func}: path must have shape {want}, got {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"{func}: path must hold at least one point, got shape {arr.shape}")
    ok = np.isfinite(arr) if dim == 1 else np.isfinite(arr).all(axis=1)
    stop = arr.shape[0] if ok.all() else int(np.argmin(ok))
    return arr[:stop]


def _grid(f, xlim, ylim, resolution: int):
    xs = np.linspace(*xlim, resolution)
    ys = np.linspace(*ylim, resolution)
    W1, W2 = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        Z = np.asarray(f(W1, W2), dtype=np.float64)
    if Z.shape != W1.shape:
        raise ValueError(
            f"f(w1, w2) must return an array of the grid's shape {W1.shape} "
            f"(use NumPy operations), got {Z.shape}"
        )
    return W1, W2, Z


def plot_path_1d(
    f: Callable,
    path,
    *,
    ax: Axes | None = None,
    xlim=None,
    title: str | None = None,
    label: str | None = "path",
    color: str | None = None,
    curve: bool = True,
) -> Axes:
    """Draw a 1-D loss ``f(w)`` and the points ``path`` that gradient descent visited.

    Parameters
    ----------
    f : callable
        Vectorised loss: maps an array of ``w`` values to the same shape of losses.
    path : array_like, shape (K,)
        The weights at steps 0..K-1. Non-finite entries (a diverged run) end the path.
    xlim : (float, float), optional
        The range of ``w`` drawn; default: the path's range, padded.
    label, color : str, optional
        The path's legend label and colour.
    curve : bool
        Draw the curve of ``f`` (set False to add a second path to the same Axes).
    """
    f = _callable(f, "plot_path_1d")
    pts = _finite_path(path, 1, "plot_path_1d")
    if xlim is None:
        lo, hi = (float(pts.min()), float(pts.max())) if pts.size else (-1.0, 1.0)
        pad = 0.15 * (hi - lo) + 0.5
        xlim = (lo - pad, hi + pad)
    xlim = _limits(xlim, "plot_path_1d", "xlim")
    ax = _axes(ax, figsize=(5.5, 4.2))
    if curve:
        ws = np.linspace(*xlim, 300)
        with np.errstate(all="ignore"):
            ax.plot(ws, f(ws), color="0.3", lw=2, label="loss $L(w)$")
    if pts.size:
        color = color or _PATH_COLOR
        with np.errstate(all="ignore"):
            losses = np.asarray(f(pts), dtype=np.float64)
        ax.plot(pts, losses, "-o", color=color, ms=5, lw=1, alpha=0.85, label=label, zorder=3)
        ax.plot(pts[:1], losses[:1], "s", color=color, ms=9, zorder=4)
    ax.set_xlim(*xlim)
    ax.set_xlabel("weight $w$")
    ax.set_ylabel("loss $L(w)$")
    if title:
        ax.set_title(title)
    return ax


def plot_path_2d(
    f: Callable,
    path,
    *,
    ax: Axes | None = None,
    xlim=(-3.0, 3.0),
    ylim=(-3.0, 3.0),
    levels: int | Sequence[float] = 15,
    title: str | None = None,
    label: str | None = "path",
    color: str | None = None,
    contours: bool = True,
    resolution: int = 80,
) -> Axes:
    """Draw contour lines of a 2-D loss ``f(w1, w2)`` and a descent path on top.

    Parameters
    ----------
    f : callable
        Vectorised loss ``f(W1, W2)`` for arrays of the same shape.
    path : array_like, shape (K, 2)
        The weights at steps 0..K-1 (rows). Rows with a non-finite entry end the path.
    xlim, ylim : (float, float)
        The window; points of the path outside it are clipped by the Axes.
    levels : int or sequence of float
        Contour levels, as for ``Axes.contour``.
    contours : bool
        Draw the contour lines (set False to add a second path to the same Axes).
    resolution : int
        Grid points per side for the contours.
    """
    f = _callable(f, "plot_path_2d")
    pts = _finite_path(path, 2, "plot_path_2d")
    xlim = _limits(xlim, "plot_path_2d", "xlim")
    ylim = _limits(ylim, "plot_path_2d", "ylim")
    ax = _axes(ax, figsize=(5.5, 4.2))
    if contours:
        W1, W2, Z = _grid(f, xlim, ylim, int(resolution))
        ax.contour(W1, W2, Z, levels=levels, cmap="viridis", linewidths=1)
    if len(pts):
        color = color or _PATH_COLOR
        ax.plot(pts[:, 0], pts[:, 1], "-o", color=color, ms=4, lw=1.2, label=label, zorder=3)
        ax.plot(pts[:1, 0], pts[:1, 1], "s", color=color, ms=8, zorder=4)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    if title:
        ax.set_title(title)
    return ax


def plot_gradient_arrows(
    f: Callable,
    grad: Callable,
    *,
    ax: Axes | None = None,
    xlim=(-3.0, 3.0),
    ylim=(-3.0, 3.0),
    n: int = 9,
    title: str | None = "The gradient points uphill",
) -> Axes:
    """Contour lines of ``f`` with the gradient drawn as arrows on an ``n`` by ``n`` grid.

    Parameters
    ----------
    f : callable
        Vectorised loss ``f(W1, W2)``.
    grad : callable
        Vectorised gradient ``grad(W1, W2) -> (dW1, dW2)``. The arrows point along it, that
        is uphill and across the contour lines; they are scaled to a common length.
    """
    f = _callable(f, "plot_gradient_arrows")
    grad = _callable(grad, "plot_gradient_arrows", "grad")
    xlim = _limits(xlim, "plot_gradient_arrows", "xlim")
    ylim = _limits(ylim, "plot_gradient_arrows", "ylim")
    if not isinstance(n, int | np.integer) or n < 2:
        raise ValueError(f"plot_gradient_arrows: n must be an int >= 2, got {n!r}")
    ax = _axes(ax, figsize=(5.5, 4.2))
    W1, W2, Z = _grid(f, xlim, ylim, 80)
    cs = ax.contour(W1, W2, Z, levels=12, cmap="viridis", linewidths=1)
    ax.clabel(cs, fontsize=9, fmt="%.1f")
    A1, A2 = np.meshgrid(np.linspace(*xlim, n), np.linspace(*ylim, n))
    G1, G2 = (np.asarray(g, dtype=np.float64) for g in grad(A1, A2))
    if G1.shape != A1.shape or G2.shape != A1.shape:
        raise ValueError(
            "plot_gradient_arrows: grad(W1, W2) must return two arrays of the "
            f"grid's shape {A1.shape}"
        )
    norm = np.hypot(G1, G2)
    norm[norm == 0] = 1.0
    ax.quiver(
        A1,
        A2,
        G1 / norm,
        G2 / norm,
        color=_PATH_COLOR,
        angles="xy",
        pivot="tail",
        scale=n * 1.6,
        width=0.006,
        label="gradient (uphill)",
    )
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    if title:
        ax.set_title(title)
    return ax


def plot_surface(
    f: Callable,
    *,
    ax: Axes | None = None,
    xlim=(-2.0, 2.0),
    ylim=(-2.0, 2.0),
    resolution: int = 50,
    path=None,
    title: str | None = None,
    zlabel: str = "loss",
) -> Axes:
    """A 2-D loss ``f(w1, w2)`` as a 3-D surface, with an optional path lifted onto it.

    Parameters
    ----------
    ax : 3-D Axes, optional
        Made with ``fig.add_subplot(projection="3d")``; a new figure if None.
    path : array_like, shape (K, 2), optional
    """
    f = _callable(f, "plot_surface")
    xlim = _limits(xlim, "plot_surface", "xlim")
    ylim = _limits(ylim, "plot_surface", "ylim")
    if ax is None:
        fig = plt.figure(figsize=(6, 4.5))
        ax = fig.add_subplot(projection="3d")
    elif getattr(ax, "name", "") != "3d":
        raise ValueError(
            "plot_surface: ax must be a 3-D Axes (fig.add_subplot(projection='3d')), got a 2-D one"
        )
    W1, W2, Z = _grid(f, xlim, ylim, int(resolution))
    ax.plot_surface(W1, W2, Z, cmap="viridis", alpha=0.8, linewidth=0, antialiased=True)
    if path is not None:
        pts = _finite_path(path, 2, "plot_surface")
        inside = (
            (pts[:, 0] >= xlim[0])
            & (pts[:, 0] <= xlim[1])
            & (pts[:, 1] >= ylim[0])
            & (pts[:, 1] <= ylim[1])
        )
        pts = pts[np.cumprod(inside).astype(bool)]
        if len(pts):
            z = np.asarray(f(pts[:, 0], pts[:, 1]), dtype=np.float64)
            ax.plot(pts[:, 0], pts[:, 1], z, "-o", color=_PATH_COLOR, ms=3, zorder=5)
    ax.set_xlabel("$w_1$", labelpad=2)
    ax.set_ylabel("$w_2$", labelpad=2)
    ax.set_zlabel(zlabel, labelpad=2)
    if title:
        ax.set_title(title)
    return ax


def plot_epoch_batches(
    epochs: Sequence[Sequence], n: int, *, ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Which mini-batch each sample was in, one row per epoch.

    Parameters
    ----------
    epochs : sequence of sequences of index arrays
        ``epochs[e]`` is the list of index batches of epoch ``e`` (as ``minibatch_indices``
        yields them).
    n : int
        The number of samples; each row has one cell per sample ``0..n-1``, coloured and
        numbered by the iteration (1, 2, ...) of that epoch that used it. A sample used
        twice in an epoch, or never, is marked in red.
    """
    if not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"plot_epoch_batches: n must be an int >= 1, got {n!r}")
    if len(epochs) == 0:
        raise ValueError("plot_epoch_batches: epochs must hold at least one epoch")
    grid = np.zeros((len(epochs), n), dtype=np.int64)
    bad = np.zeros((len(epochs), n), dtype=bool)
    for e, batches in enumerate(epochs):
        seen = np.zeros(n, dtype=np.int64)
        for k, idx in enumerate(batches, start=1):
            idx = np.asarray(idx).ravel()
            if idx.size and (
                not np.issubdtype(idx.dtype, np.integer) or idx.min() < 0 or idx.max() >= n
            ):
                raise ValueError(
                    f"plot_epoch_batches: epoch {e} batch {k} holds indices outside 0..{n - 1}"
                )
            grid[e, idx] = k
            np.add.at(seen, idx, 1)
        bad[e] = seen != 1
    ax = _axes(ax, figsize=(min(0.45 * n + 2, 14), 0.6 * len(epochs) + 1.6))
    n_batches = max(int(grid.max()), 1)
    colors = plt.get_cmap("tab10")(np.arange(n_batches) % 10)
    ax.imshow(grid - 1, cmap=ListedColormap(colors), vmin=-0.5, vmax=n_batches - 0.5, aspect="auto")
    for e in range(grid.shape[0]):
        for i in range(n):
            text = "x" if bad[e, i] else str(grid[e, i])
            ax.text(
                i,
                e,
                text,
                ha="center",
                va="center",
                fontsize=10,
                color="red" if bad[e, i] else "white",
                fontweight="bold",
            )
    ax.set_xticks(np.arange(n))
    ax.set_yticks(np.arange(len(epochs)), [f"epoch {e + 1}" for e in range(len(epochs))])
    ax.set_xlabel("sample index (the number is the iteration of the epoch that used it)")
    ax.set_title(title or "Mini-batches: every sample once per epoch, a new order each epoch")
    return ax
