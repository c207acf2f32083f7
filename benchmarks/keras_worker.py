"""The Keras side of ``make reproduce``, run by ``.venv-bench/bin/python`` (not the course's).

It imports only keras (on the torch backend) and numpy: ``utils`` is not installed in that
environment. The parent (:mod:`benchmarks.red_wine`) writes the prepared arrays to an ``.npz``
file (scaled features, one-hot labels with 9 columns, the rows in the example's order); this
worker trains the Keras example's network once per seed and prints one JSON object per line.

Usage::

    KERAS_BACKEND=torch python keras_worker.py arrays.npz --seeds 0,1,2,3,4 --epochs 1000

Each line: ``{"seed": 0, "test_acc": 0.6, "train_acc": ..., "val_acc": ..., "seconds": ...}``;
the first line is ``{"ready": true, "keras": "3.15.1", "torch": "2.13.0+cpu"}``. A failure is
reported as ``{"error": "..."}`` with exit status 1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

LR = 0.000056194
BATCH = 128
VALIDATION_SPLIT = 0.1


def reply(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def build(keras, n_features: int, n_classes: int):
    """The example's network, layer for layer (Keras defaults: Glorot-uniform weights, zero
    biases, BatchNormalization momentum 0.99 and epsilon 1e-3, Adam epsilon 1e-7)."""
    layers = keras.layers
    model = keras.Sequential(
        [
            keras.Input(shape=(n_features,)),
            layers.Dense(144, activation="relu"),
            layers.BatchNormalization(),
            layers.Dropout(0.3),
            layers.Dense(144, activation="relu"),
            layers.BatchNormalization(),
            layers.Dropout(0.3),
            layers.Dense(16, activation="relu"),
            layers.BatchNormalization(),
            layers.Dense(n_classes, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=LR),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("arrays")
    parser.add_argument("--seeds", default="0,1,2,3,4")
    parser.add_argument("--epochs", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    os.environ.setdefault("KERAS_BACKEND", "torch")
    try:
        import keras
        import numpy as np
        import torch

        torch.set_num_threads(args.threads)
        arrays = np.load(args.arrays)
        X_train, Y_train = arrays["X_train"], arrays["Y_train"]
        X_test, Y_test = arrays["X_test"], arrays["Y_test"]
    except Exception as exc:  # reported to the parent, which records the reason
        reply({"error": f"{type(exc).__name__}: {exc}"})
        return 1
    reply(
        {
            "ready": True,
            "keras": keras.__version__,
            "backend": keras.backend.backend(),
            "torch": torch.__version__,
        }
    )
    # Keras's validation_split keeps the last rows (in the order given) for validation.
    split_at = int(np.floor(len(X_train) * (1.0 - VALIDATION_SPLIT)))
    for seed in (int(s) for s in args.seeds.split(",")):
        keras.utils.set_random_seed(seed)
        model = build(keras, X_train.shape[1], Y_train.shape[1])
        start = time.perf_counter()
        history = model.fit(
            X_train,
            Y_train,
            batch_size=BATCH,
            epochs=args.epochs,
            validation_split=VALIDATION_SPLIT,
            verbose=0,
        )
        seconds = time.perf_counter() - start
        evaluate = {
            name: float(model.evaluate(X, Y, verbose=0, return_dict=True)["accuracy"])
            for name, (X, Y) in (
                ("train", (X_train[:split_at], Y_train[:split_at])),
                ("val", (X_train[split_at:], Y_train[split_at:])),
                ("test", (X_test, Y_test)),
            )
        }
        reply(
            {
                "seed": seed,
                "test_acc": evaluate["test"],
                "train_acc": evaluate["train"],
                "val_acc": evaluate["val"],
                "fit_train_acc": float(history.history["accuracy"][-1]),
                "seconds": seconds,
            }
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
