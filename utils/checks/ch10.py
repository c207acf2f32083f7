"""Checks of chapter 10 (Transfer learning).

Exercises: ``ex10_freeze_up_to``, ``ex10_replace_head``, ``ex10_grouped_sgd_step``,
``ex10_evaluate``, ``ex10_fine_tune``.

Every probe builds its model inside ``call`` from sizes and seeds in its inputs (plain data),
so the grader can rebuild the same model in the child process. The references of
``freeze_up_to`` and ``replace_head`` are :func:`utils.nn.freeze_up_to` and
:func:`utils.nn.replace_head`, which the chapter's experiment
(:mod:`utils.experiments.transfer`) uses too; the others are the functions below.

- ``freeze_up_to``: the probe reads the ``frozen`` flag of every ``Linear`` and then takes
  two SGD steps with :class:`utils.nn.SGD` to see which layers actually change, so a freeze
  that sets the wrong attribute (``layer.trainable = False``) is named as "frozen layer still
  updated".
- ``replace_head``: the new head must be exactly ``nn.Linear(in_features, n_classes, rng=rng)``;
  the old head's weights kept or reused, a wrong output size, an appended layer and a
  replaced body layer are each named.
- ``grouped_sgd_step``: random gradients are written into every layer, frozen ones included
  (a frozen layer's gradient is stale in practice), so updating a frozen layer shows; a
  learning rate taken from the wrong group is named.
- ``evaluate`` and ``fine_tune``: the probe's model has a ``Dropout`` layer, so forgetting
  ``eval()`` before measuring, or ``train()`` after it, changes the numbers.
"""

from __future__ import annotations

import numpy as np

from utils import data, nn
from utils.checks import Exercise, Mistake, Probe, compare, register

__all__: list[str] = []


# ------------------------------------------------------------------ references


def _grouped_sgd_step(groups) -> None:
    """``p -= lr * grad`` for every parameter of every layer that is not frozen, per group."""
    for group in groups:
        lr = group["lr"]
        for layer in group["params"]:
            if layer.frozen:
                continue
            for name in layer.params:
                layer.params[name] -= lr * layer.grads[name]


def _evaluate(model, X, y) -> float:
    """Accuracy of ``model`` on ``(X, y)`` in evaluation mode (the model is left in it)."""
    model.eval()
    return nn.accuracy(model.forward(X), y)


def _fine_tune(
    model,
    X,
    y,
    optimizer,
    *,
    X_val,
    y_val,
    epochs: int,
    batch_size: int,
    rng: np.random.Generator,
    kind: str = "right",
) -> list[float]:
    """The fine-tuning loop; ``kind`` selects a known mistake (for the diagnoses)."""
    history = []
    if kind == "train once":
        model.train()
    for _ in range(epochs):
        if kind != "train once":
            model.train()
        shuffle = kind != "no shuffle"
        for xb, yb in data.minibatches(
            X, y, batch_size, rng=rng if shuffle else None, shuffle=shuffle
        ):
            scores = model.forward(xb)
            _, dscores = nn.softmax_cross_entropy(scores, yb)
            if kind == "step before backward":
                optimizer.step()
                model.backward(dscores)
                continue
            model.backward(dscores)
            if kind != "step per epoch":
                optimizer.step()
        if kind == "step per epoch":
            optimizer.step()
        if kind == "no eval":
            history.append(nn.accuracy(model.forward(X_val), y_val))
        elif kind == "train data":
            history.append(_evaluate(model, X, y))
        else:
            history.append(_evaluate(model, X_val, y_val))
    return history


# ------------------------------------------------------------------ shared probe helpers


def _build(sizes, seed: int, *, dropout: float | None = None) -> nn.Sequential:
    """Linear-ReLU-...-Linear through ``sizes``; a Dropout after the first ReLU if asked."""
    rng = np.random.default_rng(int(seed))
    layers: list[nn.Module] = []
    for j, (a, b) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(nn.Linear(int(a), int(b), rng=rng))
        if j < len(sizes) - 2:
            layers.append(nn.ReLU())
            if dropout is not None and j == 0:
                layers.append(nn.Dropout(float(dropout), rng=rng))
    return nn.Sequential(*layers)


