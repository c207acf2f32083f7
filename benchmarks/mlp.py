"""One epoch of mini-batch SGD on an MLP: ``utils.nn`` in float32 against PyTorch on the CPU.

The network is 64-256-256-10 with ReLU and softmax cross-entropy, trained with plain SGD on
batches of 64 from scikit-learn's digits repeated to 50,000 samples. The NumPy epochs run in
this process; the PyTorch epochs in a persistent worker (``torch_worker.py``) inside
``.venv-bench``, driven over stdin so that the two alternate epoch by epoch and share
whatever load the machine has.

FLOPs are counted for the matrix products only, forward and backward:
a Linear layer of ``fan_in x fan_out`` costs ``2 fan_in fan_out`` per sample forward
(``x @ W``) and twice that backward (``dout @ W.T`` and ``x.T @ dout``), so one sample costs
``6 * sum(fan_in * fan_out)``. Bias adds, ReLUs and the softmax are O(sum(fan_out)) and left
out (under 1 % here).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

LAYERS = (64, 256, 256, 10)
BATCH = 64
SAMPLES = 50_000
LR = 0.05
SEED = 0
WORKER = Path(__file__).resolve().parent / "torch_worker.py"


def cores() -> int:
    """The cores this process may use (what ``torch.set_num_threads`` is given)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def flops_per_sample(layers=LAYERS) -> int:
    """Multiply-adds (x2) of the matrix products of one sample's forward and backward pass."""
    layers = [int(v) for v in layers]
    if len(layers) < 2 or min(layers) < 1:
        raise ValueError(f"flops_per_sample: layers must be >= 2 positive sizes, got {layers}")
    return 6 * sum(a * b for a, b in zip(layers[:-1], layers[1:], strict=True))


def epoch_flops(samples: int = SAMPLES, layers=LAYERS) -> int:
    """FLOPs of one epoch over ``samples`` samples (the batch size does not change the count)."""
    return samples * flops_per_sample(layers)


