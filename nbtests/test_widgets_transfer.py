"""The transfer chapter's experiment, figures and widget, without a browser."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from utils import nn
from utils.plots import transfer as plots
from utils.widgets.transfer import FREEZE_CHOICES, transfer_explorer, transfer_summary


@pytest.fixture(scope="module")
def results():
    # A small but complete run: every method, two label counts, two seeds, 40 steps.
    return plots.transfer_experiment((5, 20), seeds=(0, 1), steps=40, eval_every=10)


@pytest.fixture(scope="module")
def explorer(results):
    return transfer_explorer(results)


def test_target_data_is_digits_5_to_9_with_a_fixed_test_set():
    (Xp, yp), (Xt, yt) = plots.transfer_target_data()
    assert Xp.shape[1] == Xt.shape[1] == 64 and 0 <= Xp.min() and Xp.max() <= 1
    assert np.bincount(yt).tolist() == [40] * 5 and np.bincount(yp).min() == 134
    (Xp2, _), (Xt2, _) = plots.transfer_target_data()
    assert np.array_equal(Xt, Xt2) and np.array_equal(Xp, Xp2)
    # no test image is in the pool
    assert not (Xt[:, None, :] == Xp[None, :, :]).all(axis=2).any()
    with pytest.raises(ValueError, match="test_per_class must be in"):
        plots.transfer_target_data(test_per_class=500)


def test_subset_draws_n_per_class_and_refuses_too_many():
    (Xp, yp), _ = plots.transfer_target_data()
    X, y = plots.transfer_subset(Xp, yp, 7, rng=np.random.default_rng(0))
    assert X.shape == (35, 64) and np.bincount(y).tolist() == [7] * 5
    with pytest.raises(ValueError, match=r"n_per_class must be in \[1, 134\]"):
        plots.transfer_subset(Xp, yp, 200, rng=np.random.default_rng(0))


@pytest.mark.parametrize(("method", "frozen"), [
    ("from scratch", [False, False, False]), ("fine-tune all", [False, False, False]),
    ("freeze layer 1", [True, False, False]), ("frozen features", [True, True, False]),
    ("freeze all", [True, True, True]),
])
def test_transfer_model_freezes_and_groups(method, frozen):
    model, groups = plots.transfer_model(method, rng=np.random.default_rng(0))
    assert [layer.frozen for layer in model.layers if isinstance(layer, nn.Linear)] == frozen
    assert model.forward(np.zeros((2, 64))).shape == (2, 5)
    if method != "from scratch":
        from utils.persistence import load
        from utils.pretrain import WEIGHTS

        assert np.array_equal(model[0].params["W"], load(WEIGHTS)[0].params["W"])
        assert [g["lr"] for g in groups] == [0.003, 0.01]
    with pytest.raises(ValueError, match="method must be one of"):
        plots.transfer_model("distill", rng=np.random.default_rng(0))


def test_experiment_shapes_and_frozen_runs(results):
    assert results["steps"].tolist() == [10, 20, 30, 40]
    for curves in results["curves"].values():
        assert curves.shape == (2, 2, 4) and np.all((curves >= 0) & (curves <= 1))
    assert np.all(results["curves"]["freeze all"] == results["curves"]["freeze all"][..., :1])
    # training from scratch learns: well above chance (0.2) with 20 labels per class
    assert results["curves"]["from scratch"][1, :, -1].min() > 0.6


def test_steps_to_reach():
    assert plots.steps_to_reach([0.1, 0.5, 0.9], [10, 20, 30], 0.5) == 20
    assert np.isnan(plots.steps_to_reach([0.1, 0.2], [10, 20], 0.5))


def test_linear_probe_depths():
    from utils import pretrain
    from utils.persistence import load

    (Xs, ys), _, (Xt, yt) = pretrain.source_data()
    acc = plots.linear_probe_accuracy(load(pretrain.WEIGHTS), 2, Xs, ys, Xt, yt,
                                      rng=np.random.default_rng(0), steps=60)
    assert acc > 0.9  # the source's own features separate its classes
    with pytest.raises(ValueError, match=r"depth must be in \[0, 2\]"):
        plots.linear_probe_accuracy(load(pretrain.WEIGHTS), 3, Xs, ys, Xt, yt,
                                    rng=np.random.default_rng(0))


def test_explorer_draws_both_panels(explorer):
    assert set(explorer.controls) == {"labels", "frozen"}
    assert bytes(explorer.image.value).startswith(b"\x89PNG")
    curves_ax, labels_ax = explorer.figure.axes
    assert curves_ax.get_xlabel() == "gradient steps"
    assert [t.get_text() for t in curves_ax.get_legend().get_texts()] == [
        "from scratch", "frozen features"]
    assert len(labels_ax.lines) == 3  # two methods and the marker of the chosen label count
    assert explorer.message.startswith("5 labels per class. from scratch:")


@pytest.mark.parametrize("choice", list(FREEZE_CHOICES))
def test_explorer_every_choice_draws_the_precomputed_numbers(explorer, results, choice):
    explorer.controls["frozen"].value = choice
    explorer.controls["labels"].value = 20
    method = FREEZE_CHOICES[choice]
    curves_ax = explorer.figure.axes[0]
    drawn = curves_ax.lines[1].get_ydata()
    assert np.allclose(drawn, results["curves"][method][1].mean(axis=0))
    if method == "freeze all":
        assert "nothing can learn" in explorer.message and "chance" in explorer.message
    else:
        assert explorer.message == transfer_summary(results, method, 20)
        assert "nan" not in explorer.message


def test_explorer_image_changes_and_is_deterministic(explorer):
    explorer.controls["frozen"].value = "0 (fine-tune all)"
    explorer.controls["labels"].value = 5
    first = bytes(explorer.image.value)
    explorer.controls["labels"].value = 20
    assert bytes(explorer.image.value) != first
    explorer.controls["labels"].value = 5
    assert bytes(explorer.image.value) == first


def test_explorer_rejects_bad_arguments(results):
    with pytest.raises(TypeError, match="results must be the dict"):
        transfer_explorer([1, 2])
    with pytest.raises(ValueError, match="n_labels must be one of"):
        transfer_explorer(results, n_labels=7)
    with pytest.raises(ValueError, match="frozen must be one of"):
        transfer_explorer(results, frozen="5")
    partial = dict(results, curves={"from scratch": results["curves"]["from scratch"]})
    with pytest.raises(ValueError, match="results lack the methods"):
        transfer_explorer(partial)


def test_plot_functions(results):
    ax = plots.plot_first_layer_filters(np.eye(64)[:, :10], title="W")
    assert ax.get_title() == "W" and ax.images[0].get_array().shape == (17, 71)
    ax = plots.plot_transfer_accuracy(results)
    assert ax.get_ylabel() == "test accuracy" and len(ax.get_legend().get_texts()) == 5
    ax = plots.plot_probe_accuracy({"a": {"pixels": 0.5, "layer 1": 0.7}})
    assert len(ax.patches) == 2
    with pytest.raises(ValueError, match=r"W must have shape \(64, M\)"):
        plots.plot_first_layer_filters(np.zeros((10, 3)))
    with pytest.raises(ValueError, match="n_labels must be one of"):
        plots.plot_transfer_curves(results, 99)
    with pytest.raises(TypeError, match="results must be the dict"):
        plots.plot_transfer_accuracy({})
    plt.close("all")
