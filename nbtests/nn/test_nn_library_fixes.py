"""utils.nn: gradient checks of true zeros, fit's last batch, ELU far left, error messages,
AdamW, and the library's side of each difference from PyTorch listed in GLOSSARY.md."""

import inspect

import numpy as np
import pytest

from utils import data, nn

RNG = np.random.default_rng


# ----- gradcheck: an absolute floor for gradients that are truly 0 ------------------------


def _linear_bn(seed=0):
    rng = RNG(seed)
    model = nn.Sequential(nn.Linear(3, 4, rng=rng), nn.BatchNorm1d(4))
    x = rng.standard_normal((8, 3))
    y = rng.integers(0, 4, size=8)
    return model, x, y


def _bias_gradient(model, x, y):
    """The bias gradient of the Linear before batch norm, and the loss as a function of b."""
    model.backward(nn.softmax_cross_entropy(model.forward(x), y)[1])
    return (model[0].grads["b"].copy(), lambda _: nn.softmax_cross_entropy(model.forward(x), y)[0])


def test_gradcheck_passes_the_zero_bias_gradient_before_batch_norm():
    # Batch norm subtracts the batch mean, so the bias before it changes nothing: its
    # gradient is exactly 0, and central differences measure only rounding noise.
    model, x, y = _linear_bn()
    db, f = _bias_gradient(model, x, y)
    numeric = nn.numerical_gradient(f, model[0].params["b"])
    assert np.max(np.abs(db)) < 1e-15 and 0 < np.max(np.abs(numeric)) < 1e-9
    assert nn.gradcheck(f, model[0].params["b"], db) == 0.0


@pytest.mark.parametrize(
    "wrong",
    [
        lambda db: db + 1e-6,  # small, but far above the rounding noise
        lambda db: np.full_like(db, 0.05),  # what the bias would get without batch norm
        lambda db: np.where(np.arange(db.size) == 2, np.nan, db),
    ],
    ids=["tiny", "plain", "nan"],
)
def test_gradcheck_still_fails_a_wrong_gradient_where_the_true_one_is_zero(wrong):
    model, x, y = _linear_bn()
    db, f = _bias_gradient(model, x, y)
    with pytest.raises(nn.GradcheckError, match=r"gradcheck: relative error"):
        nn.gradcheck(f, model[0].params["b"], wrong(db))


def test_gradcheck_absolute_floor_follows_f_and_can_be_set():
    # f does not depend on x[1]: its gradient there is 0. |f| is about 4, so the default
    # floor is 1e-14 * 4 / 1e-5 = 4e-9, while the relative test alone (eps = 1e-3 * 2)
    # accepts at most 2e-10 there.
    x = np.array([1.0, 5.0])

    def f(v):
        return float(v[0] ** 2 + 3.0)

    assert nn.gradcheck(f, x, np.array([2.0, 1e-9])) == 0.0
    with pytest.raises(nn.GradcheckError, match=r"at index \(1,\)"):
        nn.gradcheck(f, x, np.array([2.0, 1e-7]))
    with pytest.raises(nn.GradcheckError, match=r"at index \(1,\)"):
        nn.gradcheck(f, x, np.array([2.0, 1e-9]), atol=0.0)
    assert nn.gradcheck(f, x, np.array([2.0, 1e-7]), atol=1e-6) == 0.0
    with pytest.raises(ValueError, match=r"gradcheck: atol must be >= 0 or None, got -1.0"):
        nn.gradcheck(f, x, np.array([2.0, 0.0]), atol=-1)
    assert "atol" in nn.gradcheck.__doc__ and "1e-14" in nn.gradcheck.__doc__


def test_gradcheck_layer_passes_linear_then_batch_norm():
    model, x, _ = _linear_bn(1)
    errors = nn.gradcheck_layer(model, x)
    assert set(errors) == {"x", "0.W", "0.b", "1.gamma", "1.beta"}
    assert max(errors.values()) < 1e-7


def test_gradcheck_layer_still_catches_a_batch_norm_backward_without_its_mean_path():
    class NoMeanPath(nn.BatchNorm1d):
        def backward(self, dout):
            dx = super().backward(dout)
            return dx + (dout * self.params["gamma"]).mean(axis=0) * self._cache[2]

    rng = RNG(2)
    model = nn.Sequential(nn.Linear(3, 4, rng=rng), NoMeanPath(4))
    with pytest.raises(nn.GradcheckError, match=r"^(x|0\.W|0\.b): gradcheck"):
        nn.gradcheck_layer(model, rng.standard_normal((8, 3)))


