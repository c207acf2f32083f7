"""Train the source network of the transfer-learning chapter and write its weights.

    python -m utils.pretrain            # writes utils/weights/digits_0to4.npz
    python -m utils.pretrain --check    # trains again and compares with the shipped file

The source task is scikit-learn's bundled 8x8 digits restricted to the classes 0-4 (nothing
is downloaded). Pixels are scaled to [0, 1] by dividing by 16. The split and the training
use fixed seeds, so the run is reproducible; the shipped file's SHA-256 is recorded in
``utils/weights/digits_0to4.sha256`` and tested.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import numpy as np

from utils import data, nn
from utils.persistence import load, save

WEIGHTS = Path(__file__).resolve().parent / "weights" / "digits_0to4.npz"
CHECKSUM = WEIGHTS.with_suffix(".sha256")
SOURCE_CLASSES = (0, 1, 2, 3, 4)
SEED = 0
EPOCHS = 40


def source_data(seed: int = SEED):
    """Digits 0-4 scaled to [0, 1], split 70/15/15 (stratified): three (X, y) pairs."""
    X, y = data.load_digits()
    keep = np.isin(y, SOURCE_CLASSES)
    return data.train_val_test_split(
        X[keep] / 16.0, y[keep], val=0.15, test=0.15, stratify=True, rng=np.random.default_rng(seed)
    )


def build_model(rng: np.random.Generator) -> nn.Sequential:
    """64 -> 64 -> 32 -> 5 with ReLU: two feature layers and a head."""
    return nn.Sequential(
        nn.Linear(64, 64, rng=rng),
        nn.ReLU(),
        nn.Linear(64, 32, rng=rng),
        nn.ReLU(),
        nn.Linear(32, len(SOURCE_CLASSES), rng=rng),
    )


def pretrain(seed: int = SEED, epochs: int = EPOCHS):
    """Train the source network; return it and its accuracies on the three splits."""
    (X_tr, y_tr), (X_va, y_va), (X_te, y_te) = source_data(seed)
    rng = np.random.default_rng(seed + 1)
    model = build_model(rng)
    nn.fit(
        model,
        X_tr,
        y_tr,
        optimizer=nn.Adam(model, lr=0.005),
        epochs=epochs,
        batch_size=32,
        rng=rng,
        validation=(X_va, y_va),
    )
    model.eval()
    scores = {
        name: nn.accuracy(model.forward(X), y)
        for name, (X, y) in (("train", (X_tr, y_tr)), ("val", (X_va, y_va)), ("test", (X_te, y_te)))
    }
    return model, scores


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m utils.pretrain", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="train again and compare with the shipped weights (accuracy)",
    )
    args = parser.parse_args(argv)
    model, scores = pretrain()
    print("accuracy: " + ", ".join(f"{k} {v:.3f}" for k, v in scores.items()))
    if args.check:
        shipped = load(WEIGHTS).eval()
        (_, _), (_, _), (X_te, y_te) = source_data()
        shipped_acc = nn.accuracy(shipped.forward(X_te), y_te)
        print(f"shipped weights: test accuracy {shipped_acc:.3f}")
        return 0 if abs(shipped_acc - scores["test"]) <= 0.02 else 1
    save(model, WEIGHTS)
    CHECKSUM.write_text(sha256(WEIGHTS) + "\n")
    print(f"wrote {WEIGHTS.name} ({WEIGHTS.stat().st_size} bytes), sha256 {sha256(WEIGHTS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
