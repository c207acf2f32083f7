"""utils.nn layers, Sequential, SGD and fit; utils.data splits, scaling, labels, batches."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils import data, nn

RNG = np.random.default_rng


@pytest.mark.parametrize("n", [1, 5])
@pytest.mark.parametrize(
    "make",
    [
        lambda r: nn.Linear(4, 3, rng=r),
        lambda r: nn.ReLU(),
        lambda r: nn.Sigmoid(),
        lambda r: nn.Tanh(),
        lambda r: nn.LeakyReLU(0.1),
        lambda r: nn.ELU(0.7),
        lambda r: nn.PReLU(4),
        lambda r: nn.Sequential(nn.Linear(4, 6, rng=r), nn.Tanh(), nn.Linear(6, 3, rng=r)),
    ],
    ids=["linear", "relu", "sigmoid", "tanh", "leaky", "elu", "prelu", "sequential"],
)
def test_every_layer_passes_gradcheck(make, n):
    rng = RNG(n)
    layer = make(rng)
    x = rng.standard_normal((n, 4))
    x = np.where(np.abs(x) < 1e-3, 0.1, x)
    errors = nn.gradcheck_layer(layer, x, rng=rng)
    assert max(errors.values()) < 1e-7


def test_gradcheck_layer_catches_a_wrong_backward():
    class BadLinear(nn.Linear):
        def backward(self, dout):
            dx = super().backward(dout)
            self.grads["b"] = dout.mean(axis=0)  # should be a sum over the batch
            return dx

    with pytest.raises(nn.GradcheckError, match=r"^b: gradcheck: relative error"):
        nn.gradcheck_layer(BadLinear(3, 2, rng=RNG(0)), RNG(1).standard_normal((4, 3)))


def test_sgd_updates_in_place_and_the_layer_sees_it():
    rng = RNG(0)
    model = nn.Sequential(nn.Linear(3, 2, rng=rng))
    W = model[0].params["W"]
    before = W.copy()
    model.forward(rng.standard_normal((5, 3)))
    model.backward(np.ones((5, 2)))
    grad = model[0].grads["W"].copy()
    nn.SGD(model, lr=0.5).step()
    assert model[0].params["W"] is W, "the optimizer replaced the array instead of updating it"
    assert np.allclose(W, before - 0.5 * grad)
    nn.SGD(model, lr=0.5).zero_grad()
    assert not model[0].grads["W"].any()


def test_train_and_eval_propagate_through_sequential():
    model = nn.Sequential(nn.Linear(2, 2, rng=RNG(0)), nn.ReLU())
    model.eval()
    assert not model.training and not any(layer.training for layer in model)
    model.train()
    assert all(layer.training for layer in model)


def test_fit_learns_moons_and_records_history():
    X, y = data.moons(300, noise=0.1, rng=RNG(0))
    rng = RNG(1)
    model = nn.Sequential(nn.Linear(2, 32, rng=rng), nn.Tanh(), nn.Linear(32, 2, rng=rng))
    seen = []
    hist = nn.fit(
        model,
        X,
        y,
        optimizer=nn.SGD(model, lr=0.5),
        epochs=60,
        batch_size=32,
        rng=rng,
        validation=(X[:50], y[:50]),
        metric=nn.accuracy,
        callback=lambda e, h, m: seen.append(e),
    )
    assert hist.epochs == 60 and len(hist["val_loss"]) == 60 and seen == list(range(1, 61))
    assert hist["train_loss"][-1] < 0.5 * hist["train_loss"][0]
    assert hist["train_metric"][-1] > 0.95


def test_fit_is_deterministic_and_the_callback_can_stop_it():
    X, y = data.xor(80, rng=RNG(0))

    def run():
        rng = RNG(5)
        model = nn.Sequential(nn.Linear(2, 8, rng=rng), nn.ReLU(), nn.Linear(8, 2, rng=rng))
        return nn.fit(
            model, X, y, epochs=5, batch_size=16, rng=rng, callback=lambda e, h, m: e == 3
        )

    first, second = run(), run()
    assert first["train_loss"] == second["train_loss"]
    assert first["stopped_at"] == 3 and first.epochs == 3


def test_fit_stops_when_the_loss_diverges():
    x = RNG(0).uniform(-1, 1, (40, 1))
    t = 3 * x
    model = nn.Sequential(nn.Linear(1, 1, rng=RNG(0)))
    with np.errstate(all="ignore"):
        hist = nn.fit(
            model,
            x,
            t,
            loss=nn.mse_loss,
            optimizer=nn.SGD(model, lr=50.0),
            epochs=200,
            batch_size=40,
            rng=RNG(0),
        )
    assert hist["stopped_at"] is not None and hist.epochs < 200


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: nn.Linear(64, 3, rng=RNG(0)).forward(np.zeros((32, 8, 8))),
            ValueError,
            r"Linear.forward: x must have shape \(N, 64\), got \(32, 8, 8\)",
        ),
        (
            lambda: nn.Linear(2, 3, rng=0),
            TypeError,
            r"Linear: rng must be a numpy.random.Generator",
        ),
        (
            lambda: nn.Linear(2, 3, rng=RNG(0), init="glorot"),
            ValueError,
            r"Linear: init must be one of \['constant', 'he', 'he_normal'",
        ),
        (lambda: nn.Linear(0, 3, rng=RNG(0)), ValueError, r"Linear: in_features must be >= 1"),
        (
            lambda: nn.ReLU().backward(np.zeros(3)),
            RuntimeError,
            r"ReLU.backward: call forward first",
        ),
        (
            lambda: nn.Sequential(nn.ReLU(), "relu"),
            TypeError,
            r"Sequential: layer 1 must be a layer",
        ),
        (lambda: nn.SGD(nn.ReLU(), lr=-1), ValueError, r"SGD: lr must be > 0"),
        (
            lambda: nn.gradcheck_layer(nn.ReLU(), np.zeros((2, 2), np.float32)),
            TypeError,
            r"gradcheck_layer: x must be a float64 array",
        ),
        (
            lambda: nn.fit(nn.ReLU(), np.zeros((3, 2)), np.zeros(2), rng=RNG(0)),
            ValueError,
            r"fit: X has 3 rows but y has 2",
        ),
        (
            lambda: nn.accuracy(np.zeros((3, 2)), np.zeros(4)),
            ValueError,
            r"accuracy: y must have shape",
        ),
    ],
)
def test_layers_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ----- data utilities ---------------------------------------------------------------------


def test_split_sizes_disjointness_and_stratification():
    X, y = data.load_wine()
    (Xtr, ytr), (Xva, yva), (Xte, yte) = data.train_val_test_split(
        X, y, val=0.2, test=0.2, stratify=True, rng=RNG(0)
    )
    assert len(ytr) + len(yva) + len(yte) == len(y)
    rows = {tuple(r) for r in Xtr} | {tuple(r) for r in Xva} | {tuple(r) for r in Xte}
    assert len(rows) == len(y)
    share = np.bincount(y) / len(y)
    for part in (ytr, yva, yte):
        assert np.allclose(np.bincount(part, minlength=3) / len(part), share, atol=0.04)


def test_scalers_are_fitted_on_training_data_only():
    rng = RNG(0)
    train, test = rng.normal(5, 2, (100, 3)), rng.normal(50, 2, (10, 3))
    sc = data.StandardScaler().fit(train)
    assert np.allclose(sc.transform(train).mean(axis=0), 0)
    assert np.allclose(sc.transform(train).std(axis=0), 1)
    assert sc.transform(test).mean() > 10  # the test set keeps its shift: no leakage
    mm = data.MinMaxScaler().fit(train)
    assert mm.transform(train).min() == 0 and mm.transform(train).max() == 1
    const = np.ones((4, 2))
    assert np.all(data.StandardScaler().fit_transform(const) == 0)
    assert np.all(data.MinMaxScaler().fit_transform(const) == 0)


def test_one_hot_round_trip():
    y = np.array([2, 0, 1, 2])
    Y = data.one_hot(y, 4)
    assert Y.shape == (4, 4) and np.array_equal(data.from_one_hot(Y), y)


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 300), st.integers(1, 64), st.integers(0, 2**31))
def test_minibatch_indices_yield_every_index_exactly_once(n, batch_size, seed):
    batches = list(data.minibatch_indices(n, batch_size, rng=RNG(seed)))
    flat = np.concatenate(batches)
    assert np.array_equal(np.sort(flat), np.arange(n))
    assert all(len(b) == batch_size for b in batches[:-1])
    assert len(batches[-1]) == (n % batch_size or batch_size)


def test_minibatches_shuffle_differently_each_epoch():
    rng = RNG(0)
    first = np.concatenate(list(data.minibatch_indices(50, 10, rng=rng)))
    second = np.concatenate(list(data.minibatch_indices(50, 10, rng=rng)))
    assert not np.array_equal(first, second)


def test_bundled_loaders():
    X, y = data.load_digits()
    assert X.shape == (1797, 64) and y.shape == (1797,) and X.max() == 16
    X, y = data.load_wine()
    assert X.shape == (178, 13) and set(np.unique(y)) == {0, 1, 2}


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: data.train_val_test_split(
                np.zeros((4, 2)), np.zeros(4), val=0.6, test=0.5, rng=RNG(0)
            ),
            ValueError,
            r"val \+ test < 1",
        ),
        (
            lambda: data.train_val_test_split(np.zeros(4), np.zeros(4), rng=RNG(0)),
            ValueError,
            r"X must have shape \(N, D\)",
        ),
        (
            lambda: data.train_val_test_split(
                np.zeros((4, 2)), np.zeros(4), stratify=True, rng=RNG(0)
            ),
            ValueError,
            r"stratify needs integer labels",
        ),
        (
            lambda: data.StandardScaler().transform(np.zeros((2, 2))),
            RuntimeError,
            r"call fit\(X_train\) first",
        ),
        (
            lambda: data.StandardScaler().fit(np.zeros((3, 2))).transform(np.zeros((3, 3))),
            ValueError,
            r"StandardScaler.transform: X must have shape \(N, 2\), got \(3, 3\)",
        ),
        (
            lambda: data.one_hot(np.array([0.0, 1.0])),
            ValueError,
            r"one_hot: y must be integer labels",
        ),
        (lambda: data.one_hot(np.array([0, 3]), 3), ValueError, r"labels must lie in \[0, 2\]"),
        (
            lambda: list(data.minibatch_indices(10, 0, rng=RNG(0))),
            ValueError,
            r"minibatch_indices: batch_size must be >= 1",
        ),
        (
            lambda: list(data.minibatch_indices(10, 3, rng=None)),
            TypeError,
            r"minibatch_indices: rng must be a numpy.random.Generator",
        ),
        (
            lambda: list(data.minibatches(np.zeros((3, 2)), np.zeros(2), 2, rng=RNG(0))),
            ValueError,
            r"minibatches: X has 3 rows but y has 2",
        ),
    ],
)
def test_data_utilities_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_loss_plot_as_fit_callback_draws_the_curves_outside_a_notebook_too():
    from utils.plots import LossPlot

    plot = LossPlot()
    plot.update({"train_loss": [1.0, 0.5, 0.3], "val_loss": [1.1, 0.7, 0.6]})
    assert [line.get_label() for line in plot.ax.lines] == ["training", "validation"]
    assert plot.ax.get_title() == "training: epoch 3"
    X, y = data.xor(40, rng=RNG(0))
    model = nn.Sequential(nn.Linear(2, 4, rng=RNG(0)), nn.ReLU(), nn.Linear(4, 2, rng=RNG(1)))
    plot = LossPlot(title="live")
    assert nn.fit(model, X, y, epochs=2, rng=RNG(0), callback=plot).epochs == 2
    assert plot.ax.get_title() == "live: epoch 2"
