"""Figures and small models of the regularization chapter.

- :func:`soft_threshold`, the proximal step of the L1 penalty (it sets weights exactly to 0);
- :func:`rbf_features`, :func:`ridge_weights` (closed form) and :func:`lasso_weights`
  (proximal or subgradient descent, many lambdas at once): a linear model on 1-D features,
  fast enough to precompute a whole grid of lambdas for a slider;
- :func:`cutout`, dropout on the input: a random square of each image set to 0;
- the figures: :func:`plot_overfitting_curves`, :func:`plot_constraint_regions`,
  :func:`plot_penalty_fit`, :func:`plot_weight_histogram`.

Penalty convention (as in :func:`utils.nn.l2_penalty` / :func:`utils.nn.l1_penalty`): the
objective is ``mean((pred - t)**2) + lam * sum(w**2)`` (L2) or ``+ lam * sum(|w|)`` (L1); the
bias is never penalised.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from utils._validate import as_count, as_float_vector, as_generator, as_scalar
from utils.plots._core import CLASS_COLORS, _axes

__all__ = [
    "cutout", "lasso_weights", "plot_constraint_regions", "plot_overfitting_curves",
    "plot_penalty_fit", "plot_weight_histogram", "rbf_features", "ridge_weights",
    "soft_threshold",
]

ZERO_COLOR = "#d62728"


def soft_threshold(w, threshold: float) -> np.ndarray:
    """The proximal step of ``threshold * |w|``: ``sign(w) * max(|w| - threshold, 0)``.

    Every entry moves ``threshold`` towards 0 and stops there: entries with
    ``|w| <= threshold`` become exactly 0. One step of L1-regularised (proximal) gradient
    descent is ``soft_threshold(w - lr * grad, lr * lam)``, with ``grad`` the gradient of the
    data loss alone.

    Parameters
    ----------
    w : numpy.ndarray of float, any shape
    threshold : float, >= 0

    Returns
    -------
    numpy.ndarray, shape of ``w``
    """
    if not isinstance(w, np.ndarray) or not np.issubdtype(w.dtype, np.number):
        raise TypeError(f"soft_threshold: w must be a NumPy array of numbers, got "
                        f"{getattr(w, 'dtype', type(w).__name__)}")
    threshold = as_scalar(threshold, "soft_threshold", "threshold")
    if threshold < 0:
        raise ValueError(f"soft_threshold: threshold must be >= 0, got {threshold}")
    return np.sign(w) * np.maximum(np.abs(w) - threshold, 0.0) + 0.0  # + 0.0: no -0.0


def rbf_features(x, *, centers: int = 40, width: float = 0.05) -> np.ndarray:
    """Gaussian bumps ``exp(-(x - c_k)**2 / (2 width**2))`` at ``centers`` points of [0, 1].

    Parameters
    ----------
    x : array_like, shape (N,)
    centers : int
    width : float, > 0

    Returns
    -------
    numpy.ndarray, shape (N, centers)
    """
    x = as_float_vector(x, "rbf_features", "x")
    centers = as_count(centers, "rbf_features", "centers")
    width = as_scalar(width, "rbf_features", "width")
    if width <= 0:
        raise ValueError(f"rbf_features: width must be > 0, got {width}")
    c = np.linspace(0.0, 1.0, centers)
    return np.exp(-((x[:, None] - c[None, :]) ** 2) / (2 * width**2))


def _design(Phi, t, func: str) -> tuple[np.ndarray, np.ndarray]:
    Phi = np.asarray(Phi, dtype=np.float64)
    t = np.asarray(t, dtype=np.float64)
    if Phi.ndim != 2 or t.shape != (Phi.shape[0],):
        raise ValueError(f"{func}: Phi must have shape (N, K) and t shape (N,), "
                         f"got {Phi.shape} and {t.shape}")
    return Phi, t


def ridge_weights(Phi, t, lam: float) -> tuple[float, np.ndarray]:
    """Minimise ``mean((Phi @ w + b - t)**2) + lam * sum(w**2)`` exactly (b not penalised).

    Setting the gradient to 0 gives ``(Phi_c.T @ Phi_c / N + lam I) w = Phi_c.T @ t_c / N``
    with ``Phi_c``, ``t_c`` centred, and ``b = mean(t) - mean(Phi, axis=0) @ w``.

    Returns
    -------
    b : float
    w : numpy.ndarray, shape (K,)
    """
    Phi, t = _design(Phi, t, "ridge_weights")
    lam = as_scalar(lam, "ridge_weights", "lam")
    if lam < 0:
        raise ValueError(f"ridge_weights: lam must be >= 0, got {lam}")
    n, k = Phi.shape
    mu, t_mean = Phi.mean(axis=0), t.mean()
    Pc, tc = Phi - mu, t - t_mean
    w = np.linalg.lstsq(Pc.T @ Pc / n + lam * np.eye(k), Pc.T @ tc / n, rcond=None)[0]
    return float(t_mean - mu @ w), w


def lasso_weights(Phi, t, lams, *, iterations: int = 3000,
                  method: str = "proximal") -> tuple[np.ndarray, np.ndarray]:
    """Minimise ``mean((Phi @ w + b - t)**2) + lam * sum(|w|)`` for every ``lam`` at once.

    Gradient descent with step ``1 / L`` (``L`` the largest curvature of the data term),
    from ``w = 0``:

    - ``method="proximal"`` (ISTA): ``w <- soft_threshold(w - g / L, lam / L)`` with ``g``
      the data term's gradient: weights land exactly on 0;
    - ``method="subgradient"``: ``w <- w - (g + lam * sign(w)) / L``: weights near 0 jump
      from one side to the other and hover around 0 without landing on it.

    Parameters
    ----------
    Phi : array_like, shape (N, K)
    t : array_like, shape (N,)
    lams : array_like, shape (M,)
    iterations : int
    method : {"proximal", "subgradient"}

    Returns
    -------
    b : numpy.ndarray, shape (M,)
    W : numpy.ndarray, shape (M, K), one row of weights per lambda
    """
    Phi, t = _design(Phi, t, "lasso_weights")
    lams = as_float_vector(lams, "lasso_weights", "lams")
    if np.any(lams < 0):
        raise ValueError("lasso_weights: every lam must be >= 0")
    if method not in ("proximal", "subgradient"):
        raise ValueError(f"lasso_weights: method must be 'proximal' or 'subgradient', got {method!r}")
    iterations = as_count(iterations, "lasso_weights", "iterations")
    n, k = Phi.shape
    mu, t_mean = Phi.mean(axis=0), t.mean()
    Pc, tc = Phi - mu, t - t_mean  # centring removes the (unpenalised) bias from the problem
    G, h = 2.0 * Pc.T @ Pc / n, 2.0 * Pc.T @ tc / n  # gradient of the data term: W @ G - h
    step = 1.0 / max(float(np.linalg.eigvalsh(G)[-1]), 1e-12)
    W = np.zeros((lams.shape[0], k))
    for _ in range(iterations):
        grad = W @ G - h
        if method == "proximal":
            Z = W - step * grad
            W = np.sign(Z) * np.maximum(np.abs(Z) - step * lams[:, None], 0.0)
        else:
            W = W - step * (grad + lams[:, None] * np.sign(W))
    return t_mean - W @ mu, W


def cutout(images, size: int, *, rng: np.random.Generator) -> np.ndarray:
    """Dropout on the input: a ``size`` x ``size`` square of each image set to 0.

    The square's centre is drawn uniformly over the image; near a border the square is cut
    by the border (DeVries and Taylor's version). The input is not modified.

    Parameters
    ----------
    images : numpy.ndarray, shape (N, H, W)
    size : int
    rng : numpy.random.Generator

    Returns
    -------
    numpy.ndarray, shape (N, H, W)
    """
    images = np.asarray(images, dtype=np.float64)
    if images.ndim != 3:
        raise ValueError(f"cutout: images must have shape (N, H, W), got {images.shape}")
    size = as_count(size, "cutout", "size")
    rng = as_generator(rng, "cutout")
    n, height, width = images.shape
    out = images.copy()
    rows = rng.integers(0, height, size=n)
    cols = rng.integers(0, width, size=n)
    for k in range(n):
        r0, c0 = max(rows[k] - size // 2, 0), max(cols[k] - size // 2, 0)
        out[k, r0:rows[k] - size // 2 + size, c0:cols[k] - size // 2 + size] = 0.0
    return out


def plot_overfitting_curves(history: dict, *, ax: Axes | None = None, best_epoch: int | None = None,
                            stopped_at: int | None = None, title: str | None = None,
                            logy: bool = True) -> Axes:
    """Training and validation loss per epoch, with the best validation epoch marked.

    Parameters
    ----------
    history : dict
        ``history["train_loss"]`` and ``history["val_loss"]``, one value per epoch (epochs
        count from 1), as :func:`utils.nn.fit` returns.
    best_epoch : int, optional
        Default: the epoch of the lowest validation loss.
    stopped_at : int, optional
        An epoch where training stopped (early stopping), drawn as a dashed line.
    """
    train = as_float_vector(history["train_loss"], "plot_overfitting_curves", "train_loss")
    val = as_float_vector(history["val_loss"], "plot_overfitting_curves", "val_loss",
                          length=train.shape[0])
    ax = _axes(ax, figsize=(6, 4))
    epochs = np.arange(1, train.shape[0] + 1)
    ax.plot(epochs, train, color=CLASS_COLORS[0], label="training loss")
    ax.plot(epochs, val, color=CLASS_COLORS[1], label="validation loss")
    best = int(np.argmin(val)) + 1 if best_epoch is None else int(best_epoch)
    ax.axvline(best, color="k", lw=1.2, label=f"best validation epoch ({best})")
    ax.plot([best], [val[best - 1]], "o", color="k")
    if stopped_at is not None:
        ax.axvline(stopped_at, color="0.4", lw=1.2, ls="--", label=f"stopped at epoch {stopped_at}")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean squared error")
    ax.set_title(title or "Training vs validation loss")
    ax.legend()
    ax.grid(alpha=0.3)
    return ax


def _boundary_minimum(center, A, points) -> np.ndarray:
    loss = np.einsum("ni,ij,nj->n", points - center, A, points - center)
    return points[int(np.argmin(loss))]


def plot_constraint_regions(*, ax: Axes | None = None, center=(1.6, 0.55),
                            A=((1.0, 0.45), (0.45, 0.6)), radius: float = 1.0) -> Axes:
    """Contours of a quadratic loss and the L2 disk and L1 diamond of the same radius.

    The loss is ``(w - c)^T A (w - c)`` with minimum at ``center``. The constrained minimum
    on each region is where the region first touches a contour: on the disk it is a generic
    point (both weights non-zero), on the diamond it is a corner (one weight exactly 0).

    Parameters
    ----------
    center : (float, float)
        The unconstrained minimum, outside both regions.
    A : 2x2 symmetric positive definite matrix
    radius : float
        ``w1**2 + w2**2 <= radius**2`` and ``|w1| + |w2| <= radius``.
    """
    c = as_float_vector(center, "plot_constraint_regions", "center", length=2)
    A = np.asarray(A, dtype=np.float64)
    if A.shape != (2, 2) or not np.allclose(A, A.T) or np.linalg.eigvalsh(A)[0] <= 0:
        raise ValueError("plot_constraint_regions: A must be a symmetric positive definite 2x2 matrix")
    radius = as_scalar(radius, "plot_constraint_regions", "radius")
    ax = _axes(ax, figsize=(5.5, 5))
    angle = np.linspace(0, 2 * np.pi, 4001)
    disk = radius * np.column_stack([np.cos(angle), np.sin(angle)])
    diamond = disk / (np.abs(np.cos(angle)) + np.abs(np.sin(angle)))[:, None]
    g = np.linspace(-1.6 * radius, 2.6 * radius, 200)
    G1, G2 = np.meshgrid(g, g)
    P = np.stack([G1 - c[0], G2 - c[1]], axis=-1)
    L = np.einsum("...i,ij,...j->...", P, A, P)
    ax.contour(G1, G2, L, levels=np.linspace(0.05, 4.0, 12) ** 2 / 2, colors="0.55",
               linewidths=0.9)
    ax.fill(disk[:, 0], disk[:, 1], color=CLASS_COLORS[0], alpha=0.25)
    ax.plot(disk[:, 0], disk[:, 1], color=CLASS_COLORS[0], lw=2, label="L2: $w_1^2 + w_2^2 \\leq r^2$")
    ax.fill(diamond[:, 0], diamond[:, 1], color=CLASS_COLORS[1], alpha=0.25)
    ax.plot(diamond[:, 0], diamond[:, 1], color=CLASS_COLORS[1], lw=2,
            label="L1: $|w_1| + |w_2| \\leq r$")
    for pts, color, name in ((disk, CLASS_COLORS[0], "L2"), (diamond, CLASS_COLORS[1], "L1")):
        w = _boundary_minimum(c, A, pts)
        ax.plot(*w, "o", ms=10, color=color, markeredgecolor="k", zorder=4)
        ax.annotate(f"{name} minimum\n({w[0]:.2f}, {w[1]:.2f})", w, xytext=(12, -30 if name == "L1" else 12),
                    textcoords="offset points", fontsize=11)
    ax.plot(*c, "k*", ms=14, label="unregularized minimum")
    ax.axhline(0, color="k", lw=0.6)
    ax.axvline(0, color="k", lw=0.6)
    ax.set_aspect("equal")
    ax.set_xlim(g[0], g[-1])
    ax.set_ylim(g[0], g[-1])
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    ax.set_title("Loss contours, L2 disk and L1 diamond")
    ax.legend(loc="lower left", fontsize=10)
    return ax


def plot_penalty_fit(x, t, grid, pred, *, ax: Axes | None = None, x_val=None, t_val=None,
                     truth=None, title: str | None = None) -> Axes:
    """A 1-D fit: the training points, optional validation points, the true curve, the model.

    Parameters
    ----------
    x, t : array_like, shape (N,)
    grid, pred : array_like, shape (G,)
        Where the model is evaluated and its predictions.
    x_val, t_val : array_like, shape (M,), optional
    truth : array_like, shape (G,), optional
        The noise-free function on ``grid``.
    """
    x = as_float_vector(x, "plot_penalty_fit", "x")
    t = as_float_vector(t, "plot_penalty_fit", "t", length=x.shape[0])
    grid = as_float_vector(grid, "plot_penalty_fit", "grid")
    pred = as_float_vector(pred, "plot_penalty_fit", "pred", length=grid.shape[0])
    ax = _axes(ax, figsize=(6, 4))
    if x_val is not None and t_val is not None:
        ax.plot(x_val, t_val, ".", color="0.7", ms=4, label="validation points")
    if truth is not None:
        ax.plot(grid, truth, color="0.35", ls="--", lw=1.5, label="true function")
    ax.plot(x, t, "o", color=CLASS_COLORS[0], markeredgecolor="k", label="training points")
    ax.plot(grid, np.clip(pred, -3, 3), color=CLASS_COLORS[1], lw=2.2, label="model")
    ax.set_ylim(-2.2, 2.2)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$t$")
    ax.set_title("The fitted function" if title is None else title)
    ax.legend(loc="upper right", fontsize=10)
    return ax


def plot_weight_histogram(weights, *, ax: Axes | None = None, bins: int = 41,
                          limit: float | None = None, title: str | None = None,
                          legend: bool = True) -> Axes:
    """Histogram of weight values, with the count of exact zeros shown as its own red bar.

    Parameters
    ----------
    weights : array_like, any shape (flattened)
    limit : float, optional
        The histogram covers [-limit, limit] (values beyond go in the end bins); default the
        largest |w|.
    legend : bool
        Without a legend, the count of exact zeros is written above the red bar.
    """
    w = np.asarray(weights, dtype=np.float64).ravel()
    if w.size == 0:
        raise ValueError("plot_weight_histogram: weights is empty")
    ax = _axes(ax, figsize=(6, 4))
    finite = w[np.isfinite(w)]
    zeros = int(np.sum(finite == 0.0))
    top = float(limit) if limit is not None else float(np.max(np.abs(finite), initial=0.0))
    top = top if top > 0 else 1.0
    edges = np.linspace(-top, top, bins + 1)
    counts, _ = np.histogram(np.clip(finite[finite != 0.0], -top, top), bins=edges)
    ax.stairs(counts, edges, fill=True, color=CLASS_COLORS[0], alpha=0.8, label="non-zero weights")
    width = (edges[1] - edges[0]) * 0.8
    ax.bar([0.0], [zeros], width=width, color=ZERO_COLOR, label=f"exactly 0: {zeros} of {w.size}")
    ax.set_xlabel("weight value")
    ax.set_ylabel("number of weights")
    ax.set_title("Weights" if title is None else title)
    if legend:
        ax.legend(loc="upper right", fontsize=10)
    else:
        ax.text(0.02, 0.95, f"exactly 0: {zeros} of {w.size}", color=ZERO_COLOR,
                transform=ax.transAxes, va="top", fontsize=12)
    return ax
