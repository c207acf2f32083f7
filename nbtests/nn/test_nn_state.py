"""utils.nn as a package: public names, no matplotlib, a module's state and config."""

import json
import subprocess
import sys

import numpy as np
import pytest

from utils import nn
from utils.persistence import load, save

RNG = np.random.default_rng

#: Every public name of utils.nn before it became a package (the module utils/nn.py).
NAMES_BEFORE = [
    "AdaGrad",
    "Adam",
    "AdamW",
    "BatchNorm1d",
    "Dropout",
    "ELU",
    "EPS",
    "EarlyStopping",
    "GradcheckError",
    "History",
    "INITIALIZERS",
    "LayerNorm",
    "LeakyReLU",
    "Linear",
    "Module",
    "Momentum",
    "Nesterov",
    "Optimizer",
    "PReLU",
    "RMSProp",
    "ReLU",
    "SGD",
    "Sequential",
    "Sigmoid",
    "SoftmaxCrossEntropy",
    "Tanh",
    "UPDATES",
    "accuracy",
    "adagrad_update",
    "adam_update",
    "adamw_update",
    "batchnorm_backward",
    "batchnorm_forward",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "constant",
    "cross_entropy",
    "describe_error",
    "dropout_backward",
    "dropout_forward",
    "elu",
    "elu_backward",
    "elu_derivative",
    "elu_forward",
    "fit",
    "gradcheck",
    "gradcheck_layer",
    "he_normal",
    "he_uniform",
    "l1_penalty",
    "l2_penalty",
    "layernorm_backward",
    "layernorm_forward",
    "leaky_relu",
    "leaky_relu_backward",
    "leaky_relu_derivative",
    "leaky_relu_forward",
    "linear_backward",
    "linear_forward",
    "log_softmax",
    "mae_loss",
    "momentum_update",
    "mse_loss",
    "nesterov_update",
    "normal",
    "numerical_gradient",
    "prelu_backward",
    "prelu_forward",
    "rel_error",
    "relu",
    "relu_backward",
    "relu_derivative",
    "relu_forward",
    "replay_early_stopping",
    "rmsprop_update",
    "sgd_update",
    "sigmoid",
    "sigmoid_backward",
    "sigmoid_derivative",
    "sigmoid_forward",
    "softmax",
    "softmax_cross_entropy",
    "step",
    "step_derivative",
    "tanh",
    "tanh_backward",
    "tanh_derivative",
    "tanh_forward",
    "uniform",
    "xavier_normal",
    "xavier_uniform",
    "zeros",
]


def test_every_name_of_the_old_module_is_still_public():
    missing = [name for name in NAMES_BEFORE if name not in nn.__all__ or not hasattr(nn, name)]
    assert not missing


def test_all_lists_every_public_name_once_and_each_exists():
    assert len(nn.__all__) == len(set(nn.__all__))
    assert all(hasattr(nn, name) for name in nn.__all__)
    assert {"Module", "Linear", "Sequential", "fit", "minibatch_indices", "freeze_up_to"} <= set(
        nn.__all__
    )


def test_names_keep_reading_as_nn_names():
    assert nn.Linear.__module__ == "utils.nn" and nn.relu_forward.__module__ == "utils.nn"


def test_no_module_of_the_package_passes_500_lines():
    from pathlib import Path

    for path in Path(nn.__file__).parent.glob("*.py"):
        assert len(path.read_text().splitlines()) <= 500, path.name


