"""The class report: what the whole class got wrong, exercise by exercise, as one HTML page.

Built from the gradebook's sidecar of diagnosed mistakes (:mod:`utils.grade.mistakes`), one
page per chapter: the score distributions (histogram of the chapter total and one small
histogram per exercise, with mean, median and share of full marks), the named mistakes of
each exercise ranked by how many submissions made them (hint, count, share, up to five
example excerpts with links to the feedback files), the submissions that need a human (a
status other than ``ok``, or a flag), and where to start the next lecture: the two most
frequent mistakes with the section of the chapter that teaches the point.

The page is self-contained: inline CSS, figures as PNG ``data:`` URIs, no script, no
reference to the network; it opens from a file or from an LMS upload. matplotlib is imported
here only, when a page is written (Agg canvas, no pyplot), never while grading.

With ``anonymise`` every submission name and path is replaced by a stable pseudonym,
``student-`` and six hex digits of an HMAC of the submission key with the course secret, and
the feedback links are dropped: a page to share with teaching assistants.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import io
import json
import os
import re
import statistics
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from utils.grade.gradebook import fmt_points

#: Statuses that are a result, not a problem to look at.
OK = "ok"
EXAMPLES = 5
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:17px;
 line-height:1.45;color:#1a1a1a;max-width:72rem;margin:1.5rem auto;padding:0 1.2rem}
h1{font-size:1.8rem;margin-bottom:.2rem}h2{font-size:1.4rem;margin-top:2.2rem;
 border-bottom:2px solid #1f77b4;padding-bottom:.2rem}h3{font-size:1.15rem;margin-top:1.6rem}
.lead{color:#444}.next{background:#fff4e5;border-left:6px solid #ff7f0e;padding:.6rem 1rem}
.next li{margin:.3rem 0}table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}
th,td{border:1px solid #ccc;padding:.35rem .55rem;text-align:left;vertical-align:top}
th{background:#eef3f8}td.num{text-align:right;white-space:nowrap}
pre{background:#f6f6f6;border:1px solid #ddd;padding:.4rem .6rem;font-size:13px;
 white-space:pre-wrap;margin:.2rem 0 .6rem}img{max-width:100%;height:auto}
.muted{color:#666}.example{margin:.5rem 0 0}.ex{page-break-inside:avoid}
@media print{body{font-size:12pt;max-width:none}h2{page-break-after:avoid}}
"""


class ReportError(Exception):
    """A report that cannot be built; the message says what was expected."""


def pseudonym(key: str, secret: bytes) -> str:
    """The stable pseudonym of a submission: ``student-`` and 6 hex digits of an HMAC."""
    return "student-" + hmac.new(secret, key.encode(), hashlib.sha256).hexdigest()[:6]


@dataclass
class Options:
    """How to write the pages: pseudonyms, where the feedback and the course site are."""

    secret: bytes | None = None  # set: anonymise
    feedback: Path | None = None
    site: Path | None = None

    @property
    def anonymise(self) -> bool:
        """Whether submission names are replaced by pseudonyms."""
        return self.secret is not None


def chapter_of(records: dict[str, dict]) -> dict[str, dict[str, dict]]:
    """Records grouped by chapter ("" for submissions whose chapter is unknown)."""
    groups: dict[str, dict[str, dict]] = {}
    for key, rec in sorted(records.items()):
        groups.setdefault(rec.get("chapter") or "", {})[key] = rec
    return groups


def page_paths(out: Path, chapters: list[str]) -> dict[str, Path]:
    """Where each chapter's page goes: ``out`` for one chapter, else ``out_NN.html``."""
    if len(chapters) <= 1:
        return {c: out for c in chapters}
    return {c: out.with_name(f"{out.stem}_{c}{out.suffix or '.html'}") for c in chapters}


