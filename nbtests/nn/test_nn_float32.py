"""utils.nn in float32: dtypes are kept end to end, results agree with float64 to rounding."""

import numpy as np
import pytest

from utils import nn

F32 = np.float32
RNG = np.random.default_rng


def _x(shape=(6, 4), seed=0):
    return RNG(seed).standard_normal(shape).astype(F32)


@pytest.mark.parametrize(
    "func",
    [
        nn.relu,
        nn.sigmoid,
        nn.tanh,
        nn.leaky_relu,
        nn.elu,
        nn.softmax,
        nn.log_softmax,
        nn.step,
        nn.relu_derivative,
        nn.sigmoid_derivative,
        nn.tanh_derivative,
        nn.leaky_relu_derivative,
        nn.elu_derivative,
    ],
)
def test_activations_keep_float32(func):
    assert func(_x()).dtype == F32


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh", "leaky_relu", "elu"])
def test_activation_kernels_keep_float32_both_ways(name):
    x = _x()
    out, cache = getattr(nn, f"{name}_forward")(x)
    dx = getattr(nn, f"{name}_backward")(np.ones_like(out), cache)
    assert out.dtype == F32 and dx.dtype == F32


def test_linear_and_prelu_kernels_keep_float32():
    x, W, b = _x(), _x((4, 3), 1), np.zeros(3, F32)
    out, cache = nn.linear_forward(x, W, b)
    grads = nn.linear_backward(np.ones_like(out), cache)
    assert out.dtype == F32 and all(g.dtype == F32 for g in grads)
    out, cache = nn.prelu_forward(x, np.full(4, 0.25, F32))
    dx, dalpha = nn.prelu_backward(np.ones_like(out), cache)
    assert {out.dtype, dx.dtype, dalpha.dtype} == {np.dtype(F32)}


@pytest.mark.parametrize(
    "target",
    [
        np.array([0, 2, 1, 2, 0, 1]),
        np.eye(3)[[0, 2, 1, 2, 0, 1]],  # float64 one-hot
        np.eye(3, dtype=F32)[[0, 2, 1, 2, 0, 1]],
    ],
    ids=["labels", "one-hot float64", "one-hot float32"],
)
def test_classification_losses_give_float32_gradients(target):
    scores = _x((6, 3))
    loss, grad = nn.softmax_cross_entropy(scores, target)
    assert isinstance(loss, float) and grad.dtype == F32
    loss, grad = nn.cross_entropy(nn.softmax(scores), target)
    assert grad.dtype == F32
    # the same numbers as float64, to float32 rounding
    _, grad64 = nn.softmax_cross_entropy(scores.astype(np.float64), target)
    np.testing.assert_allclose(
        nn.softmax_cross_entropy(scores, target)[1], grad64, rtol=1e-5, atol=1e-7
    )


@pytest.mark.parametrize(
    "loss", [nn.mse_loss, nn.mae_loss, nn.binary_cross_entropy, nn.binary_cross_entropy_with_logits]
)
def test_other_losses_give_float32_gradients(loss):
    pred = nn.sigmoid(_x((5, 2)))
    target = (_x((5, 2), 3) > 0).astype(F32)
    value, grad = loss(pred, target)
    assert isinstance(value, float) and grad.dtype == F32


def test_normalization_and_dropout_kernels_keep_float32():
    x = _x((8, 4))
    g, b = np.ones(4, F32), np.zeros(4, F32)
    rm, rv = np.zeros(4, F32), np.ones(4, F32)
    out, cache = nn.batchnorm_forward(x, g, b, running_mean=rm, running_var=rv)
    grads = nn.batchnorm_backward(np.ones_like(out), cache)
    assert out.dtype == F32 and all(a.dtype == F32 for a in (*grads, rm, rv))
    out, cache = nn.layernorm_forward(x, g, b)
    assert out.dtype == F32 and all(a.dtype == F32 for a in nn.layernorm_backward(out, cache))
    out, cache = nn.dropout_forward(x, 0.5, training=True, rng=RNG(0))
    assert out.dtype == F32 and nn.dropout_backward(out, cache).dtype == F32


def _model(dtype, seed=0, extras=False):
    rng = RNG(seed)
    layers = [nn.Linear(4, 8, rng=rng, dtype=dtype), nn.ReLU()]
    if extras:
        layers += [
            nn.BatchNorm1d(8, dtype=dtype),
            nn.PReLU(8, dtype=dtype),
            nn.LayerNorm(8, dtype=dtype),
            nn.Dropout(0.2, rng=rng),
        ]
    layers += [nn.Linear(8, 3, rng=rng, dtype=dtype)]
    return nn.Sequential(*layers)


