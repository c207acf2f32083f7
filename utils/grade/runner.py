"""Running one submission in child processes: limits, timeouts, restarts, clean kills.

The grader never executes student code itself. For each submission it starts
``python -I -B -m utils.grade._child`` in a fresh temporary folder, in a new session, with a
minimal environment, sends it the job (setup cell, the student's exercise cells, the probe
inputs) on stdin and reads result frames on a pipe while a per-step and a per-notebook wall
clock run. A step is one cell, or the probes of one exercise. When the child hangs past a
limit, dies (``os._exit``, a signal, the memory limit) or floods the pipe, it is killed with
everything it started, and a new child runs the rest of the notebook without the step that
failed: that exercise scores 0, the others are scored as if nothing had happened.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import selectors
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from utils.grade.plain import frame
from utils.grade.submission import ROOT, Submission


def _uid_range() -> tuple[int, int]:
    """The uids the grader may give its jobs: ``DLF_GRADE_UIDS=START-END``, else 61000-62999.

    Pick a range no account of the machine uses: every process of a job's uid is killed.
    """
    text = os.environ.get("DLF_GRADE_UIDS", "61000-62999")
    try:
        start, end = (int(x) for x in text.split("-"))
        if 1000 <= start <= end < 2**31:
            return start, end - start + 1
    except ValueError:
        pass
    raise ValueError(f"DLF_GRADE_UIDS: expected START-END (uids >= 1000), got {text!r}")


UID_BASE, UID_COUNT = _uid_range()
LOCK_DIR = Path(tempfile.gettempdir()) / ".dlf-grade-uid-locks"
MAX_HEADER = 1 << 20
MAX_FRAMES_BYTES = 256 << 20


@dataclass
class Limits:
    """Limits of one submission's children."""

    cell_timeout: float = 60.0  # wall seconds per cell, and per exercise's probes
    notebook_timeout: float = 600.0  # wall seconds for the whole submission, restarts included
    memory_mb: int = 1024  # address space per process
    nproc: int = 8  # processes of the job's uid (root only)
    fsize_mb: int = 64  # largest file the child may write
    output_bytes: int = 1_000_000  # printed output kept; the rest is read and discarded
    kept_output: int = 4000  # tail of the output shown in the feedback
    max_file_bytes: int = 256 << 20  # the submission file, outputs included (--max-size)


@dataclass
class RunResult:
    """What the children of one submission produced (raw data only, nothing judged)."""

    results: dict = field(default_factory=dict)  # (ex_id, k) -> (outcome header, payload)
    failed: dict = field(default_factory=dict)  # ex_id -> why its probes did not all run
    flags: dict = field(default_factory=dict)  # ex_id -> reason (reported by the child)
    printed: dict = field(default_factory=dict)  # ex_id -> what the code printed in its checks
    incidents: list = field(default_factory=list)  # (kind, text): "timeout", "kernel died"
    isolation: dict | None = None
    output_tail: bytes = b""
    output_total: int = 0
    attempts: int = 0
    seconds: float = 0.0
    vmpeak_kb: int = 0  # the child's peak address space (as it reports it)


def isolation_mode() -> str:
    """``root`` (namespaces, private root, per-job uid), ``user`` (try a user namespace)."""
    if sys.platform != "linux":
        return "none"
    return "root" if os.geteuid() == 0 else "user"


