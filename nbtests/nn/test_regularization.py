"""Dropout, L1/L2 penalties, batch and layer normalization, early stopping (utils.nn)."""

import numpy as np
import pytest

from utils import data, nn

RNG = np.random.default_rng


def _check(forward, x, *params):
    """Gradient-check f(x, *params) = sum(out * dout) for x and every parameter."""
    out, cache = forward(x, *params)
    dout = RNG(9).standard_normal(out.shape)
    grads = forward.backward(dout, cache)
    grads = grads if isinstance(grads, tuple) else (grads,)
    for k, (target, g) in enumerate(zip((x, *params), grads, strict=False)):

        def f(_, k=k):
            args = [x, *params]
            return float(np.sum(forward(*args)[0] * dout))

        assert nn.gradcheck(f, target, g) < 1e-7, k


class _Op:
    def __init__(self, fwd, bwd):
        self.fwd, self.backward = fwd, bwd

    def __call__(self, *args):
        return self.fwd(*args)


@pytest.mark.parametrize("shape", [(1, 3), (6, 4)])
def test_dropout_with_a_fixed_mask_passes_gradcheck(shape):
    mask = RNG(1).random(shape) > 0.3
    op = _Op(lambda x: nn.dropout_forward(x, 0.3, training=True, mask=mask), nn.dropout_backward)
    _check(op, RNG(2).standard_normal(shape))


@pytest.mark.parametrize("n", [3, 7])  # with N = 2 the output is +-1 whatever x: dx ~ 0
def test_batchnorm_train_mode_passes_gradcheck(n):
    rng = RNG(n)
    op = _Op(lambda x, g, b: nn.batchnorm_forward(x, g, b), nn.batchnorm_backward)
    _check(op, rng.standard_normal((n, 4)) * 3 + 1, rng.uniform(0.5, 2, 4), rng.standard_normal(4))


@pytest.mark.parametrize("n", [1, 5])
def test_layernorm_passes_gradcheck(n):
    rng = RNG(n + 10)
    op = _Op(lambda x, g, b: nn.layernorm_forward(x, g, b), nn.layernorm_backward)
    _check(op, rng.standard_normal((n, 5)) * 2 - 1, rng.uniform(0.5, 2, 5), rng.standard_normal(5))


@pytest.mark.parametrize("make", [lambda: nn.BatchNorm1d(4), lambda: nn.LayerNorm(4)])
def test_norm_layers_pass_gradcheck_layer(make):
    rng = RNG(3)
    layer = make()
    layer.params["gamma"][...] = rng.uniform(0.5, 2, 4)
    layer.params["beta"][...] = rng.standard_normal(4)
    assert max(nn.gradcheck_layer(layer, rng.standard_normal((6, 4))).values()) < 1e-7


@pytest.mark.parametrize("penalty", [nn.l1_penalty, nn.l2_penalty])
def test_loss_with_penalty_terms_passes_gradcheck(penalty):
    rng = RNG(4)
    X, y = rng.standard_normal((8, 3)), rng.integers(0, 2, 8)
    W = rng.standard_normal((3, 2))
    W[0, 0] = 0.5  # keep entries away from 0, where |w| has no derivative

    def total(w):
        loss, _ = nn.softmax_cross_entropy(X @ w, y)
        return loss + penalty([w], 0.1)[0]

    _, dscores = nn.softmax_cross_entropy(X @ W, y)
    analytic = X.T @ dscores + penalty([W], 0.1)[1][0]
    assert nn.gradcheck(total, W, analytic) < 1e-7


def test_penalty_values_by_hand():
    w = [np.array([1.0, -2.0]), np.array([[3.0]])]
    assert nn.l2_penalty(w, 0.5)[0] == 0.5 * (1 + 4 + 9)
    assert nn.l1_penalty(w, 0.5)[0] == 0.5 * (1 + 2 + 3)
    assert nn.l1_penalty([np.zeros(2)], 1.0)[1][0].tolist() == [0.0, 0.0]


