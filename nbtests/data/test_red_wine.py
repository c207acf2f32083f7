"""The UCI Red Wine Quality file shipped in the package, and reading users' own copies."""

import hashlib

import numpy as np
import pytest

from utils import data
from utils.data import WINE_QUALITY_FEATURES, load_red_wine, load_wine_quality

ROWS = [
    (7.4, 0.7, 0, 1.9, 0.076, 11, 34, 0.9978, 3.51, 0.56, 9.4, 5),
    (7.8, 0.88, 0, 2.6, 0.098, 25, 67, 0.9968, 3.2, 0.68, 9.8, 5),
    (11.2, 0.28, 0.56, 1.9, 0.075, 17, 60, 0.998, 3.16, 0.58, 9.8, 6),
]


def test_shipped_file_shape_and_dtypes():
    X, quality = load_red_wine()
    assert X.shape == (1599, 11) and X.dtype == np.float64
    assert quality.shape == (1599,) and quality.dtype == np.int64
    assert np.all(np.isfinite(X))
    # The first wine of the UCI file.
    np.testing.assert_array_equal(X[0], ROWS[0][:11])
    assert quality[0] == 5


def test_shipped_file_class_counts():
    _, quality = load_red_wine()
    values, counts = np.unique(quality, return_counts=True)
    assert values.tolist() == [3, 4, 5, 6, 7, 8]
    assert counts.tolist() == [10, 53, 681, 638, 199, 18]


def test_shipped_file_matches_its_recorded_checksum_and_attribution():
    recorded = data.RED_WINE_SHA256_FILE.read_text().split()[0]
    assert hashlib.sha256(data.RED_WINE_FILE.read_bytes()).hexdigest() == recorded
    readme = (data.RED_WINE_FILE.parent / "README.md").read_text()
    assert "CC BY 4.0" in readme and "Cortez" in readme and "Decision Support Systems" in readme


def test_tampered_copy_is_refused_naming_the_file_and_both_hashes(tmp_path, monkeypatch):
    tampered = tmp_path / "winequality-red.csv"
    text = data.RED_WINE_FILE.read_text()
    tampered.write_text(text.replace("7.4;0.7;0;1.9", "7.4;0.7;0;9.1", 1))
    record = tmp_path / "winequality-red.sha256"
    expected = data.RED_WINE_SHA256_FILE.read_text().split()[0]
    record.write_text(expected + "\n")
    actual = hashlib.sha256(tampered.read_bytes()).hexdigest()
    assert actual != expected
    monkeypatch.setattr(data, "RED_WINE_FILE", tampered)
    monkeypatch.setattr(data, "RED_WINE_SHA256_FILE", record)
    with pytest.raises(ValueError) as info:
        load_red_wine()
    message = str(info.value)
    assert str(tampered) in message and actual in message and expected in message


def test_missing_file_is_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "RED_WINE_FILE", tmp_path / "winequality-red.csv")
    with pytest.raises(FileNotFoundError, match=r"load_red_wine: .*winequality-red.csv is missing"):
        load_red_wine()


def _layout(sep: str, quoted: bool) -> str:
    names = [*WINE_QUALITY_FEATURES, "quality"]
    header = sep.join(f'"{c}"' if quoted else c for c in names)
    return "\n".join([header, *(sep.join(str(v) for v in row) for row in ROWS)]) + "\n"


@pytest.mark.parametrize(
    ("sep", "quoted"),
    [(";", True), (",", False), (",", True)],
    ids=["uci-semicolons-quoted", "commas", "commas-quoted"],
)
def test_users_copy_in_either_layout(tmp_path, sep, quoted):
    path = tmp_path / "copy.csv"
    path.write_text(_layout(sep, quoted))
    X, quality = load_wine_quality(path)
    assert X.shape == (3, 11) and X.dtype == np.float64 and quality.dtype == np.int64
    np.testing.assert_array_equal(X, np.array(ROWS)[:, :11])
    assert quality.tolist() == [5, 5, 6]


