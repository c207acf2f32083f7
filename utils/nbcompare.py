"""Compare two versions of a notebook the way a reader would, not byte for byte.

The course stores executed solution notebooks. A rebuild on another CPU (another BLAS kernel,
other SIMD paths) may round the last bit of a matrix product differently, and a printed number
near a rounding boundary then changes in its last printed digit. Such noise is not a change;
a changed source, a changed sentence, a missing output or a number off by more than its last
printed digit is.

Rules, applied cell by cell:

- Structure is exact: the number of cells, their ids, types, sources and tags.
- Outputs of a code cell tagged ``nbval-ignore-output`` are not compared (widgets, versions).
- Otherwise the outputs must have the same kinds in the same order. Text (streams, ``text/*``
  data, error names and values) is split into numbers and the words between them: the words
  must be identical (a run of spaces counts as one, since NumPy pads array columns to the
  longest entry); integers must be identical; a decimal number may differ by one unit in its
  last printed digit (``0.0158`` against ``0.0159``, ``4.2e-11`` against ``4.3e-11``).
- Images are compared by pixels, never by bytes: :func:`image_difference` reports the share of
  pixels that differ by more than a few levels. Callers decide whether that is a failure.

Used by ``python -m utils.build --check`` and by the notebook tests (``nbtests``).
"""

from __future__ import annotations

import base64
import difflib
import io
import re
from dataclasses import dataclass

from utils.notebook import cell_tags

IGNORE_OUTPUT_TAG = "nbval-ignore-output"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

# A number stands alone: not glued to a word ("W1", "ex05") and not part of a dotted version
# ("3.11.7"). A full stop that ends a sentence after a number is allowed.
NUMBER_RE = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w]|\.\d)")

# Pixels are "different" beyond this many levels (of 255) in any channel: anti-aliasing noise
# from a coordinate that moved by a fraction of a pixel stays below it.
PIXEL_LEVELS = 8


@dataclass(frozen=True)
class Difference:
    """One way in which a fresh notebook differs from the stored one."""

    cell: str
    what: str

    def __str__(self) -> str:
        return f"cell {self.cell}: {self.what}"


def _is_decimal(token: str) -> bool:
    return "." in token or "e" in token.lower()


def _last_digit_unit(token: str) -> float:
    """The value of one unit in the last printed digit: '0.0158' -> 1e-4, '4.2e-11' -> 1e-12."""
    mantissa, _, exponent = token.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** (int(exponent or 0) - decimals)


def _numbers_close(stored: str, fresh: str) -> bool:
    if not (_is_decimal(stored) or _is_decimal(fresh)):
        return int(stored) == int(fresh)
    unit = max(_last_digit_unit(stored), _last_digit_unit(fresh))
    # The slack covers the binary representation of the decimal unit itself.
    return abs(float(stored) - float(fresh)) <= unit * (1 + 1e-9)


def compare_text(stored: str, fresh: str) -> str | None:
    """Return ``None`` when two texts say the same thing, else a one-line description.

    >>> compare_text("loss 0.0158 after 100 steps", "loss 0.0159 after 100 steps") is None
    True
    >>> compare_text("6/6 checks passed", "5/6 checks passed")
    "line 1: '6' became '5' in '6/6 checks passed'"
    """
    if stored == fresh:
        return None
    old_lines, new_lines = stored.splitlines(), fresh.splitlines()
    if len(old_lines) != len(new_lines):
        return f"{len(old_lines)} line(s) became {len(new_lines)}: " + _first_changed_line(
            old_lines, new_lines
        )
    for number, (old, new) in enumerate(zip(old_lines, new_lines, strict=True), start=1):
        if old == new:
            continue
        # Runs of spaces count as one: NumPy pads an array's columns to its longest entry.
        old_words = [re.sub(r"\s+", " ", w) for w in NUMBER_RE.split(old)]
        new_words = [re.sub(r"\s+", " ", w) for w in NUMBER_RE.split(new)]
        if old_words != new_words:
            return f"line {number}: {old!r} became {new!r}"
        for a, b in zip(NUMBER_RE.findall(old), NUMBER_RE.findall(new), strict=True):
            if not _numbers_close(a, b):
                return f"line {number}: {a!r} became {b!r} in {old!r}"
    return None


def _first_changed_line(old_lines: list[str], new_lines: list[str]) -> str:
    """Describe the first edit between two lists of lines: a changed, inserted or removed line."""
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, _, j1, _ in matcher.get_opcodes():
        if tag == "replace":
            return f"line {i1 + 1} {old_lines[i1]!r} -> {new_lines[j1]!r}"
        if tag == "insert":
            return f"line {j1 + 1} inserted: {new_lines[j1]!r}"
        if tag == "delete":
            return f"line {i1 + 1} removed: {old_lines[i1]!r}"
    return "only line endings or trailing spaces"


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def image_difference(stored_b64: str, fresh_b64: str) -> float:
    """Return the share of pixels (0 to 1) that differ by more than PIXEL_LEVELS; 1 if sizes differ."""
    import numpy as np
    from matplotlib.image import imread

    def decode(data: str):
        raw = base64.b64decode(_text(data))
        return np.asarray(imread(io.BytesIO(raw), format="png") * 255, dtype=np.int16)

    old, new = decode(stored_b64), decode(fresh_b64)
    if old.shape != new.shape:
        return 1.0
    return float(np.mean(np.abs(old - new).max(axis=-1) > PIXEL_LEVELS))


