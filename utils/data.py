"""Data sets the course generates: logic-gate tables and noisy 2-D classification sets.

Every random set takes a keyword-only ``rng: numpy.random.Generator``; nothing touches
NumPy's global random state. Inputs are rows: ``X`` has shape ``(n, 2)`` and float64 dtype,
labels ``y`` shape ``(n,)`` and int64 dtype.
"""

from __future__ import annotations

import numpy as np

from utils._validate import as_count, as_generator, as_scalar
from utils.nn.train import minibatch_indices

__all__ = [
    "GATES",
    "WINE_QUALITY_FEATURES",
    "MinMaxScaler",
    "StandardScaler",
    "circles",
    "from_one_hot",
    "gate_truth_table",
    "gaussians",
    "load_digits",
    "load_red_wine",
    "load_wine",
    "load_wine_quality",
    "minibatch_indices",
    "minibatches",
    "moons",
    "noisy_sine",
    "one_hot",
    "spirals",
    "train_val_test_split",
    "xor",
]

#: The two-input gates and their outputs on the inputs (0,0), (0,1), (1,0), (1,1).
GATES: dict[str, tuple[int, int, int, int]] = {
    "AND": (0, 0, 0, 1),
    "OR": (0, 1, 1, 1),
    "NAND": (1, 1, 1, 0),
    "NOR": (1, 0, 0, 0),
    "XOR": (0, 1, 1, 0),
    "XNOR": (1, 0, 0, 1),
}
_CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def gate_truth_table(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The truth table of a two-input gate.

    Parameters
    ----------
    name : {"AND", "OR", "NAND", "NOR", "XOR", "XNOR"}

    Returns
    -------
    X : numpy.ndarray of float64, shape (4, 2)
        The inputs (0,0), (0,1), (1,0), (1,1).
    y : numpy.ndarray of int64, shape (4,)
    """
    if not isinstance(name, str) or name.upper() not in GATES:
        raise ValueError(f"gate_truth_table: name must be one of {list(GATES)}, got {name!r}")
    return _CORNERS.copy(), np.array(GATES[name.upper()], dtype=np.int64)


def _noise(noise, func: str) -> float:
    noise = as_scalar(noise, func, "noise")
    if noise < 0:
        raise ValueError(f"{func}: noise must be >= 0, got {noise}")
    return noise


def xor(n: int = 200, *, noise: float = 0.15, rng: np.random.Generator):
    """Points scattered around the four corners of the unit square, labelled by XOR.

    Returns
    -------
    X : numpy.ndarray of float64, shape (n, 2)
    y : numpy.ndarray of int64, shape (n,)
    """
    n = as_count(n, "xor", "n")
    noise = _noise(noise, "xor")
    rng = as_generator(rng, "xor")
    corner = rng.integers(0, 4, size=n)
    X = _CORNERS[corner] + noise * rng.standard_normal((n, 2))
    y = np.array(GATES["XOR"], dtype=np.int64)[corner]
    return X, y


def circles(n: int = 200, *, noise: float = 0.1, factor: float = 0.5, rng: np.random.Generator):
    """Two concentric rings: class 0 outside (radius 1), class 1 inside (radius ``factor``)."""
    n = as_count(n, "circles", "n", minimum=2)
    noise = _noise(noise, "circles")
    factor = as_scalar(factor, "circles", "factor")
    if not 0 < factor < 1:
        raise ValueError(f"circles: factor must be in (0, 1), got {factor}")
    rng = as_generator(rng, "circles")
    y = np.arange(n) % 2
    angle = rng.uniform(0, 2 * np.pi, size=n)
    radius = np.where(y == 1, factor, 1.0)
    X = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    X += noise * rng.standard_normal((n, 2))
    return X, y.astype(np.int64)


def moons(n: int = 200, *, noise: float = 0.1, rng: np.random.Generator):
    """Two interleaved half circles (class 0 upper, class 1 lower and shifted)."""
    n = as_count(n, "moons", "n", minimum=2)
    noise = _noise(noise, "moons")
    rng = as_generator(rng, "moons")
    y = np.arange(n) % 2
    t = rng.uniform(0, np.pi, size=n)
    upper = np.column_stack([np.cos(t), np.sin(t)])
    lower = np.column_stack([1 - np.cos(t), 0.5 - np.sin(t)])
    X = np.where(y[:, None] == 0, upper, lower) + noise * rng.standard_normal((n, 2))
    return X, y.astype(np.int64)


def spirals(
    n: int = 300,
    *,
    classes: int = 2,
    turns: float = 1.0,
    noise: float = 0.1,
    rng: np.random.Generator,
):
    """``classes`` interleaved spiral arms (``n`` points in all, labels 0..classes-1)."""
    n = as_count(n, "spirals", "n", minimum=2)
    classes = as_count(classes, "spirals", "classes", minimum=2)
    turns = as_scalar(turns, "spirals", "turns")
    if turns <= 0:
        raise ValueError(f"spirals: turns must be > 0, got {turns}")
    noise = _noise(noise, "spirals")
    rng = as_generator(rng, "spirals")
    y = np.arange(n) % classes
    r = rng.uniform(0.05, 1.0, size=n)
    theta = 2 * np.pi * (turns * r + y / classes)
    X = r[:, None] * np.column_stack([np.cos(theta), np.sin(theta)])
    X += noise * r[:, None] * rng.standard_normal((n, 2))
    return X, y.astype(np.int64)


def gaussians(
    n: int = 200, *, centers=((-1.0, -1.0), (1.0, 1.0)), std: float = 0.5, rng: np.random.Generator
):
    """Round Gaussian blobs, one class per centre (``centers`` has shape (C, 2))."""
    n = as_count(n, "gaussians", "n")
    centers = np.asarray(centers, dtype=np.float64)
    if centers.ndim != 2 or centers.shape[1] != 2 or centers.shape[0] < 1:
        raise ValueError(f"gaussians: centers must have shape (C, 2), got {centers.shape}")
    std = _noise(std, "gaussians")
    rng = as_generator(rng, "gaussians")
    y = np.arange(n) % centers.shape[0]
    X = centers[y] + std * rng.standard_normal((n, 2))
    return X, y.astype(np.int64)


def noisy_sine(n: int = 30, *, noise: float = 0.2, rng: np.random.Generator):
    """A 1-D regression set: ``x`` uniform in [0, 1], ``t = sin(2 pi x) + noise``.

    Returns
    -------
    x : numpy.ndarray of float64, shape (n,)
    t : numpy.ndarray of float64, shape (n,)
    """
    n = as_count(n, "noisy_sine", "n")
    noise = _noise(noise, "noisy_sine")
    rng = as_generator(rng, "noisy_sine")
    x = rng.uniform(0, 1, size=n)
    return x, np.sin(2 * np.pi * x) + noise * rng.standard_normal(n)


# ----- splits, scaling, labels, mini-batches ----------------------------------------------


def train_val_test_split(
    X, y, *, val: float = 0.15, test: float = 0.15, stratify: bool = False, rng: np.random.Generator
):
    """Split rows at random into training, validation and test sets.

    Parameters
    ----------
    X : array_like, shape (N, D)
    y : array_like, shape (N,) (or (N, C))
    val, test : float
        Fractions of the rows for validation and test (each in [0, 1), together < 1).
    stratify : bool
        Keep each class's share the same in every split (``y`` must be integer labels).
    rng : numpy.random.Generator

    Returns
    -------
    (X_train, y_train), (X_val, y_val), (X_test, y_test)
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim != 2 or len(y) != X.shape[0]:
        raise ValueError(
            f"train_val_test_split: X must have shape (N, D) and y N rows, "
            f"got {X.shape} and {y.shape}"
        )
    val = as_scalar(val, "train_val_test_split", "val")
    test = as_scalar(test, "train_val_test_split", "test")
    if not (0 <= val < 1 and 0 <= test < 1 and val + test < 1):
        raise ValueError(
            "train_val_test_split: val and test must be in [0, 1) with "
            f"val + test < 1, got val={val}, test={test}"
        )
    rng = as_generator(rng, "train_val_test_split")
    if stratify:
        if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
            raise ValueError("train_val_test_split: stratify needs integer labels y of shape (N,)")
        groups = [np.flatnonzero(y == k) for k in np.unique(y)]
    else:
        groups = [np.arange(X.shape[0])]
    parts = ([], [], [])
    for idx in groups:
        idx = rng.permutation(idx)
        n_test, n_val = int(round(test * len(idx))), int(round(val * len(idx)))
        parts[2].append(idx[:n_test])
        parts[1].append(idx[n_test : n_test + n_val])
        parts[0].append(idx[n_test + n_val :])
    out = []
    for chunks in parts:
        idx = np.sort(np.concatenate(chunks)) if chunks else np.array([], dtype=int)
        out.append((X[idx], y[idx]))
    return tuple(out)


class StandardScaler:
    """Standardise features: ``(X - mean) / std`` with statistics from the data passed to fit.

    Fit it on the training split only, then transform every split with the same statistics:
    fitting on all the data leaks information about the test set into training.
    A feature with zero spread is left centred but not divided (its std counts as 1).
    """

    def fit(self, X) -> StandardScaler:
        from utils._validate import as_float_matrix

        X = as_float_matrix(X, "StandardScaler.fit", "X")
        self.mean_ = X.mean(axis=0)
        std = X.std(axis=0)
        self.scale_ = np.where(std > 0, std, 1.0)
        return self

    def transform(self, X) -> np.ndarray:
        from utils._validate import as_float_matrix

        if not hasattr(self, "mean_"):
            raise RuntimeError("StandardScaler.transform: call fit(X_train) first")
        X = as_float_matrix(X, "StandardScaler.transform", "X", columns=self.mean_.shape[0])
        return (X - self.mean_) / self.scale_

    def fit_transform(self, X) -> np.ndarray:
        return self.fit(X).transform(X)


class MinMaxScaler:
    """Scale features to [0, 1] using the minimum and maximum of the data passed to fit.

    Fit on the training split only; other splits may fall slightly outside [0, 1].
    A constant feature maps to 0.
    """

    def fit(self, X) -> MinMaxScaler:
        from utils._validate import as_float_matrix

        X = as_float_matrix(X, "MinMaxScaler.fit", "X")
        self.min_ = X.min(axis=0)
        span = X.max(axis=0) - self.min_
        self.scale_ = np.where(span > 0, span, 1.0)
        return self

    def transform(self, X) -> np.ndarray:
        from utils._validate import as_float_matrix

        if not hasattr(self, "min_"):
            raise RuntimeError("MinMaxScaler.transform: call fit(X_train) first")
        X = as_float_matrix(X, "MinMaxScaler.transform", "X", columns=self.min_.shape[0])
        return (X - self.min_) / self.scale_

    def fit_transform(self, X) -> np.ndarray:
        return self.fit(X).transform(X)


def one_hot(y, num_classes: int | None = None) -> np.ndarray:
    """Integer labels (N,) to a one-hot float64 array (N, C); C defaults to ``max(y) + 1``."""
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(
            f"one_hot: y must be integer labels of shape (N,), got shape "
            f"{y.shape} and dtype {y.dtype}"
        )
    c = int(y.max()) + 1 if num_classes is None else as_count(num_classes, "one_hot", "num_classes")
    if y.size and (y.min() < 0 or y.max() >= c):
        raise ValueError(f"one_hot: labels must lie in [0, {c - 1}], got {y.min()} to {y.max()}")
    out = np.zeros((y.shape[0], c))
    out[np.arange(y.shape[0]), y] = 1.0
    return out


def from_one_hot(Y) -> np.ndarray:
    """One-hot (or probability) rows (N, C) back to integer labels (N,) by argmax."""
    Y = np.asarray(Y)
    if Y.ndim != 2:
        raise ValueError(f"from_one_hot: Y must have shape (N, C), got {Y.shape}")
    return Y.argmax(axis=1).astype(np.int64)


def minibatches(X, y, batch_size: int, *, rng: np.random.Generator | None, shuffle: bool = True):
    """Yield ``(X[idx], y[idx])`` for the index batches of :func:`minibatch_indices`."""
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"minibatches: X has {len(X)} rows but y has {len(y)}")
    for idx in minibatch_indices(len(X), batch_size, rng=rng, shuffle=shuffle):
        yield X[idx], y[idx]


