"""Optimizers (functional and classes) and initializers of utils.nn."""

import functools

import numpy as np
import pytest

from utils import nn

RNG = np.random.default_rng

# Two steps on w = 1 with the gradients 2 then 1, worked out by hand:
#   SGD      lr .1:          1 - .2 = .8;  .8 - .1 = .7
#   Momentum lr .1, beta .9: v = -.2, w = .8;  v = .9(-.2) - .1 = -.28, w = .52
#   Nesterov lr .1, beta .9: v = -.2, w = 1 + 1.9(-.2) = .62;
#                            v = -.28, w = .62 - .9(-.2) + 1.9(-.28) = .268
#   AdaGrad  lr .1:          h = 4, w = 1 - .1*2/2 = .9;  h = 5, w = .9 - .1/sqrt(5)
#   RMSProp  lr .1, rho .9:  h = .4, w = 1 - .2/sqrt(.4);  h = .46, w -= .1/sqrt(.46)
#   Adam     lr .1:          m_hat = 2, v_hat = 4, w = .9;
#                            m = .28, v = .004996, m_hat = .28/.19, v_hat = .004996/.001999
HAND = {
    "sgd": ({"lr": 0.1}, 0.8, 0.7),
    "momentum": ({"lr": 0.1, "beta": 0.9}, 0.8, 0.52),
    "nesterov": ({"lr": 0.1, "beta": 0.9}, 0.62, 0.268),
    "adagrad": ({"lr": 0.1}, 0.9, 0.8552786412),
    "rmsprop": ({"lr": 0.1, "rho": 0.9}, 0.6837722340, 0.5363302850),
    "adam": ({"lr": 0.1}, 0.9, 0.8067820372),
}


@pytest.mark.parametrize("name", list(HAND))
def test_two_steps_by_hand(name):
    hyper, w1, w2 = HAND[name]
    update = nn.UPDATES[name]
    w, state = np.array([1.0]), {}
    w, state = update(w, np.array([2.0]), state, **hyper)
    assert w[0] == pytest.approx(w1, abs=1e-8)
    w, state = update(w, np.array([1.0]), state, **hyper)
    assert w[0] == pytest.approx(w2, abs=1e-8)


def test_adam_bias_correction_matters_on_the_first_step():
    w, _ = nn.adam_update(np.array([1.0]), np.array([2.0]), {}, lr=0.1)
    uncorrected = 1 - 0.1 * 0.2 / (np.sqrt(0.004) + 1e-8)  # m/(sqrt(v)) without correction
    assert w[0] == pytest.approx(0.9) and abs(w[0] - uncorrected) > 0.2


# Keras 3.15.1's Adam(learning_rate=0.01, epsilon=1e-7) on the torch backend in float64,
# from w = [0.5, -0.25, 1, 2], after each of three steps with the gradients below.
KERAS_ADAM_GRADS = [
    [1e-8, -1e-6, 1e-3, 1.0],
    [3e-8, 2e-6, -2e-3, 0.5],
    [-1e-8, 1e-6, 1e-3, -1.0],
]
KERAS_ADAM_W = [
    [0.4999684769081674, -0.24759746926647958, 0.9900315230918326, 1.9900000316226767],
    [0.49987761198904734, -0.24911383088805486, 0.993687387671825, 1.9806782616110625],
    [0.4998274333439786, -0.2513796350417922, 0.9936613288271522, 1.9795704332345168],
]


def test_adam_eps_hat_takes_keras_steps():
    w, state = np.array([0.5, -0.25, 1.0, 2.0]), {}
    plain, plain_state = w.copy(), {}
    for grad, expected in zip(KERAS_ADAM_GRADS, KERAS_ADAM_W, strict=True):
        w, state = nn.adam_update(w, np.array(grad), state, lr=0.01, eps=1e-7, eps_hat=True)
        np.testing.assert_allclose(w, expected, rtol=1e-13, atol=0)
        plain, plain_state = nn.adam_update(plain, np.array(grad), plain_state, lr=0.01, eps=1e-7)
    # eps on the corrected sqrt(v_hat) lets the gradients of 1e-8 and 1e-6 take longer steps.
    assert abs(plain[0] - 0.5) > 10 * abs(w[0] - 0.5)
    assert abs(plain[1] - KERAS_ADAM_W[-1][1]) > 1e-3


