"""The grader's child: runs one submission's cells and probes, returns raw results only.

Started by the grader as ``python -I -B -m utils.grade._child FD``; reads one job frame on
stdin (the student's code cells in notebook order, with a probes step where each check cell
stands, and the probe inputs the grader derived from the course secret), isolates itself
(:mod:`utils.grade._sandbox`), then executes step by step in an IPython ``InteractiveShell``
(so magics work) and writes frames to file descriptor ``FD``: ``ready`` (the isolation in
force), ``step`` (before each step), ``result`` (one per probe: the raw result or the
exception's type name and message, as plain data), ``printed`` (what the student's code
printed during an exercise's probes), ``flag`` (the exercise's object comes from, or called,
the course's reference) and ``done``. It never judges anything: verdicts are the grader's.
"""

from __future__ import annotations

import os
import struct
import sys
import traceback


def _read_exact(fd: int, n: int) -> bytes:
    chunks, left = [], n
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError("job truncated")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def main() -> None:
    out_fd = int(sys.argv[1])
    os.set_inheritable(out_fd, False)
    import json

    n_head, n_payload = struct.unpack(">II", _read_exact(0, 8))
    job = json.loads(_read_exact(0, n_head))
    payload = _read_exact(0, n_payload)
    os.close(0)
    os.open(os.devnull, os.O_RDONLY)  # fd 0 again, so input() fails cleanly

    from utils.grade import _sandbox
    from utils.grade.plain import frame

    def send(header: dict, data: bytes = b"") -> None:
        msg = frame(header, data)
        view = memoryview(msg)
        while view:
            view = view[os.write(out_fd, view) :]

    report = _sandbox.enter(job["sandbox"])
    send({"event": "ready", "isolation": report})
    _run(job, payload, send)
    send({"event": "done", "vmpeak_kb": _vmpeak()})
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # skip the student's atexit handlers and any threads they left


def _run(job: dict, payload: bytes, send) -> None:
    import warnings

    import numpy as np

    from utils.checks import get_exercise, run_probe
    from utils.grade.plain import decode, encode

    inputs = decode(job["inputs"], payload)
    utils_dir = job["utils_dir"].rstrip(os.sep) + os.sep
    checks_dir = os.path.join(utils_dir, "checks") + os.sep
    shell = _make_shell()
    restore = _guard_modules(job.get("chapter", ""))

    for index, step in enumerate(job["steps"]):
        send({"event": "step", "index": index})
        if step["kind"] == "cell":
            _run_cell(shell, step["source"], step.get("label", step["key"]))
            continue
        ex_id = step["key"]
        restore()  # undo the student's patches of builtins, numpy and the course package
        ex = get_exercise(ex_id)
        obj = shell.user_ns.get(ex.obj_name, _MISSING)
        origin = _origin(obj, utils_dir)
        if origin:
            send({"event": "flag", "exercise": ex_id, "reason": origin})
        refnames = set(job["refnames"].get(ex_id, ()))
        hits: list[str] = []
        tracer = _make_tracer(refnames, utils_dir, checks_dir, hits)
        printed = _Capped(PRINTED_LIMIT)
        saved_streams = sys.stdout, sys.stderr
        for k, probe in enumerate(ex.probes):
            if obj is _MISSING:
                send(
                    {
                        "event": "result",
                        "exercise": ex_id,
                        "probe": k,
                        "outcome": {"kind": "missing", "name": ex.obj_name},
                    }
                )
                continue
            probe_inputs = inputs[ex_id][k]
            old_trace = sys.gettrace()
            sys.stdout = sys.stderr = printed  # what the student's code prints, per exercise
            sys.settrace(tracer)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    outcome = run_probe(probe, obj, probe_inputs)
            except BaseException as exc:  # SystemExit, KeyboardInterrupt from student code
                from utils.checks import Outcome

                outcome = Outcome(error=exc)
            finally:
                sys.settrace(old_trace)
                sys.stdout, sys.stderr = saved_streams
            np.seterr(all="warn")
            if outcome.error is not None:
                exc = outcome.error
                header = {
                    "kind": "error",
                    "not_done": bool(outcome.not_done),
                    "type": _text(type(exc).__name__, 100),
                    "mro": [_text(c.__name__, 100) for c in type(exc).__mro__][:20],
                    "message": _text(_safe_str(exc), 4000),
                    "traceback": _text(_student_tb(exc, utils_dir), 6000),
                }
                send({"event": "result", "exercise": ex_id, "probe": k, "outcome": header})
            else:
                try:
                    tree, data = encode(outcome.result)
                except BaseException as exc:  # a result that cannot even be inspected
                    tree, data = {"t": "opaque", "type": type(exc).__name__}, b""
                send(
                    {
                        "event": "result",
                        "exercise": ex_id,
                        "probe": k,
                        "outcome": {"kind": "result", "value": tree},
                    },
                    data,
                )
        if hits:
            send(
                {
                    "event": "flag",
                    "exercise": ex_id,
                    "reason": f"called the course's reference {', '.join(sorted(set(hits)))}",
                }
            )
        if printed.text:
            send({"event": "printed", "exercise": ex_id}, printed.text.encode("utf-8", "replace"))


