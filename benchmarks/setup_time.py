"""``make setup`` from an empty ``.venv``, timed in a temporary copy of the repository.

Only with ``--setup`` (slow: it installs every pinned dependency). The copy holds the files
git tracks (a fresh clone's content, plus uncommitted edits to them), so the real ``.venv``
is never touched.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.notebooks import ROOT


def tracked_files(root: Path = ROOT) -> list[Path]:
    """The files git tracks, relative to ``root`` (those that exist now)."""
    done = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True)
    names = [n for n in done.stdout.decode().split("\0") if n]
    return [Path(n) for n in names if (root / n).is_file()]


def copy_repo(dest: Path, root: Path = ROOT) -> None:
    for rel in tracked_files(root):
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / rel, target)


def bench_setup(*, log=print) -> tuple[dict, list[str]]:
    """``setup_s``: seconds of ``make setup`` in a copy with no ``.venv``."""
    if shutil.which("make") is None:
        return {"setup_s": None}, ["setup_s is null: `make` is not installed"]
    with tempfile.TemporaryDirectory(prefix="dlf-bench-setup-") as tmp:
        try:
            copy_repo(Path(tmp))
        except (OSError, subprocess.CalledProcessError) as exc:
            return {"setup_s": None}, [f"setup_s is null: could not copy the repository ({exc})"]
        log("  setup: make setup in a temporary copy (this installs every dependency)")
        start = time.perf_counter()
        # PATH as the caller has it minus this .venv: the copy must not see the real one.
        done = subprocess.run(
            ["make", "setup"],
            cwd=tmp,
            capture_output=True,
            text=True,
            env=_env_without_venv(),
            timeout=3600,
        )
        elapsed = time.perf_counter() - start
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()
        return {"setup_s": None}, [
            f"setup_s is null: make setup failed: {tail[-1] if tail else done.returncode}"
        ]
    return {"setup_s": elapsed}, ["setup_s: make setup from an empty .venv in a copy"]


def _env_without_venv() -> dict:
    import os

    env = dict(os.environ)
    venv_bin = str(ROOT / ".venv" / "bin")
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    env.pop("VIRTUAL_ENV", None)
    return env
