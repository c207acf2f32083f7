"""utils.nn: every kernel and loss against central differences, extremes, properties, errors."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from utils import nn

SHAPES = [(1, 1), (1, 4), (3, 5), (7, 2)]
TOL = 1e-7


def _rng(*key):
    return np.random.default_rng(abs(hash(key)) % 2**32)


def _away_from_kinks(x):
    """Move entries within 1e-3 of 0 away, so central differences do not straddle a kink."""
    return np.where(np.abs(x) < 1e-3, 0.1, x)


def _check_kernel(forward, backward, x, *extra):
    out, cache = forward(x, *extra)
    dout = _rng("dout", x.shape).standard_normal(out.shape)
    dx = backward(dout, cache)
    dx = dx[0] if isinstance(dx, tuple) else dx
    return nn.gradcheck(lambda v: float(np.sum(forward(v, *extra)[0] * dout)), x, dx, tol=TOL)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(
    ("forward", "backward", "extra"),
    [
        (nn.relu_forward, nn.relu_backward, ()),
        (nn.sigmoid_forward, nn.sigmoid_backward, ()),
        (nn.tanh_forward, nn.tanh_backward, ()),
        (nn.leaky_relu_forward, nn.leaky_relu_backward, (0.01,)),
        (nn.leaky_relu_forward, nn.leaky_relu_backward, (0.3,)),
        (nn.elu_forward, nn.elu_backward, (1.0,)),
        (nn.elu_forward, nn.elu_backward, (0.5,)),
    ],
    ids=["relu", "sigmoid", "tanh", "leaky0.01", "leaky0.3", "elu1", "elu0.5"],
)
def test_activation_kernels_pass_gradcheck(forward, backward, extra, shape):
    x = _away_from_kinks(_rng(forward.__name__, shape).standard_normal(shape) * 2)
    assert _check_kernel(forward, backward, x, *extra) < TOL


@pytest.mark.parametrize("shape", SHAPES)
def test_linear_kernel_passes_gradcheck_for_x_w_and_b(shape):
    rng = _rng("linear", shape)
    n, d = shape
    x, W, b = rng.standard_normal((n, d)), rng.standard_normal((d, 3)), rng.standard_normal(3)
    out, cache = nn.linear_forward(x, W, b)
    dout = rng.standard_normal(out.shape)
    dx, dW, db = nn.linear_backward(dout, cache)
    assert (dx.shape, dW.shape, db.shape) == (x.shape, W.shape, b.shape)
    nn.gradcheck(lambda v: float(np.sum(nn.linear_forward(v, W, b)[0] * dout)), x, dx)
    nn.gradcheck(lambda v: float(np.sum(nn.linear_forward(x, v, b)[0] * dout)), W, dW)
    nn.gradcheck(lambda v: float(np.sum(nn.linear_forward(x, W, v)[0] * dout)), b, db)


@pytest.mark.parametrize("shape", SHAPES)
def test_prelu_gradients_for_x_and_alpha(shape):
    rng = _rng("prelu", shape)
    x = _away_from_kinks(rng.standard_normal(shape))
    alpha = rng.uniform(0.05, 0.5, shape[1])
    out, cache = nn.prelu_forward(x, alpha)
    dout = rng.standard_normal(out.shape)
    dx, dalpha = nn.prelu_backward(dout, cache)
    nn.gradcheck(lambda v: float(np.sum(nn.prelu_forward(v, alpha)[0] * dout)), x, dx)
    nn.gradcheck(lambda v: float(np.sum(nn.prelu_forward(x, v)[0] * dout)), alpha, dalpha)


def _probs(rng, shape):
    return nn.sigmoid(rng.standard_normal(shape))


@pytest.mark.parametrize("shape", [(1,), (5,), (1, 3), (4, 3)])
@pytest.mark.parametrize("loss", ["mse", "mse_half", "mae", "bce", "bce_logits"])
def test_losses_pass_gradcheck(loss, shape):
    rng = _rng(loss, shape)
    pred = rng.standard_normal(shape)
    if loss == "bce":
        pred = _probs(rng, shape)
        target = (rng.uniform(size=shape) > 0.5).astype(float)
        f = nn.binary_cross_entropy
    elif loss == "bce_logits":
        target = (rng.uniform(size=shape) > 0.5).astype(float)
        f = nn.binary_cross_entropy_with_logits
    else:
        target = rng.standard_normal(shape)
        f = {
            "mse": nn.mse_loss,
            "mae": nn.mae_loss,
            "mse_half": lambda p, t: nn.mse_loss(p, t, half=True),
        }[loss]
    value, grad = f(pred, target)
    assert isinstance(value, float)
    nn.gradcheck(lambda v: f(v, target)[0], pred, grad)


@pytest.mark.parametrize("n", [1, 4])
@pytest.mark.parametrize("labels", ["int", "onehot"])
def test_classification_losses_pass_gradcheck(n, labels):
    rng = _rng("ce", n, labels)
    scores = rng.standard_normal((n, 5))
    y = rng.integers(0, 5, n)
    target = y if labels == "int" else np.eye(5)[y]
    value, grad = nn.softmax_cross_entropy(scores, target)
    nn.gradcheck(lambda v: nn.softmax_cross_entropy(v, target)[0], scores, grad)
    # log p has large higher derivatives near p = 0: central differences need p not tiny
    probs = nn.softmax(0.5 * scores)
    value, _ = nn.softmax_cross_entropy(0.5 * scores, target)
    value2, grad2 = nn.cross_entropy(probs, target)
    assert np.isclose(value, value2)
    nn.gradcheck(lambda v: nn.cross_entropy(v, target)[0], probs, grad2)


def test_loss_values_by_hand():
    assert nn.mse_loss(np.array([1.0, 3.0]), np.array([0.0, 0.0]))[0] == 5.0  # (1 + 9) / 2
    assert nn.mse_loss(np.array([1.0, 3.0]), np.zeros(2), half=True)[0] == 2.5
    assert nn.mae_loss(np.array([1.0, -3.0]), np.zeros(2))[0] == 2.0
    loss, _ = nn.binary_cross_entropy(np.array([0.5]), np.array([1.0]))
    assert np.isclose(loss, np.log(2))
    s = np.array([[3.2, 5.1, -1.7]])  # cat, car, frog
    p = nn.softmax(s)
    assert np.allclose(p, [[0.13, 0.87, 0.00]], atol=0.005)
    assert np.isclose(nn.softmax_cross_entropy(s, np.array([0]))[0], -np.log(p[0, 0]))


EXTREME = np.array([[-1000.0, -30.0, 0.0, 30.0, 1000.0]])


@pytest.mark.parametrize(
    "func",
    [
        nn.sigmoid,
        nn.sigmoid_derivative,
        nn.tanh,
        nn.tanh_derivative,
        nn.relu,
        nn.leaky_relu,
        nn.elu,
        nn.elu_derivative,
        nn.softmax,
        nn.log_softmax,
        nn.step,
    ],
)
def test_activations_are_finite_and_silent_at_plus_minus_1000(func):
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        out = func(EXTREME)
    assert np.all(np.isfinite(out))


def test_sigmoid_extremes_are_exact():
    assert nn.sigmoid(EXTREME)[0, 0] == 0.0 and nn.sigmoid(EXTREME)[0, -1] == 1.0


@pytest.mark.parametrize(
    "call",
    [
        lambda: nn.softmax_cross_entropy(EXTREME, np.array([0])),
        lambda: nn.softmax_cross_entropy(EXTREME, np.array([4])),
        lambda: nn.binary_cross_entropy_with_logits(EXTREME, np.array([[1.0, 0, 1, 0, 1]])),
        lambda: nn.binary_cross_entropy(
            np.array([0.0, 1.0, 0.0, 1.0]), np.array([0.0, 1.0, 1.0, 0.0])
        ),
        lambda: nn.cross_entropy(np.array([[0.0, 1.0]]), np.array([0])),
    ],
)
def test_losses_are_finite_and_silent_at_extremes(call):
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        loss, grad = call()
    assert np.isfinite(loss) and np.all(np.isfinite(grad))


def test_stable_bce_matches_the_direct_formula_where_both_work():
    z = np.linspace(-10, 10, 21)
    t = (np.arange(21) % 2).astype(float)
    stable, _ = nn.binary_cross_entropy_with_logits(z, t)
    direct, _ = nn.binary_cross_entropy(nn.sigmoid(z), t)
    assert np.isclose(stable, direct, rtol=1e-9)


scores = arrays(
    np.float64,
    st.tuples(st.integers(1, 6), st.integers(1, 6)),
    elements=st.floats(-500, 500, allow_nan=False),
)


@settings(max_examples=60, deadline=None)
@given(scores, st.floats(-500, 500))
def test_softmax_rows_sum_to_one_and_are_shift_invariant(s, c):
    p = nn.softmax(s)
    assert np.all(p >= 0) and np.allclose(p.sum(axis=1), 1.0)
    assert np.allclose(nn.softmax(s + c), p, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(scores, st.data())
def test_cross_entropy_of_a_one_hot_is_minus_log_p_of_the_class(s, data):
    n, c = s.shape
    y = np.array(data.draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    loss, _ = nn.softmax_cross_entropy(s, y)
    expected = -np.mean(nn.log_softmax(s)[np.arange(n), y])
    assert np.isclose(loss, expected, rtol=1e-10, atol=1e-12)


def test_gradcheck_names_the_worst_entry_and_refuses_float32():
    x = np.array([1.0, 2.0, 3.0])
    wrong = 2 * x
    wrong[1] += 0.5
    with pytest.raises(nn.GradcheckError, match=r"at index \(1,\): analytic 4.5, numerical 4"):
        nn.gradcheck(lambda v: float(np.sum(v**2)), x, wrong)
    with pytest.raises(TypeError, match="must be a float64 NumPy array"):
        nn.gradcheck(lambda v: float(np.sum(v**2)), x.astype(np.float32), wrong)
    assert nn.gradcheck(lambda v: float(np.sum(v**2)), x, 2 * x) < 1e-8


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: nn.linear_forward(np.zeros((2, 8, 8)), np.zeros((64, 3)), np.zeros(3)),
            ValueError,
            r"linear_forward: x must have shape \(N, D\), got \(2, 8, 8\)",
        ),
        (
            lambda: nn.linear_forward(np.zeros((2, 4)), np.zeros((3, 5)), np.zeros(5)),
            ValueError,
            r"linear_forward: W must have shape \(4, M\) to match x of shape \(2, 4\), got \(3, 5\)",
        ),
        (
            lambda: nn.linear_forward(np.zeros((2, 4)), np.zeros((4, 5)), np.zeros(4)),
            ValueError,
            r"linear_forward: b must have shape \(5,\)",
        ),
        (
            lambda: nn.linear_backward(np.zeros((2, 4)), (np.zeros((2, 3)), np.zeros((3, 5)))),
            ValueError,
            r"linear_backward: dout must have shape \(2, 5\), got \(2, 4\)",
        ),
        (lambda: nn.sigmoid("abc"), TypeError, r"sigmoid: x must be a NumPy array, got str"),
        (lambda: nn.relu(np.array(["a"])), TypeError, r"relu: x must hold real numbers"),
        (lambda: nn.softmax(np.zeros(3)), ValueError, r"softmax: x must have shape \(N, D\)"),
        (lambda: nn.leaky_relu(np.zeros(3), alpha=-1), ValueError, r"alpha must be >= 0"),
        (
            lambda: nn.prelu_forward(np.zeros((2, 3)), np.zeros(2)),
            ValueError,
            r"prelu_forward: alpha must have shape \(3,\)",
        ),
        (
            lambda: nn.relu_backward(np.zeros(3), np.zeros(4)),
            ValueError,
            r"relu_backward: dout must have shape \(4,\), got \(3,\)",
        ),
        (
            lambda: nn.mse_loss(np.zeros((3, 1)), np.zeros(3)),
            ValueError,
            r"mse_loss: pred and target must have the same shape, got \(3, 1\) and \(3,\)",
        ),
        (
            lambda: nn.binary_cross_entropy(np.array([1.5]), np.array([1.0])),
            ValueError,
            r"must lie in \[0, 1\]",
        ),
        (
            lambda: nn.softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 3])),
            ValueError,
            r"labels must lie in \[0, 2\], got values from 0 to 3",
        ),
        (
            lambda: nn.softmax_cross_entropy(np.zeros((2, 3)), np.array([0.0, 1.0])),
            ValueError,
            r"integer labels must have shape \(2,\) and an integer dtype",
        ),
        (
            lambda: nn.cross_entropy(np.zeros((2, 3)), np.zeros((2, 4))),
            ValueError,
            r"one-hot targets must have shape \(2, 3\), got \(2, 4\)",
        ),
    ],
)
def test_nn_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()