def _tags(cell) -> list[str]:
    return cell_tags(cell)


def _metadata(cell) -> dict:
    """A cell's metadata without what a run records (timings, execution details)."""
    return {k: v for k, v in cell.get("metadata", {}).items() if k != "execution"}


def compare_outputs(
    cell_id: str, stored: list, fresh: list, *, images: str = "presence"
) -> tuple[list[Difference], list[Difference]]:
    """Compare the outputs of one code cell; return (differences, image notes).

    ``images="presence"`` only asks that the same images are there; ``images="pixels"`` also
    reports, as a note, each image whose pixels differ beyond the anti-aliasing threshold.
    """
    diffs: list[Difference] = []
    notes: list[Difference] = []
    kinds_old = [_kind(o) for o in stored]
    kinds_new = [_kind(o) for o in fresh]
    if kinds_old != kinds_new:
        diffs.append(Difference(cell_id, f"outputs {kinds_old} became {kinds_new}"))
        return diffs, notes
    for index, (old, new) in enumerate(zip(stored, fresh, strict=True), start=1):
        where = f"output {index} ({kinds_old[index - 1]})"
        kind = old["output_type"]
        if kind == "stream":
            pairs = [("text", _text(old.get("text", "")), _text(new.get("text", "")))]
        elif kind == "error":
            pairs = [
                (
                    "error",
                    f"{old.get('ename')}: {old.get('evalue')}",
                    f"{new.get('ename')}: {new.get('evalue')}",
                )
            ]
        else:
            data_old, data_new = old.get("data", {}), new.get("data", {})
            pairs = [
                (mime, _text(data_old[mime]), _text(data_new[mime]))
                for mime in sorted(data_old)
                if mime.startswith("text/")
            ]
            for mime in sorted(data_old):
                if mime == "image/png" and images == "pixels":
                    share = image_difference(data_old[mime], data_new[mime])
                    if share > 0:
                        notes.append(
                            Difference(
                                cell_id, f"{where}: the figure differs in {share:.2%} of its pixels"
                            )
                        )
        for label, a, b in pairs:
            problem = compare_text(a, b)
            if problem:
                diffs.append(Difference(cell_id, f"{where} {label}: {problem}"))
    return diffs, notes


def _kind(output) -> str:
    """An output's kind: its type, the stream name, and the MIME types it carries."""
    kind = output["output_type"]
    if kind == "stream":
        return f"stream:{output.get('name')}"
    if kind == "error":
        return "error"
    mimes = sorted(m for m in output.get("data", {}) if m != WIDGET_MIME)
    return f"{kind}:{'+'.join(mimes)}"


def compare_notebooks(
    stored, fresh, *, outputs: bool = True, images: str = "presence"
) -> tuple[list[Difference], list[Difference]]:
    """Compare two notebooks (nbformat nodes or dicts); return (differences, image notes).

    With ``outputs=False`` only the structure is compared: cell ids, types, sources, tags.
    """
    diffs: list[Difference] = []
    notes: list[Difference] = []
    old_cells, new_cells = stored["cells"], fresh["cells"]
    old_ids = [c.get("id", f"#{i}") for i, c in enumerate(old_cells)]
    new_ids = [c.get("id", f"#{i}") for i, c in enumerate(new_cells)]
    if old_ids != new_ids:
        removed = [i for i in old_ids if i not in new_ids]
        added = [i for i in new_ids if i not in old_ids]
        what = (
            f"removed {removed}, added {added}"
            if removed or added
            else "the same cells in another order"
        )
        diffs.append(Difference("list", f"{len(old_ids)} cells became {len(new_ids)}: {what}"))
        return diffs, notes
    for old, new, cell_id in zip(old_cells, new_cells, old_ids, strict=True):
        label = f"{cell_id}"
        if old["cell_type"] != new["cell_type"]:
            diffs.append(Difference(label, f"{old['cell_type']} became {new['cell_type']}"))
            continue
        if _text(old["source"]) != _text(new["source"]):
            diffs.append(
                Difference(
                    label,
                    "source changed: "
                    + _first_changed_line(
                        _text(old["source"]).splitlines(), _text(new["source"]).splitlines()
                    ),
                )
            )
        meta_old, meta_new = _metadata(old), _metadata(new)
        if meta_old != meta_new:
            changed = sorted(
                k for k in set(meta_old) | set(meta_new) if meta_old.get(k) != meta_new.get(k)
            )
            diffs.append(Difference(label, f"cell metadata changed: {', '.join(changed)}"))
        if outputs and old["cell_type"] == "code" and IGNORE_OUTPUT_TAG not in _tags(old):
            d, n = compare_outputs(
                label, old.get("outputs", []), new.get("outputs", []), images=images
            )
            diffs += d
            notes += n
    keys = ("dlf", "kernelspec")
    for key in keys:
        if stored.get("metadata", {}).get(key) != fresh.get("metadata", {}).get(key):
            diffs.append(Difference("metadata", f"notebook metadata {key!r} changed"))
    return diffs, notes