# ----- fit: a last batch of one row -------------------------------------------------------


class _Recorder(nn.Module):
    """Identity that remembers the rows of every training batch."""

    def __init__(self):
        super().__init__()
        self.batches = []

    def forward(self, x):
        if self.training:
            self.batches.append(x.copy())
        return x

    def backward(self, dout):
        return dout


def _bn_model(rng):
    return nn.Sequential(
        _Recorder(),
        nn.Linear(2, 5, rng=rng),
        nn.BatchNorm1d(5),
        nn.ReLU(),
        nn.Linear(5, 2, rng=rng),
    )


@pytest.mark.parametrize(("n", "sizes"), [(33, [33]), (65, [32, 33]), (97, [32, 32, 33])])
def test_fit_with_batch_norm_merges_a_last_batch_of_one_row(n, sizes):
    X, y = data.moons(n, rng=RNG(0))
    model = _bn_model(RNG(1))
    hist = nn.fit(model, X, y, epochs=2, batch_size=32, rng=RNG(2))
    assert hist.epochs == 2 and np.all(np.isfinite(hist["train_loss"]))
    seen = model[0].batches
    assert [len(b) for b in seen] == sizes * 2
    # every row once per epoch, in the order of the epoch's permutation
    order = RNG(2).permutation(n)
    assert np.array_equal(np.concatenate(seen[: len(sizes)]), X[order])


@pytest.mark.parametrize("n", [31, 32, 34, 64, 66, 100])
def test_fit_cuts_every_other_n_exactly_as_minibatch_indices(n):
    X, y = data.moons(n, rng=RNG(0))
    model = _bn_model(RNG(1))
    nn.fit(model, X, y, epochs=2, batch_size=32, rng=RNG(3))
    rng = RNG(3)
    expected = [X[idx] for _ in range(2) for idx in data.minibatch_indices(n, 32, rng=rng)]
    seen = model[0].batches
    assert len(seen) == len(expected)
    assert all(np.array_equal(a, b) for a, b in zip(seen, expected, strict=True))


def test_fit_documents_what_it_does_with_a_batch_of_one():
    assert "merged into the batch before it" in nn.fit.__doc__


# ----- ELU far in the negative tail -------------------------------------------------------


@pytest.mark.parametrize("alpha", [1.0, 0.5])
def test_elu_backward_is_exact_far_left(alpha):
    x = np.array([-14.0, -20.0, -30.0, -40.0, -700.0])
    dout = np.array([1.0, -2.0, 0.5, 3.0, 1.0])
    _, cache = nn.elu_forward(x, alpha)
    dx = nn.elu_backward(dout, cache)
    exact = dout * alpha * np.exp(x)
    assert np.all(dx != 0.0)
    np.testing.assert_allclose(dx, exact, rtol=1e-14, atol=0)
    np.testing.assert_allclose(dx, dout * nn.elu_derivative(x, alpha), rtol=1e-14, atol=0)


def test_elu_backward_at_minus_20_matches_central_differences():
    # f(x) = -1 + exp(x) near -1: a step of 1e-5 would drown exp(-20) in rounding, so the
    # step is 1e-2 (truncation error h**2 / 6, under 2e-5 relative).
    x, h = np.array([-20.0]), 1e-2
    _, cache = nn.elu_forward(x)
    dx = nn.elu_backward(np.ones(1), cache)
    numeric = (nn.elu(x + h) - nn.elu(x - h)) / (2 * h)
    np.testing.assert_allclose(dx, numeric, rtol=1e-4)


def test_elu_keeps_its_cache_format_and_dtype():
    x = np.array([[-40.0, 0.5]], dtype=np.float32)
    out, (x_cached, out_cached, alpha) = nn.elu_forward(x, 0.7)
    assert x_cached is x and out_cached is out and alpha == 0.7
    dx = nn.elu_backward(np.ones_like(x), (x, out, alpha))
    assert dx.dtype == np.float32 and dx[0, 0] > 0 and dx[0, 1] == 1.0


# ----- error messages ---------------------------------------------------------------------


def test_layer_norm_names_x_and_its_expected_width():
    with pytest.raises(
        ValueError,
        match=r"^LayerNorm\.forward: x must have shape \(N, 3\), "
        r"got \(2, 4\)$",
    ):
        nn.LayerNorm(3).forward(np.zeros((2, 4)))
    with pytest.raises(
        ValueError,
        match=r"layernorm_forward: gamma must have shape \(4,\), "
        r"got \(3,\) \(one entry per feature of x, whose "
        r"shape is \(2, 4\)\)",
    ):
        nn.layernorm_forward(np.zeros((2, 4)), np.ones(3), np.zeros(3))