def _params_of(model) -> tuple:
    return tuple(
        layer.params[name].copy() for layer in nn.linear_layers(model) for name in ("W", "b")
    )


def _param_names(n_linear: int) -> tuple[str, ...]:
    """The names of the entries of ``_params_of`` for a model with ``n_linear`` Linear layers."""
    return tuple(f"Linear {k + 1} params[{name!r}]" for k in range(n_linear) for name in "Wb")


# ------------------------------------------------------------------ ex10_freeze_up_to


def _freeze_inputs(sizes, k, pre=None):
    def make(rng):
        n_lin = len(sizes) - 1
        pre_frozen = pre if pre is not None else [bool(v) for v in rng.integers(0, 2, n_lin)]
        return {
            "sizes": np.array(sizes),
            "k": int(k),
            "pre": np.array(pre_frozen, dtype=bool),
            "seed": int(rng.integers(0, 2**31)),
            "X": rng.standard_normal((12, sizes[0])),
            "y": rng.integers(0, sizes[-1], 12),
        }

    return make


def _call_freeze(obj, i):
    model = _build(i["sizes"], i["seed"])
    for layer, flag in zip(nn.linear_layers(model), i["pre"], strict=True):
        layer.frozen = bool(flag)
    try:
        out = obj(model, int(i["k"]))
    except ValueError:
        return {"raised ValueError": 1.0}
    before = _params_of(model)
    opt = nn.SGD(model, lr=0.1)
    for _ in range(2):
        model.backward(nn.softmax_cross_entropy(model.forward(i["X"]), i["y"])[1])
        opt.step()
    after = _params_of(model)
    changed = [
        not (
            np.array_equal(before[2 * j], after[2 * j])
            and np.array_equal(before[2 * j + 1], after[2 * j + 1])
        )
        for j in range(len(after) // 2)
    ]
    return {
        "frozen": np.array([layer.frozen for layer in nn.linear_layers(model)]),
        "changed": np.array(changed),
        "returned the model": out is model,
    }


def _expected_freeze(i):
    n_lin, k = len(i["sizes"]) - 1, int(i["k"])
    if not 0 <= k <= n_lin:
        return {"raised ValueError": 1.0}
    frozen = np.arange(n_lin) < k
    return {"frozen": frozen, "changed": ~frozen, "returned the model": True}


def _frozen_pattern(pattern):
    """Matches a result whose ``frozen`` flags are ``pattern(inputs)``."""

    def matches(got, i):
        want = np.asarray(pattern(i), dtype=bool)
        return (
            isinstance(got, dict)
            and "frozen" in got
            and np.array_equal(np.asarray(got["frozen"], dtype=bool), want)
            and not np.array_equal(want, _expected_freeze(i)["frozen"])
        )

    return matches


def _module_index_pattern(i):
    model = _build(i["sizes"], 0)
    return np.array([model.layers.index(layer) < int(i["k"]) for layer in nn.linear_layers(model)])


FREEZE_MISTAKES = (
    Mistake(
        "no error for k out of range",
        "k must lie in [0, number of Linear layers]; raise ValueError('freeze_up_to: ...') "
        "otherwise, instead of silently freezing something else.",
        matches=lambda got, i: (
            isinstance(got, dict)
            and "raised ValueError" not in got
            and not 0 <= int(i["k"]) <= len(i["sizes"]) - 1
        ),
    ),
    Mistake(
        "counted every layer, ReLUs too",
        "k counts Linear layers only: the model alternates Linear and ReLU, so freezing "
        "model.layers[:k] freezes about half as many Linear layers as asked. Walk the "
        "layers, keep those that are nn.Linear, and freeze the first k of them.",
        matches=_frozen_pattern(_module_index_pattern),
    ),
    Mistake(
        "did not unfreeze the layers above k",
        "Layers from index k on must be trainable even if an earlier call froze them: call "
        "layer.unfreeze() on every Linear from the k-th on, not only freeze() below k.",
        matches=_frozen_pattern(
            lambda i: (
                np.asarray(i["pre"], dtype=bool) | (np.arange(len(i["sizes"]) - 1) < int(i["k"]))
            )
        ),
    ),
    Mistake(
        "froze from the top",
        "Freeze the first k layers counted from the INPUT (the generic features), not the "
        "last k: the head and the layers near it are the ones to retrain.",
        matches=_frozen_pattern(
            lambda i: np.arange(len(i["sizes"]) - 1) >= len(i["sizes"]) - 1 - int(i["k"])
        ),
    ),
    Mistake(
        "froze one layer too many",
        "Freeze the Linear layers with index 0, 1, ..., k-1: exactly k of them (range(k)).",
        matches=_frozen_pattern(lambda i: np.arange(len(i["sizes"]) - 1) <= int(i["k"])),
    ),
    Mistake(
        "froze one layer too few",
        "Freeze the Linear layers with index 0, 1, ..., k-1: exactly k of them (range(k)).",
        matches=_frozen_pattern(lambda i: np.arange(len(i["sizes"]) - 1) < int(i["k"]) - 1),
    ),
    Mistake(
        "frozen layer still updated",
        "A layer that should be frozen changed during training: the optimizers skip only "
        "layers whose attribute `frozen` is True. Call layer.freeze() (not, e.g., "
        "layer.trainable = False or requires_grad = False, which nothing reads).",
        matches=lambda got, i: (
            isinstance(got, dict)
            and "changed" in got
            and bool(
                np.any(
                    np.asarray(got["changed"], dtype=bool)
                    & (np.arange(len(i["sizes"]) - 1) < int(i["k"]))
                )
            )
        ),
    ),
    Mistake(
        "did not return the model",
        "Return the model at the end (return model), so that "
        "model = freeze_up_to(model, 2) keeps working.",
        matches=lambda got, i: isinstance(got, dict) and got.get("returned the model") is False,
    ),
)

register(
    Exercise(
        id="ex10_freeze_up_to",
        title="Freeze the first k Linear layers",
        obj_name="freeze_up_to",
        probes=(
            Probe(
                "64-16-8-5 network, k = 2 (a frozen feature extractor)",
                _freeze_inputs((64, 16, 8, 5), 2, [False, False, False]),
                _call_freeze,
                _expected_freeze,
                FREEZE_MISTAKES,
            ),
            Probe(
                "k = 1, after the head and layer 2 had been frozen",
                _freeze_inputs((10, 8, 6, 3), 1, [False, True, True]),
                _call_freeze,
                _expected_freeze,
                FREEZE_MISTAKES,
            ),
            Probe(
                "k = 0 (full fine-tuning) after everything had been frozen",
                _freeze_inputs((6, 5, 4, 3), 0, [True, True, True]),
                _call_freeze,
                _expected_freeze,
                FREEZE_MISTAKES,
            ),
            Probe(
                "k = 3 of 4 Linear layers, random earlier flags",
                _freeze_inputs((9, 8, 7, 6, 2), 3),
                _call_freeze,
                _expected_freeze,
                FREEZE_MISTAKES,
            ),
            Probe(
                "k = 2 on a 2-layer network: everything frozen, the head too",
                _freeze_inputs((5, 4, 3), 2, [False, False]),
                _call_freeze,
                _expected_freeze,
                FREEZE_MISTAKES,
            ),
            Probe(
                "k = 4 on a network with 3 Linear layers raises ValueError",
                _freeze_inputs((5, 4, 4, 3), 4, [False, False, False]),
                _call_freeze,
                _expected_freeze,
                FREEZE_MISTAKES,
            ),
        ),
    )
)


# ------------------------------------------------------------------ ex10_replace_head


def _head_inputs(sizes, n_classes, freeze_body=True):
    def make(rng):
        return {
            "sizes": np.array(sizes),
            "n_classes": int(n_classes),
            "freeze_body": bool(freeze_body),
            "seed": int(rng.integers(0, 2**31)),
            "head_seed": int(rng.integers(0, 2**31)),
            "X": rng.standard_normal((7, sizes[0])),
        }

    return make


def _head_model(i):
    model = _build(i["sizes"], i["seed"])
    if i["freeze_body"]:
        for layer in nn.linear_layers(model)[:-1]:
            layer.freeze()
    return model


def _call_head(obj, i):
    model = _head_model(i)
    n_layers = len(model.layers)
    body = _params_of(model)[:-2]
    out = obj(model, int(i["n_classes"]), rng=np.random.default_rng(i["head_seed"]))
    head = out[-1]
    body_after = _params_of(out)[: len(body)]
    same_body = len(body_after) == len(body) and all(
        np.shape(a) == np.shape(b) and np.array_equal(a, b)
        for a, b in zip(body, body_after, strict=True)
    )
    return {
        "layers added": len(out.layers) - n_layers,
        "body unchanged": same_body,
        "head W": np.asarray(head.params["W"]),
        "head b": np.asarray(head.params["b"]),
        "head frozen": bool(head.frozen),
        "scores": out.forward(i["X"]),
    }


def _expected_head(i):
    model = nn.replace_head(
        _head_model(i), int(i["n_classes"]), rng=np.random.default_rng(i["head_seed"])
    )
    return {
        "layers added": 0,
        "body unchanged": True,
        "head W": model[-1].params["W"],
        "head b": model[-1].params["b"],
        "head frozen": False,
        "scores": model.forward(i["X"]),
    }


def _old_head_W(i):
    return _head_model(i)[-1].params["W"]


def _uses_old_W(got, i) -> bool:
    W, old = np.asarray(got["head W"]), _old_head_W(i)
    if W.shape == old.shape:
        return bool(np.array_equal(W, old))
    rows, cols = min(W.shape[0], old.shape[0]), min(W.shape[1], old.shape[1])
    return W.shape[0] == old.shape[0] and bool(np.array_equal(W[:rows, :cols], old[:rows, :cols]))


HEAD_MISTAKES = (
    Mistake(
        "appended a head instead of replacing the old one",
        "The old head must go: assign model[-1] = nn.Linear(...) (replace the last layer). "
        "Appending keeps the old 5-score head underneath the new one.",
        matches=lambda got, i: isinstance(got, dict) and got.get("layers added", 0) != 0,
    ),
    Mistake(
        "replaced a body layer",
        "Only the last layer (the head) is replaced; the pre-trained layers below must keep "
        "their weights. Use model[-1] = ..., not model[0] or model[-2].",
        matches=lambda got, i: isinstance(got, dict) and got.get("body unchanged") is False,
    ),
    Mistake(
        "old head kept (not re-initialised)",
        "The new head must start from fresh random weights: the old head's weights were "
        "trained for the source classes and mean nothing for the new ones. Build "
        "nn.Linear(model[-1].in_features, n_classes, rng=rng) instead of keeping, slicing "
        "or copying the old W.",
        matches=lambda got, i: isinstance(got, dict) and _uses_old_W(got, i),
    ),
    Mistake(
        "head with the wrong output size",
        "The new head must output one score per NEW class: out_features = n_classes (its "
        "in_features is the old head's in_features, the width of the last hidden layer).",
        matches=lambda got, i: (
            isinstance(got, dict) and np.shape(got["head W"])[1:] != (int(i["n_classes"]),)
        ),
    ),
    Mistake(
        "the new head is frozen",
        "The new head is the part that must learn: leave it trainable (a new nn.Linear is "
        "not frozen; do not copy the old head's frozen flag or call freeze() on it).",
        matches=lambda got, i: isinstance(got, dict) and got.get("head frozen") is True,
    ),
    Mistake(
        "right shape, different draws",
        "The head has the right shape but not the weights nn.Linear(in_features, n_classes, "
        "rng=rng) draws: build it with that call (default He initialization) and the rng "
        "argument, once.",
        matches=lambda got, i: (
            isinstance(got, dict)
            and np.shape(got["head W"]) == (int(i["sizes"][-2]), int(i["n_classes"]))
        ),
    ),
)

HEAD_RAISES = (
    Mistake(
        "did not return the model",
        "Return the model (return model) so that model = replace_head(model, 5, rng=rng) works.",
        raises=TypeError,
    ),
    *HEAD_MISTAKES,
)

register(
    Exercise(
        id="ex10_replace_head",
        title="Replace the head",
        obj_name="replace_head",
        probes=(
            Probe(
                "64-16-8-5 network, a head for 3 new classes",
                _head_inputs((64, 16, 8, 5), 3),
                _call_head,
                _expected_head,
                HEAD_RAISES,
            ),
            Probe(
                "5 new classes as before: the head must still be new",
                _head_inputs((12, 6, 5), 5),
                _call_head,
                _expected_head,
                HEAD_RAISES,
            ),
            Probe(
                "more classes than the source (10 instead of 4)",
                _head_inputs((8, 7, 6, 4), 10, freeze_body=False),
                _call_head,
                _expected_head,
                HEAD_RAISES,
            ),
            Probe(
                "a network with a single Linear layer (the head is the whole network)",
                _head_inputs((6, 2), 4, freeze_body=False),
                _call_head,
                _expected_head,
                HEAD_RAISES,
            ),
        ),
    )
)


# ------------------------------------------------------------------ ex10_grouped_sgd_step


def _sgd_inputs(sizes, groups, lrs, frozen):
    def make(rng):
        return {
            "sizes": np.array(sizes),
            "groups": np.array(groups),
            "lrs": np.array(lrs, float),
            "frozen": np.array(frozen, dtype=bool),
            "seed": int(rng.integers(0, 2**31)),
            "grad_seed": int(rng.integers(0, 2**31)),
        }

    return make


def _sgd_setup(i):
    model = _build(i["sizes"], i["seed"])
    linears = nn.linear_layers(model)
    grad_rng = np.random.default_rng(i["grad_seed"])
    for layer, flag in zip(linears, i["frozen"], strict=True):
        layer.frozen = bool(flag)
        for name in layer.params:  # stale gradients in frozen layers too
            layer.grads[name][...] = grad_rng.standard_normal(layer.params[name].shape)
    groups = [
        {"params": [linears[j] for j in np.flatnonzero(i["groups"] == g)], "lr": float(lr)}
        for g, lr in enumerate(i["lrs"])
    ]
    return model, groups


def _call_sgd(obj, i):
    model, groups = _sgd_setup(i)
    obj(groups)
    return _params_of(model)


def _sgd_variant(i, kind: str = "right"):
    model, groups = _sgd_setup(i)
    lrs = [g["lr"] for g in groups]
    if kind == "reversed":
        lrs = lrs[::-1]
    elif kind == "first":
        lrs = [lrs[0]] * len(lrs)
    elif kind == "last":
        lrs = [lrs[-1]] * len(lrs)
    for group, lr in zip(groups, lrs, strict=True):
        for layer in group["params"]:
            if layer.frozen and kind != "frozen too":
                continue
            for name in layer.params:
                if kind == "W only" and name != "W":
                    continue
                sign = -1.0 if kind == "ascent" else 1.0
                layer.params[name] -= sign * lr * layer.grads[name]
    return _params_of(model)


def _any_variant(*kinds):
    def matches(got, i):
        return any(compare(got, _sgd_variant(i, kind)) is None for kind in kinds)

    return matches


SGD_MISTAKES = (
    Mistake(
        "per-group learning rate applied to the wrong group",
        "Each group has its own 'lr': read it inside the loop over groups "
        "(lr = group['lr']) and use it for that group's layers only. Your steps used "
        "another group's learning rate (the same lr for every group, or the groups' rates "
        "swapped).",
        matches=_any_variant("reversed", "first", "last"),
    ),
    Mistake(
        "frozen layer still updated",
        "Skip the layers whose `frozen` attribute is True (if layer.frozen: continue): a "
        "frozen layer's gradient is stale, and its pre-trained weights must not move.",
        output=lambda i: _sgd_variant(i, "frozen too"),
    ),
    Mistake(
        "added the gradient",
        "Gradient DEScent subtracts: p -= lr * grad. You added it, which climbs the loss.",
        output=lambda i: _sgd_variant(i, "ascent"),
    ),
    Mistake(
        "updated W but not b",
        "Update every parameter of the layer: loop over layer.params (both 'W' and 'b').",
        output=lambda i: _sgd_variant(i, "W only"),
    ),
    Mistake(
        "parameters not changed",
        "The layers' parameters did not change. `p = p - lr * g` only rebinds a local name; "
        "update the array in place (layer.params[name] -= lr * layer.grads[name]).",
        output=lambda i: _params_of(_sgd_setup(i)[0]),
    ),
)

register(
    Exercise(
        id="ex10_grouped_sgd_step",
        title="An SGD step with a learning rate per group",
        obj_name="grouped_sgd_step",
        probes=(
            Probe(
                "body lr 0.001 (first layer frozen), head lr 0.1",
                _sgd_inputs((8, 6, 5, 3), [0, 0, 1], [0.001, 0.1], [True, False, False]),
                _call_sgd,
                lambda i: _sgd_variant(i),
                SGD_MISTAKES,
                outputs=_param_names(3),
            ),
            Probe(
                "three groups, nothing frozen",
                _sgd_inputs(
                    (5, 6, 4, 4, 2), [0, 1, 1, 2], [0.01, 0.2, 1.0], [False, False, False, False]
                ),
                _call_sgd,
                lambda i: _sgd_variant(i),
                SGD_MISTAKES,
                outputs=_param_names(4),
            ),
            Probe(
                "head first in the list of groups, two frozen body layers",
                _sgd_inputs((7, 5, 5, 3), [1, 1, 0], [0.5, 0.003], [True, True, False]),
                _call_sgd,
                lambda i: _sgd_variant(i),
                SGD_MISTAKES,
                outputs=_param_names(3),
            ),
            Probe(
                "every layer frozen: nothing moves",
                _sgd_inputs((4, 3, 2), [0, 1], [0.1, 0.2], [True, True]),
                _call_sgd,
                lambda i: _sgd_variant(i),
                SGD_MISTAKES[1:4],
                outputs=_param_names(2),
            ),
        ),
    )
)


# ------------------------------------------------------------------ ex10_evaluate


def _eval_inputs(n, d, h, c, p, flip):
    def make(rng):
        return {
            "sizes": np.array([d, h, c]),
            "p": float(p),
            "seed": int(rng.integers(0, 2**31)),
            "X": rng.standard_normal((n, d)),
            "flip": float(flip),
            "flip_seed": int(rng.integers(0, 2**31)),
        }

    return make


def _eval_data(i):
    """The model (in training mode) and labels: its eval-mode predictions, some flipped."""
    model = _build(i["sizes"], i["seed"], dropout=i["p"])
    pred = model.eval().forward(i["X"]).argmax(axis=1)
    r = np.random.default_rng(i["flip_seed"])
    c = int(i["sizes"][-1])
    flip = r.random(len(pred)) < i["flip"]
    y = np.where(flip, (pred + 1 + r.integers(0, c - 1, len(pred))) % c, pred)
    return model.train(), y


def _call_eval(obj, i):
    model, y = _eval_data(i)
    acc = obj(model, i["X"], y)
    return float(acc), bool(model.training)


def _expected_eval(i):
    model, y = _eval_data(i)
    return _evaluate(model, i["X"], y), False


def _train_mode_accuracy(i):
    model, y = _eval_data(i)
    return nn.accuracy(model.forward(i["X"]), y), True


EVAL_MISTAKES = (
    Mistake(
        "forgot model.eval() before evaluating",
        "Call model.eval() before the forward pass: in training mode Dropout zeroes random "
        "units, so the accuracy is that of a random thinned network and changes from call "
        "to call. In evaluation mode every unit is used.",
        matches=lambda got, i: (
            isinstance(got, tuple)
            and len(got) == 2
            and got[1] is True
            and not np.isclose(got[0], _expected_eval(i)[0])
        ),
    ),
    Mistake(
        "switched back to training mode",
        "The accuracy is right, but leave the model in evaluation mode (do not call "
        "model.train() at the end): the training loop switches back itself, at the start of "
        "each epoch.",
        matches=lambda got, i: isinstance(got, tuple) and len(got) == 2 and got[1] is True,
    ),
    Mistake(
        "returned the number of correct answers",
        "Return the fraction of correct predictions (a number in [0, 1]), not their count: "
        "divide by the number of rows, or use nn.accuracy(scores, y).",
        matches=lambda got, i: (
            isinstance(got, tuple)
            and len(got) == 2
            and np.isclose(got[0], _expected_eval(i)[0] * len(i["X"]))
        ),
    ),
    Mistake(
        "returned the error rate",
        "Accuracy is the fraction of CORRECT predictions; you returned 1 - accuracy.",
        matches=lambda got, i: (
            isinstance(got, tuple)
            and len(got) == 2
            and np.isclose(got[0], 1.0 - _expected_eval(i)[0])
        ),
    ),
)

register(
    Exercise(
        id="ex10_evaluate",
        title="Accuracy in evaluation mode",
        obj_name="evaluate",
        outputs=("the accuracy", "model.training after the call"),
        probes=(
            Probe(
                "a model with Dropout(0.5), 200 rows, 30% of labels wrong",
                _eval_inputs(200, 6, 16, 3, 0.5, 0.3),
                _call_eval,
                _expected_eval,
                EVAL_MISTAKES,
            ),
            Probe(
                "Dropout(0.2), 5 classes, 60 rows, 10% of labels wrong",
                _eval_inputs(60, 8, 12, 5, 0.2, 0.1),
                _call_eval,
                _expected_eval,
                EVAL_MISTAKES,
            ),
            Probe(
                "every label right: accuracy 1",
                _eval_inputs(40, 4, 10, 2, 0.5, 0.0),
                _call_eval,
                _expected_eval,
                EVAL_MISTAKES,
            ),
        ),
    )
)


# ------------------------------------------------------------------ ex10_fine_tune


def _ft_inputs(n, n_val, sizes, p, epochs, batch_size, lr, freeze_first):
    def make(rng):
        d, c = sizes[0], sizes[-1]
        return {
            "X": rng.standard_normal((n, d)),
            "y": rng.integers(0, c, n),
            "X_val": rng.standard_normal((n_val, d)),
            "y_val": rng.integers(0, c, n_val),
            "sizes": np.array(sizes),
            "p": float(p),
            "epochs": int(epochs),
            "batch_size": int(batch_size),
            "lr": float(lr),
            "freeze_first": bool(freeze_first),
            "seed": int(rng.integers(0, 2**31)),
            "shuffle_seed": int(rng.integers(0, 2**31)),
        }

    return make


def _ft_setup(i):
    model = _build(i["sizes"], i["seed"], dropout=i["p"])
    if i["freeze_first"]:
        nn.linear_layers(model)[0].freeze()
    return model, nn.SGD(model, lr=i["lr"])


def _ft_kwargs(i):
    return {
        "X_val": i["X_val"],
        "y_val": i["y_val"],
        "epochs": int(i["epochs"]),
        "batch_size": int(i["batch_size"]),
        "rng": np.random.default_rng(i["shuffle_seed"]),
    }


def _call_ft(obj, i):
    model, opt = _ft_setup(i)
    history = obj(model, i["X"], i["y"], opt, **_ft_kwargs(i))
    if isinstance(history, list | tuple):
        history = np.array([float(a) for a in history])
    return {"history": history, "params": _params_of(model)}


def _ft_variant(i, kind="right"):
    model, opt = _ft_setup(i)
    history = _fine_tune(model, i["X"], i["y"], opt, kind=kind, **_ft_kwargs(i))
    return {"history": np.array(history), "params": _params_of(model)}


def _params_unchanged(got, i) -> bool:
    start = _params_of(_ft_setup(i)[0])
    return isinstance(got, dict) and compare(got.get("params"), start) is None


FT_MISTAKES = (
    Mistake(
        "forgot model.eval() before evaluation",
        "Measure the validation accuracy in evaluation mode (evaluate(model, X_val, y_val), "
        "which calls model.eval()): with Dropout active the number is that of a random "
        "thinned network, and the masks drawn also change the rest of training.",
        output=lambda i: _ft_variant(i, "no eval"),
    ),
    Mistake(
        "forgot model.train() after evaluating",
        "evaluate leaves the model in evaluation mode: call model.train() at the start of "
        "EVERY epoch, otherwise Dropout is off from the second epoch on.",
        output=lambda i: _ft_variant(i, "train once"),
    ),
    Mistake(
        "stepped before backward (stale gradients)",
        "For each mini-batch: forward, loss gradient, model.backward(dscores), THEN "
        "optimizer.step(). Stepping first uses the previous batch's gradients.",
        output=lambda i: _ft_variant(i, "step before backward"),
    ),
    Mistake(
        "one optimizer step per epoch",
        "Call optimizer.step() inside the loop over mini-batches, once per batch, right "
        "after model.backward: one step per epoch uses only the last batch's gradient.",
        output=lambda i: _ft_variant(i, "step per epoch"),
    ),
    Mistake(
        "did not shuffle with rng",
        "Draw the batches with data.minibatches(X, y, batch_size, rng=rng): a fresh "
        "shuffled order every epoch, from the rng argument.",
        output=lambda i: _ft_variant(i, "no shuffle"),
    ),
    Mistake(
        "evaluated on the training data",
        "After each epoch record the accuracy on the VALIDATION data (X_val, y_val); the "
        "training accuracy says little about new images.",
        output=lambda i: _ft_variant(i, "train data"),
    ),
    Mistake(
        "the parameters never changed",
        "Training did not move any parameter. Check that you call model.backward(dscores) "
        "and optimizer.step() for every batch, and that nothing zeroes the gradients "
        "between backward and step (optimizer.zero_grad() belongs before backward, if "
        "anywhere: backward overwrites the gradients anyway).",
        matches=_params_unchanged,
    ),
    Mistake(
        "returned only the last accuracy",
        "Return the list of validation accuracies, one per epoch.",
        matches=lambda got, i: isinstance(got, dict) and np.ndim(got.get("history")) == 0,
    ),
)

register(
    Exercise(
        id="ex10_fine_tune",
        title="The fine-tuning loop",
        obj_name="fine_tune",
        points=2,
        probes=(
            Probe(
                "3 epochs, batches of 8, Dropout(0.5), first layer frozen",
                _ft_inputs(40, 30, (6, 12, 8, 3), 0.5, 3, 8, 0.2, True),
                _call_ft,
                _ft_variant,
                FT_MISTAKES,
                outputs={"params": ("after training", _param_names(3))},
            ),
            Probe(
                "2 epochs, a last batch smaller than the others, nothing frozen",
                _ft_inputs(23, 20, (5, 10, 4), 0.3, 2, 10, 0.5, False),
                _call_ft,
                _ft_variant,
                FT_MISTAKES,
                outputs={"params": ("after training", _param_names(2))},
            ),
            Probe(
                "1 epoch, one batch holding every row",
                _ft_inputs(16, 50, (4, 8, 2), 0.5, 1, 16, 0.3, False),
                _call_ft,
                _ft_variant,
                FT_MISTAKES,
                outputs={"params": ("after training", _param_names(2))},
            ),
        ),
    )
)