@pytest.mark.parametrize("extras", [False, True])
def test_layers_created_in_float32_stay_float32(extras):
    model = _model(F32, extras=extras)
    assert all(layer.params[n].dtype == F32 for layer, n in model.parameters())
    out = model.forward(_x((5, 4)))
    dx = model.backward(np.ones_like(out))
    assert out.dtype == F32 and dx.dtype == F32
    assert all(layer.grads[n].dtype == F32 for layer, n in model.parameters())


def test_default_dtype_is_still_float64():
    model = _model(np.float64, extras=True)
    default = nn.Sequential(
        nn.Linear(4, 8, rng=RNG(0)), nn.BatchNorm1d(8), nn.PReLU(8), nn.LayerNorm(8)
    )
    for m in (model, default):
        assert all(layer.params[n].dtype == np.float64 for layer, n in m.parameters())


def test_float32_weights_are_the_float64_draws_rounded():
    w32 = nn.Linear(5, 7, rng=RNG(3), dtype=F32).params["W"]
    w64 = nn.Linear(5, 7, rng=RNG(3)).params["W"]
    np.testing.assert_array_equal(w32, w64.astype(F32))


@pytest.mark.parametrize("bad", [np.float16, np.int64, "complex128", object])
def test_unsupported_dtype_is_a_type_error_naming_the_layer(bad):
    with pytest.raises(TypeError, match=r"Linear: dtype must be np.float32 or np.float64"):
        nn.Linear(2, 2, rng=RNG(0), dtype=bad)
    with pytest.raises(TypeError, match=r"BatchNorm1d: dtype"):
        nn.BatchNorm1d(2, dtype=bad)


@pytest.mark.parametrize("opt", [nn.SGD, nn.Momentum, nn.Nesterov, nn.AdaGrad, nn.RMSProp, nn.Adam])
def test_every_optimizer_keeps_float32_and_matches_float64(opt):
    runs = {}
    for dtype in (F32, np.float64):
        model = _model(dtype)
        X, y = _x((32, 4), 5).astype(dtype), RNG(6).integers(0, 3, 32)
        nn.fit(
            model,
            X,
            y,
            optimizer=opt(model, lr=0.01, weight_decay=1e-3),
            epochs=3,
            batch_size=8,
            rng=RNG(1),
        )
        runs[dtype] = [layer.params[n] for layer, n in model.parameters()]
    assert all(p.dtype == F32 for p in runs[F32])
    for p32, p64 in zip(runs[F32], runs[np.float64], strict=True):
        np.testing.assert_allclose(p32, p64, rtol=1e-3, atol=1e-4)


def test_float32_training_learns():
    X, y = _x((64, 4), 2), None
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64)
    model = _model(F32, seed=4)
    history = nn.fit(
        model, X, y, optimizer=nn.SGD(model, lr=0.2), epochs=30, batch_size=16, rng=RNG(0)
    )
    assert history["train_loss"][-1] < 0.5 * history["train_loss"][0]


def test_sgd_in_place_step_is_the_functional_update_bit_for_bit():
    for dtype in (F32, np.float64):
        model = nn.Linear(3, 2, rng=RNG(0), dtype=dtype)
        model.forward(_x((4, 3)).astype(dtype))
        model.backward(_x((4, 2), 1).astype(dtype))
        W = model.params["W"]
        expected, _ = nn.sgd_update(W, model.grads["W"] + 0.01 * W, {}, lr=0.3)
        nn.SGD(model, lr=0.3, weight_decay=0.01).step()
        assert model.params["W"] is W  # updated in place
        np.testing.assert_array_equal(W, expected)


def test_sgd_refuses_a_negative_learning_rate_set_later():
    model = nn.Linear(2, 2, rng=RNG(0))
    model.forward(np.ones((1, 2)))
    model.backward(np.ones((1, 2)))
    opt = nn.SGD(model, lr=0.1)
    opt.lr = -1.0
    with pytest.raises(ValueError, match="SGD: lr must be > 0"):
        opt.step()


def test_gradient_checks_stay_float64_only():
    with pytest.raises(TypeError, match="float64"):
        nn.gradcheck_layer(nn.Linear(3, 2, rng=RNG(0), dtype=F32), _x((2, 3)))


@pytest.mark.parametrize("name", sorted(nn.UPDATES))
def test_functional_updates_return_float32_and_float32_state(name):
    w, state = _x((3, 2)), {}
    for _ in range(2):
        w, state = nn.UPDATES[name](w, np.cos(w), state, lr=0.01)
    assert w.dtype == F32
    assert all(v.dtype == F32 for v in state.values() if isinstance(v, np.ndarray))
