"""The training run of the backprop chapter's boundary explorer (05)."""

from __future__ import annotations

import numpy as np

from utils import nn

__all__ = ["two_layer_predict", "two_layer_snapshots"]


def two_layer_snapshots(
    X, y, hidden: int, *, epochs: int, every: int, lr: float, batch_size: int, seed: int
) -> dict:
    """Train Linear(D, hidden) -> ReLU -> Linear(hidden, C) with SGD; keep snapshots.

    Parameters
    ----------
    X : numpy.ndarray, shape (N, D)
    y : numpy.ndarray of int, shape (N,)
        Labels ``0 .. C - 1``.
    hidden, epochs : int
    every : int
        Keep the parameters every ``every`` epochs.
    lr : float
        SGD learning rate.
    batch_size, seed : int

    Returns
    -------
    dict
        ``epochs`` (the snapshot epochs, 0 included), ``params`` (a copy of
        ``(W1, b1, W2, b2)`` at each snapshot), ``loss`` and ``accuracy`` (shape
        (epochs + 1,), index 0 before training) and ``stopped_at`` (an epoch if the loss
        stopped being finite).
    """
    rng = np.random.default_rng(seed)
    n_classes = int(y.max()) + 1
    model = nn.Sequential(
        nn.Linear(X.shape[1], hidden, rng=rng), nn.ReLU(), nn.Linear(hidden, n_classes, rng=rng)
    )

    def copy():
        return tuple(model[i].params[k].copy() for i in (0, 2) for k in ("W", "b"))

    with np.errstate(all="ignore"):
        scores = model.forward(X)
    snaps = {
        "epochs": [0],
        "params": [copy()],
        "loss": [nn.softmax_cross_entropy(scores, y)[0]],
        "accuracy": [nn.accuracy(scores, y)],
    }

    def callback(epoch, history, _model):
        snaps["loss"].append(history["train_loss"][-1])
        snaps["accuracy"].append(history["train_metric"][-1])
        if epoch % every == 0:
            snaps["epochs"].append(epoch)
            snaps["params"].append(copy())

    with np.errstate(all="ignore"):
        history = nn.fit(
            model,
            X,
            y,
            optimizer=nn.SGD(model, lr=lr),
            epochs=epochs,
            batch_size=batch_size,
            rng=rng,
            callback=callback,
            metric=nn.accuracy,
        )
    snaps["stopped_at"] = history["stopped_at"]
    snaps["loss"] = np.array(snaps["loss"] + [np.nan] * (epochs + 1 - len(snaps["loss"])))
    snaps["accuracy"] = np.array(
        snaps["accuracy"] + [np.nan] * (epochs + 1 - len(snaps["accuracy"]))
    )
    snaps["epochs"] = np.array(snaps["epochs"])
    return snaps


def two_layer_predict(params):
    """The class predictions of a two-layer ReLU network with these parameters.

    Parameters
    ----------
    params : (W1, b1, W2, b2)
        Shapes (D, H), (H,), (H, C), (C,), as :func:`two_layer_snapshots` keeps them.

    Returns
    -------
    callable
        ``predict(P)``: points of shape (M, D) -> int labels of shape (M,).
    """
    W1, b1, W2, b2 = params

    def predict(P):
        scores = np.maximum(P @ W1 + b1, 0.0) @ W2 + b2
        return scores.argmax(axis=1)

    return predict