class UidLease:
    """An exclusive uid for one job (root only), held with a lock file across processes."""

    def __init__(self):
        self.uid, self._fd = None, None
        LOCK_DIR.mkdir(mode=0o700, exist_ok=True)
        start = os.getpid() % UID_COUNT
        for i in range(UID_COUNT):
            uid = UID_BASE + (start + i) % UID_COUNT
            fd = os.open(LOCK_DIR / str(uid), os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue
            self.uid, self._fd = uid, fd
            kill_uid(uid)  # leftovers of a grader that crashed
            return
        raise RuntimeError("no free uid for a grading job")

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _pids_of_uid(uid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as f:
                zombie = False
                for line in f:
                    if line.startswith("State:"):
                        zombie = line.split()[1] in ("Z", "X")
                    elif line.startswith("Uid:"):
                        if int(line.split()[1]) == uid and not zombie:
                            pids.append(int(entry))
                        break
        except OSError:
            continue
    return pids


def kill_uid(uid: int) -> None:
    """Kill every process of ``uid`` (fork-bomb children that left the session included)."""
    for _ in range(50):
        pids = _pids_of_uid(uid)
        if not pids:
            return
        # kill(-1) as that uid signals all its processes at once, faster than they can fork.
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run(
                [sys.executable, "-S", "-I", "-c", "import os; os.kill(-1, 9)"],
                user=uid,
                group=uid,
                extra_groups=[],
                timeout=10,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.02)


def _fontcache() -> tuple[str | None, str]:
    try:
        import matplotlib

        found = sorted(Path(matplotlib.get_cachedir()).glob("fontlist-*.json"))
        if found:
            return str(found[-1]), found[-1].name
    except Exception:  # no matplotlib cache: the child builds one (slower, still correct)
        pass
    return None, "fontlist.json"


def _binds() -> list[str]:
    """Folders the private root needs: the Python installation, the venv, ``utils/``."""
    paths = {
        os.path.realpath(sys.base_prefix),
        os.path.realpath(sys.prefix),
        sys.prefix,
        str(ROOT / "utils"),
        os.path.realpath(sys.executable),
    }
    exe_dir = os.path.dirname(os.path.realpath(sys.executable))
    paths.add(os.path.dirname(exe_dir))
    for p in sys.path:
        if p and "site-packages" in p and os.path.isdir(p):
            paths.add(p)
    out = []
    for p in sorted(paths, key=len):
        if os.path.isfile(p):
            continue
        if not any(p == q or p.startswith(q.rstrip("/") + "/") for q in out):
            out.append(p)
    return out


def child_env(home: str) -> dict:
    """The child's whole environment: nothing of the grader's (no tokens, no paths)."""
    bin_dir = str(Path(sys.executable).parent)
    return {
        "PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "NUMEXPR_NUM_THREADS": "1",
        "PYTHONHASHSEED": "0",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "TERM": "dumb",
    }


def plan_steps(sub: Submission, skip_cells: set, skip_probes: set) -> list:
    """The submission's steps, less the cells that hung or crashed and the probes done."""
    return [
        dict(step)
        for step in sub.steps
        if (step["kind"] == "cell" and step["key"] not in skip_cells)
        or (step["kind"] == "probes" and step["key"] not in skip_probes)
    ]


class GradingStopped(BaseException):
    """The batch was interrupted (Ctrl-C, SIGTERM): no row is written for this submission."""


_LIVE_LOCK = threading.Lock()
_LIVE: dict[int, tuple] = {}  # pid -> (Popen, uid) of every running child
_STOPPING = threading.Event()


def stop_all() -> None:
    """End every running child now and refuse to start new ones (the batch is stopping)."""
    _STOPPING.set()
    with _LIVE_LOCK:
        live = list(_LIVE.values())
    for proc, uid in live:
        _kill(proc, uid)


def run_submission(
    sub: Submission,
    ex_ids: list[str],
    n_probes: dict[str, int],
    inputs_tree,
    inputs_payload: bytes,
    refnames: dict[str, list[str]],
    limits: Limits,
    mode: str | None = None,
) -> RunResult:
    """Run a submission's steps in children; restart past a cell or probes that failed.

    A cell that hangs or kills its child is skipped in the next child, which runs the
    notebook again from the top (the state the later cells need is rebuilt) with the probes
    already answered left out. Probes that hang or crash score their exercise 0.
    """
    mode = mode or isolation_mode()
    out = RunResult()
    start = time.monotonic()
    skip_cells: set[str] = set()
    done: set[str] = set()
    probed = [e for e in ex_ids if any(s["kind"] == "probes" and s["key"] == e for s in sub.steps)]
    lease = UidLease() if mode == "root" else None
    try:
        for _ in range(len(sub.steps) + 2):
            if _STOPPING.is_set():
                raise GradingStopped
            todo = [e for e in probed if e not in done]
            if not todo:
                break
            left = limits.notebook_timeout - (time.monotonic() - start)
            if left <= 0:
                for e in todo:
                    out.failed.setdefault(e, "not run: the notebook's time limit was reached")
                if not any(k == "timeout" for k, _ in out.incidents):
                    out.incidents.append(("timeout", "the notebook's time limit was reached"))
                break
            steps = plan_steps(sub, skip_cells, done)
            job = {
                "steps": steps,
                "inputs": inputs_tree,
                "utils_dir": str(ROOT / "utils"),
                "refnames": refnames,
                "chapter": sub.chapter,
            }
            out.attempts += 1
            state, where = _attempt(
                job, inputs_payload, limits, left, mode, lease.uid if lease else None, out, n_probes
            )
            if _STOPPING.is_set():
                raise GradingStopped
            for e in probed:
                if all((e, k) in out.results for k in range(n_probes[e])):
                    done.add(e)
            if state == "done":
                for e in todo:
                    if e not in done:
                        out.failed.setdefault(e, "no result came back for some cases")
                        done.add(e)
                break
            kind = "timeout" if state == "timeout" else "kernel died"
            what = {
                "timeout": "timed out",
                "died": "killed the kernel",
                "flood": "sent too much data",
            }.get(state, state)
            if where is None:
                text = f"the notebook {what} before any cell ran"
                out.incidents.append((kind, text))
                for e in todo:
                    out.failed.setdefault(e, f"not run: {text}")
                break
            if where["kind"] == "cell":
                skip_cells.add(where["key"])
                text = f"your {where.get('label', where['key'])} {what}; it was skipped"
                out.incidents.append((kind, text))
                continue
            ex_id = where["key"]
            text = f"checking {ex_id} {what} (a case ran too long or crashed)"
            out.incidents.append((kind, text))
            out.failed.setdefault(ex_id, text)
            done.add(ex_id)
    finally:
        if lease:
            lease.release()
    out.seconds = time.monotonic() - start
    return out


def _attempt(
    job: dict,
    payload: bytes,
    limits: Limits,
    time_left: float,
    mode: str,
    uid: int | None,
    out: RunResult,
    n_probes: dict[str, int],
):
    """One child: returns ``(state, step)`` with state done/timeout/died/flood."""
    job_dir = Path(tempfile.mkdtemp(prefix="dlf-grade-"))
    root_dir, work_dir = job_dir / "root", job_dir / "work"
    root_dir.mkdir(mode=0o700)
    work_dir.mkdir(mode=0o700)
    fontcache, fontcache_name = _fontcache()
    job = dict(job)
    job["sandbox"] = {
        "mode": mode,
        "uid": uid,
        "root_dir": str(root_dir),
        "work_dir": str(work_dir),
        "binds": _binds(),
        "fontcache": fontcache,
        "fontcache_name": fontcache_name,
        "limits": {
            "as": limits.memory_mb << 20,
            "nproc": limits.nproc,
            "fsize": limits.fsize_mb << 20,
            "cpu": int(limits.notebook_timeout) + 30,
            "core": 0,
            "nofile": 256,
        },
    }
    if mode != "root":
        job["sandbox"]["limits"].pop("nproc")  # would count every process of the user
    rfd, wfd = os.pipe()
    steps = job["steps"]
    try:
        proc = subprocess.Popen(
            [sys.executable, "-I", "-B", "-m", "utils.grade._child", str(wfd)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            pass_fds=(wfd,),
            cwd=str(work_dir),
            env=child_env(str(work_dir)),
            start_new_session=True,
            # The sandbox's folders must be traversable by the job's uid whatever the TA's
            # umask (the gradebook follows the TA's umask; the child's private root does not).
            umask=0o022,
        )
    except OSError:
        os.close(rfd)
        os.close(wfd)
        shutil.rmtree(job_dir, ignore_errors=True)
        raise
    os.close(wfd)
    with _LIVE_LOCK:
        _LIVE[proc.pid] = (proc, uid)
    if _STOPPING.is_set():
        _kill(proc, uid)
    state, where = "died", None
    try:
        try:
            proc.stdin.write(frame(job, payload))
            proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        state, where = _watch(proc, rfd, steps, limits, time_left, out, n_probes)
    finally:
        _kill(proc, uid)
        with _LIVE_LOCK:
            _LIVE.pop(proc.pid, None)
        os.close(rfd)
        with contextlib.suppress(OSError):
            proc.stdout.close()
        shutil.rmtree(job_dir, ignore_errors=True)
    return state, where


def _watch(
    proc,
    rfd: int,
    steps: list,
    limits: Limits,
    time_left: float,
    out: RunResult,
    n_probes: dict[str, int],
):
    sel = selectors.DefaultSelector()
    out_fd = proc.stdout.fileno()
    for fd in (rfd, out_fd):
        os.set_blocking(fd, False)
    sel.register(rfd, selectors.EVENT_READ, "frames")
    sel.register(out_fd, selectors.EVENT_READ, "output")
    now = time.monotonic()
    hard_deadline = now + time_left
    step_deadline = now + limits.cell_timeout + 30.0  # start-up (imports) gets extra time
    buf = bytearray()
    received = 0
    current = None
    allowed = {s["key"] for s in steps if s["kind"] == "probes"}
    open_fds = 2
    try:
        while open_fds:
            now = time.monotonic()
            if now >= hard_deadline or now >= step_deadline:
                return "timeout", current
            if proc.poll() is not None and rfd not in sel.get_map():
                return "died", current
            events = sel.select(timeout=min(hard_deadline, step_deadline, now + 0.5) - now)
            if not events and proc.poll() is not None:
                return "died", current  # exited; only its orphans still hold the pipes
            for key, _ in events:
                try:
                    chunk = os.read(key.fd, 1 << 16)
                except BlockingIOError:
                    continue
                except OSError as exc:
                    if exc.errno != errno.EAGAIN:
                        chunk = b""
                    else:
                        continue
                if not chunk:
                    sel.unregister(key.fd)
                    open_fds -= 1
                    continue
                if key.data == "output":
                    _keep_output(out, chunk, limits)
                    continue
                received += len(chunk)
                if received > MAX_FRAMES_BYTES:
                    return "flood", current
                buf += chunk
                while len(buf) >= 8:
                    n_head, n_payload = struct.unpack(">II", buf[:8])
                    if n_head > MAX_HEADER:
                        return "flood", current
                    if len(buf) < 8 + n_head + n_payload:
                        break
                    head = bytes(buf[8 : 8 + n_head])
                    data = bytes(buf[8 + n_head : 8 + n_head + n_payload])
                    del buf[: 8 + n_head + n_payload]
                    event = _parse_header(head)
                    if event is None:
                        continue
                    kind = event.get("event")
                    if kind == "ready" and out.isolation is None:
                        out.isolation = event.get("isolation")
                        step_deadline = time.monotonic() + limits.cell_timeout + 30.0
                    elif kind == "step":
                        index = event.get("index")
                        if isinstance(index, int) and 0 <= index < len(steps):
                            current = steps[index]
                            step_deadline = time.monotonic() + limits.cell_timeout
                    elif kind == "result":
                        ex_id, k = event.get("exercise"), event.get("probe")
                        if (
                            ex_id in allowed
                            and isinstance(k, int)
                            and 0 <= k < n_probes.get(ex_id, 0)
                            and isinstance(event.get("outcome"), dict)
                        ):
                            out.results.setdefault((ex_id, k), (event["outcome"], data))
                    elif kind == "printed":
                        ex_id = event.get("exercise")
                        if ex_id in allowed:
                            out.printed.setdefault(ex_id, data[:8000].decode("utf-8", "replace"))
                    elif kind == "flag":
                        ex_id, reason = event.get("exercise"), event.get("reason")
                        if ex_id in allowed and isinstance(reason, str):
                            out.flags.setdefault(ex_id, reason[:300])
                    elif kind == "done":
                        if isinstance(event.get("vmpeak_kb"), int):
                            out.vmpeak_kb = max(out.vmpeak_kb, event["vmpeak_kb"])
                        return "done", current
        return "died", current
    finally:
        sel.close()


def _parse_header(head: bytes):
    import json

    try:
        event = json.loads(head)
    except (ValueError, RecursionError):
        return None
    return event if isinstance(event, dict) else None


def _keep_output(out: RunResult, chunk: bytes, limits: Limits) -> None:
    out.output_total += len(chunk)
    if out.output_total - len(chunk) < limits.output_bytes:
        out.output_tail = (out.output_tail + chunk)[-limits.kept_output :]


def _kill(proc, uid: int | None) -> None:
    """Kill the child's session and, as root, every process of the job's uid."""
    with contextlib.suppress(OSError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)
    if uid is not None:
        kill_uid(uid)
