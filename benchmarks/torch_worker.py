"""The PyTorch side of the MLP benchmark, run by ``.venv-bench/bin/python`` (not the course's).

It imports only torch and numpy (``utils`` is not installed in that environment), loads the
data from ``.npy`` files and then waits on stdin, so that the parent can interleave PyTorch
epochs with NumPy ones. One JSON object per line goes to stdout.

Usage::

    python torch_worker.py X.npy Y.npy --layers 64,256,256,10 --batch 64 --lr 0.05 \
        --threads 2 --seed 0

Protocol (one command per line on stdin, one JSON reply per line on stdout)::

    (start)  -> {"ready": true, "torch": "2.13.0+cpu", "threads": 2}
    epoch    -> {"seconds": 0.41, "loss": 0.03}     one epoch of mini-batch SGD
    quit     -> (exits 0)

Any failure is reported as ``{"error": "..."}`` and the worker exits with status 1.
"""

from __future__ import annotations

import argparse
import json
import sys
import time


def reply(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def build(layers: list[int], seed: int):
    """``Linear -> ReLU -> ... -> Linear``, float32, the same shape as the NumPy model."""
    import torch

    torch.manual_seed(seed)
    modules = []
    for i, (fan_in, fan_out) in enumerate(zip(layers[:-1], layers[1:], strict=True)):
        modules.append(torch.nn.Linear(fan_in, fan_out))
        if i < len(layers) - 2:
            modules.append(torch.nn.ReLU())
    return torch.nn.Sequential(*modules)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("x")
    parser.add_argument("y")
    parser.add_argument("--layers", default="64,256,256,10")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        import numpy as np
        import torch

        torch.set_num_threads(args.threads)
        X = torch.from_numpy(np.load(args.x)).float()
        y = torch.from_numpy(np.load(args.y)).long()
        model = build([int(v) for v in args.layers.split(",")], args.seed)
        loss_fn = torch.nn.CrossEntropyLoss()
        optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)
        generator = torch.Generator().manual_seed(args.seed)
    except Exception as exc:  # reported to the parent, which records the reason
        reply({"error": f"{type(exc).__name__}: {exc}"})
        return 1
    reply({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads()})

    n = X.shape[0]
    for line in sys.stdin:
        command = line.strip()
        if command == "quit":
            return 0
        if command != "epoch":
            reply({"error": f"unknown command {command!r}"})
            return 1
        order = torch.randperm(n, generator=generator)
        start = time.perf_counter()
        for first in range(0, n, args.batch):
            idx = order[first : first + args.batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(X[idx]), y[idx])
            loss.backward()
            optimizer.step()
        seconds = time.perf_counter() - start
        reply({"seconds": seconds, "loss": float(loss)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