def _layer():
    return nn.Linear(2, 2, rng=RNG(0))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: nn.Momentum(_layer(), momentum=0.9),
            r"^Momentum\(\.\.\.\): unexpected keyword argument 'momentum'; did you mean beta=\?",
        ),
        (
            lambda: nn.Nesterov(_layer(), lr=0.1, momentum=0.9),
            r"^Nesterov\(\.\.\.\): unexpected keyword argument 'momentum'; did you mean beta=\?",
        ),
        (
            lambda: nn.Adam(_layer(), betas=(0.9, 0.99)),
            r"^Adam\(\.\.\.\): unexpected keyword argument 'betas'; did you mean beta1=\.\.\., "
            r"beta2=\.\.\.\?",
        ),
        (lambda: nn.AdamW(_layer(), betas=(0.9, 0.99)), r"^AdamW\(\.\.\.\): .*did you mean beta1="),
        (
            lambda: nn.RMSProp(_layer(), alpha=0.9),
            r"^RMSProp\(\.\.\.\): unexpected keyword argument 'alpha'; did you mean rho=\?",
        ),
        (lambda: nn.Adam(_layer(), learning_rate=0.1), r"^Adam\(\.\.\.\): .*did you mean lr=\?"),
        (
            lambda: nn.SGD(_layer(), momentum=0.9),
            r"^SGD\(\.\.\.\): unexpected keyword argument 'momentum'; .*Momentum\(model, lr=\.\.\., "
            r"beta=0\.9\)",
        ),
        (lambda: nn.Momentum(_layer(), nesterov=True), r"^Momentum\(\.\.\.\): .*Nesterov\(model"),
        (
            lambda: nn.Momentum([{"params": _layer(), "momentum": 0.9}]),
            r"^Momentum\(\.\.\.\): group 0: unexpected keyword argument 'momentum'; did you mean "
            r"beta=\?",
        ),
        (
            lambda: nn.Adam([{"params": _layer()}, {"params": _layer(), "betas": (0.9, 0.9)}]),
            r"^Adam\(\.\.\.\): group 1: unexpected keyword argument 'betas'; did you mean beta1=",
        ),
        (
            lambda: nn.SGD([{"params": _layer(), "weight_decay": 0.1}]),
            r"^SGD\(\.\.\.\): group 0: .*weight_decay is set once for every group",
        ),
        (
            lambda: nn.Adam(_layer(), foo=1),
            r"^Adam\(\.\.\.\): unexpected keyword argument 'foo'\. Valid keywords: lr, beta1, beta2, "
            r"eps, eps_hat, weight_decay$",
        ),
    ],
)
def test_optimizer_keyword_errors_name_the_class_and_the_keyword_meant(call, message):
    with pytest.raises(TypeError, match=message) as info:
        call()
    assert "_update" not in str(info.value) and "__init__" not in str(info.value)


def test_optimizers_still_copy_and_take_positional_hyperparameters():
    import copy

    opt = nn.Momentum(_layer(), 0.05, 0.8)
    assert opt.hyper == {"lr": 0.05, "beta": 0.8}
    assert copy.deepcopy(opt).hyper == opt.hyper


def test_cross_entropy_refuses_scores_and_points_to_softmax_cross_entropy():
    scores = np.array([[2.0, -1.0, 0.5]])
    with pytest.raises(
        ValueError,
        match=r"^cross_entropy: prob must hold probabilities in "
        r"\[0, 1\].*got values from -1 to 2; for raw scores use "
        r"softmax_cross_entropy",
    ):
        nn.cross_entropy(scores, np.array([0]))
    loss, _ = nn.cross_entropy(nn.softmax(scores), np.array([0]))
    assert loss == pytest.approx(nn.softmax_cross_entropy(scores, np.array([0]))[0])
    assert nn.cross_entropy(np.array([[0.0, 1.0]]), np.array([1]))[0] == 0.0


