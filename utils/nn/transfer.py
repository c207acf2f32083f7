"""Transfer learning on a ``Sequential``: freeze the first Linear layers, a new head, groups.

A pre-trained network is reused on a new task by replacing its last Linear layer (the head)
with a fresh one for the new classes, keeping some of the first Linear layers fixed, and
training the rest with a smaller learning rate than the new head.
"""

from __future__ import annotations

import numpy as np

from utils.nn.layers import Linear, Sequential


def linear_layers(model: Sequential) -> list[Linear]:
    """The ``Linear`` layers of ``model`` (its direct layers), from the input to the head."""
    return [layer for layer in model.layers if isinstance(layer, Linear)]


def freeze_up_to(model: Sequential, k: int) -> Sequential:
    """Freeze the first ``k`` Linear layers (from the input) and unfreeze the others.

    Parameters
    ----------
    model : Sequential
    k : int in [0, number of Linear layers]
        ``0`` fine-tunes everything; the number of Linear layers freezes the head too.

    Returns
    -------
    Sequential
        ``model`` itself (changed in place).
    """
    linears = linear_layers(model)
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 0 <= k <= len(linears):
        raise ValueError(
            f"freeze_up_to: k must be an int in [0, {len(linears)}] (the model "
            f"has {len(linears)} Linear layers), got {k!r}"
        )
    for j, layer in enumerate(linears):
        if j < k:
            layer.freeze()
        else:
            layer.unfreeze()
    return model


def replace_head(model: Sequential, n_classes: int, *, rng: np.random.Generator) -> Sequential:
    """Replace the last layer (a Linear) by a new ``Linear(in_features, n_classes, rng=rng)``.

    The new head has the old head's input width and fresh weights (He initialization, biases
    0); the model is changed in place and returned.
    """
    old = model[-1]
    if not isinstance(old, Linear):
        raise TypeError(f"replace_head: the last layer must be a Linear, got {type(old).__name__}")
    model[-1] = Linear(old.in_features, n_classes, rng=rng)
    return model


def head_and_body_groups(model: Sequential, *, lr: float, body_lr: float) -> list[dict]:
    """Two parameter groups for an optimizer: the body's Linear layers, then the head.

    Returns
    -------
    list of dict
        ``[{"params": Linear layers but the last, "lr": body_lr}, {"params": [head], "lr": lr}]``,
        as :class:`utils.nn.Optimizer` takes them (frozen layers are skipped by the optimizer).
    """
    linears = linear_layers(model)
    if not linears:
        raise ValueError("head_and_body_groups: the model has no Linear layer")
    return [{"params": linears[:-1], "lr": body_lr}, {"params": [linears[-1]], "lr": lr}]