PRINTED_LIMIT = 4000


class _Capped:
    """A text stream that keeps the first ``limit`` characters written to it."""

    def __init__(self, limit: int):
        self.limit, self.text = limit, ""

    def write(self, data) -> int:
        data = data if isinstance(data, str) else str(data)
        if len(self.text) < self.limit:
            self.text = (self.text + data)[: self.limit]
        return len(data)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


_MISSING = object()


def _guard_modules(chapter: str):
    """Snapshot modules the probes rely on; return a function that restores them.

    Patching ``numpy.allclose`` or ``utils.checks`` gains nothing anyway (results are judged
    by the grader), but a student who breaks them must not break the probes of later
    exercises either.
    """
    import builtins
    import importlib

    names = [
        "numpy",
        "numpy.testing",
        "numpy.linalg",
        "numpy.random",
        "utils.checks",
        "utils.nn",
        f"utils.checks.ch{chapter}",
    ]
    modules = [builtins]
    for name in names:
        try:
            modules.append(importlib.import_module(name))
        except ImportError:
            pass
    snapshot = [(m, dict(vars(m))) for m in modules]

    def restore() -> None:
        for module, saved in snapshot:
            current = vars(module)
            for key, value in saved.items():
                if current.get(key, _MISSING) is not value:
                    try:
                        setattr(module, key, value)
                    except (AttributeError, TypeError):
                        pass

    return restore


def _vmpeak() -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _text(value, limit: int) -> str:
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[:limit] + " [...]"


def _safe_str(exc: BaseException) -> str:
    try:
        return str(exc)
    except BaseException:
        return "<unprintable message>"


def _student_tb(exc: BaseException, utils_dir: str) -> str:
    try:
        frames = [
            f
            for f in traceback.extract_tb(exc.__traceback__)
            if not f.filename.startswith(utils_dir)
        ]
        return "".join(traceback.format_list(frames[-8:]))
    except BaseException:
        return ""


def _make_shell():
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    cfg = Config()
    cfg.HistoryManager.enabled = False
    cfg.InteractiveShell.colors = "NoColor"
    cfg.InteractiveShell.xmode = "Plain"
    return InteractiveShell.instance(config=cfg)


def _run_cell(shell, source: str, label: str) -> None:
    import time

    print(f"----- {label} -----", flush=True)
    start = time.perf_counter()
    try:
        shell.run_cell(source, store_history=False, silent=False)
    except BaseException as exc:  # run_cell catches almost everything; this is the rest
        print(f"{type(exc).__name__} while running {label}", flush=True)
    print(f"----- {label} ran for {time.perf_counter() - start:.1f} s -----", flush=True)
    sys.stdout.flush()
    sys.stderr.flush()


def _origin(obj, utils_dir: str) -> str:
    """Why ``obj`` looks like the course's own implementation ('' if it does not)."""
    if obj is _MISSING:
        return ""
    try:
        target = getattr(obj, "func", obj)  # functools.partial
        target = getattr(target, "__func__", target)  # bound methods
        code = getattr(target, "__code__", None)
        if code is not None and str(code.co_filename).startswith(utils_dir):
            return f"the object is defined in the course package ({code.co_filename})"
        module = getattr(target, "__module__", None)
        if isinstance(module, str) and (module == "utils" or module.startswith("utils.")):
            return f"the object comes from the course package (module {module})"
    except BaseException:
        return ""
    return ""


def _make_tracer(refnames: set, utils_dir: str, checks_dir: str, hits: list):
    """A trace function noting calls from student code to the exercise's reference."""

    def tracer(frame, event, arg):
        if event == "call":
            code = frame.f_code
            if (
                code.co_name in refnames
                and code.co_filename.startswith(utils_dir)
                and not code.co_filename.startswith(checks_dir)
            ):
                caller = frame.f_back
                if caller is not None and not caller.f_code.co_filename.startswith(utils_dir):
                    hits.append(code.co_name)
        return None

    return tracer


if __name__ == "__main__":
    main()
