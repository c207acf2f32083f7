"""The gradebook's sidecar of diagnosed mistakes: what the class report is built from.

Beside each gradebook CSV the grader keeps a JSON file with, per submission, what the CSV
cannot hold: for every exercise the cases passed, whether it was done at all, the named
mistakes the checks diagnosed (name -> hint and number of cases) and a short excerpt of the
first failed case. It follows the gradebook's layout: ``grades.mistakes.json`` beside
``grades.csv``, or ``grades_NN.mistakes.json`` beside each ``grades_NN.csv`` when the
gradebook is split by chapter. Like the CSV it is replaced atomically after every submission;
``merge`` merges the sidecars of the shards.
"""

from __future__ import annotations

import json
from pathlib import Path

from utils.grade.gradebook import GradebookError, atomic_write, chapter_path, layout_files

#: Longest excerpt of a failed case kept per exercise (characters, then lines).
EXCERPT_CHARS = 600
EXCERPT_LINES = 10


def sidecar_path(csv_path: Path) -> Path:
    """``grades.mistakes.json`` for ``grades.csv``, ``grades_05.mistakes.json`` for
    ``grades_05.csv``."""
    return csv_path.with_name(f"{csv_path.stem}.mistakes.json")


def excerpt(text: str, key: str = "") -> str:
    """The first lines of a failed case's message, without the submission's name."""
    if key:
        text = text.replace(key, "<submission>")
    lines = text.strip().splitlines()[:EXCERPT_LINES]
    short = "\n".join(lines)
    return short if len(short) <= EXCERPT_CHARS else short[: EXCERPT_CHARS - 3] + "..."


def record(grade) -> dict:
    """The sidecar entry of one :class:`utils.grade.core.Grade`."""
    exercises = {}
    for e in grade.exercises:
        exercises[e.ex_id] = {
            "points": round(float(e.points), 2),
            "max_points": float(e.max_points),
            "passed": int(e.passed),
            "cases": int(e.cases),
            "not_done": bool(e.not_done),
            "mistakes": {
                name: {"hint": m["hint"], "count": int(m["count"])}
                for name, m in sorted(e.mistakes.items())
            },
            "excerpt": excerpt(e.first_failure, grade.submission),
        }
    return {
        "chapter": grade.chapter,
        "status": grade.status,
        "flag": " ".join(grade.flagged),
        "total": round(float(grade.total), 2),
        "max_total": float(grade.max_total),
        "exercises": exercises,
    }


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GradebookError(f"{path}: cannot read the mistakes file ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("submissions"), dict):
        raise GradebookError(
            f"{path}: not a mistakes file written by utils.grade (expected "
            "a JSON object with 'submissions')"
        )
    return data["submissions"]


def load(out: Path) -> dict[str, dict]:
    """Every sidecar entry of the gradebook ``out`` (single or per chapter), by submission.

    Missing sidecars are not an error here (a gradebook written by an older grader has
    none); :func:`require` says which file is missing.
    """
    records: dict[str, dict] = {}
    for csv_path in layout_files(out):
        path = sidecar_path(csv_path)
        if path.exists():
            records.update(_read(path))
    return records


def remove_stale_temps(out: Path) -> None:
    """Remove the temporary files of this gradebook's mistakes files that a grader killed
    while writing one (SIGKILL, power loss) left behind; the files themselves are whole."""
    if not out.parent.is_dir():
        return
    for path in out.parent.glob(f".{out.stem}*.mistakes.json.*.tmp"):
        path.unlink(missing_ok=True)


def require(out: Path, rows: dict[str, dict]) -> dict[str, dict]:
    """The sidecar entries of every row of the gradebook ``out``, or a clear error."""
    files = layout_files(out)
    if not files:
        raise GradebookError(
            f"{out}: no gradebook there (looked for {out.name} and "
            f"{out.stem}_NN{out.suffix or '.csv'})"
        )
    for csv_path in files:
        if not sidecar_path(csv_path).exists():
            raise GradebookError(
                f"{sidecar_path(csv_path)} is missing: the class report is built from the "
                f"mistakes the grader diagnosed, which it keeps beside {csv_path.name}; this "
                "gradebook was written by an older grader: re-grade with this version "
                f"(python -m utils.grade SUBMISSIONS... --out {out} --force)"
            )
    records = load(out)
    lost = sorted(k for k in rows if k not in records)
    if lost:
        shown = ", ".join(lost[:5]) + (" ..." if len(lost) > 5 else "")
        raise GradebookError(
            f"{out}: {len(lost)} submission(s) of the gradebook have no entry "
            f"in its mistakes file ({shown}); re-grade them with this version "
            "(--force)"
        )
    return records


def save(out: Path, records: dict[str, dict]) -> list[Path]:
    """Write the sidecars of ``out`` in the gradebook's layout; return the files written.

    One chapter (or none): ``<out stem>.mistakes.json``; several: one per chapter beside
    ``grades_NN.csv``. Sidecars of the other layout left by an earlier write are removed.
    """
    known = sorted({r.get("chapter", "") for r in records.values()} - {""})
    groups: dict[Path, dict] = {}
    for key, rec in records.items():
        csv_path = out if len(known) <= 1 else chapter_path(out, rec.get("chapter", ""))
        groups.setdefault(sidecar_path(csv_path), {})[key] = rec
    written = []
    for path, group in groups.items():
        text = json.dumps({"submissions": dict(sorted(group.items()))}, indent=1, sort_keys=True)
        atomic_write(path, text + "\n")
        written.append(path)
    stale = [sidecar_path(out)] + [sidecar_path(chapter_path(out, c)) for c in _chapters_near(out)]
    for path in stale:
        if path not in groups and path.exists():
            try:
                _read(path)  # only ever remove a file that is one of ours
            except GradebookError:
                continue
            path.unlink(missing_ok=True)
    return written


def _chapters_near(out: Path) -> list[str]:
    prefix, suffix = f"{out.stem}_", ".mistakes.json"
    if not out.parent.is_dir():
        return []
    return [
        p.name[len(prefix) : -len(suffix)]
        for p in out.parent.iterdir()
        if p.name.startswith(prefix) and p.name.endswith(suffix)
    ]


def merge(inputs: list[Path], out: Path) -> tuple[list[Path], list[Path]]:
    """Merge the sidecars of shard gradebooks into ``out``'s.

    Returns the files written and the input CSVs that had no sidecar (their submissions
    are then missing from the class report until re-graded).
    """
    merged: dict[str, dict] = {}
    lacking = []
    for base in inputs:
        for csv_path in layout_files(base):
            path = sidecar_path(csv_path)
            if path.exists():
                merged.update(_read(path))
            else:
                lacking.append(csv_path)
    return (save(out, merged) if merged else []), lacking