def test_importing_nn_loads_neither_matplotlib_nor_the_data_module():
    code = (
        "import sys, utils.nn; "
        "assert 'matplotlib' not in sys.modules, 'matplotlib'; "
        "assert 'utils.plots' not in sys.modules and 'utils.data' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_data_re_exports_the_minibatch_indices_of_nn():
    from utils import data

    assert data.minibatch_indices is nn.minibatch_indices


def _nested(rng, dtype=np.float64):
    inner = nn.Sequential(
        nn.Linear(4, 6, rng=rng, dtype=dtype), nn.BatchNorm1d(6, dtype=dtype), nn.ReLU()
    )
    return nn.Sequential(
        nn.Linear(3, 4, rng=rng, dtype=dtype), inner, nn.Linear(6, 2, rng=rng, dtype=dtype)
    )


def test_named_parameters_and_buffers_walk_nested_sequentials():
    model = _nested(RNG(0))
    assert [name for name, _ in model.named_parameters()] == [
        "0.W",
        "0.b",
        "1.0.W",
        "1.0.b",
        "1.1.gamma",
        "1.1.beta",
        "2.W",
        "2.b",
    ]
    assert [name for name, _ in model.named_buffers()] == ["1.1.running_mean", "1.1.running_var"]
    assert [name for name, _ in model[1].named_parameters(prefix="x")][:1] == ["x.0.W"]
    assert list(nn.Linear(2, 2, rng=RNG(0)).named_parameters())[0][0] == "W"
    pairs = list(model.parameters())
    assert len(pairs) == 8 and pairs[2] == (model[1][0], "W")


def test_state_dict_copies_and_load_state_dict_restores_in_place():
    model = _nested(RNG(0))
    state = model.state_dict()
    assert list(state)[4:8] == ["1.1.gamma", "1.1.beta", "1.1.running_mean", "1.1.running_var"]
    W = model[0].params["W"]
    W += 1.0
    assert not np.array_equal(state["0.W"], W)
    assert model.load_state_dict(state) is model
    assert model[0].params["W"] is W and np.array_equal(W, state["0.W"])


def test_load_state_dict_names_what_differs_and_keeps_the_dtype():
    model = _nested(RNG(0))
    state = model.state_dict()
    with pytest.raises(ValueError, match=r"missing \['2.b'\], unexpected \['2.c'\]"):
        model.load_state_dict(
            {**{k: v for k, v in state.items() if k != "2.b"}, "2.c": state["2.b"]}
        )
    with pytest.raises(ValueError, match=r"'0.W' has shape \(4, 3\), expected \(3, 4\)"):
        model.load_state_dict({**state, "0.W": np.zeros((4, 3))})
    with pytest.raises(TypeError, match=r"'0.b' must be a NumPy array of numbers"):
        model.load_state_dict({**state, "0.b": [0.0] * 4})
    with pytest.raises(TypeError, match=r"state must be a dict"):
        model.load_state_dict([])
    small = _nested(RNG(0), np.float32)
    small.load_state_dict(state)  # float64 arrays into a float32 model
    assert all(v.dtype == np.float32 for v in small.state_dict().values())
    assert model.load_state_dict({"0.W": np.ones((3, 4))}, strict=False)[0].params["W"].sum() == 12


def test_config_is_json_and_rebuilds_the_same_architecture():
    model = _nested(RNG(0), np.float32)
    model[0].freeze()
    config = json.loads(json.dumps(model.config()))
    assert config["type"] == "Sequential"
    assert config["args"]["layers"][0] == {
        "type": "Linear",
        "args": {"in_features": 3, "out_features": 4, "dtype": "float32"},
        "frozen": True,
    }
    rebuilt = nn.Module.from_config(config, rng=RNG(5))
    assert rebuilt.config() == config
    assert rebuilt[1][1].params["gamma"].dtype == np.float32
    rebuilt.load_state_dict(model.state_dict())
    x = RNG(1).standard_normal((5, 3)).astype(np.float32)
    assert np.array_equal(rebuilt.eval().forward(x), model.eval().forward(x))


def test_from_config_errors_name_the_layer():
    with pytest.raises(ValueError, match=r"layer 1 has unknown type 'Conv2d'"):
        nn.Module.from_config(
            {"type": "Sequential", "args": {"layers": [{"type": "ReLU"}, {"type": "Conv2d"}]}}
        )
    with pytest.raises(ValueError, match=r"layer 0 is Dropout, which draws random masks"):
        nn.Module.from_config(
            {"type": "Sequential", "args": {"layers": [{"type": "Dropout", "args": {"p": 0.5}}]}}
        )
    with pytest.raises(ValueError, match=r"layer \(top\) \(LeakyReLU\) has bad arguments"):
        nn.Module.from_config({"type": "LeakyReLU", "args": {"slope": 0.5}})


class Scale(nn.Module):
    """A layer defined outside the library: ``x * s`` with one learned scale per feature."""

    BUFFERS = ("calls",)

    def __init__(self, num_features: int, *, start: float = 1.0):
        super().__init__()
        self.num_features, self.start = num_features, start
        self.params = {"s": np.full(num_features, start)}
        self.grads = {"s": np.zeros(num_features)}
        self.calls = np.zeros(1)

    def forward(self, x):
        if self.training:
            self.calls += 1
        self._cache = x
        return x * self.params["s"]

    def backward(self, dout):
        self.grads["s"] = (dout * self._cache).sum(axis=0)
        return dout * self.params["s"]


def test_a_layer_defined_outside_the_library_saves_loads_and_early_stops(tmp_path):
    from utils import data

    rng = RNG(0)
    model = nn.Sequential(
        nn.Linear(2, 8, rng=rng),
        Scale(8, start=0.5),
        nn.ReLU(),
        nn.Sequential(Scale(8), nn.Linear(8, 3, rng=rng)),
    )
    X, y = data.gaussians(90, centers=[(-1, -1), (1, 1), (1, -1)], std=0.8, rng=RNG(1))
    stopper = nn.EarlyStopping(patience=2)
    history = nn.fit(
        model,
        X[:60],
        y[:60],
        epochs=30,
        rng=rng,
        validation=(X[60:], y[60:]),
        optimizer=nn.Adam(model, lr=0.05),
        early_stopping=stopper,
    )
    assert stopper.best_state["1.calls"].shape == (1,)
    assert np.array_equal(model[1].params["s"], stopper.best_state["1.s"])
    assert np.array_equal(model[1].calls, stopper.best_state["1.calls"])
    assert history["best_epoch"] >= 1
    path = save(model, tmp_path / "scale")
    loaded = load(path)
    assert isinstance(loaded[1], Scale) and loaded[1].start == 0.5
    assert np.array_equal(loaded.eval().forward(X), model.eval().forward(X))


def test_the_shipped_weights_load_exactly_and_save_to_the_same_bytes(tmp_path):
    from utils import pretrain

    model = load(pretrain.WEIGHTS)
    with np.load(pretrain.WEIGHTS) as archive:
        for name, value in model.state_dict().items():
            assert value.dtype == archive[name].dtype and np.array_equal(value, archive[name])
    again = save(model, tmp_path / "again")
    assert pretrain.sha256(again) == pretrain.CHECKSUM.read_text().strip()


def test_the_perceptron_step_is_the_nn_step_as_integer_labels():
    from utils import perceptron

    z = np.array([-2.0, -0.0, 0.0, 1e-300, 3.0, np.nan, -np.inf, np.inf])
    labels = perceptron.step(z)
    assert labels.dtype == np.int64 and nn.step(z).dtype == np.float64
    assert np.array_equal(labels, nn.step(z).astype(np.int64))
    assert labels.tolist() == [0, 0, 0, 1, 1, 0, 0, 1]
    assert perceptron.step(np.array([[1, 0], [-1, 2]])).tolist() == [[1, 0], [0, 1]]