def test_adam_eps_hat_is_the_default_form_with_eps_over_sqrt_of_one_minus_beta2_power():
    rng = RNG(3)
    w_hat, s_hat, w_plain, s_plain = rng.standard_normal(5), {}, None, {}
    w_plain = w_hat.copy()
    for t in range(1, 30):
        g = 1e-6 * rng.standard_normal(5)
        w_hat, s_hat = nn.adam_update(w_hat, g, s_hat, lr=0.1, eps=1e-7, eps_hat=True)
        eps_t = 1e-7 / np.sqrt(1 - 0.999**t)
        step, s_plain = nn.adam_update(np.zeros(5), g, s_plain, lr=0.1, eps=eps_t)
        w_plain = w_plain + step
        np.testing.assert_allclose(w_hat, w_plain, rtol=1e-12)


def test_adam_class_takes_eps_hat():
    rng = RNG(0)
    model = nn.Sequential(nn.Linear(3, 2, rng=rng))
    W0 = model[0].params["W"].copy()
    grad = np.full((3, 2), 1e-6)
    model[0].grads["W"][...] = grad
    model[0].grads["b"][...] = 0.0
    nn.Adam(model, lr=0.01, eps=1e-7, eps_hat=True).step()
    expected, _ = nn.adam_update(W0, grad, {}, lr=0.01, eps=1e-7, eps_hat=True)
    np.testing.assert_array_equal(model[0].params["W"], expected)
    with pytest.raises(TypeError, match="Adam: eps_hat must be True or False"):
        nn.Adam(model, eps_hat="keras")


def test_updates_do_not_modify_their_inputs():
    w, dw = np.array([1.0, 2.0]), np.array([0.5, -0.5])
    for update in nn.UPDATES.values():
        state = {}
        update(w, dw, state)
        assert w.tolist() == [1.0, 2.0] and dw.tolist() == [0.5, -0.5] and state == {}


QUADRATIC = np.diag([1.0, 10.0])  # f(w) = w.T A w / 2, minimum at 0


@pytest.mark.parametrize(
    ("name", "hyper"),
    [
        ("sgd", {"lr": 0.05}),
        ("momentum", {"lr": 0.02}),
        ("nesterov", {"lr": 0.02}),
        ("adagrad", {"lr": 0.5}),
        ("rmsprop", {"lr": 0.01}),
        ("adam", {"lr": 0.05}),
    ],
)
def test_every_optimizer_converges_on_a_convex_quadratic(name, hyper):
    w, state = np.array([3.0, -2.0]), {}
    for _ in range(2000):
        w, state = nn.UPDATES[name](w, QUADRATIC @ w, state, **hyper)
    assert np.linalg.norm(w) < 0.05, (name, w)


@pytest.mark.parametrize("cls", [nn.SGD, nn.Momentum, nn.Nesterov, nn.AdaGrad, nn.RMSProp, nn.Adam])
def test_optimizer_classes_update_the_layers_arrays_in_place(cls):
    rng = RNG(0)
    model = nn.Sequential(nn.Linear(3, 4, rng=rng), nn.Tanh(), nn.Linear(4, 2, rng=rng))
    arrays = [layer.params[name] for layer, name in model.parameters()]
    before = [a.copy() for a in arrays]
    opt = cls(model)
    x = rng.standard_normal((5, 3))
    for _ in range(2):
        model.backward(nn.softmax_cross_entropy(model.forward(x), np.array([0, 1, 1, 0, 1]))[1])
        opt.step()
    after = [layer.params[name] for layer, name in model.parameters()]
    assert all(a is b for a, b in zip(arrays, after, strict=True)), "parameters were replaced"
    assert all(not np.array_equal(a, b) for a, b in zip(arrays, before, strict=True))


def test_class_and_functional_forms_agree():
    rng = RNG(1)
    layer = nn.Linear(3, 2, rng=rng)
    W0 = layer.params["W"].copy()
    grads = [rng.standard_normal((3, 2)) for _ in range(3)]
    opt, w, state = nn.Adam(layer, lr=0.01), W0.copy(), {}
    for g in grads:
        layer.grads["W"][...] = g
        layer.grads["b"][...] = 0
        opt.step()
        w, state = nn.adam_update(w, g, state, lr=0.01)
    assert np.allclose(layer.params["W"], w)


def test_weight_decay_adds_lambda_w_to_the_gradient():
    layer = nn.Linear(2, 2, rng=RNG(0))
    W0 = layer.params["W"].copy()
    layer.grads["W"][...] = 0.0
    layer.grads["b"][...] = 0.0
    nn.SGD(layer, lr=0.1, weight_decay=0.5).step()
    assert np.allclose(layer.params["W"], W0 - 0.1 * 0.5 * W0)


