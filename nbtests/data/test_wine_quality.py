"""The winequality-red.csv loader, on small files the tests write."""

import numpy as np
import pytest

from utils.data import WINE_QUALITY_FEATURES, load_wine_quality

HEADER = ";".join(f'"{c}"' for c in (*WINE_QUALITY_FEATURES, "quality"))
ROWS = [
    "7.4;0.7;0;1.9;0.076;11;34;0.9978;3.51;0.56;9.4;5",
    "7.8;0.88;0;2.6;0.098;25;67;0.9968;3.2;0.68;9.8;5",
    "11.2;0.28;0.56;1.9;0.075;17;60;0.998;3.16;0.58;9.8;6",
]


def _write(tmp_path, text, name="winequality-red.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_reads_the_original_format(tmp_path):
    X, y = load_wine_quality(_write(tmp_path, "\n".join([HEADER, *ROWS]) + "\n"))
    assert X.shape == (3, 11) and X.dtype == np.float64 and y.tolist() == [5, 5, 6]
    assert X[2, 0] == 11.2 and X[0, -1] == 9.4


def test_columns_may_come_in_any_order(tmp_path):
    cols = [*WINE_QUALITY_FEATURES, "quality"]
    order = list(reversed(range(12)))
    header = ";".join(cols[i] for i in order)
    rows = [";".join(r.split(";")[i] for i in order) for r in ROWS]
    X, y = load_wine_quality(_write(tmp_path, "\n".join([header, *rows])))
    assert y.tolist() == [5, 5, 6] and X[2, 0] == 11.2


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("", ValueError, r"is empty"),
        (
            HEADER.replace(";", "\t"),
            ValueError,
            r"line 1: expected columns separated by ';' \(the UCI layout\) or ',', found neither",
        ),
        (HEADER.replace('"alcohol";', ""), ValueError, r"lacks the column\(s\) \['alcohol'\]"),
        (HEADER, ValueError, r"has a header but no data rows"),
        (
            "\n".join([HEADER, ROWS[0], ROWS[1].replace("0.88", "n/a")]),
            ValueError,
            r"line 3, column 'volatile acidity': 'n/a' is not a number",
        ),
        ("\n".join([HEADER, ROWS[0] + ";1"]), ValueError, r"line 2: 13 cells, the header has 12"),
        ("\n".join([HEADER, ROWS[0].replace(";5", ";5.5")]), ValueError, r"quality must be whole"),
    ],
)
def test_bad_files_give_clear_errors(tmp_path, text, error, message):
    with pytest.raises(error, match=message):
        load_wine_quality(_write(tmp_path, text))


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"load_wine_quality: no file at"):
        load_wine_quality(tmp_path / "nope.csv")