# ----- bundled real data (from scikit-learn's package: nothing is downloaded) -------------


def load_digits():
    """scikit-learn's bundled 8x8 handwritten digits.

    Returns
    -------
    X : numpy.ndarray of float64, shape (1797, 64)
        Pixel intensities 0..16, one image per row (row-major 8x8).
    y : numpy.ndarray of int64, shape (1797,)
        The digit, 0..9.
    """
    from sklearn.datasets import load_digits as _load

    bunch = _load()
    return bunch.data.astype(np.float64), bunch.target.astype(np.int64)


def load_wine():
    """scikit-learn's bundled wine recognition data.

    Returns
    -------
    X : numpy.ndarray of float64, shape (178, 13)
        Chemical measurements (alcohol, malic acid, ...), unscaled.
    y : numpy.ndarray of int64, shape (178,)
        The cultivar, 0..2.
    """
    from sklearn.datasets import load_wine as _load

    bunch = _load()
    return bunch.data.astype(np.float64), bunch.target.astype(np.int64)


#: The 11 feature columns of the UCI Red Wine Quality file, in its order.
WINE_QUALITY_FEATURES = (
    "fixed acidity",
    "volatile acidity",
    "citric acid",
    "residual sugar",
    "chlorides",
    "free sulfur dioxide",
    "total sulfur dioxide",
    "density",
    "pH",
    "sulphates",
    "alcohol",
)