def test_both_layouts_of_the_whole_file_agree(tmp_path):
    text = data.RED_WINE_FILE.read_text()
    commas = tmp_path / "winequality-red-commas.csv"
    commas.write_text(text.replace(";", ",").replace('"', ""))
    X, quality = load_red_wine()
    X2, quality2 = load_wine_quality(commas)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(quality, quality2)


# ----- benchmarks/red_wine.py (make reproduce): the Keras example's data, without training -----


def test_example_split_is_pandas_sample_frac_07_random_state_1234():
    from benchmarks.red_wine import example_split

    train, test = example_split(1599)
    assert len(train) == 1119 and len(test) == 480
    # The first rows of df.sample(frac=0.7, random_state=1234).index (checked with pandas 3.1).
    assert train[:8].tolist() == [688, 961, 726, 537, 1544, 1251, 1096, 1547]
    assert np.array_equal(np.sort(np.concatenate([train, test])), np.arange(1599))
    assert np.all(np.diff(test) > 0)


def test_example_arrays_are_scaled_on_the_training_split_with_nine_label_columns():
    from benchmarks.red_wine import prepare

    arrays = prepare()
    assert arrays["X_train"].shape == (1119, 11) and arrays["X_test"].shape == (480, 11)
    assert arrays["Y_train"].shape == (1119, 9) and arrays["Y_test"].shape == (480, 9)
    np.testing.assert_allclose(arrays["X_train"].min(axis=0), 0.0)
    np.testing.assert_allclose(arrays["X_train"].max(axis=0), 1.0)
    assert arrays["Y_train"][:, :3].sum() == 0 and arrays["Y_train"].sum() == 1119


def test_numpy_side_trains_briefly():
    from benchmarks.red_wine import prepare, run_numpy

    res = run_numpy(prepare(), seed=0, epochs=2)
    assert set(res) == {"seed", "test_acc", "train_acc", "val_acc", "seconds"}
    assert 0.0 <= res["test_acc"] <= 1.0


def test_repair_restores_the_82_lost_decimal_points_and_nothing_else():
    X, _ = load_red_wine()
    before = X.copy()
    R, fixes = data.repair_red_wine(X)
    np.testing.assert_array_equal(X, before)  # the input is not modified
    by_feature = {}
    for row, name, read, restored in fixes:
        by_feature.setdefault(name, []).append(row)
        assert read == X[row, WINE_QUALITY_FEATURES.index(name)] and read == np.floor(read)
        assert restored == R[row, WINE_QUALITY_FEATURES.index(name)]
    assert {k: len(v) for k, v in by_feature.items()} == {
        "density": 71,
        "volatile acidity": 5,
        "alcohol": 6,
    }
    # File lines (row + 2) as the data's README lists them.
    assert [r + 2 for r in by_feature["alcohol"]] == [1361, 1364, 1441, 1443, 1477, 1516]
    assert [r + 2 for r in by_feature["volatile acidity"]] == [692, 707, 712, 726, 1014]
    assert min(by_feature["density"]) + 2 == 245 and max(by_feature["density"]) + 2 == 1478
    changed = np.argwhere(R != X)
    assert len(changed) == 82
    # Every column now within the range the UCI description of the data gives.
    col = {name: R[:, j] for j, name in enumerate(WINE_QUALITY_FEATURES)}
    assert 0.99007 == col["density"].min() and col["density"].max() == 1.00369
    assert 0.12 == col["volatile acidity"].min() and col["volatile acidity"].max() == 1.58
    assert 8.4 == col["alcohol"].min() and col["alcohol"].max() == 14.9
    # A restored value is the file's digits with the point put back (one correct rounding).
    assert (243, "density", 100005.0, 1.00005) in fixes


def test_repair_is_idempotent_and_checks_its_input():
    R, _ = data.repair_red_wine(load_red_wine()[0])
    again, fixes = data.repair_red_wine(R)
    assert fixes == [] and np.array_equal(again, R)
    with pytest.raises(ValueError, match=r"11 columns.*\(5, 3\)"):
        data.repair_red_wine(np.ones((5, 3)))