def test_l2_penalty_equals_weight_decay_with_half_lambda():
    layer = nn.Linear(3, 2, rng=RNG(0))
    W0 = layer.params["W"].copy()
    layer.grads["W"][...] = 0.0
    layer.grads["b"][...] = 0.0
    nn.SGD(layer, lr=0.1, weight_decay=0.2).step()
    _, (g,) = nn.l2_penalty([W0], 0.1)
    assert np.allclose(layer.params["W"], W0 - 0.1 * g)


def test_dropout_keeps_the_expected_activation_and_is_identity_in_eval():
    layer = nn.Dropout(0.3, rng=RNG(0))
    x = np.ones((2000, 50))
    out = layer.forward(x)
    assert set(np.unique(out)) == {0.0, 1 / 0.7}
    assert abs(out.mean() - 1.0) < 0.01  # 100,000 entries: the std of the mean is ~0.0022
    assert abs((out == 0).mean() - 0.3) < 0.01
    layer.eval()
    assert np.array_equal(layer.forward(x), x)
    assert np.array_equal(layer.backward(np.full_like(x, 2.0)), np.full_like(x, 2.0))


def test_dropout_backward_reuses_the_forward_mask():
    layer = nn.Dropout(0.5, rng=RNG(1))
    x = RNG(2).standard_normal((4, 6))
    out = layer.forward(x)
    dx = layer.backward(np.ones_like(x))
    assert np.array_equal(dx == 0, out == 0)


def test_batchnorm_running_statistics_and_eval_mode():
    rng = RNG(5)
    bn = nn.BatchNorm1d(3, momentum=0.1)
    bn.params["gamma"][...] = [1.0, 2.0, 0.5]
    bn.params["beta"][...] = [0.0, -1.0, 3.0]
    mean, std = np.array([5.0, -2.0, 0.5]), np.array([2.0, 0.5, 3.0])
    for _ in range(300):
        bn.forward(mean + std * rng.standard_normal((64, 3)))
    assert np.allclose(bn.running_mean, mean, atol=0.15)
    assert np.allclose(bn.running_var, std**2, rtol=0.1)
    bn.eval()
    x = mean + std * rng.standard_normal((1, 3))  # a batch of one works in eval
    expected = (
        bn.params["gamma"] * (x - bn.running_mean) / np.sqrt(bn.running_var + bn.eps)
        + bn.params["beta"]
    )
    assert np.allclose(bn.forward(x), expected)


def test_batchnorm_training_normalises_each_feature():
    out, _ = nn.batchnorm_forward(RNG(6).standard_normal((50, 4)) * 7 + 3, np.ones(4), np.zeros(4))
    assert np.allclose(out.mean(axis=0), 0, atol=1e-12) and np.allclose(
        out.std(axis=0), 1, atol=1e-5
    )


def test_layernorm_normalises_each_sample_and_works_for_one():
    out, _ = nn.layernorm_forward(RNG(7).standard_normal((1, 6)) * 5, np.ones(6), np.zeros(6))
    assert np.allclose(out.mean(axis=1), 0) and np.allclose(out.std(axis=1), 1, atol=1e-4)


def test_early_stopping_stops_and_restores_the_best_epoch():
    X, y = data.moons(60, noise=0.35, rng=RNG(0))
    Xv, yv = data.moons(200, noise=0.35, rng=RNG(1))
    rng = RNG(2)
    model = nn.Sequential(
        nn.Linear(2, 128, rng=rng),
        nn.ReLU(),
        nn.Linear(128, 128, rng=rng),
        nn.ReLU(),
        nn.Linear(128, 2, rng=rng),
    )
    es = nn.EarlyStopping(patience=10)
    hist = nn.fit(
        model,
        X,
        y,
        optimizer=nn.Adam(model, lr=0.01),
        epochs=400,
        batch_size=16,
        rng=rng,
        validation=(Xv, yv),
        early_stopping=es,
    )
    best = hist["best_epoch"]
    assert hist["stopped_at"] == best + 10 < 400
    assert min(hist["val_loss"]) == hist["val_loss"][best - 1]
    restored = nn.softmax_cross_entropy(model.eval().forward(Xv), yv)[0]
    assert restored == pytest.approx(hist["val_loss"][best - 1])