def test_layers_accept_array_likes_as_the_kernels_do():
    layer = nn.Linear(2, 3, rng=RNG(0))
    rows = [[1.0, 2.0], [3.0, -1.0]]
    expected = layer.forward(np.array(rows))
    for x in (rows, tuple(map(tuple, rows)), [[1, 2], [3, -1]], np.array([[1, 2], [3, -1]])):
        out = layer.forward(x)
        assert out.dtype == np.float64 and np.array_equal(out, expected)
    assert np.array_equal(
        nn.linear_forward(rows, layer.params["W"], layer.params["b"])[0], expected
    )
    assert nn.LayerNorm(2).forward(rows).shape == (2, 2)
    assert nn.BatchNorm1d(2).forward(rows).shape == (2, 2)
    with pytest.raises(
        ValueError,
        match=r"^Linear\.forward: x must have shape \(N, 2\), "
        r"got \(3,\)$",
    ):
        layer.forward([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match=r"^Linear\.forward: x must be a NumPy array, got str"):
        layer.forward("x")


# ----- AdamW ------------------------------------------------------------------------------


def test_adamw_two_steps_by_hand():
    # w = 1, gradients 2 then 1, lr 0.1, weight_decay 0.5, Adam's defaults otherwise.
    # Step 1: m_hat = 2, v_hat = 4, Adam's step 0.1 * 2 / 2 = 0.1 (eps moves it by 5e-10);
    #         w = 1 * (1 - 0.1 * 0.5) - 0.1 = 0.85.
    # Step 2: m = 0.9 * 0.2 + 0.1 * 1 = 0.28, v = 0.999 * 0.004 + 0.001 * 1 = 0.004996;
    #         m_hat = 0.28 / 0.19, v_hat = 0.004996 / 0.001999,
    #         Adam's step 0.1 * m_hat / sqrt(v_hat) = 0.0932179628;
    #         w = 0.85 * 0.95 - 0.0932179628 = 0.7142820372.
    w, state = nn.adamw_update(np.array([1.0]), np.array([2.0]), {}, lr=0.1, weight_decay=0.5)
    assert w[0] == pytest.approx(0.85, abs=1e-8)
    w, state = nn.adamw_update(w, np.array([1.0]), state, lr=0.1, weight_decay=0.5)
    assert w[0] == pytest.approx(0.7142820372, abs=1e-8)
    assert state["t"] == 2


def test_adamw_with_zero_weight_decay_is_adam():
    rng = RNG(4)
    w_adam = w_adamw = rng.standard_normal((3, 2))
    s_adam, s_adamw = {}, {}
    for _ in range(5):
        g = rng.standard_normal((3, 2))
        w_adam, s_adam = nn.adam_update(w_adam, g, s_adam, lr=0.01)
        w_adamw, s_adamw = nn.adamw_update(w_adamw, g, s_adamw, lr=0.01, weight_decay=0.0)
    assert np.array_equal(w_adam, w_adamw)

    models = [
        nn.Sequential(nn.Linear(3, 4, rng=RNG(5)), nn.Tanh(), nn.Linear(4, 2, rng=RNG(6)))
        for _ in range(2)
    ]
    opts = [nn.Adam(models[0], lr=0.01), nn.AdamW(models[1], lr=0.01, weight_decay=0.0)]
    x, y = rng.standard_normal((6, 3)), np.array([0, 1, 1, 0, 1, 0])
    for _ in range(3):
        for model, opt in zip(models, opts, strict=True):
            model.backward(nn.softmax_cross_entropy(model.forward(x), y)[1])
            opt.step()
    for (l0, n0), (l1, n1) in zip(models[0].parameters(), models[1].parameters(), strict=True):
        assert np.array_equal(l0.params[n0], l1.params[n1])


def test_adamw_decay_is_decoupled_from_the_gradient():
    # With a zero gradient Adam's step is 0, so AdamW only shrinks: p * (1 - lr * wd).
    # Coupled decay (wd * p added to the gradient) would instead step about lr * sign(p).
    layer = nn.Linear(3, 2, rng=RNG(7))
    layer.params["b"][...] = [0.5, -2.0]
    before = {k: v.copy() for k, v in layer.params.items()}
    for g in layer.grads.values():
        g[...] = 0.0
    opt = nn.AdamW(layer, lr=0.1, weight_decay=0.2)
    opt.step()
    for k in before:
        np.testing.assert_allclose(layer.params[k], before[k] * (1 - 0.1 * 0.2), rtol=1e-15)
    coupled = nn.Linear(3, 2, rng=RNG(7))
    for g in coupled.grads.values():
        g[...] = 0.0
    nn.Adam(coupled, lr=0.1, weight_decay=0.2).step()
    assert not np.allclose(coupled.params["W"], layer.params["W"])


def test_adamw_class_and_function_agree_and_defaults_are_pytorchs():
    layer = nn.Linear(3, 2, rng=RNG(8))
    W, state = layer.params["W"].copy(), {}
    opt = nn.AdamW(layer, lr=0.01, weight_decay=0.1)
    for g in RNG(9).standard_normal((3, 3, 2)):
        layer.grads["W"][...] = g
        layer.grads["b"][...] = 0.0
        opt.step()
        W, state = nn.adamw_update(W, g, state, lr=0.01, weight_decay=0.1)
    np.testing.assert_allclose(layer.params["W"], W, rtol=1e-14)
    defaults = {
        k: p.default
        for k, p in inspect.signature(nn.AdamW).parameters.items()
        if p.default is not inspect.Parameter.empty
    }
    assert defaults == {
        "lr": 0.001,
        "beta1": 0.9,
        "beta2": 0.999,
        "eps": 1e-8,
        "weight_decay": 0.01,
    }
    assert {"AdamW", "adamw_update"} <= set(nn.__all__)
    assert list(nn.UPDATES) == ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: nn.adamw_update(np.zeros(2), np.zeros(2), {}, weight_decay=-1),
            ValueError,
            r"^adamw_update: weight_decay must be >= 0, got -1.0",
        ),
        (
            lambda: nn.adamw_update(np.zeros(2), np.zeros(2), {}, lr=0),
            ValueError,
            r"^adamw_update: lr must be > 0",
        ),
        (
            lambda: nn.AdamW(_layer(), weight_decay=-1),
            ValueError,
            r"^AdamW: weight_decay must be >= 0",
        ),
        (lambda: nn.AdamW(_layer(), beta2=1.0), ValueError, r"^AdamW: beta2 must be in \[0, 1\)"),
    ],
)
def test_adamw_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ----- our side of each row of GLOSSARY.md's "Coming from PyTorch" table -----------------


