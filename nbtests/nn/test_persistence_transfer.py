"""Saving and loading models (no pickle), freezing layers, new heads, per-group learning rates."""

import numpy as np
import pytest

from utils import data, nn
from utils.persistence import load, save

RNG = np.random.default_rng


def _model(rng):
    return nn.Sequential(
        nn.Linear(4, 8, rng=rng),
        nn.BatchNorm1d(8),
        nn.ReLU(),
        nn.Dropout(0.2, rng=rng),
        nn.Linear(8, 6, rng=rng),
        nn.PReLU(6),
        nn.LayerNorm(6),
        nn.Tanh(),
        nn.Linear(6, 3, rng=rng),
        nn.LeakyReLU(0.1),
        nn.ELU(0.5),
        nn.Sigmoid(),
    )


def test_round_trip_is_bit_exact(tmp_path):
    rng = RNG(0)
    model = _model(rng)
    model.train()
    model.forward(rng.standard_normal((16, 4)))  # move the batch-norm running statistics
    model[0].freeze()
    path = save(model, tmp_path / "model")
    assert path.suffix == ".npz"
    loaded = load(path, rng=RNG(1))
    assert [type(a) for a in loaded] == [type(b) for b in model]
    for (la, na), (lb, nb) in zip(loaded.parameters(), model.parameters(), strict=True):
        assert na == nb and np.array_equal(la.params[na], lb.params[nb])
    assert np.array_equal(loaded[1].running_mean, model[1].running_mean)
    assert np.array_equal(loaded[1].running_var, model[1].running_var)
    assert loaded[0].frozen and not loaded[4].frozen
    x = rng.standard_normal((5, 4))
    assert np.array_equal(loaded.eval().forward(x), model.eval().forward(x))


def test_the_file_holds_no_pickle(tmp_path):
    path = save(nn.Sequential(nn.Linear(2, 2, rng=RNG(0))), tmp_path / "m.npz")
    with np.load(path, allow_pickle=False) as archive:  # would raise on an object array
        assert set(archive.files) == {"0.W", "0.b", "__architecture__"}


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda p: p.unlink(), r"load: no model file at"),
        (
            lambda p: p.write_bytes(p.read_bytes()[:200]),
            r"is not a readable model file \(truncated",
        ),
        (lambda p: p.write_bytes(b"\x00\x01garbage"), r"is not a readable model file"),
        (lambda p: np.savez(p, x=np.zeros(2)), r"has no architecture record"),
        (
            lambda p: np.savez(p, __architecture__=np.array("{not json")),
            r"damaged architecture record",
        ),
        (
            lambda p: np.savez(
                p, __architecture__=np.array('{"format": "dlf-model", "version": 99, "layers": []}')
            ),
            r"format version 99",
        ),
        (
            lambda p: np.savez(
                p,
                __architecture__=np.array(
                    '{"format": "dlf-model", "version": 1, "layers": [{"type": "Conv2d", "args": {}}]}'
                ),
            ),
            r"layer 0 has unknown type 'Conv2d'",
        ),
    ],
)
def test_damaged_files_are_rejected_clearly(tmp_path, damage, message):
    path = save(nn.Sequential(nn.Linear(3, 2, rng=RNG(0)), nn.ReLU()), tmp_path / "m.npz")
    damage(path)
    with pytest.raises((ValueError, FileNotFoundError), match=message):
        load(path)


def test_mismatched_arrays_are_named(tmp_path):
    path = save(nn.Sequential(nn.Linear(3, 2, rng=RNG(0))), tmp_path / "m.npz")
    with np.load(path) as archive:
        arrays = dict(archive)
    arrays["0.W"] = np.zeros((5, 2))
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match=r"array '0.W' has shape \(5, 2\), but layer 0 \(Linear"):
        load(path)
    del arrays["0.W"]
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match=r"lacks the array '0.W' of layer 0"):
        load(path)


def test_dropout_models_need_an_rng_and_bad_models_are_refused(tmp_path):
    path = save(nn.Sequential(nn.Dropout(0.5, rng=RNG(0))), tmp_path / "d.npz")
    with pytest.raises(ValueError, match=r"layer 0 is Dropout; pass rng="):
        load(path)
    with pytest.raises(TypeError, match=r"save: model must be a Sequential"):
        save(nn.ReLU(), tmp_path / "x.npz")

    class Custom(nn.Module):
        def __init__(self, width):
            super().__init__()  # width is not kept, so no config can name it

    with pytest.raises(
        TypeError,
        match=r"save: layer 0 is a Custom, which cannot be saved: "
        r"Custom.config: the constructor argument 'width'",
    ):
        save(nn.Sequential(Custom(3)), tmp_path / "x.npz")


def _trained_parts():
    X, y = data.gaussians(120, centers=[(-1, -1), (1, 1), (1, -1)], std=0.6, rng=RNG(0))
    rng = RNG(1)
    model = nn.Sequential(
        nn.Linear(2, 16, rng=rng),
        nn.ReLU(),
        nn.Linear(16, 16, rng=rng),
        nn.ReLU(),
        nn.Linear(16, 3, rng=rng),
    )
    return X, y, model, rng


def test_frozen_layers_do_not_change_and_backward_stops_above_them():
    X, y, model, rng = _trained_parts()
    model[0].freeze()
    model[2].freeze()
    frozen_before = [model[0].params["W"].copy(), model[2].params["W"].copy()]
    head_before = model[4].params["W"].copy()
    nn.fit(model, X, y, optimizer=nn.Adam(model, lr=0.01), epochs=5, rng=rng)
    assert np.array_equal(model[0].params["W"], frozen_before[0])
    assert np.array_equal(model[2].params["W"], frozen_before[1])
    assert not np.array_equal(model[4].params["W"], head_before)
    model[0].grads["W"][...] = 0.0
    model.forward(X)
    assert model.backward(np.ones((len(X), 3))) is None  # nothing below the head needs it
    assert not model[0].grads["W"].any(), "a frozen layer below the head was back-propagated"


def test_a_new_head_replaces_the_old_one():
    X, y, model, rng = _trained_parts()
    model[-1] = nn.Linear(16, 5, rng=rng)
    assert model.forward(X).shape == (len(X), 5)
    with pytest.raises(TypeError, match=r"a layer must be a Module"):
        model[-1] = "head"


def test_per_group_learning_rates_are_applied():
    X, y, model, rng = _trained_parts()
    W0, W4 = model[0].params["W"].copy(), model[4].params["W"].copy()
    opt = nn.SGD([{"params": [model[0], model[2]], "lr": 1e-3}, {"params": model[4]}], lr=0.1)
    model.forward(X)
    model.backward(nn.softmax_cross_entropy(model.forward(X), y)[1])
    g0, g4 = model[0].grads["W"].copy(), model[4].grads["W"].copy()
    opt.step()
    assert np.allclose(model[0].params["W"], W0 - 1e-3 * g0)
    assert np.allclose(model[4].params["W"], W4 - 0.1 * g4)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda m: nn.Adam([{"params": m[0], "lr": -1}]), r"^Adam: lr must be > 0"),
        (lambda m: nn.Adam([{"lr": 0.1}]), r"Adam: group 0 needs 'params'"),
        (
            lambda m: nn.Adam([1, 2]),
            r"Adam: model must be a layer or Sequential, or a list of groups",
        ),
    ],
)
def test_bad_groups_are_refused(call, message):
    _, _, model, _ = _trained_parts()
    with pytest.raises((TypeError, ValueError), match=message):
        call(model)
