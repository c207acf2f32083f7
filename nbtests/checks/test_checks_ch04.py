"""Chapter 04's checks name each known mistake (solution and stub: test_exercises.py)."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import exercise_namespace
from helpers import fails_with_hint as _fails

from utils import nn
from utils.checks import check
from utils.checks.ch04 import _logistic_gradient, _train_logistic


@pytest.fixture(scope="module")
def solution():
    return exercise_namespace("04", student=False)


@pytest.fixture(scope="module")
def student():
    return exercise_namespace("04", student=True)


def test_reference_gradient_passes_gradcheck():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((15, 3)), rng.integers(0, 2, 15)
    w, b = rng.standard_normal(3), 0.2
    dw, _ = _logistic_gradient(X, y, w, b)
    nn.gradcheck(
        lambda v: nn.binary_cross_entropy_with_logits(X @ v + b, y.astype(float))[0], w.copy(), dw
    )


# ------------------------------------------------------------ ex04_numerical_gradient


def numgrad_forward(f, x, h=1e-5):
    grad = np.zeros_like(x)
    fx = f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f(x) - fx) / h
        x[i] = old
    return grad


def numgrad_no_restore(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] += h
        fp = f(x)
        x[i] -= 2 * h
        fm = f(x)
        grad[i] = (fp - fm) / (2 * h)
    return grad


def numgrad_over_h(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        fp = f(x)
        x[i] = old - h
        fm = f(x)
        x[i] = old
        grad[i] = (fp - fm) / h
    return grad


def numgrad_fixed_h(f, x, h=1e-5):
    return numgrad_over_h(f, x, 1e-5) / 2


def numgrad_copies(f, x, h=1e-5):  # correct, with copies instead of in-place changes
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        grad[i] = (f(x + e) - f(x - e)) / (2 * h)
    return grad


def numgrad_three_calls(f, x, h=1e-5):
    grad = numgrad_copies(f, x, h)
    for _ in np.ndindex(x.shape):
        f(x)
    return grad


WRONG_NUMERICAL_GRADIENT = [
    (numgrad_forward, "forward difference (f(x+h) - f(x)) / h"),
    (numgrad_no_restore, "forgot to restore x"),
    (numgrad_over_h, "divided by h instead of 2h"),
    (numgrad_fixed_h, "ignored the h argument"),
    (numgrad_three_calls, "called f more than twice per entry"),
]


@pytest.mark.parametrize("wrong, name", WRONG_NUMERICAL_GRADIENT)
def test_numerical_gradient_mistakes(wrong, name):
    _fails("ex04_numerical_gradient", wrong, name)


def test_numerical_gradient_with_copies_passes(capsys):
    check("ex04_numerical_gradient", numgrad_copies)
    assert "5/5 checks passed" in capsys.readouterr().out


# ------------------------------------------------------------ ex04_gd_step


def step_in_place(w, grad, lr):
    w -= lr * grad


WRONG_GD_STEP = [
    (lambda w, g, lr: w + lr * g, "moved uphill (w + lr * grad)"),
    (lambda w, g, lr: w - g, "forgot the learning rate"),
    (lambda w, g, lr: w - g / lr, "divided by the learning rate"),
    (lambda w, g, lr: w - lr, "subtracted lr without the gradient"),
    (step_in_place, "returned nothing (updated w in place?)"),
]


@pytest.mark.parametrize("wrong, name", WRONG_GD_STEP)
def test_gd_step_mistakes(wrong, name):
    _fails("ex04_gd_step", wrong, name)


# ------------------------------------------------------------ ex04_logistic_gradient


def _naive_sigmoid(z):
    return 1 / (1 + np.exp(-z))


def grad_no_mean(X, y, w, b):
    r = nn.sigmoid(X @ w + b) - y
    return X.T @ r, r.sum()


def grad_transposed(X, y, w, b):
    r = nn.sigmoid(X @ w + b) - y
    return X @ r / len(y), r.mean()


def grad_sign(X, y, w, b):
    r = y - nn.sigmoid(X @ w + b)
    return X.T @ r / len(y), r.mean()


def grad_no_sigmoid(X, y, w, b):
    r = X @ w + b - y
    return X.T @ r / len(y), r.mean()


def grad_db_vector(X, y, w, b):
    r = nn.sigmoid(X @ w + b) - y
    return X.T @ r / len(y), r / len(y)


def grad_naive(X, y, w, b):
    r = _naive_sigmoid(X @ w + b) - y
    return X.T @ r / len(y), r.mean()


def grad_only_dw(X, y, w, b):
    return X.T @ (nn.sigmoid(X @ w + b) - y) / len(y)


WRONG_LOGISTIC_GRADIENT = [
    (grad_no_mean, "forgot to divide by N"),
    (grad_transposed, "transposed (X @ (p - y) instead of X.T @ (p - y))"),
    (grad_sign, "sign flipped (y - p instead of p - y)"),
    (grad_no_sigmoid, "forgot the sigmoid (used z - y)"),
    (grad_db_vector, "db not summed over the batch"),
    (grad_naive, "naive sigmoid overflows"),
    (grad_only_dw, "not a pair (dw, db)"),
]


@pytest.mark.parametrize("wrong, name", WRONG_LOGISTIC_GRADIENT)
def test_logistic_gradient_mistakes(wrong, name):
    _fails("ex04_logistic_gradient", wrong, name)


# ------------------------------------------------------------ ex04_minibatch_indices


def batches_drop_last(n, bs, rng):
    order = rng.permutation(n)
    return [order[k * bs : (k + 1) * bs] for k in range(max(n // bs, 1))]


def batches_with_replacement(n, bs, rng):
    order = rng.integers(0, n, size=n)
    return [order[s : s + bs] for s in range(0, n, bs)]


def batches_unshuffled(n, bs, rng):
    return [np.arange(s, min(s + bs, n)) for s in range(0, n, bs)]


def batches_fixed_seed(n, bs, rng):
    order = np.random.default_rng(0).permutation(n)
    return [order[s : s + bs] for s in range(0, n, bs)]


def batches_global_state(n, bs, rng):
    order = np.random.permutation(n)  # noqa: NPY002 (the mistake under test)
    return [order[s : s + bs] for s in range(0, n, bs)]


def batches_choice(n, bs, rng):  # a valid shuffle, but not rng.permutation's
    order = rng.choice(n, size=n, replace=False)
    return np.array_split(order, range(bs, n, bs))


WRONG_MINIBATCH = [
    (batches_drop_last, "dropped the last partial batch"),
    (batches_with_replacement, "repeated samples (sampling with replacement)"),
    (batches_unshuffled, "not shuffled"),
    (batches_fixed_seed, "same order every epoch"),
    (batches_global_state, "ignored the rng argument"),
    (batches_choice, "shuffled with something other than rng.permutation(n)"),
]


@pytest.mark.parametrize("wrong, name", WRONG_MINIBATCH)
def test_minibatch_mistakes(wrong, name):
    _fails("ex04_minibatch_indices", wrong, name)


def test_minibatch_generator_version_passes(capsys):
    def gen(n, bs, rng):
        order = rng.permutation(n)
        for s in range(0, n, bs):
            yield order[s : s + bs]

    check("ex04_minibatch_indices", gen)
    assert "checks passed" in capsys.readouterr().out


# ------------------------------------------------------------ ex04_train_logistic


def _grad(X, y, w, b):
    r = nn.sigmoid(X @ w + b) - y
    return X.T @ r / len(y), float(r.mean())


def _loss(X, y, w, b):
    return nn.binary_cross_entropy_with_logits(X @ w + b, y.astype(float))[0]


def train_loop(
    X,
    y,
    lr=0.1,
    epochs=10,
    batch_size=32,
    *,
    rng,
    shuffle="each",
    inside=True,
    rows="batch",
    loss_on="all",
    mean=True,
    drop=False,
):
    n = X.shape[0]
    w, b = np.zeros(X.shape[1]), 0.0
    once = rng.permutation(n) if shuffle == "once" else None
    losses = []
    for _ in range(epochs):
        order = {"each": None, "once": once, "none": np.arange(n)}[shuffle]
        if order is None:
            order = rng.permutation(n)
        starts = range(
            0, n - n % batch_size if drop and n % batch_size and n > batch_size else n, batch_size
        )
        for s in starts:
            idx = order[s : s + batch_size] if rows == "batch" else np.arange(n)
            dw, db = _grad(X[idx], y[idx], w, b)
            if not mean:
                dw, db = dw * len(idx), db * len(idx)
            if inside:
                w, b = w - lr * dw, b - lr * db
        if not inside:
            w, b = w - lr * dw, b - lr * db
        losses.append(_loss(X, y, w, b) if loss_on == "all" else _loss(X[idx], y[idx], w, b))
    return w, b, np.array(losses)


def _variant(**kw):
    def train(X, y, lr=0.1, epochs=10, batch_size=32, *, rng):
        return train_loop(X, y, lr, epochs, batch_size, rng=rng, **kw)

    return train


def train_full_gd(X, y, lr=0.1, epochs=10, batch_size=32, *, rng):
    w, b, losses = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        dw, db = _grad(X, y, w, b)
        w, b = w - lr * dw, b - lr * db
        losses.append(_loss(X, y, w, b))
    return w, b, losses


def train_loss_before(X, y, lr=0.1, epochs=10, batch_size=32, *, rng):
    w, b, losses = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        losses.append(_loss(X, y, w, b))
        order = rng.permutation(X.shape[0])
        for s in range(0, X.shape[0], batch_size):
            idx = order[s : s + batch_size]
            dw, db = _grad(X[idx], y[idx], w, b)
            w, b = w - lr * dw, b - lr * db
    return w, b, losses


def train_two_things(X, y, lr=0.1, epochs=10, batch_size=32, *, rng):
    return train_loop(X, y, lr, epochs, batch_size, rng=rng)[:2]


def test_train_loop_in_tests_matches_the_reference():
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((37, 2)), rng.integers(0, 2, 37)
    ours = train_loop(X, y, 0.3, 4, 8, rng=np.random.default_rng(5))
    ref = _train_logistic(X, y, lr=0.3, epochs=4, batch_size=8, rng=np.random.default_rng(5))
    assert np.allclose(ours[0], ref[0]) and np.allclose(ours[2], ref[2])


WRONG_TRAIN = [
    (_variant(shuffle="none"), "no shuffling"),
    (_variant(shuffle="once"), "shuffled once, not every epoch"),
    (_variant(inside=False), "one update per epoch (the update is outside the mini-batch loop)"),
    (train_full_gd, "used the full batch (one step on all N samples per epoch)"),
    (_variant(rows="all"), "used the full batch at every update (X instead of X[idx])"),
    (_variant(drop=True), "dropped the last partial batch"),
    (_variant(mean=False), "summed the gradient over the batch instead of averaging"),
    (train_loss_before, "loss recorded before the epoch's updates"),
    (_variant(loss_on="batch"), "loss recorded on the last mini-batch only"),
    (train_two_things, "not a triple (w, b, losses)"),
]


@pytest.mark.parametrize("wrong, name", WRONG_TRAIN)
def test_train_mistakes(wrong, name):
    _fails("ex04_train_logistic", wrong, name)


def test_train_reference_loop_passes(capsys):
    def train(X, y, lr=0.1, epochs=10, batch_size=32, *, rng):
        w, b, losses = np.zeros(X.shape[1]), 0.0, []
        for _ in range(epochs):
            order = rng.permutation(len(X))
            for s in range(0, len(X), batch_size):
                idx = order[s : s + batch_size]
                dw, db = _grad(X[idx], y[idx], w, b)
                w -= lr * dw
                b -= lr * db
            losses.append(_loss(X, y, w, b))
        return w, b, losses

    check("ex04_train_logistic", train)
    assert "checks passed" in capsys.readouterr().out


# The known-wrong answers of each exercise, (answer, hint name) pairs: also run by
# test_probe_coverage.py under the grader's inputs.
WRONG_ANSWERS = {
    "ex04_numerical_gradient": WRONG_NUMERICAL_GRADIENT,
    "ex04_gd_step": WRONG_GD_STEP,
    "ex04_logistic_gradient": WRONG_LOGISTIC_GRADIENT,
    "ex04_minibatch_indices": WRONG_MINIBATCH,
    "ex04_train_logistic": WRONG_TRAIN,
}