def write_reports(
    out: Path, records: dict[str, dict], options: Options | None = None
) -> list[Path]:
    """Write the class report of ``records`` (sidecar entries by submission) to ``out``.

    One chapter: the page ``out``. Several: ``out_NN.html`` per chapter and ``out`` an
    index linking them. Returns the files written.
    """
    from utils.grade.gradebook import atomic_write

    options = options or Options()
    groups = chapter_of(records)
    unknown = groups.pop("", {})
    chapters = sorted(groups)
    if not chapters and not unknown:
        raise ReportError(f"{out}: no submission to report on (the gradebook is empty)")
    paths = page_paths(out, chapters)
    written = []
    for ch in chapters:
        extra = unknown if len(chapters) == 1 else {}
        atomic_write(paths[ch], chapter_page(ch, groups[ch], extra, paths[ch], options))
        written.append(paths[ch])
    if len(chapters) != 1:
        atomic_write(out, index_page(out, groups, unknown, paths, options))
        written.insert(0, out)
    return written


def _name(key: str, options: Options) -> str:
    return pseudonym(key, options.secret) if options.anonymise else key


def _scrub(text: str, keys, options: Options) -> str:
    if not options.anonymise:
        return text
    for key in sorted(keys, key=len, reverse=True):
        alias = pseudonym(key, options.secret)
        text = text.replace(key, alias)
        # the folder that names the student (alice/03_losses.ipynb), as a whole word only
        folder = key.rsplit("/", 1)[0] if "/" in key else ""
        if len(folder) >= 3:
            text = re.sub(rf"(?<![\w.-]){re.escape(folder)}(?![\w-])", alias, text)
    return text


def _href(target: Path, page: Path) -> str:
    rel = os.path.relpath(target.resolve(), page.resolve().parent)
    return urllib.parse.quote(Path(rel).as_posix())


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _stats(values: list[float], full: float) -> dict:
    if not values:
        return {"n": 0, "mean": 0.0, "median": 0.0, "full": 0.0}
    return {
        "n": len(values),
        "mean": statistics.fmean(values),
        "median": statistics.median(values),
        "full": sum(v >= full - 1e-9 for v in values) / len(values) if full > 0 else 0.0,
    }


def _stats_text(s: dict, full: float) -> str:
    return (
        f"mean {fmt_points(s['mean'])}, median {fmt_points(s['median'])} of "
        f"{fmt_points(full)}; full marks {_pct(s['full'])}"
    )


def exercise_summary(recs: dict[str, dict]) -> dict[str, dict]:
    """Per exercise of the chapter: points, max points, and the mistakes ranked by count.

    ``mistakes`` is a list of ``(name, hint, count, keys)`` sorted by count (most first),
    where ``count`` is the number of submissions in which the checks diagnosed the mistake
    in at least one case.
    """
    out: dict[str, dict] = {}
    for key, rec in recs.items():
        for ex_id, ex in rec.get("exercises", {}).items():
            s = out.setdefault(
                ex_id, {"points": [], "max": ex["max_points"], "not_done": 0, "found": {}}
            )
            s["points"].append(float(ex["points"]))
            s["not_done"] += bool(ex.get("not_done"))
            for name, m in ex.get("mistakes", {}).items():
                found = s["found"].setdefault(name, {"hint": m["hint"], "keys": []})
                found["keys"].append(key)
    for s in out.values():
        s["mistakes"] = sorted(
            ((n, f["hint"], len(f["keys"]), f["keys"]) for n, f in s.pop("found").items()),
            key=lambda m: (-m[2], m[0]),
        )
    return out


def sections(chapter: str) -> dict[str, tuple[str, str]]:
    """Exercise id -> (notebook stem, the ## or ### heading that precedes its cell) in
    ``solutions/NN_topic.ipynb``."""
    from utils.grade.submission import ROOT

    paths = sorted((ROOT / "solutions").glob(f"{chapter}_*.ipynb"))
    if not paths:
        return {}
    nb = json.loads(paths[0].read_text(encoding="utf-8"))
    found, heading = {}, ""
    for cell in nb.get("cells", []):
        src = "".join(cell.get("source", ""))
        if cell.get("cell_type") == "markdown":
            for line in src.splitlines():
                if line.startswith(("## ", "### ")):
                    heading = line.lstrip("#").strip()
        elif cell.get("cell_type") == "code":
            ex_id = cell.get("metadata", {}).get("exercise_id")
            if ex_id:
                found[ex_id] = (paths[0].stem, heading)
    return found


