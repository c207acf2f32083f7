"""The transfer chapter's experiment (utils.experiments.transfer) and nn.transfer."""

import subprocess
import sys

import numpy as np
import pytest

from utils import nn
from utils.experiments import transfer as experiments

RNG = np.random.default_rng


@pytest.fixture(scope="module")
def results():
    # A small but complete run: every method, two label counts, two seeds, 40 steps.
    return experiments.transfer_experiment((5, 20), seeds=(0, 1), steps=40, eval_every=10)


def test_target_data_is_digits_5_to_9_with_a_fixed_test_set():
    (Xp, yp), (Xt, yt) = experiments.transfer_target_data()
    assert Xp.shape[1] == Xt.shape[1] == 64 and 0 <= Xp.min() and Xp.max() <= 1
    assert np.bincount(yt).tolist() == [40] * 5 and np.bincount(yp).min() == 134
    (Xp2, _), (Xt2, _) = experiments.transfer_target_data()
    assert np.array_equal(Xt, Xt2) and np.array_equal(Xp, Xp2)
    # no test image is in the pool
    assert not (Xt[:, None, :] == Xp[None, :, :]).all(axis=2).any()
    with pytest.raises(ValueError, match="test_per_class must be in"):
        experiments.transfer_target_data(test_per_class=500)


def test_subset_draws_n_per_class_and_refuses_too_many():
    (Xp, yp), _ = experiments.transfer_target_data()
    X, y = experiments.transfer_subset(Xp, yp, 7, rng=np.random.default_rng(0))
    assert X.shape == (35, 64) and np.bincount(y).tolist() == [7] * 5
    with pytest.raises(ValueError, match=r"n_per_class must be in \[1, 134\]"):
        experiments.transfer_subset(Xp, yp, 200, rng=np.random.default_rng(0))


@pytest.mark.parametrize(
    ("method", "frozen"),
    [
        ("from scratch", [False, False, False]),
        ("fine-tune all", [False, False, False]),
        ("freeze layer 1", [True, False, False]),
        ("frozen features", [True, True, False]),
        ("freeze all", [True, True, True]),
    ],
)
def test_transfer_model_freezes_and_groups(method, frozen):
    model, groups = experiments.transfer_model(method, rng=np.random.default_rng(0))
    assert [layer.frozen for layer in model.layers if isinstance(layer, nn.Linear)] == frozen
    assert model.forward(np.zeros((2, 64))).shape == (2, 5)
    if method != "from scratch":
        from utils.persistence import load
        from utils.pretrain import WEIGHTS

        assert np.array_equal(model[0].params["W"], load(WEIGHTS)[0].params["W"])
        assert [g["lr"] for g in groups] == [0.003, 0.01]
    with pytest.raises(ValueError, match="method must be one of"):
        experiments.transfer_model("distill", rng=np.random.default_rng(0))


def test_experiment_shapes_and_frozen_runs(results):
    assert results["steps"].tolist() == [10, 20, 30, 40]
    for curves in results["curves"].values():
        assert curves.shape == (2, 2, 4) and np.all((curves >= 0) & (curves <= 1))
    assert np.all(results["curves"]["freeze all"] == results["curves"]["freeze all"][..., :1])
    # training from scratch learns: well above chance (0.2) with 20 labels per class
    assert results["curves"]["from scratch"][1, :, -1].min() > 0.6


def test_steps_to_reach():
    assert experiments.steps_to_reach([0.1, 0.5, 0.9], [10, 20, 30], 0.5) == 20
    assert np.isnan(experiments.steps_to_reach([0.1, 0.2], [10, 20], 0.5))


def test_linear_probe_depths():
    from utils import pretrain
    from utils.persistence import load

    (Xs, ys), _, (Xt, yt) = pretrain.source_data()
    acc = experiments.linear_probe_accuracy(
        load(pretrain.WEIGHTS), 2, Xs, ys, Xt, yt, rng=np.random.default_rng(0), steps=60
    )
    assert acc > 0.9  # the source's own features separate its classes
    with pytest.raises(ValueError, match=r"depth must be in \[0, 2\]"):
        experiments.linear_probe_accuracy(
            load(pretrain.WEIGHTS), 3, Xs, ys, Xt, yt, rng=np.random.default_rng(0)
        )


def _model():
    rng = RNG(0)
    return nn.Sequential(
        nn.Linear(6, 5, rng=rng),
        nn.ReLU(),
        nn.Linear(5, 4, rng=rng),
        nn.ReLU(),
        nn.Linear(4, 3, rng=rng),
    )


def test_freeze_up_to_freezes_the_first_k_linear_layers_and_unfreezes_the_rest():
    model = _model().freeze()
    assert nn.freeze_up_to(model, 1) is model
    assert [layer.frozen for layer in nn.linear_layers(model)] == [True, False, False]
    nn.freeze_up_to(model, 0)
    assert not any(layer.frozen for layer in nn.linear_layers(model))
    for bad in (4, -1, 1.0, True):
        with pytest.raises(ValueError, match=r"freeze_up_to: k must be an int in \[0, 3\]"):
            nn.freeze_up_to(model, bad)


def test_replace_head_draws_a_new_linear_of_the_old_width():
    model = _model()
    old = model[-1]
    assert nn.replace_head(model, 7, rng=RNG(3)) is model
    head = model[-1]
    assert head is not old and (head.in_features, head.out_features) == (4, 7)
    assert np.array_equal(head.params["W"], nn.Linear(4, 7, rng=RNG(3)).params["W"])
    with pytest.raises(TypeError, match=r"the last layer must be a Linear, got ReLU"):
        nn.replace_head(nn.Sequential(nn.Linear(2, 2, rng=RNG(0)), nn.ReLU()), 3, rng=RNG(0))


def test_head_and_body_groups_give_the_head_its_own_learning_rate():
    model = _model()
    groups = nn.head_and_body_groups(model, lr=0.1, body_lr=0.01)
    assert [g["lr"] for g in groups] == [0.01, 0.1]
    assert groups[0]["params"] == [model[0], model[2]] and groups[1]["params"] == [model[4]]
    with pytest.raises(ValueError, match="no Linear layer"):
        nn.head_and_body_groups(nn.Sequential(nn.ReLU()), lr=0.1, body_lr=0.01)


def test_the_checks_and_the_experiment_import_no_plotting():
    code = (
        "import sys, utils.checks.ch10, utils.experiments.transfer; "
        "assert 'utils.plots' not in sys.modules and 'matplotlib' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
