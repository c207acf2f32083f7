"""Lecture slides and a static course site from the solution notebooks, both working offline.

Usage::

    python -m utils.site slides            # reveal.js decks in _build/slides/
    python -m utils.site html              # a static site in _build/html/
    python -m utils.site slides --only 04  # one chapter
    python -m utils.site slides --audience student --out /tmp/decks

Every page is rendered by nbconvert from ``solutions/NN_topic.ipynb`` (which stores the
outputs: figures, printed numbers). The browser assets (reveal.js, RequireJS, jQuery and
MathJax 2) are pinned in ``package.json``/``package-lock.json`` at the repository root,
installed with ``npm ci`` into ``_build/npm/`` and copied into a ``vendor/`` folder next to
the pages, which refer to them by relative URL: nothing is fetched from the network, and the
output folder keeps working when it is copied elsewhere (a USB stick in a lecture room).

Two audiences:

``instructor`` (the default for slides)
    The solution notebook. An exercise's solution code is a *fragment*: the slide shows the
    task first and the solution appears on the next key press. The answers to "check your
    understanding" questions are split from their questions and appear as fragments too.
    The lecture deck's speaker notes hold the exercises' docstrings and the chapter's part
    of ``INSTRUCTORS.md`` (see :mod:`utils.decks`).
``student`` (the default for the site)
    The notebook a student works in, with the course's outputs kept: exercise cells show the
    stub (``raise NotImplementedError``), check cells show no output, and written answers
    are removed. Every other figure and printed number is there.

Decks are laid out for a 16:9 projector at 1280x720 by :mod:`utils.decks` (long cells split,
code wrapped, figures scaled to the slide), and a widget shows the PNG of its first figure
stored beside it, captioned as interactive in JupyterLab (in the site pages too).

Slide decks are ``NN_topic.slides.html`` (instructor) and ``NN_topic.student.slides.html``;
site pages are ``NN_topic.html`` (student) and ``NN_topic.solutions.html`` (instructor). Each
output folder gets an ``index.html``; the site's index has the chapter table and, when the
files exist, the glossary and the instructor guide rendered as pages.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from utils.build import find_chapters, strip_solutions
from utils.decks import (
    DECK_CSS,
    DECK_SCRIPT,
    HEIGHT,
    WIDTH,
    caption_widget_snapshots,
    fit_deck,
    guide_notes,
)
from utils.notebook import MD_BEGIN, MD_END, MD_STUB, is_check, is_exercise, strip_markers

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
NPM_DIR = BUILD / "npm"
PACKAGE_FILES = ("package.json", "package-lock.json")
VENDOR = "vendor"
AUDIENCES = ("instructor", "student")

# What each page needs from each npm package: paths relative to the package, folders copied
# whole. MathJax 2 is 73 MB unpacked; the CommonHTML output with TeX input needs about 7 MB.
VENDOR_FILES = {
    "reveal.js": [
        "LICENSE",
        "dist/reveal.css",
        "dist/reveal.js",
        "dist/theme/white.css",
        "dist/theme/fonts/source-sans-pro",
        "plugin/notes/notes.js",
    ],
    "mathjax": [
        "LICENSE",
        "MathJax.js",
        "config/TeX-AMS_CHTML-full.js",
        "config/Safe.js",
        "extensions",
        "jax/input/TeX",
        "jax/output/CommonHTML",
        "jax/element",
        "fonts/HTML-CSS/TeX/woff",
        "localization/en",
    ],
    "jquery": ["LICENSE.txt", "dist/jquery.min.js"],
    "requirejs": ["require.js"],
    # Korean text (the glossary, chapter 00) in every browser, with no system font needed:
    # Noto Sans KR, regular and bold, in 124 subsets each that the browser fetches only when a
    # page shows characters of their range (WOFF2 only: every browser the course supports
    # reads it).
    "@fontsource/noto-sans-kr": [
        "LICENSE",
        "400.css",
        "700.css",
        "files/*-400-normal.woff2",
        "files/*-700-normal.woff2",
    ],
}
#: The stylesheet of the Korean font, written into vendor/ from the package's 400 and 700.css.
KOREAN_CSS = "noto-sans-kr.css"
#: Added to every page's head: the Korean font first, for Hangul only (see korean_font_css).
KOREAN_HEAD = (
    f'<link rel="stylesheet" href="{VENDOR}/{KOREAN_CSS}">\n'
    "<style>:root { --jp-content-font-family: 'Noto Sans KR', -apple-system,"
    " BlinkMacSystemFont, 'Segoe UI', Helvetica, Arial, sans-serif; --jp-ui-font-family:"
    " var(--jp-content-font-family); }\n"
    ".reveal { font-family: 'Noto Sans KR', 'Source Sans Pro', Helvetica, sans-serif; }"
    "</style>\n"
)
# The theme is "white": its fonts ship with reveal.js (several other themes import web fonts).
REVEAL_THEME = "white"
MATHJAX_ENTRY = "mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"

# nbconvert's templates also import mermaid.js from a CDN (the course draws no mermaid
# diagrams): these wrappers drop that block, and the site pages get a link to the index.
TEMPLATES = {
    "dlf_reveal.html.j2": (
        "{%- extends 'index.html.j2' -%}\n"
        "{% block html_head_js_mermaidjs %}{% endblock html_head_js_mermaidjs %}\n"
        "{% block html_head_css %}{{ super() }}\n"
        + KOREAN_HEAD
        + DECK_CSS
        + "{% endblock html_head_css %}\n"
        + DECK_SCRIPT
    ),
    "dlf_lab.html.j2": (
        "{%- extends 'index.html.j2' -%}\n"
        "{% block html_head_js_mermaidjs %}{% endblock html_head_js_mermaidjs %}\n"
        "{% block html_head_css %}{{ super() }}\n" + KOREAN_HEAD + "{% endblock html_head_css %}\n"
        "{% block body_header %}{{ super() }}\n"
        '<nav class="dlf-nav" style="padding: 0.5em 1em; font-size: 15px;">'
        '<a href="index.html">&larr; Deep Learning Foundations: all chapters</a></nav>\n'
        "{% endblock body_header %}\n"
    ),
}


class SiteError(Exception):
    """Something the user must fix (npm missing, no notebooks); the message says what."""


@dataclass
class Page:
    """One chapter notebook as shown on a page: its file stem, number, title and summary."""

    stem: str
    number: str
    title: str
    summary: str


# ---------------------------------------------------------------------------- npm assets


def _lock_digest(root: Path = ROOT) -> str:
    return hashlib.sha256(b"".join((root / f).read_bytes() for f in PACKAGE_FILES)).hexdigest()


def locked_versions(root: Path = ROOT) -> dict[str, str]:
    """The exact version of each direct dependency, as package-lock.json pins it."""
    lock = json.loads((root / "package-lock.json").read_text(encoding="utf-8"))
    wanted = json.loads((root / "package.json").read_text(encoding="utf-8"))["dependencies"]
    return {name: lock["packages"][f"node_modules/{name}"]["version"] for name in wanted}


def _npm() -> str:
    """The npm executable; as root, install Debian's npm when it is missing."""
    found = shutil.which("npm")
    if found:
        return found
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        print("npm is missing: installing Debian's npm (apt-get install -y npm)", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "npm"], check=True, env=env)
        found = shutil.which("npm")
        if found:
            return found
    raise SiteError(
        "npm is needed once, to install reveal.js, RequireJS, jQuery and MathJax "
        "(package.json) for the offline slides and site; install Node.js and npm "
        "(Debian/Ubuntu: sudo apt-get install npm) and run the command again"
    )