def test_batchnorm_running_variance_is_the_biased_one():
    x = RNG(10).standard_normal((5, 3))
    bn = nn.BatchNorm1d(3, momentum=0.5)
    bn.forward(x)
    np.testing.assert_allclose(bn.running_var, 0.5 * 1.0 + 0.5 * x.var(axis=0, ddof=0))


def test_losses_sum_over_outputs_and_average_over_samples():
    rng = RNG(11)
    pred, target = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    assert nn.mse_loss(pred, target)[0] == pytest.approx(3 * np.mean((pred - target) ** 2))
    assert nn.mae_loss(pred, target)[0] == pytest.approx(3 * np.mean(np.abs(pred - target)))
    p, t = nn.sigmoid(pred), (target > 0).astype(float)
    per_entry = -(t * np.log(p) + (1 - t) * np.log(1 - p))
    assert nn.binary_cross_entropy(p, t)[0] == pytest.approx(3 * np.mean(per_entry))
    assert nn.binary_cross_entropy_with_logits(pred, t)[0] == pytest.approx(3 * np.mean(per_entry))


def test_bce_clips_probabilities_so_a_term_is_at_most_minus_log_eps():
    loss, _ = nn.binary_cross_entropy(np.array([0.0]), np.array([1.0]))
    assert loss == pytest.approx(-np.log(nn.EPS)) and loss < 28


def test_momentum_velocity_holds_the_learning_rate():
    # lr 0.1 for two steps, then 0.01, gradient 1 throughout.
    w, state = np.array([0.0]), {}
    for lr in (0.1, 0.1, 0.01):
        w, state = nn.momentum_update(w, np.array([1.0]), state, lr=lr, beta=0.9)
    # here: v = -0.1, -0.19, 0.9 * -0.19 - 0.01 = -0.181
    assert state["v"][0] == pytest.approx(-0.181)
    assert w[0] == pytest.approx(-0.1 - 0.19 - 0.181)
    # PyTorch's form: b = 1, 1.9, 2.71; steps 0.1, 0.19, 0.0271
    assert w[0] != pytest.approx(-0.1 - 0.19 - 0.0271)


def test_default_learning_rates_and_linear_init():
    def default(cls, name):
        return inspect.signature(cls).parameters[name].default

    assert default(nn.SGD, "lr") == 0.01
    assert (default(nn.AdaGrad, "lr"), default(nn.AdaGrad, "eps")) == (0.01, 1e-8)
    layer = nn.Linear(400, 300, rng=RNG(12))
    assert np.std(layer.params["W"]) == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert np.all(layer.params["b"] == 0.0) and layer.params["W"].shape == (400, 300)