def load_wine_quality(path):
    """Read a copy of ``winequality-red.csv``: a header row, the 11 features and ``quality``.

    Two layouts are read: the UCI original (cells separated by ``;``, column names quoted)
    and the comma-separated one that other copies use (names quoted or not). The separator is
    taken from the header row. :func:`load_red_wine` reads the copy shipped with the course.

    Returns
    -------
    X : numpy.ndarray of float64, shape (N, 11)
        The features in :data:`WINE_QUALITY_FEATURES` order.
    y : numpy.ndarray of int64, shape (N,)
        The quality score (0..10; 3..8 in the red-wine file).

    Raises
    ------
    FileNotFoundError, ValueError
        With the line and column at fault: missing columns, a header with neither ``;`` nor
        ``,``, a non-numeric cell, a row of the wrong length.
    """
    from pathlib import Path

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"load_wine_quality: no file at {path}")
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    lines = [(i, line) for i, line in enumerate(lines, start=1) if line.strip()]
    if not lines:
        raise ValueError(f"load_wine_quality: {path} is empty")
    header_no, header = lines[0]
    # The UCI file uses ';'; copies re-saved by spreadsheet or pandas code often use ','.
    sep = ";" if ";" in header else "," if "," in header else None
    if sep is None:
        raise ValueError(
            f"load_wine_quality: {path} line {header_no}: expected columns "
            "separated by ';' (the UCI layout) or ',', found neither"
        )
    names = [c.strip().strip('"').strip() for c in header.split(sep)]
    wanted = [*WINE_QUALITY_FEATURES, "quality"]
    missing = [c for c in wanted if c not in names]
    if missing:
        raise ValueError(f"load_wine_quality: {path} lacks the column(s) {missing}; found {names}")
    index = [names.index(c) for c in wanted]
    rows = []
    for line_no, line in lines[1:]:
        cells = [c.strip().strip('"') for c in line.split(sep)]
        if len(cells) != len(names):
            raise ValueError(
                f"load_wine_quality: {path} line {line_no}: {len(cells)} cells, "
                f"the header has {len(names)}"
            )
        row = []
        for j in index:
            try:
                row.append(float(cells[j]))
            except ValueError:
                raise ValueError(
                    f"load_wine_quality: {path} line {line_no}, column "
                    f"{names[j]!r}: {cells[j]!r} is not a number"
                ) from None
        rows.append(row)
    if not rows:
        raise ValueError(f"load_wine_quality: {path} has a header but no data rows")
    table = np.array(rows)
    quality = table[:, -1]
    if not np.all(quality == np.round(quality)):
        raise ValueError(f"load_wine_quality: {path}: quality must be whole numbers")
    return table[:, :-1], quality.astype(np.int64)