def ensure_npm_packages(npm_dir: Path = NPM_DIR, root: Path = ROOT) -> Path:
    """Install the pinned browser assets with ``npm ci`` (once); return their node_modules.

    The lock is copied into ``npm_dir`` so nothing is written at the repository root. A stamp
    holding the lock's digest makes later calls free until the pins change.
    """
    modules = npm_dir / "node_modules"
    stamp = npm_dir / ".installed"
    digest = _lock_digest(root)
    if stamp.exists() and stamp.read_text() == digest and modules.is_dir():
        return modules
    npm = _npm()
    npm_dir.mkdir(parents=True, exist_ok=True)
    for name in PACKAGE_FILES:
        shutil.copy2(root / name, npm_dir / name)
    print(f"installing the pinned browser assets with npm ci into {_show(npm_dir)}", flush=True)
    done = subprocess.run(
        [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
        cwd=npm_dir,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SiteError(
            f"npm ci failed in {npm_dir} (exit {done.returncode}); it needs the npm "
            f"registry once. Its output:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
        )
    for name, version in locked_versions(root).items():
        installed = json.loads((modules / name / "package.json").read_text())["version"]
        if installed != version:
            raise SiteError(f"npm ci installed {name} {installed}, the lock pins {version}")
    stamp.write_text(digest)
    return modules


def copy_vendor(modules: Path, out: Path) -> Path:
    """Copy the files the pages need from ``modules`` into ``out/vendor``; return that folder."""
    vendor = out / VENDOR
    stamp = vendor / ".copied"
    digest = hashlib.sha256(
        json.dumps(VENDOR_FILES, sort_keys=True).encode()
        + (modules.parent / "package-lock.json").read_bytes()
    ).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        _write_korean_css(vendor)
        return vendor
    if vendor.exists():
        shutil.rmtree(vendor)
    for package, paths in VENDOR_FILES.items():
        for rel in paths:
            sources = (
                sorted((modules / package).glob(rel)) if "*" in rel else [modules / package / rel]
            )
            if not sources or not sources[0].exists():
                raise SiteError(
                    f"{modules / package / rel} is missing from the npm package {package}"
                )
            for src in sources:
                dst = vendor / package / src.relative_to(modules / package)
                dst.parent.mkdir(parents=True, exist_ok=True)
                if src.is_dir():
                    shutil.copytree(src, dst)
                else:
                    shutil.copy2(src, dst)
    _write_korean_css(vendor)
    stamp.write_text(digest)
    return vendor


def _write_korean_css(vendor: Path) -> None:
    css = "\n".join(
        (vendor / f"@fontsource/noto-sans-kr/{weight}.css").read_text(encoding="utf-8")
        for weight in (400, 700)
    )
    (vendor / KOREAN_CSS).write_text(korean_font_css(css), encoding="utf-8")


def korean_font_css(css: str) -> str:
    """The Korean font's stylesheet, for pages that list it first among their fonts.

    Browsers on a system without a Korean font may draw Hangul as empty boxes when a system
    font comes first in the list, so the pages name Noto Sans KR first. Its faces are cut
    down to what no Latin font has: the subsets for Latin, Cyrillic, Greek and Vietnamese
    text are dropped, and code points below U+0370 are taken out of the other subsets'
    ranges, so every Latin letter still comes from the page's own font. WOFF fallbacks are
    dropped (only the WOFF2 files are copied) and paths are made relative to ``vendor/``.
    """
    faces = []
    for block in re.findall(r"@font-face\s*{[^}]*}", css):
        ranges = re.search(r"unicode-range:\s*([^;]+);", block)
        if not ranges or "-normal.woff2" not in block:
            continue
        kept = []
        for part in ranges.group(1).split(","):
            lo, _, hi = part.strip().removeprefix("U+").partition("-")
            low, high = int(lo, 16), int(hi or lo, 16)
            if high >= 0x370:
                start = max(low, 0x370)
                kept.append(f"U+{start:x}" + (f"-{high:x}" if high > start else ""))
        if not kept or re.search(
            r"-(latin|latin-ext|cyrillic|cyrillic-ext|greek|vietnamese)-", block
        ):
            continue
        block = block.replace(ranges.group(0), f"unicode-range: {','.join(kept)};")
        block = re.sub(r",\s*url\(\./files/[^)]+\.woff\) format\('woff'\)", "", block)
        faces.append(block.replace("url(./files/", "url(./@fontsource/noto-sans-kr/files/"))
    return "\n".join(faces) + "\n"


# ------------------------------------------------------------------------ notebook views


def _slide_type(cell) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "-")


def instructor_view(nb):
    """The solution notebook for a lecture: solutions and written answers as fragments."""
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        if is_exercise(cell):
            # The markers are for the build; on a slide they are noise.
            cell.source = strip_markers(cell.source)
            if _slide_type(cell) in ("-", ""):
                cell.metadata.setdefault("slideshow", {})["slide_type"] = "fragment"
        if cell.cell_type == "markdown" and MD_BEGIN in cell.source:
            # Each answer is a fragment after its question: "-answer", "-answer2", ...
            rest, k = cell.source, 0
            while MD_BEGIN in rest:
                question, _, rest = rest.partition(MD_BEGIN)
                answer, _, rest = rest.partition(MD_END)
                k += 1
                if k == 1:
                    cells.append(_with_source(cell, question.rstrip(), None))
                elif question.strip():
                    cells.append(_with_source(cell, question.strip(), "-", suffix=f"q{k}"))
                tag = "answer" if k == 1 else f"answer{k}"
                cells.append(_with_source(cell, answer.strip(), "fragment", suffix=tag))
            if rest.strip():
                cells.append(_with_source(cell, rest.strip(), "-", suffix="after"))
            continue
        cells.append(cell)
    nb.cells = cells
    nb.metadata.pop("widgets", None)  # no widget state: nothing to fetch a renderer for
    return nb


def _with_source(cell, source: str, slide_type: str | None, suffix: str = ""):
    new = copy.deepcopy(cell)
    new.source = source
    if suffix:
        new.id = f"{cell.id}-{suffix}"[:64]
    if slide_type is not None:
        new.metadata["slideshow"] = {"slide_type": slide_type}
    return new


def student_view(nb):
    """The student's notebook with the course's outputs: stubs, no check results, no answers."""
    student = strip_solutions(nb)  # stubs in place of solutions, every output cleared
    for mine, original in zip(student.cells, nb.cells, strict=True):
        if mine.cell_type == "code" and not (is_exercise(mine) or is_check(mine)):
            mine.outputs = copy.deepcopy(original.outputs)
            mine.execution_count = original.execution_count
        if mine.cell_type == "markdown" and MD_STUB in mine.source:
            mine.source = "\n".join(
                line for line in mine.source.splitlines() if line.strip() != MD_STUB
            ).rstrip()
        mine.metadata.pop("editable", None)
        mine.metadata.pop("deletable", None)
    student.metadata.pop("widgets", None)
    return student


def view(nb, audience: str):
    if audience == "instructor":
        return instructor_view(nb)
    if audience == "student":
        return student_view(nb)
    raise ValueError(f"utils.site.view: audience must be one of {AUDIENCES}, got {audience!r}")


def page_info(nb, stem: str) -> Page:
    """Title and one-line summary from the chapter's title cell (``# NN · Title``)."""
    first = next(c for c in nb.cells if c.cell_type == "markdown")
    lines = [line.strip() for line in first.source.splitlines()]
    heading = next((line for line in lines if line.startswith("# ")), f"# {stem}")
    title = re.sub(r"^#\s+(\d\d\s*·\s*)?", "", heading).strip()
    after = lines[lines.index(heading) + 1 :] if heading in lines else lines
    # What it teaches: the first learning goals (the lines after "What you will learn"),
    # else the first sentence after the title.
    goals = []
    if any("What you will learn" in line for line in after):
        start = next(i for i, line in enumerate(after) if "What you will learn" in line)
        for line in after[start + 1 :]:
            if line.startswith("- ") and "$" not in line:  # no math typesetting in the index
                goals.append(line[2:].split(": ")[0].split(", and ")[0].rstrip(";.").strip())
            elif goals and not line:
                break
    if goals:
        summary = "; ".join(goals[:3]) + ("; ..." if len(goals) > 3 else "")
    else:
        summary = next(
            (line for line in after if line and not line.startswith(("#", "*", "-"))), ""
        )
    summary = re.sub(r"(\*\*|\*|`)(.+?)\1", r"\2", summary)  # plain text in the index table
    return Page(stem=stem, number=stem[:2], title=title, summary=summary)


# ----------------------------------------------------------------------------- rendering


def _exporter(kind: str):
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter, SlidesExporter

    urls = {
        "require_js_url": f"{VENDOR}/requirejs/require.js",
        "jquery_url": f"{VENDOR}/jquery/dist/jquery.min.js",
        "mathjax_url": f"{VENDOR}/{MATHJAX_ENTRY}",
        # Never used (no widget state is stored, no mermaid), but kept off the network.
        "widget_renderer_url": f"{VENDOR}/none.js",
        "mermaid_js_url": f"{VENDOR}/none.js",
        "mermaid_layout_elk_js_url": "",
    }
    loader = DictLoader(TEMPLATES)
    if kind == "slides":
        return SlidesExporter(
            template_file="dlf_reveal.html.j2",
            extra_loaders=[loader],
            reveal_url_prefix=f"{VENDOR}/reveal.js",
            reveal_theme=REVEAL_THEME,
            reveal_transition="fade",
            reveal_scroll=False,  # slides are laid out to fit (utils.decks), never scroll
            reveal_width=str(WIDTH),
            reveal_height=str(HEIGHT),
            reveal_number="c/t",
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            **urls,
        )
    return HTMLExporter(
        template_name="lab", template_file="dlf_lab.html.j2", extra_loaders=[loader], **urls
    )


def _rewrite_links(body: str, suffix: str) -> str:
    """Links between chapters and to the glossary point at the generated pages."""
    body = re.sub(
        r'href="(?:\.\./)?(?:course/|solutions/)?(\d\d_[a-z0-9_]+)\.ipynb"',
        lambda m: f'href="{m.group(1)}{suffix}"',
        body,
    )
    return re.sub(r'href="(?:\.\./)?GLOSSARY\.md"', 'href="glossary.html"', body)


def _chapter_notebooks(only: str | None, solutions: Path):
    from utils._nbfast import nbformat

    names = [c.name for c in find_chapters(only)]
    found = []
    for name in names:
        path = solutions / f"{name}.ipynb"
        if not path.exists():
            if only is None:  # a chapter still being written: leave it out, say so
                print(
                    f"skipped {name}: {_show(path)} is not built yet (make build ONLY={name[:2]})"
                )
                continue
            raise SiteError(f"{_show(path)} is missing: run `make build ONLY={name[:2]}` first")
        found.append((name, nbformat.read(str(path), as_version=4)))
    if not found:
        raise SiteError(f"no chapter notebooks in {_show(solutions)}")
    return found


SLIDE_NAMES = {"instructor": "{stem}.slides.html", "student": "{stem}.student.slides.html"}
SITE_NAMES = {"student": "{stem}.html", "instructor": "{stem}.solutions.html"}


def build_slides(
    out: Path,
    audiences=("instructor", "student"),
    only: str | None = None,
    solutions: Path = ROOT / "solutions",
    npm_dir: Path = NPM_DIR,
) -> list[Path]:
    """Write a reveal.js deck per chapter and audience into ``out``; return the decks."""
    return _build("slides", out, audiences, only, solutions, npm_dir)


def build_html(
    out: Path,
    audiences=("student", "instructor"),
    only: str | None = None,
    solutions: Path = ROOT / "solutions",
    npm_dir: Path = NPM_DIR,
) -> list[Path]:
    """Write the course site into ``out``: a page per chapter and audience, and an index."""
    return _build("html", out, audiences, only, solutions, npm_dir)


def _build(kind: str, out: Path, audiences, only, solutions: Path, npm_dir: Path) -> list[Path]:
    """Decks (``kind="slides"``) or site pages (``"html"``), the markdown pages and the index.

    Links between chapters stay within one audience: a student deck links student decks.
    """
    names = SLIDE_NAMES if kind == "slides" else SITE_NAMES
    modules = ensure_npm_packages(npm_dir)
    out.mkdir(parents=True, exist_ok=True)
    copy_vendor(modules, out)
    exporter = _exporter(kind)
    written = []
    for stem, nb in _chapter_notebooks(only, solutions):
        info = page_info(nb, stem)
        notes = guide_notes(info.number) if kind == "slides" else None
        for audience in audiences:
            shown = view(nb, audience)
            if kind == "slides":  # the guide's notes are for the lecturer only
                shown = fit_deck(shown, audience, notes if audience == "instructor" else None)
            else:
                shown = caption_widget_snapshots(shown)
            body, _ = exporter.from_notebook_node(
                shown,
                resources={"metadata": {"name": f"{info.number} · {info.title}"}},
            )
            path = out / names[audience].format(stem=stem)
            path.write_text(_rewrite_links(body, names[audience].format(stem="")), encoding="utf-8")
            written.append(path)
    pages = [("GLOSSARY.md", "glossary.html")]  # chapter 00 links it
    if kind == "html" and "instructor" in audiences:
        pages.append(("INSTRUCTORS.md", "instructors.html"))
    if "instructor" not in audiences:
        # A student build holds no answers, also none left over from an earlier build here.
        student_suffix = names["student"].format(stem="")  # ".student.slides.html" or ".html"
        for stale in [out / "instructors.html", *out.glob(names["instructor"].format(stem="*"))]:
            if not stale.name.endswith(student_suffix) or student_suffix == ".html":
                stale.unlink(missing_ok=True)
    for source, page in pages:
        if (ROOT / source).exists():
            _markdown_page(ROOT / source, out / page)
    _write_index(out, kind, solutions)
    return written


# ------------------------------------------------------------------------- index pages

STYLE = """
body { font-family: "Noto Sans KR", system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 62em;
       margin: 2em auto; padding: 0 1em; line-height: 1.5; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: 0.4em 0.6em; text-align: left;
         vertical-align: top; }
th { background: #f4f4f4; }
code { background: #f4f4f4; padding: 0 0.2em; }
"""


def _html_page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f"<title>{html.escape(title)}</title>\n"
        f'<link rel="stylesheet" href="{VENDOR}/{KOREAN_CSS}">\n'
        f"<style>{STYLE}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def _markdown_page(source: Path, target: Path) -> None:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    text = source.read_text(encoding="utf-8")
    title = next((line[2:] for line in text.splitlines() if line.startswith("# ")), source.stem)
    # GitHub needs pipes escaped inside table cells, code spans included; mistune keeps the \\.
    body = markdown2html_mistune(text).replace("\\|", "|")
    body = re.sub(
        r'href="(?:course/|solutions/)(\d\d_[a-z0-9_]+)\.ipynb"',
        lambda m: f'href="{m.group(1)}.html"',
        body,
    )
    nav = '<p><a href="index.html">&larr; all chapters</a></p>\n'
    target.write_text(_html_page(title, nav + body), encoding="utf-8")


def _pages_in(out: Path, names: dict[str, str]) -> dict[str, dict[str, Path]]:
    """Chapter stem -> audience -> page, for the pages present in ``out``."""
    found: dict[str, dict[str, Path]] = {}
    for audience, pattern in names.items():
        suffix = pattern.format(stem="")
        for path in sorted(out.glob(f"[0-9][0-9]_*{suffix}")):
            stem = path.name[: -len(suffix)]
            if re.fullmatch(r"\d\d_[a-z0-9_]+", stem):
                found.setdefault(stem, {})[audience] = path
    return dict(sorted(found.items()))


def _title_of(page: Path) -> str:
    match = re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8")[:5000], re.S)
    title = html.unescape(match.group(1)).strip() if match else page.stem
    return title.removesuffix(" slides")


def _write_index(out: Path, kind: str, solutions: Path = ROOT / "solutions") -> Path:
    """An index of every chapter page present in ``out`` (earlier runs with --only included)."""
    if kind == "slides":
        pages = _pages_in(out, SLIDE_NAMES)
        head = (
            "<tr><th>Chapter</th><th>Lecture deck (solutions as fragments)</th>"
            "<th>Student deck (no solutions)</th></tr>"
        )
        rows = []
        for stem, by in pages.items():
            title = _title_of(next(iter(by.values())))
            cells = [
                f'<a href="{by[a].name}">{html.escape(title if a == "instructor" else "deck")}</a>'
                if a in by
                else ""
                for a in ("instructor", "student")
            ]
            rows.append(f"<tr><td>{stem[:2]}</td><td>{cells[0]}</td><td>{cells[1]}</td></tr>")
        intro = (
            "<p>Arrow keys or space move through a deck; <kbd>s</kbd> opens the speaker "
            "view, <kbd>f</kbd> goes full screen, <kbd>Esc</kbd> shows an overview. "
            "Everything works without internet: the folder can be copied as it is.</p>"
        )
        if (out / "glossary.html").exists():
            intro += '\n<p><a href="glossary.html">Glossary (English–한국어)</a></p>'
        body = (
            f"<h1>Deep Learning Foundations: lecture slides</h1>\n{intro}\n"
            f"<table>{head}\n{chr(10).join(rows)}</table>"
        )
        title = "Deep Learning Foundations: slides"
    else:
        pages = _pages_in(out, SITE_NAMES)
        with_solutions = any("instructor" in by for by in pages.values())
        head = (
            "<tr><th>Chapter</th><th>What it teaches</th>"
            + ("<th>With solutions</th>" if with_solutions else "")
            + "</tr>"
        )
        rows = []
        for stem, by in pages.items():
            summary = ""
            nb_path = solutions / f"{stem}.ipynb"
            if nb_path.exists():
                from utils._nbfast import nbformat

                summary = page_info(nbformat.read(str(nb_path), as_version=4), stem).summary
            main = by.get("student") or by.get("instructor")
            title = _title_of(main)
            sol = f'<a href="{by["instructor"].name}">solutions</a>' if "instructor" in by else ""
            sol = f"<td>{sol}</td>" if with_solutions else ""
            rows.append(
                f'<tr><td><a href="{main.name}">{html.escape(title)}</a></td>'
                f"<td>{html.escape(summary)}</td>{sol}</tr>"
            )
        extra = []
        if (out / "glossary.html").exists():
            extra.append('<a href="glossary.html">Glossary (English–한국어)</a>')
        if (out / "instructors.html").exists():
            extra.append('<a href="instructors.html">Instructor guide</a>')
        links = f"<p>{' · '.join(extra)}</p>" if extra else ""
        intro = (
            "<p>How neural networks learn, built from scratch in NumPy. "
            "Each chapter page shows the notebook with its figures; the exercises are "
            "left for you to write in JupyterLab (<code>course/</code>).</p>"
        )
        body = (
            f"<h1>Deep Learning Foundations</h1>\n{intro}\n{links}\n"
            f"<table>{head}\n{chr(10).join(rows)}</table>"
        )
        title = "Deep Learning Foundations"
    path = out / "index.html"
    path.write_text(_html_page(title, body), encoding="utf-8")
    return path


def _show(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m utils.site", description=__doc__.split("\n")[0]
    )
    parser.add_argument("kind", choices=("slides", "html"))
    parser.add_argument("--only", metavar="NN", help="one chapter, e.g. --only 04")
    parser.add_argument(
        "--audience",
        choices=(*AUDIENCES, "both"),
        default="both",
        help="instructor (solutions), student (no solutions) or both (default)",
    )
    parser.add_argument(
        "--out", type=Path, help="output folder (default _build/slides or _build/html)"
    )
    args = parser.parse_args(argv)
    audiences = AUDIENCES if args.audience == "both" else (args.audience,)
    out = args.out or BUILD / args.kind
    try:
        if args.kind == "slides":
            written = build_slides(out, audiences, args.only)
        else:
            written = build_html(
                out, audiences[::-1] if args.audience == "both" else audiences, args.only
            )
    except SiteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        f"wrote {len(written)} page(s) and {_show(out / 'index.html')}; open it in a browser "
        "(works offline)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
