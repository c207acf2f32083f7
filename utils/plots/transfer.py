"""The transfer-learning experiment of chapter 10 and its figures.

The source network is the one ``python -m utils.pretrain`` trains on digits 0-4 and ships in
``utils/weights/digits_0to4.npz`` (64 -> 64 -> 32 -> 5, ReLU). The target task is digits 5-9
(relabelled 0-4), images the source never saw: the source was trained on digits 0-4 only.

- :func:`transfer_target_data`: the target task, a fixed test set and a pool to draw labels from;
- :func:`transfer_model`: a network for one method (from scratch, or the pre-trained one with a
  new head and its first k Linear layers frozen) with its parameter groups;
- :func:`transfer_run` / :func:`transfer_experiment`: train and record the test accuracy every
  few steps, for several label counts, methods and seeds;
- :func:`linear_probe_accuracy`: how well the features after the first ``depth`` layers serve
  a new linear head;
- figures: :func:`plot_first_layer_filters`, :func:`plot_digit_rows`,
  :func:`plot_transfer_accuracy`, :func:`plot_transfer_curves`, :func:`plot_probe_accuracy`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from utils import data, nn
from utils.checks.ch10 import _freeze_up_to, _linear_layers, _replace_head
from utils.plots._core import _axes

__all__ = [
    "TRANSFER_METHODS", "linear_probe_accuracy", "plot_digit_rows", "plot_first_layer_filters",
    "plot_probe_accuracy", "plot_transfer_accuracy", "plot_transfer_curves",
    "steps_to_reach", "transfer_experiment", "transfer_model", "transfer_run",
    "transfer_subset", "transfer_target_data",
]

#: The methods compared: label -> number of pre-trained Linear layers frozen (None: from
#: scratch, no pre-training). "freeze all" freezes the new head too: nothing can learn.
TRANSFER_METHODS = {"from scratch": None, "fine-tune all": 0, "freeze layer 1": 1,
                    "frozen features": 2, "freeze all": 3}

_COLORS = {"from scratch": "#1f77b4", "fine-tune all": "#ff7f0e", "freeze layer 1": "#9467bd",
           "frozen features": "#2ca02c", "freeze all": "#7f7f7f"}


def transfer_target_data(*, test_per_class: int = 40, seed: int = 10):
    """Digits 5-9 relabelled 0-4, pixels in [0, 1]: a labelled pool and a fixed test set.

    ``test_per_class`` images of each digit (chosen with ``seed``) form the test set; the
    rest (134 to 142 per digit) is the pool that labelled training sets are drawn from.

    Returns
    -------
    (X_pool, y_pool), (X_test, y_test)
        X of shape (N, 64) float64, y of shape (N,) int64 in 0..4.
    """
    X, y = data.load_digits()
    keep = y >= 5
    X, y = X[keep] / 16.0, y[keep] - 5
    rng = np.random.default_rng(seed)
    test, pool = [], []
    for c in range(5):
        idx = rng.permutation(np.flatnonzero(y == c))
        if not 0 < test_per_class < len(idx):
            raise ValueError(f"transfer_target_data: test_per_class must be in [1, "
                             f"{len(idx) - 1}] (digit {c + 5} has {len(idx)} images), "
                             f"got {test_per_class}")
        test.append(idx[:test_per_class])
        pool.append(idx[test_per_class:])
    test_idx, pool_idx = np.sort(np.concatenate(test)), np.sort(np.concatenate(pool))
    return (X[pool_idx], y[pool_idx]), (X[test_idx], y[test_idx])


def transfer_subset(X, y, n_per_class: int, *, rng: np.random.Generator):
    """``n_per_class`` rows of each class of ``(X, y)``, drawn without replacement."""
    counts = np.bincount(y)
    if not 1 <= n_per_class <= counts.min():
        raise ValueError(f"transfer_subset: n_per_class must be in [1, {counts.min()}] (the "
                         f"smallest class has {counts.min()} rows), got {n_per_class}")
    idx = np.concatenate([rng.choice(np.flatnonzero(y == c), n_per_class, replace=False)
                          for c in range(len(counts))])
    return X[idx], y[idx]


def transfer_model(method: str, *, rng: np.random.Generator, lr: float = 0.01,
                   body_lr: float = 0.003):
    """A network for one method and the parameter groups of its optimizer.

    ``"from scratch"``: a fresh 64-64-32-5 network (He initialization), one group with ``lr``.
    Otherwise: the shipped pre-trained network, a new 32 -> 5 head drawn from ``rng``, its
    first k Linear layers frozen (``TRANSFER_METHODS[method]``), and two groups: the
    pre-trained layers with the smaller ``body_lr``, the head with ``lr``.

    Returns
    -------
    (nn.Sequential, list of dict)
    """
    from utils.persistence import load
    from utils.pretrain import WEIGHTS, build_model

    if method not in TRANSFER_METHODS:
        raise ValueError(f"transfer_model: method must be one of {list(TRANSFER_METHODS)}, "
                         f"got {method!r}")
    if TRANSFER_METHODS[method] is None:
        model = build_model(rng)
        return model, [{"params": model, "lr": lr}]
    model = _replace_head(load(WEIGHTS), 5, rng=rng)
    _freeze_up_to(model, TRANSFER_METHODS[method])
    linears = _linear_layers(model)
    return model, [{"params": linears[:-1], "lr": body_lr}, {"params": [linears[-1]], "lr": lr}]


def transfer_run(method: str, X, y, X_test, y_test, *, rng: np.random.Generator,
                 steps: int = 150, eval_every: int = 10, batch_size: int = 32,
                 lr: float = 0.01, body_lr: float = 0.003) -> np.ndarray:
    """Train one network with Adam; the test accuracy every ``eval_every`` steps.

    Returns
    -------
    numpy.ndarray, shape (steps // eval_every,)
        Test accuracy after ``eval_every``, ``2 * eval_every``, ... steps.
    """
    model, groups = transfer_model(method, rng=rng, lr=lr, body_lr=body_lr)
    n_points = steps // eval_every
    if n_points < 1:
        raise ValueError(f"transfer_run: steps ({steps}) must be >= eval_every ({eval_every})")
    if all(layer.frozen for layer in _linear_layers(model)):
        acc = nn.accuracy(model.eval().forward(X_test), y_test)  # nothing can change
        return np.full(n_points, acc)
    opt = nn.Adam(groups, lr=lr)
    curve, step = [], 0
    while step < n_points * eval_every:
        model.train()
        for xb, yb in data.minibatches(X, y, batch_size, rng=rng):
            _, dscores = nn.softmax_cross_entropy(model.forward(xb), yb)
            model.backward(dscores)
            opt.step()
            step += 1
            if step % eval_every == 0:
                curve.append(nn.accuracy(model.eval().forward(X_test), y_test))
                model.train()
            if step == n_points * eval_every:
                break
    return np.array(curve)


def transfer_experiment(label_counts=(10, 50, 130), methods=None, seeds=(0, 1, 2), *,
                        data=None, steps: int = 150, eval_every: int = 10, **kwargs) -> dict:
    """Every method, label count and seed: the test-accuracy curves.

    For each seed the labelled set (``n`` images per class from the pool) comes from
    ``numpy.random.default_rng(seed)`` and the random weights (new head, or the whole network
    from scratch) from ``numpy.random.default_rng(1000 + seed)``; every method sees the same
    labelled images. ``data = ((X_pool, y_pool), (X_test, y_test))``, rows of 64 pixels in
    [0, 1] and labels 0..4, replaces the default target task of :func:`transfer_target_data`.

    Returns
    -------
    dict
        ``label_counts``, ``methods``, ``seeds`` (tuples), ``steps`` (array (T,), the step
        of each point) and ``curves``: method -> array (len(label_counts), len(seeds), T).
    """
    methods = tuple(TRANSFER_METHODS) if methods is None else tuple(methods)
    (X_pool, y_pool), (X_test, y_test) = transfer_target_data() if data is None else data
    if X_pool.shape[1:] != (64,) or X_test.shape[1:] != (64,):
        raise ValueError(f"transfer_experiment: data must hold rows of 64 pixels, got X of "
                         f"shapes {X_pool.shape} and {X_test.shape}")
    curves = {m: np.zeros((len(label_counts), len(seeds), steps // eval_every)) for m in methods}
    for a, n in enumerate(label_counts):
        for b, seed in enumerate(seeds):
            X, y = transfer_subset(X_pool, y_pool, n, rng=np.random.default_rng(seed))
            for m in methods:
                curves[m][a, b] = transfer_run(m, X, y, X_test, y_test,
                                               rng=np.random.default_rng(1000 + seed),
                                               steps=steps, eval_every=eval_every, **kwargs)
    return {"label_counts": tuple(label_counts), "methods": methods, "seeds": tuple(seeds),
            "steps": eval_every * np.arange(1, steps // eval_every + 1), "curves": curves}


def steps_to_reach(curve, steps, level: float) -> float:
    """The first step at which ``curve`` reaches ``level`` (``nan`` if it never does)."""
    curve, steps = np.asarray(curve), np.asarray(steps)
    hit = np.flatnonzero(curve >= level)
    return float(steps[hit[0]]) if hit.size else float("nan")


def linear_probe_accuracy(model: nn.Sequential, depth: int, X, y, X_test, y_test, *,
                          rng: np.random.Generator, steps: int = 150, lr: float = 0.01) -> float:
    """Test accuracy of a new linear head on the features after ``depth`` Linear+ReLU pairs.

    ``depth = 0`` is the raw pixels (a logistic regression). The layers below stay frozen;
    only the head (features -> number of classes) is trained, with Adam, for ``steps`` steps.
    """
    linears = _linear_layers(model)
    if not 0 <= depth < len(linears):
        raise ValueError(f"linear_probe_accuracy: depth must be in [0, {len(linears) - 1}], "
                         f"got {depth}")
    body = model.layers[:model.layers.index(linears[depth])]
    width = linears[depth].in_features
    head = nn.Linear(width, int(np.max(y)) + 1, rng=rng)
    probe = nn.Sequential(*[layer.freeze() for layer in body], head)
    opt, step = nn.Adam([{"params": [head]}], lr=lr), 0
    while step < steps:
        for xb, yb in data.minibatches(X, y, 32, rng=rng):
            probe.backward(nn.softmax_cross_entropy(probe.forward(xb), yb)[1])
            opt.step()
            step += 1
            if step == steps:
                break
    return nn.accuracy(probe.eval().forward(X_test), y_test)


# ----------------------------------------------------------------------------- figures

def plot_first_layer_filters(W, *, ax: Axes | None = None, title: str | None = None,
                             cols: int = 8) -> Axes:
    """Each column of a first-layer weight matrix ``W`` (64, M) drawn as an 8x8 image.

    Each image is scaled by its own largest |weight| (red positive, blue negative), so the
    pattern of each unit shows whatever its size; the images are tiled on one Axes.
    """
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 2 or W.shape[0] != 64:
        raise ValueError(f"plot_first_layer_filters: W must have shape (64, M), got {W.shape}")
    m = W.shape[1]
    rows = -(-m // cols)
    mosaic = np.full((rows * 9 - 1, cols * 9 - 1), np.nan)
    scale = np.abs(W).max(axis=0)
    scale[scale == 0] = 1.0
    for j in range(m):
        r, c = divmod(j, cols)
        mosaic[9 * r:9 * r + 8, 9 * c:9 * c + 8] = (W[:, j] / scale[j]).reshape(8, 8)
    ax = _axes(ax, figsize=(4.5, 4.5 * rows / cols))
    ax.imshow(mosaic, cmap="RdBu_r", vmin=-1, vmax=1, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel(f"{m} units, 8x8 weights each")
    ax.set_title(title or "first-layer weights")
    return ax


def _check_results(results, func: str) -> None:
    if not isinstance(results, dict) or "curves" not in results:
        raise TypeError(f"{func}: results must be the dict transfer_experiment returns, "
                        f"got {type(results).__name__}")


def plot_digit_rows(rows: dict, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """8x8 images, one row per entry of ``rows`` (label -> array (k, 64), pixels in [0, 1])."""
    if not isinstance(rows, dict) or not rows:
        raise TypeError("plot_digit_rows: rows must be a non-empty dict {label: array (k, 64)}")
    images = [np.asarray(X, dtype=np.float64) for X in rows.values()]
    for label, X in zip(rows, images, strict=True):
        if X.ndim != 2 or X.shape[1] != 64 or len(X) == 0:
            raise ValueError(f"plot_digit_rows: rows[{label!r}] must have shape (k, 64) with "
                             f"k >= 1, got {X.shape}")
    cols = max(len(X) for X in images)
    mosaic = np.full((len(images) * 9 - 1, cols * 9 - 1), np.nan)
    for r, X in enumerate(images):
        for c, x in enumerate(X):
            mosaic[9 * r:9 * r + 8, 9 * c:9 * c + 8] = x.reshape(8, 8)
    ax = _axes(ax, figsize=(1.2 * cols + 2, 1.2 * len(images)))
    ax.imshow(mosaic, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks(9 * np.arange(len(images)) + 3.5, list(rows))
    ax.tick_params(length=0)
    ax.set_title(title or "digits")
    return ax


def plot_transfer_accuracy(results: dict, methods=None, *, ax: Axes | None = None,
                           title: str | None = None, logx: bool = True,
                           compact: bool = False) -> Axes:
    """Final test accuracy against labels per class, mean over seeds with a ±1 std band.

    ``logx=False`` spaces the label counts evenly instead of on a log scale, and
    ``compact=True`` draws no grid and no legend (both faster to draw, for widgets).
    """
    _check_results(results, "plot_transfer_accuracy")
    methods = results["methods"] if methods is None else methods
    ax = _axes(ax, figsize=(6, 4))
    counts = np.array(results["label_counts"])
    x = counts if logx else np.arange(len(counts))
    for m in methods:
        final = results["curves"][m][:, :, -1]  # (counts, seeds)
        mean, std = final.mean(axis=1), final.std(axis=1)
        ax.plot(x, mean, marker="o", color=_COLORS.get(m), label=m)
        ax.fill_between(x, mean - std, mean + std, color=_COLORS.get(m), alpha=0.2)
    if logx:
        ax.set_xscale("log")
        ax.minorticks_off()
    ax.set_xticks(x, [str(c) for c in counts])
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.set_xlabel("labelled images per class" + (" (log scale)" if logx else ""))
    ax.set_ylabel("test accuracy")
    ax.set_title(title or f"Digits 5-9: mean ± std over {len(results['seeds'])} seeds")
    if not compact:
        ax.legend(loc="lower right")
        ax.grid(alpha=0.3)
    return ax


def plot_transfer_curves(results: dict, n_labels: int, methods=None, *, ax: Axes | None = None,
                         title: str | None = None, compact: bool = False) -> Axes:
    """Test accuracy during training (mean over seeds, ±1 std band) for one label count.

    ``compact=True`` draws no grid (faster to draw, for widgets); the legend stays.
    """
    _check_results(results, "plot_transfer_curves")
    if n_labels not in results["label_counts"]:
        raise ValueError(f"plot_transfer_curves: n_labels must be one of "
                         f"{list(results['label_counts'])}, got {n_labels}")
    a = results["label_counts"].index(n_labels)
    methods = results["methods"] if methods is None else methods
    ax = _axes(ax, figsize=(6, 4))
    steps = results["steps"]
    for m in methods:
        runs = results["curves"][m][a]  # (seeds, T)
        mean, std = runs.mean(axis=0), runs.std(axis=0)
        ax.plot(steps, mean, color=_COLORS.get(m), label=m)
        ax.fill_between(steps, mean - std, mean + std, color=_COLORS.get(m), alpha=0.2)
    ax.set_xticks(steps[steps % 50 == 0] if steps[-1] >= 100 else steps)
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.set_xlabel("gradient steps")
    ax.set_ylabel("test accuracy")
    ax.set_ylim(0, 1)
    ax.set_title(title or f"{n_labels} labelled images per class")
    ax.legend(loc="lower right")
    if not compact:
        ax.grid(alpha=0.3)
    return ax


def plot_probe_accuracy(table: dict, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Grouped bars: ``table[task][depth] = accuracy`` of a linear head on each layer's features."""
    if not isinstance(table, dict) or not table:
        raise TypeError("plot_probe_accuracy: table must be a non-empty dict "
                        "{task: {depth label: accuracy}}")
    ax = _axes(ax, figsize=(6, 4))
    depths = list(next(iter(table.values())))
    width = 0.8 / len(table)
    for t, (task, accs) in enumerate(table.items()):
        x = np.arange(len(depths)) + (t - (len(table) - 1) / 2) * width
        values = [accs[d] for d in depths]
        bars = ax.bar(x, values, width, label=task, color=("#1f77b4", "#ff7f0e", "#2ca02c")[t % 3])
        ax.bar_label(bars, labels=[f"{v:.2f}" for v in values], fontsize=11, padding=2)
    ax.set_xticks(np.arange(len(depths)), depths)
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("test accuracy of a new linear head")
    ax.set_title(title or "How useful are each layer's features?")
    ax.legend(loc="lower left")
    return ax
