"""The gradebook: CSV files written atomically, resumable, mergeable across shards.

Layout: when every row of the gradebook belongs to one chapter it is the file given by
``--out`` (``grades.csv``); when several chapters are present, one file per chapter beside
it, ``grades_NN.csv`` (and ``grades_unknown.csv`` for files whose chapter could not be told),
and ``grades.csv`` itself is not written. Columns: ``submission, chapter, status, total,
max_total``, one column per exercise of the chapter (points earned), then ``flag`` (the
exercises whose cell seems to answer with the course's own implementation, for the
instructor). Rows are sorted by submission.

A manifest ``grades.manifest.json`` beside the CSV records the batch (every submission key)
and the shard (``K/N``), so ``merge`` can refuse duplicates and name missing submissions.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from pathlib import Path

BASE_COLUMNS = ["submission", "chapter", "status", "total", "max_total"]
FLAG_COLUMN = "flag"


class GradebookError(Exception):
    """A gradebook that cannot be read, written or merged; the message says why."""


def fmt_points(x: float) -> str:
    """Points as written in the CSV: at most two decimals, no trailing zeros."""
    text = f"{round(float(x), 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# Read once, at import (in the main thread): os.umask can only be read by setting it.
UMASK = _umask()


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename.

    The file gets the permissions of any file the user creates (0666 less the umask), not
    the temporary file's private 0600: a TA's gradebook is readable by the course staff's
    group when their umask says so.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~UMASK)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with _suppress():
            os.unlink(tmp)
        raise


class _suppress:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return exc[0] is not None and issubclass(exc[0], OSError)


def chapter_path(out: Path, chapter: str) -> Path:
    return out.with_name(f"{out.stem}_{chapter or 'unknown'}{out.suffix or '.csv'}")


def manifest_path(out: Path) -> Path:
    return out.with_name(f"{out.stem}.manifest.json")


def layout_files(out: Path) -> list[Path]:
    """The CSV files of the gradebook ``out`` that exist (single or per chapter)."""
    files = [out] if out.exists() else []
    pattern = re.compile(rf"^{re.escape(out.stem)}_(\d\d|unknown){re.escape(out.suffix)}$")
    if out.parent.is_dir():
        files += sorted(p for p in out.parent.iterdir() if pattern.match(p.name))
    return files


def read_csv(path: Path) -> list[dict]:
    """Rows of one gradebook CSV; refuses a file that is not one of ours."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GradebookError(f"{path}: cannot read the gradebook ({exc})") from None
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or reader.fieldnames[:5] != BASE_COLUMNS:
        raise GradebookError(
            f"{path}: not a gradebook written by utils.grade (the header "
            f"must start with {','.join(BASE_COLUMNS)})"
        )
    return [dict(row) for row in reader]


def load(out: Path) -> dict[str, dict]:
    """Every row of the gradebook ``out``, keyed by submission."""
    rows: dict[str, dict] = {}
    for path in layout_files(out):
        for row in read_csv(path):
            rows[row["submission"]] = row
    return rows


def columns_for(rows: list[dict], exercises_of) -> list[str]:
    chapters = sorted({r["chapter"] for r in rows if r["chapter"]})
    ex_cols = []
    for ch in chapters:
        ex_cols += exercises_of(ch)
    return BASE_COLUMNS + ex_cols + [FLAG_COLUMN]


def save(out: Path, rows: dict[str, dict], exercises_of) -> list[Path]:
    """Write the gradebook in its layout; return the files written."""
    chapters = sorted({r.get("chapter", "") for r in rows.values()})
    known = [c for c in chapters if c]
    groups: dict[Path, list[dict]] = {}
    if len(known) <= 1:
        groups[out] = list(rows.values())
    else:
        for row in rows.values():
            groups.setdefault(chapter_path(out, row.get("chapter", "")), []).append(row)
    written = []
    for path, group in groups.items():
        cols = columns_for(group, exercises_of)
        buf = io.StringIO()
        writer = csv.DictWriter(
            buf, fieldnames=cols, extrasaction="ignore", restval="", lineterminator="\n"
        )
        writer.writeheader()
        for row in sorted(group, key=lambda r: r["submission"]):
            writer.writerow(row)
        atomic_write(path, buf.getvalue())
        written.append(path)
    for stale in layout_files(out):
        if stale not in groups:
            try:
                read_csv(stale)  # only ever remove a file that is one of ours
            except GradebookError:
                continue
            with _suppress():
                stale.unlink()
    return written


def write_manifest(
    out: Path, batch: list[str], shard: tuple[int, int] | None, assigned: list[str]
) -> None:
    data = {
        "batch": sorted(batch),
        "shard": f"{shard[0]}/{shard[1]}" if shard else None,
        "assigned": sorted(assigned),
    }
    atomic_write(manifest_path(out), json.dumps(data, indent=1) + "\n")


def merge(inputs: list[Path], out: Path, exercises_of) -> tuple[int, list[Path]]:
    """Merge shard gradebooks into ``out``; refuse duplicates and missing submissions."""
    merged: dict[str, dict] = {}
    origin: dict[str, Path] = {}
    expected: set[str] = set()
    shards: dict[int, set[int]] = {}
    for base in inputs:
        files = layout_files(base)
        if not files:
            raise GradebookError(
                f"{base}: no gradebook there (looked for {base.name} and "
                f"{base.stem}_NN{base.suffix})"
            )
        for path in files:
            for row in read_csv(path):
                key = row["submission"]
                if key in merged:
                    raise GradebookError(
                        f"duplicate submission {key!r}: in {origin[key]} and in {path}"
                    )
                merged[key], origin[key] = row, path
        man = manifest_path(base)
        if man.exists():
            try:
                data = json.loads(man.read_text(encoding="utf-8"))
                expected.update(data.get("batch", []))
                if data.get("shard"):
                    k, n = (int(x) for x in data["shard"].split("/"))
                    shards.setdefault(n, set()).add(k)
            except (OSError, ValueError, AttributeError) as exc:
                raise GradebookError(f"{man}: unreadable manifest ({exc})") from None
    problems = []
    for n, ks in shards.items():
        lost = sorted(set(range(1, n + 1)) - ks)
        if lost:
            problems.append(f"shards of {n} missing: {', '.join(f'{k}/{n}' for k in lost)}")
    missing = sorted(expected - set(merged))
    if missing:
        shown = ", ".join(missing[:10]) + (" ..." if len(missing) > 10 else "")
        problems.append(f"{len(missing)} submission(s) of the batch have no row: {shown}")
    if problems:
        raise GradebookError("refusing to merge: " + "; ".join(problems))
    written = save(out, merged, exercises_of)
    write_manifest(out, sorted(expected | set(merged)), None, sorted(merged))
    return len(merged), written
