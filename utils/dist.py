"""The student distribution of the course: everything a student runs, no answer.

Usage::

    python -m utils.dist                      # writes _build/dist-student/
    python -m utils.dist --out DIR            # elsewhere (the folder must not exist or be empty)
    python -m utils.dist --check DIR          # only check an existing distribution

It holds the course notebooks (``course/``), the ``utils`` package with its data, the
environment files (``pyproject.toml``, ``constraints.txt``, ``environment.yml``,
``postBuild``, ``Makefile``, ``jupytext.toml``, ``etc/``) and the student documents
(``README.md``, ``GLOSSARY.md``); not ``solutions/``, ``INSTRUCTORS.md``, the tests, the
benchmarks or the CI files. The ``utils`` library is open by design (later chapters use its
layers), so it is shipped whole and may share lines with a solution.

The check (run after every copy) fails when any solution body, the code between the solution
markers of ``solutions/*.py`` or an answer between the markdown markers, appears in a
notebook or a document of the distribution. A body is compared line by line with
whitespace and comments ignored; bodies of one short line (``return 2 * x``) are too common
to tell an answer from ordinary code and are skipped.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

from utils.notebook import CODE_BEGIN, CODE_END, MD_BEGIN, MD_END, regions

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = [
    "course",
    "utils",
    "etc",
    "README.md",
    "GLOSSARY.md",
    "pyproject.toml",
    "constraints.txt",
    "environment.yml",
    "postBuild",
    "Makefile",
    "jupytext.toml",
]
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "*.egg-info")
SHORT = 40  # a one-line body shorter than this many characters is not looked for


class DistError(Exception):
    """The distribution cannot be written, or it holds an answer."""


def _normal_lines(text: str) -> list[str]:
    """Lines without indentation, comments, trailing spaces or blank lines."""
    out = []
    for line in text.splitlines():
        line = re.sub(r"\s+#.*$", "", line).strip()
        if line and not line.startswith("#"):
            out.append(re.sub(r"\s+", " ", line))
    return out


def _unhashed(line: str) -> str:
    """A line of a percent script without its leading ``#``s: ``### BEGIN SOLUTION`` and the
    commented markdown marker ``# <!-- BEGIN SOLUTION -->`` both read as their marker."""
    return line.strip().lstrip("#").strip()


def solution_bodies(solutions: Path = ROOT / "solutions") -> list[tuple[str, list[str]]]:
    """(where, normalised lines) of every solution region of every chapter source."""
    bodies = []
    markers = {"code": (_unhashed(CODE_BEGIN), _unhashed(CODE_END)), "markdown": (MD_BEGIN, MD_END)}
    for source in sorted(solutions.glob("[0-9][0-9]_*.py")):
        lines = source.read_text(encoding="utf-8").splitlines()
        plain = [_unhashed(line) for line in lines]
        found = sorted(
            (i, j, kind)
            for kind, (begin, end) in markers.items()
            for i, j in regions(plain, begin, end)
        )
        for i, j, kind in found:
            region = lines[i + 1 : j]
            if kind == "markdown":
                region = [re.sub(r"^\s*# ?", "", x) for x in region]
                body = [re.sub(r"\s+", " ", x).strip() for x in region if x.strip()]
            else:
                body = _normal_lines("\n".join(region))
            if len(body) > 1 or (body and len(body[0]) >= SHORT):
                bodies.append((f"{source.name}:{i + 1}", body))
    return bodies


def _texts(dist: Path) -> dict[str, list[str]]:
    """Normalised lines of every notebook (code and markdown) and document outside utils/."""
    texts = {}
    for path in sorted(dist.rglob("*")):
        rel = path.relative_to(dist)
        if not path.is_file() or rel.parts[0] == "utils":
            continue
        if path.suffix == ".ipynb":
            nb = json.loads(path.read_text(encoding="utf-8"))
            lines = []
            for cell in nb.get("cells", []):
                source = cell.get("source", "")
                source = "".join(source) if isinstance(source, list) else source
                if cell.get("cell_type") == "markdown":
                    lines += [
                        re.sub(r"\s+", " ", x).strip() for x in source.splitlines() if x.strip()
                    ]
                else:
                    lines += _normal_lines(source)
            texts[rel.as_posix()] = lines
        elif path.suffix in (".md", ".txt", ".py", ".json", ".yml", ".toml", ""):
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
            texts[rel.as_posix()] = [
                re.sub(r"\s+", " ", x).strip() for x in text.splitlines() if x.strip()
            ] + _normal_lines(text)
    return texts


def _contains(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    first = needle[0]
    return any(haystack[i : i + n] == needle for i, line in enumerate(haystack) if line == first)


def check(dist: Path) -> list[str]:
    """Every place where a solution body appears in the distribution's notebooks or documents."""
    found = []
    texts = _texts(dist)
    for where, body in solution_bodies():
        for name, lines in texts.items():
            if _contains(lines, body):
                found.append(f"{name} holds the solution at solutions/{where}: {body[0][:60]!r}")
    if (dist / "solutions").exists() or (dist / "INSTRUCTORS.md").exists():
        found.append("the distribution holds solutions/ or INSTRUCTORS.md")
    return found


def build(out: Path) -> Path:
    """Copy the student distribution into ``out`` (new or empty) and check it."""
    if out.exists() and any(out.iterdir()):
        raise DistError(f"{out} is not empty; remove it or pass another --out")
    out.mkdir(parents=True, exist_ok=True)
    for name in SHIPPED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, out / name, ignore=IGNORED)
        elif src.exists():
            shutil.copy2(src, out / name)
    found = check(out)
    if found:
        raise DistError("the student distribution holds answers:\n  " + "\n  ".join(found))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m utils.dist", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "_build" / "dist-student",
        help="where to write it (default _build/dist-student)",
    )
    parser.add_argument(
        "--check", type=Path, metavar="DIR", help="only check an existing distribution for answers"
    )
    args = parser.parse_args(argv)
    try:
        if args.check:
            found = check(args.check)
            if found:
                raise DistError("the distribution holds answers:\n  " + "\n  ".join(found))
            print(f"{args.check}: no solution body found")
            return 0
        if args.out.exists() and args.out.resolve().parent == (ROOT / "_build").resolve():
            shutil.rmtree(args.out)  # our own build folder: rebuilt from scratch each time
        out = build(args.out)
    except DistError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    n = len(list((out / "course").glob("*.ipynb")))
    print(
        f"wrote {out}: {n} course notebooks, the utils package, environment files; "
        f"checked: no solution body in its notebooks or documents"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