def _datasets_dir():
    from pathlib import Path

    return Path(__file__).resolve().parent / "datasets"


#: The copy of the UCI Red Wine Quality file shipped in the package (CC BY 4.0; authors,
#: citation and license in ``utils/datasets/README.md``) and its recorded SHA-256.
RED_WINE_FILE = _datasets_dir() / "winequality-red.csv"
RED_WINE_SHA256_FILE = _datasets_dir() / "winequality-red.sha256"


def load_red_wine():
    """The UCI Red Wine Quality data shipped with the course (nothing is downloaded).

    1599 red "Vinho Verde" wines (Cortez et al., 2009; CC BY 4.0, see
    ``utils/datasets/README.md``). The file's SHA-256 is checked against the one recorded
    beside it before it is read, so an edited or damaged copy is refused.

    Returns
    -------
    X : numpy.ndarray of float64, shape (1599, 11)
        The features in :data:`WINE_QUALITY_FEATURES` order, unscaled.
    quality : numpy.ndarray of int64, shape (1599,)
        The quality score, 3..8 (10, 53, 681, 638, 199, 18 wines).

    Raises
    ------
    FileNotFoundError
        The data file or its ``.sha256`` is missing from the installation.
    ValueError
        The file's SHA-256 differs from the recorded one (both are named).
    """
    import hashlib

    path, record = RED_WINE_FILE, RED_WINE_SHA256_FILE
    for needed in (path, record):
        if not needed.is_file():
            raise FileNotFoundError(
                f"load_red_wine: {needed} is missing; reinstall the course "
                "package (it ships the file and its checksum)"
            )
    recorded = record.read_text().split()
    expected = recorded[0].lower() if recorded else ""
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if actual != expected:
        raise ValueError(
            f"load_red_wine: {path} has SHA-256 {actual}, but {record.name} "
            f"records {expected or '(nothing)'}; the file was changed or damaged: "
            "restore it from the course repository"
        )
    return load_wine_quality(path)