def make_data(samples: int = SAMPLES) -> tuple[np.ndarray, np.ndarray]:
    """Digits scaled to [0, 1], repeated to ``samples`` rows: X float32 (samples, 64), y int64."""
    from utils.data import load_digits

    X, y = load_digits()
    reps = -(-samples // len(X))
    X = np.tile(X / 16.0, (reps, 1))[:samples].astype(np.float32)
    y = np.tile(y, reps)[:samples].astype(np.int64)
    return np.ascontiguousarray(X), y


class NumpyMLP:
    """The network, loss and optimizer built with ``utils.nn`` in float32."""

    def __init__(self, layers=LAYERS, *, lr: float = LR, seed: int = SEED, dtype=np.float32):
        from utils import nn

        rng = np.random.default_rng(seed)
        modules = []
        for i, (fan_in, fan_out) in enumerate(zip(layers[:-1], layers[1:], strict=True)):
            modules.append(nn.Linear(fan_in, fan_out, rng=rng, dtype=dtype))
            if i < len(layers) - 2:
                modules.append(nn.ReLU())
        self.model = nn.Sequential(*modules)
        self.loss = nn.SoftmaxCrossEntropy()
        self.optimizer = nn.SGD(self.model, lr=lr)
        self.rng = np.random.default_rng(seed + 1)

    def epoch(self, X: np.ndarray, y: np.ndarray, batch: int = BATCH) -> tuple[float, float]:
        """One shuffled pass of mini-batch SGD; returns (seconds, last batch's loss)."""
        order = self.rng.permutation(len(X))
        model, loss_fn, optimizer = self.model, self.loss, self.optimizer
        start = time.perf_counter()
        for first in range(0, len(X), batch):
            idx = order[first : first + batch]
            loss = loss_fn(model.forward(X[idx]), y[idx])
            model.backward(loss_fn.backward())
            optimizer.step()
        return time.perf_counter() - start, float(loss)


def matmul_gflops(n: int, repeats: int = 5, dtype=np.float32) -> float:
    """Best rate of ``(n, n) @ (n, n)`` in GFLOP/s (``2 n**3`` FLOPs), all cores."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n)).astype(dtype)
    b = rng.standard_normal((n, n)).astype(dtype)
    out = np.empty_like(a)
    np.matmul(a, b, out=out)  # warm-up: threads started, pages touched
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        np.matmul(a, b, out=out)
        best = min(best, time.perf_counter() - start)
    return 2.0 * n**3 / best / 1e9


def matmul_peak_gflops(sizes=(1024, 2048), repeats: int = 5) -> float:
    """The float32 matmul peak of this machine: the best rate over a few large sizes."""
    return max(matmul_gflops(n, repeats) for n in sizes)


def step_matmuls_seconds(layers=LAYERS, batch: int = BATCH, steps: int = 200) -> float:
    """Seconds per training step spent in the step's matrix products alone (float32).

    The same products a step of :class:`NumpyMLP` computes, without anything else: the floor
    that Python overhead and elementwise work add to.
    """
    rng = np.random.default_rng(0)
    Ws = [
        rng.standard_normal((a, b)).astype(np.float32)
        for a, b in zip(layers[:-1], layers[1:], strict=True)
    ]
    x = rng.standard_normal((batch, layers[0])).astype(np.float32)

    def step():
        acts = [x]
        for W in Ws:
            acts.append(acts[-1] @ W)
        d = acts[-1]
        for W, a in zip(reversed(Ws), reversed(acts[:-1]), strict=True):
            a.T @ d
            d = d @ W.T

    for _ in range(20):
        step()
    best = np.inf
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(steps):
            step()
        best = min(best, (time.perf_counter() - start) / steps)
    return best


# ----- the PyTorch worker -----------------------------------------------------------------


class TorchUnavailable(RuntimeError):
    """PyTorch cannot be run; the message is the reason shown in the table."""


class TorchWorker:
    """A ``torch_worker.py`` process in the benchmark environment, one epoch per request."""

    def __init__(
        self,
        python: Path,
        x_path: Path,
        y_path: Path,
        *,
        layers=LAYERS,
        batch: int = BATCH,
        lr: float = LR,
        threads: int | None = None,
        seed: int = SEED,
    ):
        python = Path(python)
        if not python.exists():
            raise TorchUnavailable(
                f"{python} does not exist: the benchmark environment was not "
                "created (`make .venv-bench/.installed` shows why)"
            )
        cmd = [
            str(python),
            str(WORKER),
            str(x_path),
            str(y_path),
            "--layers",
            ",".join(str(v) for v in layers),
            "--batch",
            str(batch),
            "--lr",
            str(lr),
            "--threads",
            str(threads or cores()),
            "--seed",
            str(seed),
        ]
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        first = self._read()
        if "error" in first:
            self.close()
            raise TorchUnavailable(
                f"PyTorch could not start in {python.parent.parent.name}: {first['error']}"
            )
        self.version, self.threads = first["torch"], first["threads"]

    def _read(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            err = self.proc.stderr.read().strip().splitlines()
            raise TorchUnavailable(
                "the PyTorch worker exited: " + (err[-1] if err else f"status {self.proc.wait()}")
            )
        return json.loads(line)

    def epoch(self) -> tuple[float, float]:
        """Run one epoch in the worker; returns (seconds, last batch's loss)."""
        self.proc.stdin.write("epoch\n")
        self.proc.stdin.flush()
        reply = self._read()
        if "error" in reply:
            raise TorchUnavailable(f"the PyTorch worker failed: {reply['error']}")
        return reply["seconds"], reply["loss"]

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.flush()
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            stream.close()


def bench_mlp(
    *,
    torch_python: Path | None,
    repeats: int = 5,
    samples: int = SAMPLES,
    peak_sizes=(1024, 2048),
    log=print,
) -> tuple[dict, list[str]]:
    """The MLP keys and the notes that explain them (or why some are null)."""
    notes: list[str] = []
    result = {
        "mlp_numpy_s": None,
        "mlp_torch_s": None,
        "mlp_numpy_over_torch": None,
        "matmul_peak_gflops": None,
        "mlp_numpy_gflops": None,
        "mlp_fraction_of_peak": None,
    }
    X, y = make_data(samples)
    numpy_mlp = NumpyMLP()
    worker, version, threads = None, None, None
    with tempfile.TemporaryDirectory(prefix="dlf-bench-") as tmp:
        if torch_python is None:
            notes.append("PyTorch: not run (--no-torch)")
        else:
            np.save(Path(tmp) / "X.npy", X)
            np.save(Path(tmp) / "y.npy", y)
            try:
                worker = TorchWorker(torch_python, Path(tmp) / "X.npy", Path(tmp) / "y.npy")
            except TorchUnavailable as exc:
                notes.append(f"PyTorch keys are null: {exc}")
        try:
            numpy_s, torch_s, numpy_loss, torch_loss = [], [], None, None
            log(
                f"  mlp: warm-up, then {repeats} interleaved epochs "
                f"({'NumPy only' if worker is None else 'NumPy and PyTorch'})"
            )
            numpy_mlp.epoch(X, y)
            if worker is not None:
                worker.epoch()
            for r in range(repeats):
                # Alternate who goes first, so neither always follows the other's heat.
                order = ("numpy", "torch") if r % 2 == 0 else ("torch", "numpy")
                for who in order:
                    if who == "numpy":
                        seconds, numpy_loss = numpy_mlp.epoch(X, y)
                        numpy_s.append(seconds)
                    elif worker is not None:
                        try:
                            seconds, torch_loss = worker.epoch()
                            torch_s.append(seconds)
                        except TorchUnavailable as exc:
                            notes.append(f"PyTorch keys are null: {exc}")
                            worker.close()
                            worker, torch_s = None, []
                log(
                    f"    epoch {r + 1}: NumPy {numpy_s[-1]:.3f} s"
                    + (f", PyTorch {torch_s[-1]:.3f} s" if torch_s else "")
                )
        finally:
            if worker is not None:
                version, threads = worker.version, worker.threads
                worker.close()
    result["mlp_numpy_s"] = float(np.median(numpy_s))
    notes.append(f"MLP: {len(numpy_s)} epochs each, median; NumPy last loss {numpy_loss:.3f}")
    if torch_s:
        result["mlp_torch_s"] = float(np.median(torch_s))
        result["mlp_numpy_over_torch"] = result["mlp_numpy_s"] / result["mlp_torch_s"]
        notes.append(f"PyTorch {version}, {threads} threads; last loss {torch_loss:.3f}")
    log("  mlp: float32 matmul peak")
    peak = matmul_peak_gflops(peak_sizes)
    achieved = epoch_flops(samples) / result["mlp_numpy_s"] / 1e9
    result.update(
        matmul_peak_gflops=peak, mlp_numpy_gflops=achieved, mlp_fraction_of_peak=achieved / peak
    )
    steps = -(-samples // BATCH)
    floor_s = step_matmuls_seconds(steps=min(200, max(10, steps))) * steps
    if floor_s >= result["mlp_numpy_s"]:
        notes.append(
            f"MLP limits: not measurable in this run (the matrix products alone took "
            f"{floor_s:.3f} s per epoch, more than the epoch: the machine was busy)"
        )
        return result, notes
    notes.append(
        f"MLP limits: the step's matrix products alone take {floor_s:.3f} s per epoch "
        f"({epoch_flops(samples) / floor_s / 1e9:.1f} GFLOP/s, "
        f"{epoch_flops(samples) / floor_s / 1e9 / peak:.2f} of peak: batch-64 products are "
        f"small for BLAS); the other {result['mlp_numpy_s'] - floor_s:.3f} s "
        f"({(result['mlp_numpy_s'] - floor_s) / steps * 1e6:.0f} us per step) are "
        "elementwise work and Python overhead"
    )
    return result, notes


if __name__ == "__main__":  # a quick look: python -m benchmarks.mlp
    res, why = bench_mlp(torch_python=Path(sys.prefix).parent / ".venv-bench/bin/python", repeats=3)
    print(json.dumps(res, indent=1))
    print("\n".join(why))
