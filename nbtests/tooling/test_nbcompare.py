"""The notebook comparison: floating-point noise passes, real changes are named by cell."""

import base64
import copy
import io
from pathlib import Path

import numpy as np
import pytest

from utils import nn
from utils._nbfast import nbformat
from utils.nbcompare import compare_notebooks, compare_text, image_difference

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("stored", "fresh"),
    [
        ("loss 0.0158 after 100 steps", "loss 0.0159 after 100 steps"),  # last digit
        ("x = 0.1000", "x = 0.0999"),  # rounding across a boundary
        ("error 4.2e-11", "error 4.3e-11"),
        ("mean -0.000, max +0.000", "mean 0.000, max -0.000"),  # the sign of a printed zero
        ("0.00e+00", "3.1e-17"),  # a round-off-level value where 0 was printed
        ("[0.13  0.869 0.001]", "[0.13  0.87  0.001]"),  # NumPy trims trailing zeros
        ("ends at (-1.484, -0.000).", "ends at (-1.483, +0.000)."),
    ],
)
def test_noise_in_the_last_printed_digit_is_not_a_change(stored, fresh):
    assert compare_text(stored, fresh) is None


@pytest.mark.parametrize(
    ("stored", "fresh", "named"),
    [
        ("loss 0.0158 after 100 steps", "loss 0.0562 after 100 steps", "'0.0158' became '0.0562'"),
        ("error 4.2e-11", "error 9.4e-11", "'4.2e-11' became '9.4e-11'"),
        ("ex05: 6/6 checks passed", "ex05: 5/6 checks passed", "'6' became '5'"),  # integers exact
        ("accuracy 120 of 178", "accuracy 121 of 178", "'120' became '121'"),
        ("Python 3.11.7", "Python 3.12.7", "'Python 3.11.7' became 'Python 3.12.7'"),  # versions
        ("the global minimum", "the local minimum", "became"),
        ("a\nb", "a\nb\nc", "2 line(s) became 3"),
        ("loss nan", "loss 0.5", "became"),
    ],
)
def test_real_changes_are_reported_with_the_line(stored, fresh, named):
    problem = compare_text(stored, fresh)
    assert problem is not None and named in problem


def _png(pixels: np.ndarray) -> str:
    from matplotlib.image import imsave

    buf = io.BytesIO()
    imsave(buf, pixels, format="png")
    return base64.b64encode(buf.getvalue()).decode()


def test_images_are_compared_by_pixels_not_bytes():
    img = np.linspace(0, 1, 40 * 60 * 3).reshape(40, 60, 3)
    noisy = img.copy()
    noisy[3, 4] += 2 / 255  # anti-aliasing noise: below the threshold
    moved = img.copy()
    moved[:, :6] = 0.0  # a real change in 10% of the pixels
    assert image_difference(_png(img), _png(noisy)) == 0.0
    assert image_difference(_png(img), _png(moved)) == pytest.approx(0.1, abs=0.01)
    assert image_difference(_png(img), _png(img[:20])) == 1.0  # another size


def _stored_notebook():
    return nbformat.read(ROOT / "solutions" / "04_gradient_descent.ipynb", as_version=4)


def _first_output(nb, output_type):
    for cell in nb.cells:
        if cell.cell_type == "code" and "nbval-ignore-output" not in cell.metadata.get("tags", []):
            for out in cell.outputs:
                if out.output_type == output_type:
                    return cell, out
    raise LookupError(output_type)


def test_a_committed_notebook_equals_itself_and_names_what_changed():
    stored = _stored_notebook()
    assert compare_notebooks(stored, copy.deepcopy(stored)) == ([], [])

    fresh = copy.deepcopy(stored)
    cell, out = _first_output(fresh, "stream")
    out.text = out.text.replace("e", "E", 1) if "e" in out.text else out.text + "!"
    diffs, _ = compare_notebooks(stored, fresh)
    assert len(diffs) == 1 and diffs[0].cell == cell.id and "output 1" in diffs[0].what

    fresh = copy.deepcopy(stored)
    cell, _ = _first_output(fresh, "stream")
    cell.outputs = []
    diffs, _ = compare_notebooks(stored, fresh)
    assert [d.cell for d in diffs] == [cell.id] and "became []" in diffs[0].what

    fresh = copy.deepcopy(stored)
    fresh.cells.pop(3)
    diffs, _ = compare_notebooks(stored, fresh)
    assert "removed" in str(diffs[0])


def test_figures_are_notes_in_the_build_check_and_only_present_in_the_tests():
    stored = _stored_notebook()
    fresh = copy.deepcopy(stored)
    cell, out = _first_output(fresh, "display_data")
    out.data["image/png"] = _png(np.zeros((30, 30, 3)))
    assert compare_notebooks(stored, fresh, images="presence") == ([], [])
    diffs, notes = compare_notebooks(stored, fresh, images="pixels")
    assert diffs == [] and [n.cell for n in notes] == [cell.id]
    del out.data["image/png"]
    diffs, _ = compare_notebooks(stored, fresh, images="presence")
    assert [d.cell for d in diffs] == [cell.id]


def test_ignored_cells_are_not_compared():
    stored = _stored_notebook()
    fresh = copy.deepcopy(stored)
    ignored = [c for c in fresh.cells if "nbval-ignore-output" in c.metadata.get("tags", [])]
    assert ignored, "chapter 04 has a widget cell"
    ignored[0].outputs = []
    assert compare_notebooks(stored, fresh) == ([], [])


def test_describe_error_prints_round_off_as_a_bound():
    assert nn.describe_error(8.1e-10) == nn.describe_error(1.1e-9) == "below 1e-7"
    assert nn.describe_error(np.array([1e-13, 3e-13]), below=1e-12) == "below 1e-12"
    assert nn.describe_error(0.53) == "5.3e-01"
    with pytest.raises(ValueError, match="below must be a positive number"):
        nn.describe_error(0.1, below=0)