#: The largest value each of three red-wine columns can physically take: volatile acidity in
#: g/dm3 (acetic acid; wine above about 1.5 is spoiled), density in g/cm3 (wine is water with
#: some alcohol and sugar), alcohol in % by volume (unfortified wine stays well below 20).
RED_WINE_PLAUSIBLE_MAX = {"volatile acidity": 2.0, "density": 1.01, "alcohol": 20.0}


def repair_red_wine(X):
    """Put back the decimal points that 82 cells of the shipped red-wine file have lost.

    In the copy shipped with the course (see ``utils/datasets/README.md``) some cells read
    ``100005`` for a density of 1.00005, ``1185`` for a volatile acidity of 1.185, and
    ``100333333333333`` for 10.0333333333333 % alcohol: the digits are right, the decimal
    point is gone. A value above :data:`RED_WINE_PLAUSIBLE_MAX` is divided by the smallest
    power of 10 that brings it under that bound, which restores it; no other cell changes.

    Parameters
    ----------
    X : numpy.ndarray, shape (N, 11)
        Features in :data:`WINE_QUALITY_FEATURES` order, as :func:`load_red_wine` returns.

    Returns
    -------
    X_repaired : numpy.ndarray of float64, shape (N, 11)
        A new array; ``X`` is not modified.
    fixes : list of (int, str, float, float)
        ``(row, feature, value read, value restored)`` for every changed cell, rows counted
        from 0 (file line = row + 2).
    """
    from utils._validate import as_float_matrix

    X = as_float_matrix(X, "repair_red_wine", "X")
    if X.shape[1] != len(WINE_QUALITY_FEATURES):
        raise ValueError(
            f"repair_red_wine: X must have {len(WINE_QUALITY_FEATURES)} columns "
            f"(WINE_QUALITY_FEATURES), got shape {X.shape}"
        )
    X = X.copy()
    fixes = []
    for name, bound in RED_WINE_PLAUSIBLE_MAX.items():
        j = WINE_QUALITY_FEATURES.index(name)
        for i in np.flatnonzero(X[:, j] > bound):
            power = 1
            while X[i, j] / 10.0**power > bound:
                power += 1
            value = X[i, j] / 10.0**power  # one division: the decimal the file had
            fixes.append((int(i), name, float(X[i, j]), float(value)))
            X[i, j] = value
    fixes.sort()
    return X, fixes
