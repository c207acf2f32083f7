"""Command line of the grader: ``python -m utils.grade``, ``... merge`` and ``... report``."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import tempfile
import time
import zlib
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from utils import notebook
from utils.grade import gradebook, mistakes
from utils.grade.core import Grade, grade_bytes, zero_grade
from utils.grade.gradebook import GradebookError, fmt_points
from utils.grade.runner import GradingStopped, Limits, isolation_mode, stop_all
from utils.grade.submission import Rejected, course_chapters, course_exercises

USAGE_ERROR = 2
SELF_TEST_FAILED = 3
SELF_TEST_CHAPTER = "00"  # the fastest chapter to grade


class UsageError(Exception):
    """Bad arguments or an unusable output path: the grader cannot run."""


def exercises_of(chapter: str) -> list[str]:
    return course_exercises(chapter) if chapter in course_chapters() else []


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m utils.grade",
        description="Grade submitted notebooks of the course. Each submission runs top to "
        "bottom as the student's Restart and Run All would (their cells in their "
        "order, outputs ignored), in a sandboxed child process, except that each "
        "check cell is replaced by the grader's checks on secret inputs.",
        epilog="The secret inputs come from the course secret: --secret, else the "
        "environment variable DLF_GRADE_SECRET, else the key file beside the gradebook "
        "(grades.key for grades.csv, created on first use, readable only by you); the "
        "same secret gives the same scores on every re-grade. Ctrl-C stops the batch "
        "within seconds; the gradebook keeps every finished row and the same command "
        "grades the rest. Merge the gradebooks of shards: python -m utils.grade merge "
        "OUT... --out grades.csv; build the class report of gradebooks afterwards: "
        "python -m utils.grade report GRADEBOOK... --out report.html [--anonymise]",
    )
    p.add_argument(
        "paths",
        nargs="+",
        metavar="SUBMISSION_OR_DIR",
        help="notebooks, or folders searched recursively for *.ipynb",
    )
    p.add_argument(
        "--chapter",
        metavar="NN",
        help="chapter of submissions whose notebook "
        "metadata and file name do not say; a notebook of another chapter is "
        "then graded 0 with status 'wrong chapter'",
    )
    p.add_argument(
        "--out",
        default="grades.csv",
        metavar="CSV",
        help="gradebook (default grades.csv; grades_NN.csv beside it when the "
        "gradebook holds several chapters)",
    )
    p.add_argument("--feedback", metavar="DIR", help="write one Markdown file per submission")
    p.add_argument(
        "--jobs",
        type=int,
        default=2,
        metavar="N",
        help="submissions graded in parallel (default 2)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="wall-time limit per cell and per exercise's checks (default 60)",
    )
    p.add_argument(
        "--notebook-timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="wall-time limit per submission, restarts included (default 10 x --timeout)",
    )
    p.add_argument(
        "--memory",
        type=int,
        default=1024,
        metavar="MB",
        help="address-space limit of each child process, in MB (default 1024)",
    )
    p.add_argument(
        "--max-size",
        type=float,
        default=256,
        metavar="MB",
        help="largest submission file, printed outputs included (default 256); "
        "outputs are dropped before grading",
    )
    p.add_argument(
        "--secret",
        metavar="TEXT",
        help="the course secret the checks' inputs derive from (default: "
        "$DLF_GRADE_SECRET, else the key file beside the gradebook)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="grade again submissions that already have a row in the gradebook "
        "(with the same secret, the same scores)",
    )
    p.add_argument(
        "--shard", metavar="K/N", help="grade only the K-th of N deterministic parts of the batch"
    )
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    p.add_argument(
        "--report",
        metavar="HTML",
        help="the class report (default report.html beside the gradebook; "
        "report_NN.html per chapter and report.html linking them when the "
        "gradebook holds several chapters)",
    )
    p.add_argument("--no-report", action="store_true", help="write no class report")
    return p


def _check_args(args) -> None:
    known = course_chapters()
    if not known:
        raise UsageError("no course notebooks found in course/ (run `make build`)")
    if args.chapter is not None:
        if not (args.chapter.isdigit() and len(args.chapter) <= 2):
            raise UsageError(f"--chapter: expected a chapter number like 03, got {args.chapter!r}")
        args.chapter = args.chapter.zfill(2)
        if args.chapter not in known:
            raise UsageError(
                f"--chapter {args.chapter}: no such chapter (course has {', '.join(known)})"
            )
    if args.jobs < 1:
        raise UsageError(f"--jobs: expected at least 1, got {args.jobs}")
    if not args.timeout > 0:
        raise UsageError(f"--timeout: expected a positive number of seconds, got {args.timeout}")
    if args.notebook_timeout is None:
        args.notebook_timeout = 10 * args.timeout
    if not args.notebook_timeout > 0:
        raise UsageError("--notebook-timeout: expected a positive number of seconds")
    if args.memory < 256:
        raise UsageError(f"--memory: at least 256 MB, got {args.memory}")
    if not args.max_size > 0:
        raise UsageError(f"--max-size: expected a positive number of MB, got {args.max_size}")
    args.shard_kn = None
    if args.shard is not None:
        try:
            k, n = (int(x) for x in args.shard.split("/"))
        except ValueError:
            raise UsageError(f"--shard: expected K/N such as 2/5, got {args.shard!r}") from None
        if not 1 <= k <= n:
            raise UsageError(f"--shard {args.shard}: K must be between 1 and N")
        args.shard_kn = (k, n)
    _check_writable(Path(args.out), "--out")
    if args.feedback:
        _check_writable(Path(args.feedback) / "x", "--feedback")
    if args.report and not args.no_report:
        _check_writable(Path(args.report), "--report")


def _check_writable(path: Path, what: str) -> None:
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".dlf-grade-check-")
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        raise UsageError(f"{what}: cannot write in {folder} ({exc.strerror or exc})") from None
    if path.is_dir():
        raise UsageError(f"{what}: {path} is a folder")


def discover(paths: list[str]) -> dict[str, Path]:
    """Submission key -> file, for any number of files and folders.

    Keys are paths relative to the deepest folder that holds every argument: one folder's
    files are keyed by their path inside it, files given directly by their name, and
    ``section1/ section2/`` or ``*/notebook.ipynb`` keep the folder that tells them apart.
    Hidden folders (``.ipynb_checkpoints``) are skipped.
    """
    files: list[Path] = []
    bases: list[Path] = []
    for arg in paths:
        base = Path(arg)
        if base.is_dir():
            bases.append(base.resolve())
            for path in sorted(base.rglob("*.ipynb")):
                rel = path.relative_to(base)
                if any(part.startswith(".") for part in rel.parts):
                    continue
                if path.is_file():
                    files.append(path)
        elif base.is_file():
            bases.append(base.resolve().parent)
            files.append(base)
        else:
            raise UsageError(f"{arg}: no such file or folder")
    if not files:
        return {}
    common = Path(os.path.commonpath([str(b) for b in bases]))
    found: dict[str, Path] = {}
    for path in files:
        key = path.resolve().relative_to(common).as_posix()
        found.setdefault(key, path)
    return found


def in_shard(key: str, shard: tuple[int, int] | None) -> bool:
    if shard is None:
        return True
    k, n = shard
    return zlib.crc32(key.encode()) % n == k - 1


def grade_row(grade: Grade) -> dict:
    row = {
        "submission": grade.submission,
        "chapter": grade.chapter,
        "status": grade.status,
        "total": fmt_points(grade.total),
        "max_total": fmt_points(grade.max_total),
        "flag": " ".join(grade.flagged),
    }
    for e in grade.exercises:
        row[e.ex_id] = fmt_points(e.points)
    return row


def feedback_markdown(grade: Grade) -> str:
    lines = [f"# Feedback: {grade.submission}", ""]
    head = (
        f"Chapter {grade.chapter or '?'}: **{fmt_points(grade.total)} / "
        f"{fmt_points(grade.max_total)} points**. Status: {grade.status}."
    )
    lines += [head, ""]
    if grade.detail:
        lines += [grade.detail, ""]
    for note in grade.notes:
        lines.append(f"- {note}")
    if grade.notes:
        lines.append("")
    for e in grade.exercises:
        lines += [
            f"## {e.ex_id}: {e.title}",
            "",
            f"**{fmt_points(e.points)} / {fmt_points(e.max_points)}** points"
            + (f" ({e.passed}/{e.cases} cases passed)" if e.cases else "")
            + ".",
            "",
        ]
        if e.flag:
            lines += [
                f"**Flagged for the instructor**: this answer seems to use the course's "
                f"own implementation ({e.flag}).",
                "",
            ]
        lines += ["```text", e.report.replace("```", "'''"), "```", ""]
        if e.printed.strip():
            lines += [
                "What your code printed while it was checked:",
                "",
                "```text",
                e.printed.replace("```", "'" * 3).rstrip(),
                "```",
                "",
            ]
    if grade.output_tail.strip():
        lines += [
            "## End of your notebook's output",
            "",
            "```text",
            grade.output_tail.replace("```", "'''").rstrip(),
            "```",
            "",
        ]
    return "\n".join(lines)


def feedback_path(root: Path, key: str) -> Path:
    rel = Path(key)
    return root / rel.with_suffix(".md")


def _grade_file(path: Path, key: str, args, limits: Limits, secret: bytes) -> Grade:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return zero_grade(key, Rejected("unreadable file", detail=str(exc)))
    try:
        return grade_bytes(raw, key, args.chapter, limits, secret)
    except Exception as exc:  # a bug of the grader must not stop the batch
        import traceback

        grade = zero_grade(key, Rejected("grader error", detail=f"{type(exc).__name__}: {exc}"))
        grade.notes.append(traceback.format_exc()[-2000:])
        return grade


def course_secret(args) -> bytes:
    """The secret of the checks' inputs: --secret, $DLF_GRADE_SECRET, else the key file.

    The key file sits beside the gradebook (``grades.key`` for ``grades.csv``); it is
    created once with 32 random bytes, readable only by its owner, and reused by every later
    run, so that ``--force`` re-grades reproduce the gradebook.
    """
    if args.secret:
        return args.secret.encode()
    env = os.environ.get("DLF_GRADE_SECRET")
    if env:
        return env.encode()
    key = key_path(Path(args.out))
    if not key.exists():
        import secrets

        fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32) + "\n")
    text = key.read_text(encoding="utf-8").strip()
    if len(text) < 16:
        raise UsageError(
            f"{key}: the key file holds {len(text)} characters; expected the 64 "
            "hex digits the grader wrote (delete it to start a new course secret)"
        )
    return text.encode()


def key_path(out: Path) -> Path:
    return out.with_name(f"{out.stem}.key")


def self_test(limits: Limits, secret: bytes) -> str:
    """Grade the course's own solution of chapter 00 (its setup, exercise and check cells)
    with these limits; '' when it gets full marks.

    A sandbox that cannot start (too little memory, a mount that hides the course) would
    otherwise give every student 0 points and "kernel died": that is the grader's failure,
    reported once, before any row is written.
    """
    from utils.grade.submission import ROOT

    (path,) = sorted((ROOT / "solutions").glob(f"{SELF_TEST_CHAPTER}_*.ipynb"))[:1] or (None,)
    if path is None:
        return ""  # an installation without solutions: nothing to test against
    grade = grade_bytes(_lean(path), path.name, None, limits, secret)
    if grade.status == "ok" and grade.total == grade.max_total:
        return ""
    why = "; ".join(grade.notes[-2:]) or grade.status
    tail = grade.output_tail.strip().splitlines()[-3:]
    return (
        f"the reference solution of chapter {SELF_TEST_CHAPTER} scored "
        f"{fmt_points(grade.total)}/{fmt_points(grade.max_total)} ({grade.status}: {why})"
        + (f"; its last output: {' | '.join(tail)}" if tail else "")
    )


def _lean(path: Path) -> bytes:
    """A solution notebook reduced to its setup, exercise and check cells (a quick run)."""
    import json

    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c.get("cell_type") == "code"]
    keep = {id(code[0])} if code else set()
    for cell in code:
        if notebook.is_exercise(cell) or notebook.is_check(cell):
            keep.add(id(cell))
    nb["cells"] = [c for c in nb["cells"] if id(c) in keep]
    return json.dumps(nb).encode()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["merge"]:
        return merge_main(argv[1:])
    if argv[:1] == ["report"]:
        return report_main(argv[1:])
    args = _parser().parse_args(argv)
    try:
        _check_args(args)
        files = discover(args.paths)
        out = Path(args.out)
        rows = gradebook.load(out)
        secret = course_secret(args)
    except (UsageError, GradebookError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except OSError as exc:
        print(
            f"error: cannot create the key file {key_path(Path(args.out))}: {exc}", file=sys.stderr
        )
        return USAGE_ERROR
    limits = Limits(
        cell_timeout=args.timeout,
        notebook_timeout=args.notebook_timeout,
        memory_mb=args.memory,
        max_file_bytes=int(args.max_size * (1 << 20)),
    )
    batch = sorted(files)
    assigned = [k for k in batch if in_shard(k, args.shard_kn)]
    todo = [k for k in assigned if args.force or k not in rows]
    say = (lambda *a: None) if args.quiet else (lambda *a: print(*a, flush=True))
    skipped = len(assigned) - len(todo)
    say(
        f"grading {len(todo)} submission(s)"
        + (f", {skipped} already in {out}" if skipped else "")
        + f", {args.jobs} at a time"
    )
    if not todo:
        _write(out, rows, batch, args, assigned)
    with _stop_on_signals():
        try:
            if todo:
                problem = self_test(limits, secret)
                if problem:
                    print(
                        "error: the grader's self-test failed, so no submission was graded: "
                        f"{problem}",
                        file=sys.stderr,
                    )
                    return SELF_TEST_FAILED
            return _grade_batch(todo, files, args, limits, secret, rows, batch, assigned, say)
        except KeyboardInterrupt:
            left = "" if args.force else f" ({len([k for k in todo if k not in rows])} left)"
            print(
                f"\ninterrupted: every running check was stopped; {out} holds every "
                "submission finished so far; run the same command again (without --force) "
                f"to grade the rest{left}",
                file=sys.stderr,
            )
            return 130
        except GradingStopped:  # a signal that arrived inside a worker's wait
            print("\ninterrupted", file=sys.stderr)
            return 130


def _stop(pool: ThreadPoolExecutor, futures) -> None:
    """Stop a batch now: no new submission starts, every running child is killed, and the
    interrupted submissions write no row (their workers end within seconds)."""
    stop_all()
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + 10
    for fut in futures:
        with contextlib.suppress(BaseException):
            fut.result(timeout=max(0.0, deadline - time.monotonic()))


class _stop_on_signals:
    """SIGINT and SIGTERM raise KeyboardInterrupt in the main thread, once; the handlers
    are restored afterwards."""

    def __enter__(self):
        self.saved = {}
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                self.saved[sig] = signal.signal(sig, self._raise)
            except ValueError:  # not the main thread (tests calling main() from a thread)
                pass
        return self

    @staticmethod
    def _raise(signum, frame):
        raise KeyboardInterrupt

    def __exit__(self, *exc):
        for sig, handler in self.saved.items():
            signal.signal(sig, handler)
        return False


def _grade_batch(todo, files, args, limits, secret, rows, batch, assigned, say) -> int:
    out = Path(args.out)
    mistakes.remove_stale_temps(out)
    records = mistakes.load(out)
    shown = [False]
    t0 = time.monotonic()
    pool = ThreadPoolExecutor(max_workers=args.jobs)
    futures = {pool.submit(_grade_file, files[k], k, args, limits, secret): k for k in todo}
    try:
        for n, fut in enumerate(as_completed(futures), start=1):
            grade = fut.result()
            if not shown[0] and grade.isolation:
                shown[0] = True
                _show_isolation(grade.isolation, say)
            rows[grade.submission] = grade_row(grade)
            records[grade.submission] = mistakes.record(grade)
            _write(out, rows, batch, args, assigned)
            mistakes.save(out, records)
            _write_copies(out, grade)
            if args.feedback:
                gradebook.atomic_write(
                    feedback_path(Path(args.feedback), grade.submission), feedback_markdown(grade)
                )
            say(
                f"[{n}/{len(todo)}] {grade.submission}: {fmt_points(grade.total)}/"
                f"{fmt_points(grade.max_total)} {grade.status} ({grade.seconds:.1f} s)"
            )
    except OSError as exc:
        _stop(pool, futures)
        print(f"error: cannot write the gradebook or the feedback: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except BaseException:
        _stop(pool, futures)
        raise
    pool.shutdown(wait=True)
    written = gradebook.layout_files(out)
    say(f"done in {time.monotonic() - t0:.1f} s: " + ", ".join(str(p) for p in written))
    if not args.no_report and rows:
        _batch_report(out, rows, args, say)
    return 0


def _batch_report(out: Path, rows: dict, args, say) -> None:
    """Write the class report at the end of a batch; a problem is a warning, not a failure
    (the gradebook is what the batch is for)."""
    from utils.grade import report

    target = Path(args.report) if args.report else out.with_name("report.html")
    try:
        records = mistakes.require(out, rows)
        pages = report.write_reports(
            target,
            {k: records[k] for k in rows},
            report.Options(feedback=Path(args.feedback) if args.feedback else None),
        )
    except (GradebookError, report.ReportError, OSError) as exc:
        print(f"warning: no class report written: {exc}", file=sys.stderr)
        return
    say("class report: " + ", ".join(str(p) for p in pages))


def copies_path(out: Path) -> Path:
    return out.with_name(f"{out.stem}.copies.json")


def _write_copies(out: Path, grade: Grade) -> None:
    """Keep, for the instructor only, the evidence behind each ``copy:`` flag: the source it
    matches, the similarity and the shared lines (never in the student's feedback)."""
    import json

    path = copies_path(out)
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except (OSError, ValueError):
        data = {}
    found = {
        e.ex_id: {"source": e.copy[0], "similarity": round(e.copy[1], 3), "shared_lines": e.copy[2]}
        for e in grade.exercises
        if e.copy
    }
    if found:
        data[grade.submission] = found
    elif grade.submission in data:
        del data[grade.submission]
    else:
        return
    gradebook.atomic_write(path, json.dumps(data, indent=1, sort_keys=True) + "\n")


def _write(out: Path, rows: dict, batch: list[str], args, assigned: list[str]) -> None:
    gradebook.save(out, rows, exercises_of)
    gradebook.write_manifest(out, batch, args.shard_kn, assigned)


def _show_isolation(iso: dict, say) -> None:
    mode = isolation_mode()
    say(
        f"isolation ({mode}): network {iso.get('network')}; filesystem {iso.get('filesystem')}; "
        f"uid {iso.get('uid')}; limits {', '.join(iso.get('limits', [])) or 'none'}"
    )


def merge_main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(
        prog="python -m utils.grade merge",
        description="Merge the gradebooks of shards (--shard K/N) into one; refuse duplicate "
        "or missing submissions.",
    )
    p.add_argument(
        "inputs",
        nargs="+",
        metavar="CSV",
        help="each shard's --out (its grades_NN.csv siblings are found too)",
    )
    p.add_argument("--out", required=True, metavar="CSV", help="the merged gradebook")
    args = p.parse_args(argv)
    try:
        _check_writable(Path(args.out), "--out")
        n, written = gradebook.merge([Path(x) for x in args.inputs], Path(args.out), exercises_of)
    except (UsageError, GradebookError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    print(f"merged {n} submission(s) into " + ", ".join(str(p) for p in written))
    try:
        _, lacking = mistakes.merge([Path(x) for x in args.inputs], Path(args.out))
    except (GradebookError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    for path in lacking:
        print(
            f"warning: {mistakes.sidecar_path(path)} is missing: its submissions are not in "
            "the merged mistakes file, so the class report will refuse this gradebook until "
            "that shard is re-graded with this version",
            file=sys.stderr,
        )
    return 0


def report_main(argv: list[str]) -> int:
    """``python -m utils.grade report GRADEBOOK... --out FILE.html``: the class report of
    existing gradebooks (their mistakes files), e.g. after ``merge``."""
    from utils.grade import report

    p = argparse.ArgumentParser(
        prog="python -m utils.grade report",
        description="Write the class report (what the class got wrong, exercise by exercise) "
        "from gradebooks written by this grader and the mistakes files beside "
        "them.",
    )
    p.add_argument(
        "inputs",
        nargs="+",
        metavar="CSV",
        help="gradebooks (each --out; its grades_NN.csv siblings are read too)",
    )
    p.add_argument(
        "--out",
        required=True,
        metavar="HTML",
        help="the page (report_NN.html beside it per chapter, and this one "
        "linking them, when there are several chapters)",
    )
    p.add_argument(
        "--anonymise",
        action="store_true",
        help="replace every submission name by a stable pseudonym (an HMAC with "
        "the course secret) and drop the feedback links: a page for TAs",
    )
    p.add_argument(
        "--secret",
        metavar="TEXT",
        help="the course secret for --anonymise "
        "(default: $DLF_GRADE_SECRET, else the key file beside the first gradebook)",
    )
    p.add_argument("--feedback", metavar="DIR", help="the feedback folder, to link examples")
    p.add_argument(
        "--site",
        metavar="DIR",
        help="the course site built by make html, to link sections (default _build/html)",
    )
    args = p.parse_args(argv)
    try:
        _check_writable(Path(args.out), "--out")
        records: dict[str, dict] = {}
        for base in map(Path, args.inputs):
            rows = gradebook.load(base)
            if not rows:
                raise GradebookError(
                    f"{base}: no gradebook there (looked for {base.name} and "
                    f"{base.stem}_NN{base.suffix or '.csv'})"
                )
            found = mistakes.require(base, rows)
            for key in rows:
                if key in records:
                    raise GradebookError(f"duplicate submission {key!r} in {base}")
                records[key] = found[key]
        secret = None
        if args.anonymise:
            args.out_csv = args.inputs[0]
            secret = _report_secret(args)
        options = report.Options(
            secret=secret,
            feedback=Path(args.feedback) if args.feedback else None,
            site=Path(args.site) if args.site else None,
        )
        pages = report.write_reports(Path(args.out), records, options)
    except (UsageError, GradebookError, report.ReportError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    print("class report: " + ", ".join(str(p) for p in pages))
    return 0


def _report_secret(args) -> bytes:
    if args.secret:
        return args.secret.encode()
    if os.environ.get("DLF_GRADE_SECRET"):
        return os.environ["DLF_GRADE_SECRET"].encode()
    key = key_path(Path(args.out_csv))
    if not key.exists():
        raise UsageError(
            f"--anonymise needs the course secret: pass --secret, set "
            f"DLF_GRADE_SECRET, or keep the key file {key} the grader wrote "
            "beside the gradebook"
        )
    return key.read_text(encoding="utf-8").strip().encode()
