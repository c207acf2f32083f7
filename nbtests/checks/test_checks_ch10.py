"""Chapter 10's checks name each known mistake (solution and stub: test_exercises.py)."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import fails_with_hint as _fails
from helpers import passes

from utils import data, nn
from utils.checks.ch10 import _evaluate, _fine_tune, _grouped_sgd_step

# ------------------------------------------------------------------ ex10_freeze_up_to


def _linears(model):
    return [layer for layer in model.layers if isinstance(layer, nn.Linear)]


def _valid_k(model, k):
    if not 0 <= k <= len(_linears(model)):
        raise ValueError("freeze_up_to: k out of range")


def freeze_counts_modules(model, k):
    _valid_k(model, k)
    for j, layer in enumerate(model.layers):
        layer.freeze() if j < k else layer.unfreeze()
    return model


def freeze_no_unfreeze(model, k):
    _valid_k(model, k)
    for layer in _linears(model)[:k]:
        layer.freeze()
    return model


def freeze_from_top(model, k):
    _valid_k(model, k)
    lin = _linears(model)
    for j, layer in enumerate(lin):
        layer.freeze() if j >= len(lin) - k else layer.unfreeze()
    return model


def freeze_one_too_many(model, k):
    _valid_k(model, k)
    for j, layer in enumerate(_linears(model)):
        layer.freeze() if j <= k else layer.unfreeze()
    return model


def freeze_wrong_attribute(model, k):
    _valid_k(model, k)
    for j, layer in enumerate(_linears(model)):
        layer.frozen = False
        layer.trainable = j >= k
    return model


def freeze_returns_none(model, k):
    nn.freeze_up_to(model, k)


def freeze_no_check(model, k):
    for j, layer in enumerate(_linears(model)):
        layer.freeze() if j < k else layer.unfreeze()
    return model


WRONG_FREEZE_UP_TO = [
    (freeze_counts_modules, "counted every layer, ReLUs too"),
    (freeze_no_unfreeze, "did not unfreeze the layers above k"),
    (freeze_from_top, "froze from the top"),
    (freeze_one_too_many, "froze one layer too many"),
    (freeze_wrong_attribute, "frozen layer still updated"),
    (freeze_returns_none, "did not return the model"),
    (freeze_no_check, "no error for k out of range"),
]


@pytest.mark.parametrize(("wrong", "name"), WRONG_FREEZE_UP_TO)
def test_freeze_up_to_mistakes(wrong, name):
    _fails("ex10_freeze_up_to", wrong, name)


def freeze_via_flags(model, k):  # sets the attribute directly and uses a counter
    n = sum(isinstance(layer, nn.Linear) for layer in model.layers)
    if k not in range(n + 1):
        raise ValueError(f"freeze_up_to: k must be in [0, {n}]")
    seen = 0
    for layer in model.layers:
        if isinstance(layer, nn.Linear):
            layer.frozen = seen < k
            seen += 1
    return model


def test_freeze_up_to_alternatives_pass(capsys):
    passes("ex10_freeze_up_to", freeze_via_flags, capsys)
    passes("ex10_freeze_up_to", nn.freeze_up_to, capsys)


# ------------------------------------------------------------------ ex10_replace_head


def head_kept(model, n_classes, *, rng):
    return model


def head_wrong_size(model, n_classes, *, rng):
    model[-1] = nn.Linear(model[-1].in_features, model[-1].out_features, rng=rng)
    return model


def head_appended(model, n_classes, *, rng):
    model.layers.append(nn.Linear(model[-1].out_features, n_classes, rng=rng))
    return model


def head_sliced_old(model, n_classes, *, rng):
    old = model[-1]
    new = nn.Linear(old.in_features, n_classes, rng=rng)
    cols = min(n_classes, old.out_features)
    new.params["W"][:, :cols] = old.params["W"][:, :cols]
    model[-1] = new
    return model


def head_replaced_body(model, n_classes, *, rng):
    first = model[0]
    model[0] = nn.Linear(first.in_features, first.out_features, rng=rng)
    model[-1] = nn.Linear(model[-1].in_features, n_classes, rng=np.random.default_rng(0))
    return model


def head_frozen(model, n_classes, *, rng):
    model[-1] = nn.Linear(model[-1].in_features, n_classes, rng=rng).freeze()
    return model


def head_xavier(model, n_classes, *, rng):
    model[-1] = nn.Linear(model[-1].in_features, n_classes, rng=rng, init="xavier")
    return model


def head_returns_none(model, n_classes, *, rng):
    model[-1] = nn.Linear(model[-1].in_features, n_classes, rng=rng)


WRONG_REPLACE_HEAD = [
    (head_kept, "old head kept (not re-initialised)"),
    (head_wrong_size, "head with the wrong output size"),
    (head_appended, "appended a head instead of replacing the old one"),
    (head_sliced_old, "old head kept (not re-initialised)"),
    (head_replaced_body, "replaced a body layer"),
    (head_frozen, "the new head is frozen"),
    (head_xavier, "right shape, different draws"),
    (head_returns_none, "did not return the model"),
]


@pytest.mark.parametrize(("wrong", "name"), WRONG_REPLACE_HEAD)
def test_replace_head_mistakes(wrong, name):
    _fails("ex10_replace_head", wrong, name)


def head_by_layers_list(model, n_classes, *, rng):
    model.layers[-1] = nn.Linear(model.layers[-1].params["W"].shape[0], n_classes, rng=rng)
    return model


def test_replace_head_alternatives_pass(capsys):
    passes("ex10_replace_head", head_by_layers_list, capsys)
    passes("ex10_replace_head", nn.replace_head, capsys)


# ------------------------------------------------------------------ ex10_grouped_sgd_step


def sgd_first_lr(groups):
    lr = groups[0]["lr"]
    for group in groups:
        for layer in group["params"]:
            if not layer.frozen:
                for name in layer.params:
                    layer.params[name] -= lr * layer.grads[name]


def sgd_last_lr(groups):  # the loop variable leaks: every layer gets the last group's lr
    lr = None
    for group in groups:
        lr = group["lr"]
    for group in groups:
        for layer in group["params"]:
            if not layer.frozen:
                for name in layer.params:
                    layer.params[name] -= lr * layer.grads[name]


def sgd_frozen_too(groups):
    for group in groups:
        for layer in group["params"]:
            for name in layer.params:
                layer.params[name] -= group["lr"] * layer.grads[name]


def sgd_ascent(groups):
    for group in groups:
        for layer in group["params"]:
            if not layer.frozen:
                for name in layer.params:
                    layer.params[name] += group["lr"] * layer.grads[name]


def sgd_w_only(groups):
    for group in groups:
        for layer in group["params"]:
            if not layer.frozen:
                layer.params["W"] -= group["lr"] * layer.grads["W"]


def sgd_rebinds(groups):
    for group in groups:
        for layer in group["params"]:
            if not layer.frozen:
                for name in layer.params:
                    p = layer.params[name]
                    p = p - group["lr"] * layer.grads[name]  # noqa: F841 (the mistake)


WRONG_GROUPED_SGD_STEP = [
    (sgd_first_lr, "per-group learning rate applied to the wrong group"),
    (sgd_last_lr, "per-group learning rate applied to the wrong group"),
    (sgd_frozen_too, "frozen layer still updated"),
    (sgd_ascent, "added the gradient"),
    (sgd_w_only, "updated W but not b"),
    (sgd_rebinds, "parameters not changed"),
]


@pytest.mark.parametrize(("wrong", "name"), WRONG_GROUPED_SGD_STEP)
def test_grouped_sgd_step_mistakes(wrong, name):
    _fails("ex10_grouped_sgd_step", wrong, name)


def sgd_with_library_update(groups):  # new arrays put back into the dict: also correct
    for group in groups:
        for layer, name in (pair for m in group["params"] for pair in m.parameters()):
            if not layer.frozen:
                layer.params[name] = nn.sgd_update(
                    layer.params[name], layer.grads[name], {}, lr=group["lr"]
                )[0]


def test_grouped_sgd_step_alternatives_pass(capsys):
    passes("ex10_grouped_sgd_step", sgd_with_library_update, capsys)
    passes("ex10_grouped_sgd_step", _grouped_sgd_step, capsys)


# ------------------------------------------------------------------ ex10_evaluate


def eval_no_eval(model, X, y):
    return nn.accuracy(model.forward(X), y)


def eval_count(model, X, y):
    model.eval()
    return float(np.sum(model.forward(X).argmax(axis=1) == y))


def eval_error_rate(model, X, y):
    model.eval()
    return 1.0 - nn.accuracy(model.forward(X), y)


def eval_restores_mode(model, X, y):
    model.eval()
    acc = nn.accuracy(model.forward(X), y)
    model.train()
    return acc


WRONG_EVALUATE = [
    (eval_no_eval, "forgot model.eval() before evaluating"),
    (eval_count, "returned the number of correct answers"),
    (eval_error_rate, "returned the error rate"),
    (eval_restores_mode, "switched back to training mode"),
]


@pytest.mark.parametrize(("wrong", "name"), WRONG_EVALUATE)
def test_evaluate_mistakes(wrong, name):
    _fails("ex10_evaluate", wrong, name)


def eval_by_hand(model, X, y):
    model.eval()
    return float(np.mean(np.argmax(model(X), axis=1) == y))


def test_evaluate_alternatives_pass(capsys):
    passes("ex10_evaluate", eval_by_hand, capsys)
    passes("ex10_evaluate", _evaluate, capsys)


# ------------------------------------------------------------------ ex10_fine_tune


def _loop(kind):
    def fine_tune(model, X, y, optimizer, *, X_val, y_val, epochs, batch_size, rng):
        return _fine_tune(
            model,
            X,
            y,
            optimizer,
            X_val=X_val,
            y_val=y_val,
            epochs=epochs,
            batch_size=batch_size,
            rng=rng,
            kind=kind,
        )

    return fine_tune


def ft_zero_grad_between(model, X, y, optimizer, *, X_val, y_val, epochs, batch_size, rng):
    history = []
    for _ in range(epochs):
        model.train()
        for xb, yb in data.minibatches(X, y, batch_size, rng=rng):
            model.backward(nn.softmax_cross_entropy(model.forward(xb), yb)[1])
            optimizer.zero_grad()
            optimizer.step()
        history.append(_evaluate(model, X_val, y_val))
    return history


def ft_last_only(model, X, y, optimizer, *, X_val, y_val, epochs, batch_size, rng):
    return _fine_tune(
        model,
        X,
        y,
        optimizer,
        X_val=X_val,
        y_val=y_val,
        epochs=epochs,
        batch_size=batch_size,
        rng=rng,
    )[-1]


WRONG_FINE_TUNE = [
    (_loop("no eval"), "forgot model.eval() before evaluation"),
    (_loop("train once"), "forgot model.train() after evaluating"),
    (_loop("step before backward"), "stepped before backward (stale gradients)"),
    (_loop("step per epoch"), "one optimizer step per epoch"),
    (_loop("no shuffle"), "did not shuffle with rng"),
    (_loop("train data"), "evaluated on the training data"),
    (ft_zero_grad_between, "the parameters never changed"),
    (ft_last_only, "returned only the last accuracy"),
]


@pytest.mark.parametrize(("wrong", "name"), WRONG_FINE_TUNE)
def test_fine_tune_mistakes(wrong, name):
    _fails("ex10_fine_tune", wrong, name)


def ft_zero_grad_first(model, X, y, optimizer, *, X_val, y_val, epochs, batch_size, rng):
    history = []
    for _ in range(epochs):
        model.train()
        for xb, yb in data.minibatches(X, y, batch_size, rng=rng):
            optimizer.zero_grad()  # harmless before backward
            scores = model(xb)
            model.backward(nn.softmax_cross_entropy(scores, yb)[1])
            optimizer.step()
        model.eval()
        history.append(nn.accuracy(model(X_val), y_val))
    return tuple(history)


def test_fine_tune_alternatives_pass(capsys):
    passes("ex10_fine_tune", ft_zero_grad_first, capsys)
    passes("ex10_fine_tune", _loop("right"), capsys)


def test_dropout_makes_the_eval_probe_sensitive():
    """The evaluate probe's model gives another accuracy in training mode (else the check
    could not see a missing eval())."""
    from utils.checks.ch10 import _eval_data, _eval_inputs, _expected_eval

    i = _eval_inputs(200, 6, 16, 3, 0.5, 0.3)(np.random.default_rng(0))
    model, y = _eval_data(i)
    assert nn.accuracy(model.forward(i["X"]), y) != _expected_eval(i)[0]


# The known-wrong answers of each exercise, (answer, hint name) pairs: also run by
# test_probe_coverage.py under the grader's inputs.
WRONG_ANSWERS = {
    "ex10_freeze_up_to": WRONG_FREEZE_UP_TO,
    "ex10_replace_head": WRONG_REPLACE_HEAD,
    "ex10_grouped_sgd_step": WRONG_GROUPED_SGD_STEP,
    "ex10_evaluate": WRONG_EVALUATE,
    "ex10_fine_tune": WRONG_FINE_TUNE,
}