def chapter_title(chapter: str) -> str:
    """The chapter's title, the first ``#`` heading of its solution notebook."""
    from utils.grade.submission import ROOT

    paths = sorted((ROOT / "solutions").glob(f"{chapter}_*.ipynb"))
    if paths:
        nb = json.loads(paths[0].read_text(encoding="utf-8"))
        for cell in nb.get("cells", [])[:3]:
            for line in "".join(cell.get("source", "")).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return f"Chapter {chapter}"


def _norm(text: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", "", text)).replace("\u00b6", "")
    return " ".join(re.sub(r"[`*_]", "", text).split()).lower()


def heading_anchor(page: Path, heading: str) -> str | None:
    """The ``id`` nbconvert gave the heading ``heading`` in the built page, if any."""
    try:
        text = page.read_text(encoding="utf-8")
    except OSError:
        return None
    want = _norm(heading)
    for m in re.finditer(r'<h[1-6][^>]*\sid="([^"]+)"[^>]*>(.*?)</h[1-6]>', text, re.S):
        if _norm(m.group(2)) == want:
            return html.unescape(m.group(1))
    return None


def _section_html(chapter: str, ex_id: str, where: Path, options: Options) -> str:
    stem, heading = sections(chapter).get(ex_id, ("", ""))
    if not heading:
        return html.escape(ex_id)
    label = f"“{html.escape(heading)}”"
    if options.site is None:
        from utils.grade.submission import ROOT

        site = ROOT / "_build" / "html"
    else:
        site = options.site
    page = site / f"{stem}.html"
    anchor = heading_anchor(page, heading) if page.exists() else None
    if anchor is None:
        return label + (f" ({html.escape(stem)})" if stem else "")
    href = _href(page, where) + "#" + urllib.parse.quote(anchor, safe=":-_.~")
    return f'<a href="{html.escape(href)}">{label}</a>'


def _png(fig) -> str:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _bins(full: float, n: int):
    import numpy as np

    return np.linspace(0, full, n + 1) if full > 0 else np.linspace(0, 1, 2)


def figures(totals: list[float], full: float, summary: dict[str, dict]) -> tuple[str, str]:
    """The two figures as ``data:`` URIs: the chapter total's histogram, and one small
    histogram per exercise."""
    import matplotlib as mpl
    from matplotlib.figure import Figure

    style = {
        "font.size": 12,
        "axes.titlesize": 13,
        "axes.labelsize": 12,
        "xtick.labelsize": 11,
        "ytick.labelsize": 11,
    }
    with mpl.rc_context(style):
        fig = Figure(figsize=(9, 3.2))
        ax = fig.add_subplot()
        ax.hist(totals, bins=_bins(full, 20), color="#1f77b4", edgecolor="white")
        s = _stats(totals, full)
        ax.axvline(s["mean"], color="#ff7f0e", linewidth=2, label=f"mean {s['mean']:.2f}")
        ax.axvline(
            s["median"],
            color="0.2",
            linestyle="--",
            linewidth=1.5,
            label=f"median {s['median']:.2f}",
        )
        ax.set(
            xlabel=f"chapter total (out of {fmt_points(full)})",
            ylabel="submissions",
            title=f"Chapter total: {_pct(s['full'])} full marks",
        )
        ax.legend(loc="upper left")
        fig.tight_layout()
        total_png = _png(fig)
        n = max(1, len(summary))
        cols = min(4, n)
        rows = (n + cols - 1) // cols
        fig = Figure(figsize=(3.2 * cols, 2.6 * rows))
        for k, (ex_id, ex) in enumerate(summary.items()):
            ax = fig.add_subplot(rows, cols, k + 1)
            ax.hist(ex["points"], bins=_bins(ex["max"], 10), color="#1f77b4", edgecolor="white")
            st = _stats(ex["points"], ex["max"])
            ax.axvline(st["mean"], color="#ff7f0e", linewidth=2)
            ax.axvline(st["median"], color="0.2", linestyle="--", linewidth=1.5)
            ax.set_title(f"{ex_id.split('_', 1)[-1]}: {_pct(st['full'])} full", fontsize=12)
            ax.set_xlabel(f"points (of {fmt_points(ex['max'])})", fontsize=11)
        fig.tight_layout()
        return total_png, _png(fig)


def examples(ranked: list, limit: int = EXAMPLES) -> list[tuple[str, str]]:
    """Up to ``limit`` ``(mistake, submission)`` examples of one exercise, taken in turn from
    the ranked mistakes (the most frequent first)."""
    queues = [(name, list(keys)) for name, _hint, _count, keys in ranked]
    out: list[tuple[str, str]] = []
    while len(out) < limit and any(q for _, q in queues):
        for name, queue in queues:
            if queue and len(out) < limit:
                out.append((name, queue.pop(0)))
    return out


def needs_human(recs: dict[str, dict]) -> list[tuple[str, str, str]]:
    """``(key, status, flag)`` of the submissions a person should look at."""
    return [
        (k, r.get("status", ""), r.get("flag", ""))
        for k, r in sorted(recs.items())
        if r.get("status") != OK or r.get("flag")
    ]


def _feedback_link(key: str, where: Path, options: Options) -> str:
    if options.anonymise or options.feedback is None:
        return ""
    target = options.feedback / Path(key).with_suffix(".md")
    return f' (<a href="{html.escape(_href(target, where))}">feedback</a>)'


def chapter_page(
    chapter: str, recs: dict[str, dict], unknown: dict[str, dict], where: Path, options: Options
) -> str:
    """The HTML page of one chapter (``unknown``: submissions of no known chapter, listed
    among those needing a human)."""
    n = len(recs)
    totals = [float(r.get("total", 0)) for r in recs.values()]
    full = max((float(r.get("max_total", 0)) for r in recs.values()), default=0.0)
    summary = exercise_summary(recs)
    title = chapter_title(chapter)
    s = _stats(totals, full)
    total_png, ex_png = figures(totals, full, summary)
    esc = html.escape
    parts = [
        f"<h1>Class report: {esc(title)}</h1>",
        f'<p class="lead">{n} submission(s) of chapter {esc(chapter)}; chapter total: '
        f"{esc(_stats_text(s, full))}. Shares are out of all {n} submissions.</p>",
    ]
    ranked = sorted(
        ((m[2], ex_id, m[0]) for ex_id, ex in summary.items() for m in ex["mistakes"]),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    parts.append("<h2>Where to start next lecture</h2>")
    if ranked:
        items = []
        for count, ex_id, name in ranked[:2]:
            items.append(
                f"<li><b>{esc(name)}</b> in <code>{esc(ex_id)}</code>: {count} of "
                f"{n} ({_pct(count / n)}). Taught in "
                f"{_section_html(chapter, ex_id, where, options)}.</li>"
            )
        parts.append('<div class="next"><ul>' + "".join(items) + "</ul></div>")
    else:
        parts.append('<p class="next">No named mistake was diagnosed in this chapter.</p>')
    parts += [
        "<h2>Scores</h2>",
        f'<img alt="Histogram of the chapter total" src="{total_png}">',
        f'<img alt="Histograms of the points of each exercise" src="{ex_png}">',
        "<table><tr><th>exercise</th><th>mean</th><th>median</th><th>max</th>"
        "<th>full marks</th><th>not done</th></tr>",
    ]
    for ex_id, ex in summary.items():
        st = _stats(ex["points"], ex["max"])
        parts.append(
            f'<tr><td><code>{esc(ex_id)}</code></td><td class="num">'
            f'{fmt_points(st["mean"])}</td><td class="num">{fmt_points(st["median"])}'
            f'</td><td class="num">{fmt_points(ex["max"])}</td><td class="num">'
            f'{_pct(st["full"])}</td><td class="num">{ex["not_done"]}</td></tr>'
        )
    parts.append("</table>")
    parts.append("<h2>Mistakes, exercise by exercise</h2>")
    for ex_id, ex in summary.items():
        parts.append(
            f'<div class="ex"><h3><code>{esc(ex_id)}</code> · taught in '
            f"{_section_html(chapter, ex_id, where, options)}</h3>"
        )
        if not ex["mistakes"]:
            parts.append('<p class="muted">No named mistake diagnosed.</p></div>')
            continue
        parts.append(
            "<table><tr><th>mistake</th><th>hint</th><th>submissions</th><th>share</th></tr>"
        )
        for name, hint, count, _keys in ex["mistakes"]:
            parts.append(
                f'<tr class="mistake" data-exercise="{esc(ex_id)}" '
                f'data-mistake="{esc(name)}" data-count="{count}" '
                f'data-share="{count / n:.4f}"><td><b>{esc(name)}</b></td>'
                f'<td>{esc(hint)}</td><td class="num">{count}</td>'
                f'<td class="num">{_pct(count / n)}</td></tr>'
            )
        parts.append("</table>")
        parts.append("<p>Examples (the first failed case; the hint is in the table):</p>")
        for name, key in examples(ex["mistakes"]):
            text = recs[key]["exercises"][ex_id].get("excerpt", "")
            text = "\n".join(
                line for line in text.splitlines() if not line.strip().startswith("Hint (")
            )
            parts.append(
                f'<p class="muted example"><b>{esc(name)}</b>: '
                f"{esc(_name(key, options))}{_feedback_link(key, where, options)}</p>"
                f"<pre>{esc(_scrub(text, recs, options))}</pre>"
            )
        parts.append("</div>")
    parts.append(_human_html({**recs, **unknown}, where, options))
    return _document(f"Class report: {title}", "\n".join(parts))


def _human_html(recs: dict[str, dict], where: Path, options: Options) -> str:
    esc = html.escape
    rows = needs_human(recs)
    out = ["<h2>Submissions that need a human</h2>"]
    if not rows:
        out.append('<p class="muted">None: every submission ran and nothing was flagged.</p>')
        return "\n".join(out)
    out.append("<table><tr><th>status</th><th>submission</th><th>flag</th></tr>")
    for key, status, flag in sorted(rows, key=lambda r: (r[1] == OK, r[1], r[0])):
        out.append(
            f'<tr class="human" data-status="{esc(status)}"><td>{esc(status)}</td>'
            f"<td>{esc(_name(key, options))}{_feedback_link(key, where, options)}</td>"
            f"<td>{esc(flag)}</td></tr>"
        )
    out.append("</table>")
    return "\n".join(out)


def index_page(
    out: Path,
    groups: dict[str, dict],
    unknown: dict[str, dict],
    paths: dict[str, Path],
    options: Options,
) -> str:
    """The page linking the chapters' pages, with each chapter's summary."""
    esc = html.escape
    parts = [
        "<h1>Class report</h1>",
        "<table><tr><th>chapter</th><th>submissions</th>"
        "<th>total</th><th>most frequent mistake</th></tr>",
    ]
    for ch, recs in sorted(groups.items()):
        totals = [float(r.get("total", 0)) for r in recs.values()]
        full = max((float(r.get("max_total", 0)) for r in recs.values()), default=0.0)
        ranked = sorted(
            (
                (m[2], ex_id, m[0])
                for ex_id, ex in exercise_summary(recs).items()
                for m in ex["mistakes"]
            ),
            key=lambda t: (-t[0], t[1], t[2]),
        )
        top = f"{esc(ranked[0][2])} ({esc(ranked[0][1])}, {ranked[0][0]})" if ranked else ""
        parts.append(
            f'<tr><td><a href="{esc(_href(paths[ch], out))}">'
            f'{esc(chapter_title(ch))}</a></td><td class="num">{len(recs)}</td>'
            f"<td>{esc(_stats_text(_stats(totals, full), full))}</td><td>{top}</td>"
            "</tr>"
        )
    parts.append("</table>")
    if unknown:
        parts.append(_human_html(unknown, out, options))
    return _document("Class report", "\n".join(parts))


def _document(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head>\n<body>\n"
        f"{body}\n</body></html>\n"
    )