def test_fit_trains_with_adam():
    from utils import data

    X, y = data.moons(200, rng=RNG(0))
    rng = RNG(1)
    model = nn.Sequential(nn.Linear(2, 16, rng=rng), nn.ReLU(), nn.Linear(16, 2, rng=rng))
    hist = nn.fit(
        model, X, y, optimizer=nn.Adam(model, lr=0.02), epochs=100, rng=rng, metric=nn.accuracy
    )
    assert hist["train_metric"][-1] > 0.95


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: nn.sgd_update(np.zeros(2), np.zeros(3), {}),
            ValueError,
            r"sgd_update: w and dw must have the same shape, got \(2,\) and \(3,\)",
        ),
        (
            lambda: nn.adam_update(np.zeros(2), np.zeros(2), None),
            TypeError,
            r"adam_update: state must be a dict",
        ),
        (
            lambda: nn.momentum_update(np.zeros(2), np.zeros(2), {}, beta=1.0),
            ValueError,
            r"momentum_update: beta must be in \[0, 1\), got 1.0",
        ),
        (lambda: nn.Adam(nn.Linear(2, 2, rng=RNG(0)), lr=-1), ValueError, r"^Adam: lr must be > 0"),
        (
            lambda: nn.RMSProp(nn.Linear(2, 2, rng=RNG(0)), rho=2),
            ValueError,
            r"^RMSProp: rho must be in \[0, 1\)",
        ),
        (
            lambda: nn.SGD(nn.Linear(2, 2, rng=RNG(0)), weight_decay=-1),
            ValueError,
            r"SGD: weight_decay must be >= 0",
        ),
        (lambda: nn.SGD(nn.Linear(2, 2, rng=RNG(0)), lr=-1), ValueError, r"^SGD: lr must be > 0"),
        (lambda: nn.Momentum("model"), TypeError, r"Momentum: model must be a layer or Sequential"),
    ],
)
def test_optimizers_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ----- initializers -----------------------------------------------------------------------

STATS = [  # (initializer, expected std); normal versions and uniform ones with the same variance
    (nn.xavier_normal, np.sqrt(2 / (1000 + 500))),
    (nn.xavier_uniform, np.sqrt(2 / (1000 + 500))),
    (nn.he_normal, np.sqrt(2 / 1000)),
    (nn.he_uniform, np.sqrt(2 / 1000)),
    (functools.partial(nn.normal, std=0.3), 0.3),
    (functools.partial(nn.uniform, limit=0.3), 0.3 / np.sqrt(3)),
]


@pytest.mark.parametrize(("init", "std"), STATS)
def test_initializer_statistics_shape_and_determinism(init, std):
    W = init(1000, 500, rng=RNG(0))
    assert W.shape == (1000, 500) and W.dtype == np.float64
    assert abs(W.mean()) < 0.01 * std * 10
    assert W.std() == pytest.approx(std, rel=0.01)
    assert np.array_equal(W, init(1000, 500, rng=RNG(0)))
    assert not np.array_equal(W, init(1000, 500, rng=RNG(1)))


def test_uniform_initializers_respect_their_limits():
    assert np.abs(nn.xavier_uniform(300, 100, rng=RNG(0))).max() <= np.sqrt(6 / 400)
    assert np.abs(nn.he_uniform(300, 100, rng=RNG(0))).max() <= np.sqrt(6 / 300)


def test_constant_initializers_and_linear_accepts_names_and_callables():
    assert not nn.zeros(3, 2).any() and (nn.constant(3, 2, value=0.5) == 0.5).all()
    for name in nn.INITIALIZERS:
        layer = nn.Linear(30, 20, rng=RNG(0), init=name)
        assert layer.params["W"].shape == (30, 20)
    layer = nn.Linear(30, 20, rng=RNG(0), init=functools.partial(nn.normal, std=1.0))
    assert layer.params["W"].std() == pytest.approx(1.0, rel=0.1)
    assert np.array_equal(
        nn.Linear(30, 20, rng=RNG(3), init="he").params["W"], nn.he_normal(30, 20, rng=RNG(3))
    )


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: nn.he_normal(0, 3, rng=RNG(0)), ValueError, r"he_normal: fan_in must be >= 1"),
        (
            lambda: nn.xavier_uniform(3, 2.5, rng=RNG(0)),
            TypeError,
            r"xavier_uniform: fan_out must be an int",
        ),
        (lambda: nn.normal(3, 3, rng=RNG(0), std=-1), ValueError, r"normal: std must be >= 0"),
        (
            lambda: nn.he_uniform(3, 3, rng=None),
            TypeError,
            r"he_uniform: rng must be a numpy.random.Generator",
        ),
        (
            lambda: nn.Linear(3, 2, rng=RNG(0), init=lambda n, m, rng: np.zeros((m, n))),
            ValueError,
            r"Linear: init returned shape \(2, 3\), expected \(3, 2\)",
        ),
        (
            lambda: nn.Linear(3, 2, rng=RNG(0), init=3),
            TypeError,
            r"Linear: init must be a name or a callable",
        ),
    ],
)
def test_initializers_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()
