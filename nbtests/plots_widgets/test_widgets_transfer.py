"""The transfer chapter's figures and widget, without a browser."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from utils.experiments import transfer as experiments
from utils.plots import transfer as plots
from utils.widgets.transfer import FREEZE_CHOICES, transfer_explorer, transfer_summary


@pytest.fixture(scope="module")
def results():
    # A small but complete run: every method, two label counts, two seeds, 40 steps.
    return experiments.transfer_experiment((5, 20), seeds=(0, 1), steps=40, eval_every=10)


@pytest.fixture(scope="module")
def explorer(results):
    return transfer_explorer(results)


def test_explorer_draws_both_panels(explorer):
    assert set(explorer.controls) == {"labels", "frozen"}
    assert bytes(explorer.image.value).startswith(b"\x89PNG")
    curves_ax, labels_ax = explorer.figure.axes
    assert curves_ax.get_xlabel() == "gradient steps"
    assert [t.get_text() for t in curves_ax.get_legend().get_texts()] == [
        "from scratch",
        "frozen features",
    ]
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


def _png_pixels(png: bytes) -> np.ndarray:
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(bytes(png))).convert("RGB"))


def _shows_a_full_render(w) -> None:
    import io

    buffer = io.BytesIO()
    w.figure.savefig(buffer, format="png", dpi=w.figure.dpi)
    np.testing.assert_array_equal(_png_pixels(w.image.value), _png_pixels(buffer.getvalue()))


def test_moving_the_label_count_paints_what_a_full_redraw_shows(results):
    w = transfer_explorer(results)
    for frozen in ("2 (frozen features)", "0 (fine-tune all)"):
        w.controls["frozen"].value = frozen
        for n in (20, 5, 20):
            w.controls["labels"].value = n
            assert f"{n} labelled images per class" == w.figure.axes[0].get_title()
            _shows_a_full_render(w)
