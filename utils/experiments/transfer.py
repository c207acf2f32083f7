"""The transfer-learning experiment of chapter 10: the target task, the runs, the comparisons.

The source network is the one ``python -m utils.pretrain`` trains on digits 0-4 and ships in
``utils/weights/digits_0to4.npz`` (64 -> 64 -> 32 -> 5, ReLU). The target task is digits 5-9
(relabelled 0-4), images the source never saw: the source was trained on digits 0-4 only.

- :func:`transfer_target_data`: the target task, a fixed test set and a pool to draw labels from;
  :func:`transfer_subset` draws a labelled set from the pool;
- :func:`transfer_model`: a network for one method (from scratch, or the pre-trained one with a
  new head and its first k Linear layers frozen, :mod:`utils.nn.transfer`) with its parameter
  groups;
- :func:`transfer_run` / :func:`transfer_experiment`: train and record the test accuracy every
  few steps, for several label counts, methods and seeds; :func:`steps_to_reach` reads a curve;
- :func:`linear_probe_accuracy`: how well the features after the first ``depth`` layers serve
  a new linear head.

The figures of these results are in :mod:`utils.plots.transfer`.
"""

from __future__ import annotations

import numpy as np

from utils import data, nn

__all__ = [
    "TRANSFER_METHODS",
    "linear_probe_accuracy",
    "steps_to_reach",
    "transfer_experiment",
    "transfer_model",
    "transfer_run",
    "transfer_subset",
    "transfer_target_data",
]

#: The methods compared: label -> number of pre-trained Linear layers frozen (None: from
#: scratch, no pre-training). "freeze all" freezes the new head too: nothing can learn.
TRANSFER_METHODS = {
    "from scratch": None,
    "fine-tune all": 0,
    "freeze layer 1": 1,
    "frozen features": 2,
    "freeze all": 3,
}


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
            raise ValueError(
                f"transfer_target_data: test_per_class must be in [1, "
                f"{len(idx) - 1}] (digit {c + 5} has {len(idx)} images), "
                f"got {test_per_class}"
            )
        test.append(idx[:test_per_class])
        pool.append(idx[test_per_class:])
    test_idx, pool_idx = np.sort(np.concatenate(test)), np.sort(np.concatenate(pool))
    return (X[pool_idx], y[pool_idx]), (X[test_idx], y[test_idx])


def transfer_subset(X, y, n_per_class: int, *, rng: np.random.Generator):
    """``n_per_class`` rows of each class of ``(X, y)``, drawn without replacement."""
    counts = np.bincount(y)
    if not 1 <= n_per_class <= counts.min():
        raise ValueError(
            f"transfer_subset: n_per_class must be in [1, {counts.min()}] (the "
            f"smallest class has {counts.min()} rows), got {n_per_class}"
        )
    idx = np.concatenate(
        [rng.choice(np.flatnonzero(y == c), n_per_class, replace=False) for c in range(len(counts))]
    )
    return X[idx], y[idx]


def transfer_model(
    method: str, *, rng: np.random.Generator, lr: float = 0.01, body_lr: float = 0.003
):
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
        raise ValueError(
            f"transfer_model: method must be one of {list(TRANSFER_METHODS)}, got {method!r}"
        )
    if TRANSFER_METHODS[method] is None:
        model = build_model(rng)
        return model, [{"params": model, "lr": lr}]
    model = nn.replace_head(load(WEIGHTS), 5, rng=rng)
    nn.freeze_up_to(model, TRANSFER_METHODS[method])
    return model, nn.head_and_body_groups(model, lr=lr, body_lr=body_lr)


def transfer_run(
    method: str,
    X,
    y,
    X_test,
    y_test,
    *,
    rng: np.random.Generator,
    steps: int = 150,
    eval_every: int = 10,
    batch_size: int = 32,
    lr: float = 0.01,
    body_lr: float = 0.003,
) -> np.ndarray:
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
    if all(layer.frozen for layer in nn.linear_layers(model)):
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


def transfer_experiment(
    label_counts=(10, 50, 130),
    methods=None,
    seeds=(0, 1, 2),
    *,
    data=None,
    steps: int = 150,
    eval_every: int = 10,
    **kwargs,
) -> dict:
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
        raise ValueError(
            f"transfer_experiment: data must hold rows of 64 pixels, got X of "
            f"shapes {X_pool.shape} and {X_test.shape}"
        )
    curves = {m: np.zeros((len(label_counts), len(seeds), steps // eval_every)) for m in methods}
    for a, n in enumerate(label_counts):
        for b, seed in enumerate(seeds):
            X, y = transfer_subset(X_pool, y_pool, n, rng=np.random.default_rng(seed))
            for m in methods:
                curves[m][a, b] = transfer_run(
                    m,
                    X,
                    y,
                    X_test,
                    y_test,
                    rng=np.random.default_rng(1000 + seed),
                    steps=steps,
                    eval_every=eval_every,
                    **kwargs,
                )
    return {
        "label_counts": tuple(label_counts),
        "methods": methods,
        "seeds": tuple(seeds),
        "steps": eval_every * np.arange(1, steps // eval_every + 1),
        "curves": curves,
    }


def steps_to_reach(curve, steps, level: float) -> float:
    """The first step at which ``curve`` reaches ``level`` (``nan`` if it never does)."""
    curve, steps = np.asarray(curve), np.asarray(steps)
    hit = np.flatnonzero(curve >= level)
    return float(steps[hit[0]]) if hit.size else float("nan")


def linear_probe_accuracy(
    model: nn.Sequential,
    depth: int,
    X,
    y,
    X_test,
    y_test,
    *,
    rng: np.random.Generator,
    steps: int = 150,
    lr: float = 0.01,
) -> float:
    """Test accuracy of a new linear head on the features after ``depth`` Linear+ReLU pairs.

    ``depth = 0`` is the raw pixels (a logistic regression). The layers below stay frozen;
    only the head (features -> number of classes) is trained, with Adam, for ``steps`` steps.
    """
    linears = nn.linear_layers(model)
    if not 0 <= depth < len(linears):
        raise ValueError(
            f"linear_probe_accuracy: depth must be in [0, {len(linears) - 1}], got {depth}"
        )
    body = model.layers[: model.layers.index(linears[depth])]
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