def test_early_stopping_restores_batch_norm_running_statistics():
    """With batch norm, the best epoch's validation loss needs its running mean and variance
    too: restoring the parameters alone leaves the statistics of the last epoch."""
    X, y = data.moons(80, noise=0.35, rng=RNG(3))
    Xv, yv = data.moons(200, noise=0.35, rng=RNG(4))
    rng = RNG(5)
    model = nn.Sequential(
        nn.Linear(2, 64, rng=rng),
        nn.BatchNorm1d(64),
        nn.ReLU(),
        nn.Linear(64, 64, rng=rng),
        nn.BatchNorm1d(64),
        nn.ReLU(),
        nn.Linear(64, 2, rng=rng),
    )
    hist = nn.fit(
        model,
        X,
        y,
        optimizer=nn.Adam(model, lr=0.02),
        epochs=300,
        batch_size=16,
        rng=rng,
        validation=(Xv, yv),
        early_stopping=nn.EarlyStopping(patience=15),
    )
    best = hist["best_epoch"]
    assert hist["stopped_at"] == best + 15 < 300
    restored = nn.softmax_cross_entropy(model.eval().forward(Xv), yv)[0]
    assert restored == pytest.approx(hist["val_loss"][best - 1], rel=1e-12)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: nn.Dropout(1.0, rng=RNG(0)), ValueError, r"Dropout: p must be in \[0, 1\)"),
        (
            lambda: nn.Dropout(0.5, rng=None),
            TypeError,
            r"Dropout: rng must be a numpy.random.Generator",
        ),
        (
            lambda: nn.dropout_forward(np.ones(3), 0.5, training=True, mask=np.ones(4, bool)),
            ValueError,
            r"dropout_forward: mask must have shape \(3,\)",
        ),
        (
            lambda: nn.BatchNorm1d(3).forward(np.ones((1, 3))),
            ValueError,
            r"batchnorm_forward: training needs a batch of N >= 2",
        ),
        (
            lambda: nn.BatchNorm1d(3).forward(np.ones((4, 2))),
            ValueError,
            r"BatchNorm1d.forward: x must have shape \(N, 3\), got \(4, 2\)",
        ),
        (
            lambda: nn.batchnorm_forward(np.ones((4, 3)), np.ones(2), np.zeros(3)),
            ValueError,
            r"batchnorm_forward: gamma must have shape \(3,\), got \(2,\)",
        ),
        (
            lambda: nn.batchnorm_forward(np.ones((4, 3)), np.ones(3), np.zeros(3), training=False),
            ValueError,
            r"evaluation mode needs running_mean and running_var",
        ),
        (
            lambda: nn.BatchNorm1d(3, momentum=1.5),
            ValueError,
            r"BatchNorm1d: momentum must be in \[0, 1\)",
        ),
        (
            lambda: nn.layernorm_forward(np.ones(3), np.ones(3), np.zeros(3)),
            ValueError,
            r"layernorm_forward: x must have shape \(N, D\)",
        ),
        (lambda: nn.l2_penalty([np.ones(2)], -1), ValueError, r"l2_penalty: lam must be >= 0"),
        (
            lambda: nn.l1_penalty("w", 0.1),
            TypeError,
            r"l1_penalty: weights must be a list of arrays",
        ),
        (lambda: nn.EarlyStopping(patience=0), ValueError, r"EarlyStopping: patience must be >= 1"),
        (
            lambda: nn.fit(
                nn.ReLU(),
                np.zeros((3, 2)),
                np.zeros(3),
                rng=RNG(0),
                early_stopping=nn.EarlyStopping(),
            ),
            ValueError,
            r"fit: early_stopping needs validation=",
        ),
    ],
)
def test_regularization_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()
