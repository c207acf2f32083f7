"""Reproduce the Keras red-wine example, and the same network in ``utils.nn``: ``make reproduce``.

The reference is a well-known Keras program on the UCI Red Wine Quality file (1599 wines,
11 features, quality 3..8). Both sides here follow it:

- split: ``df.sample(frac=0.7, random_state=1234)`` for training, the other rows for test.
  pandas draws that sample as ``RandomState(1234).permutation(1599)[:1119]`` (no weights,
  no replacement), which is what :func:`utils.experiments.red_wine.example_split` computes
  without pandas; the rows keep that order, which matters because Keras's
  ``validation_split=0.1`` holds out the last 10% (:func:`~utils.experiments.red_wine.validation_tail`);
- features min-max scaled with the training split's minimum and maximum;
- labels one-hot with 9 columns, as ``to_categorical`` makes them for labels up to 8;
- ``Dense(144, relu) -> BatchNorm -> Dropout(0.3) -> Dense(144, relu) -> BatchNorm ->
  Dropout(0.3) -> Dense(16, relu) -> BatchNorm -> Dense(9, softmax)``, categorical
  cross-entropy, ``Adam(lr=0.000056194)``, batches of 128, 1000 epochs, the last 10% of the
  training rows for validation (1007 rows train, 112 validate, 480 test).

Keras 3 runs on the torch backend in ``.venv-bench`` (:mod:`benchmarks.keras_worker`); the
NumPy network (:func:`utils.experiments.red_wine.example_model`) uses ``utils.nn`` with
Keras's defaults translated: Glorot-uniform weights
(``init="xavier_uniform"``), batch-norm ``momentum=0.01`` (Keras's 0.99 counts the other
way) and ``eps=1e-3``, and Keras's Adam (:func:`utils.experiments.red_wine.example_optimizer`:
``eps=1e-7`` added where Keras adds it, ``eps_hat=True``). Each runs over several seeds, one
core each, at the same time; the script prints test accuracy as mean +- std and the wall time
per run.

With Keras's initial weights copied into the NumPy network and dropout off, the two agree
step for step (Keras in float64, to about 1e-6 relative, the rounding of the float32 parts
Keras keeps): predictions in evaluation mode, the training-mode loss, the gradient of every
parameter, batch norm's moving mean and (biased) moving variance, and the weights after 1
and 20 Adam steps. The mini-batches are cut alike too (a fresh permutation each epoch,
7 batches of 128 and one of 111, none dropped), validation only monitors, and the
accuracies are those of evaluation mode on the same rows. The runs of the two sides still
differ in their random draws (weights, dropout masks, batch order) and in precision (Keras
trains in float32); a seed here is not the same run as the same seed in Keras.

    python -m benchmarks.red_wine [--seeds 5] [--epochs 1000] [--out _build/red_wine.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from utils import data, nn
from utils.experiments.red_wine import (
    EXAMPLE_LR,
    example_model,
    example_optimizer,
    example_split,
    validation_tail,
)

ROOT = Path(__file__).resolve().parent.parent
LR = EXAMPLE_LR
BATCH = 128
VALIDATION_SPLIT = 0.1
N_CLASSES = 9  # to_categorical on labels 3..8 gives columns 0..8


def prepare(as_shipped: bool = False):
    """The example's arrays: min-max scaled features and 9-column one-hot labels.

    The 82 cells of the shipped file that lost their decimal point are restored first
    (:func:`utils.data.repair_red_wine`) unless ``as_shipped``.
    """
    X, quality = data.load_red_wine()
    if not as_shipped:
        X, _ = data.repair_red_wine(X)
    train, test = example_split(len(X))
    scaler = data.MinMaxScaler().fit(X[train])
    return {
        "X_train": scaler.transform(X[train]),
        "Y_train": data.one_hot(quality[train], N_CLASSES),
        "X_test": scaler.transform(X[test]),
        "Y_test": data.one_hot(quality[test], N_CLASSES),
    }


def run_numpy(arrays: dict, seed: int, epochs: int) -> dict:
    """Train the NumPy network once; accuracies on the three splits (evaluation mode)."""
    X, Y = arrays["X_train"], arrays["Y_train"]
    fit, val = validation_tail(np.arange(len(X)), VALIDATION_SPLIT)
    X_fit, Y_fit, X_val, Y_val = X[fit], Y[fit], X[val], Y[val]
    rng = np.random.default_rng(seed)
    model = example_model(rng, X.shape[1], N_CLASSES)
    start = time.perf_counter()
    nn.fit(
        model,
        X_fit,
        Y_fit,
        optimizer=example_optimizer(model, lr=LR),
        epochs=epochs,
        batch_size=BATCH,
        rng=rng,
        validation=(X_val, Y_val),
    )
    seconds = time.perf_counter() - start
    model.eval()
    acc = {
        name: nn.accuracy(model.forward(Xs), Ys)
        for name, (Xs, Ys) in (
            ("train", (X_fit, Y_fit)),
            ("val", (X_val, Y_val)),
            ("test", (arrays["X_test"], arrays["Y_test"])),
        )
    }
    return {
        "seed": seed,
        "test_acc": acc["test"],
        "train_acc": acc["train"],
        "val_acc": acc["val"],
        "seconds": seconds,
    }


def start_keras(python: Path, arrays_file: Path, seeds: list[int], epochs: int):
    """Start the Keras worker in the bench environment (or return the reason it cannot)."""
    if not python.exists():
        return None, f"{python} is missing: `make .venv-bench/.installed` creates it"
    env = {
        **os.environ,
        "KERAS_BACKEND": "torch",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
    }
    cmd = [
        str(python),
        str(ROOT / "benchmarks" / "keras_worker.py"),
        str(arrays_file),
        "--seeds",
        ",".join(map(str, seeds)),
        "--epochs",
        str(epochs),
        "--threads",
        "1",
    ]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env), None


def summary(runs: list[dict], key: str) -> tuple[float, float]:
    values = np.array([r[key] for r in runs])
    return float(values.mean()), float(values.std(ddof=1)) if len(values) > 1 else 0.0


def report(name: str, runs: list[dict]) -> str:
    if not runs:
        return f"{name:<28} no runs"
    parts = []
    for key in ("test_acc", "val_acc", "train_acc"):
        mean, std = summary(runs, key)
        parts.append(f"{key.split('_')[0]} {mean:.3f} +- {std:.3f}")
    seconds = [r["seconds"] for r in runs]
    return (
        f"{name:<28} "
        + ", ".join(parts)
        + f"; {np.mean(seconds):.1f} s per run ({sum(seconds):.0f} s in all)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.red_wine", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--seeds", type=int, default=5, help="runs per side (seeds 0..n-1)")
    parser.add_argument("--epochs", type=int, default=1000)
    parser.add_argument("--keras-python", type=Path, default=ROOT / ".venv-bench/bin/python")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "red_wine.json")
    parser.add_argument(
        "--as-shipped",
        action="store_true",
        help="train on the file as shipped, without restoring the 82 cells "
        "that lost their decimal point",
    )
    args = parser.parse_args(argv)
    seeds = list(range(args.seeds))
    arrays = prepare(args.as_shipped)
    state = (
        "as shipped (82 cells without their decimal point)"
        if args.as_shipped
        else "with the 82 lost decimal points restored"
    )
    print(
        f"red wine {state}: {len(arrays['X_train'])} training rows (the last "
        f"{len(arrays['X_train']) - int(np.floor(len(arrays['X_train']) * 0.9))} for "
        f"validation), {len(arrays['X_test'])} test rows; {len(seeds)} seeds, "
        f"{args.epochs} epochs"
    )
    result = {
        "epochs": args.epochs,
        "seeds": seeds,
        "as_shipped": args.as_shipped,
        "keras": [],
        "numpy": [],
        "keras_versions": None,
        "keras_error": None,
    }
    with tempfile.TemporaryDirectory() as tmp:
        arrays_file = Path(tmp) / "arrays.npz"
        np.savez(arrays_file, **arrays)
        worker, why = start_keras(args.keras_python, arrays_file, seeds, args.epochs)
        for seed in seeds:
            result["numpy"].append(run_numpy(arrays, seed, args.epochs))
            print(f"  numpy seed {seed}: test {result['numpy'][-1]['test_acc']:.3f}", flush=True)
        if worker is not None:
            for line in worker.stdout:
                reply = json.loads(line)
                if "error" in reply:
                    why = reply["error"]
                elif "ready" in reply:
                    result["keras_versions"] = reply
                else:
                    result["keras"].append(reply)
                    print(f"  keras seed {reply['seed']}: test {reply['test_acc']:.3f}", flush=True)
            if worker.wait() != 0 and why is None:
                why = f"the Keras worker exited with status {worker.returncode}"
    result["keras_error"] = why
    print()
    versions = result["keras_versions"] or {}
    print(report(f"Keras {versions.get('keras', '?')} (torch)", result["keras"]))
    print(report("utils.nn (NumPy float64)", result["numpy"]))
    if why:
        print(f"Keras side not run: {why}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"(details in {args.out})")
    return 0 if not why else 1


if __name__ == "__main__":
    sys.exit(main())
