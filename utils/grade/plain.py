"""Plain data across the process boundary: JSON for the structure, ``.npy`` for arrays.

Probe inputs travel from the grader to the child and probe results come back the same way.
Nothing is pickled: a value is encoded as a JSON tree in which each array is a reference to
an ``.npy`` blob, and the blobs are concatenated into one payload. The decoder checks every
blob's header against its length before NumPy reads it (so a forged header cannot make the
grader allocate memory it does not receive) and loads with ``allow_pickle=False``.

Encoded tree:

- ``None``, ``bool``, ``int``, ``float``, ``str``: themselves (JSON allows NaN and infinities);
- ``{"t": "tuple" | "list", "items": [...]}``, ``{"t": "dict", "items": [[key, value], ...]}``;
- ``{"t": "array", "blob": k}``: blob number ``k`` of the payload;
- ``{"t": "complex", "re": x, "im": y}``;
- ``{"t": "opaque", "type": "Name"}``: a value that is not plain data (a student's object);
  it decodes to an instance of a placeholder class of that name, which compares as wrong.
"""

from __future__ import annotations

import io
import json
import re
import struct
from typing import Any

import numpy as np

MAX_DEPTH = 32
MAX_ITEMS = 100_000
MAX_BLOBS = 10_000


class PlainDataError(ValueError):
    """Data that is not a valid plain-data encoding (the grader treats it as a wrong answer)."""


def encode(value: Any) -> tuple[Any, bytes]:
    """``(tree, payload)``: a JSON-able tree and the concatenated ``.npy`` blobs it refers to."""
    blobs: list[bytes] = []
    tree = _enc(value, blobs, 0)
    return tree, b"".join(struct.pack(">Q", len(b)) + b for b in blobs)


def _enc(value: Any, blobs: list[bytes], depth: int) -> Any:
    if depth > MAX_DEPTH:
        return {"t": "opaque", "type": "deeply_nested"}
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, complex):
        return {"t": "complex", "re": value.real, "im": value.imag}
    if isinstance(value, np.generic):
        return _enc(value.item(), blobs, depth + 1)
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject or value.dtype.kind not in "biufcUS":
            return {"t": "opaque", "type": f"ndarray_{value.dtype.kind}"}
        buf = io.BytesIO()
        np.save(buf, np.asarray(value, order="C"), allow_pickle=False)  # keeps 0-d arrays 0-d
        blobs.append(buf.getvalue())
        return {"t": "array", "blob": len(blobs) - 1}
    if isinstance(value, tuple | list):
        kind = "tuple" if isinstance(value, tuple) else "list"
        return {"t": kind, "items": [_enc(v, blobs, depth + 1) for v in value]}
    if isinstance(value, dict):
        return {
            "t": "dict",
            "items": [[str(k), _enc(v, blobs, depth + 1)] for k, v in value.items()],
        }
    name = type(value).__name__
    return {"t": "opaque", "type": name if isinstance(name, str) else "object"}


def decode(tree: Any, payload: bytes) -> Any:
    """The value encoded by :func:`encode`; :class:`PlainDataError` if anything is off."""
    blobs = _split(payload)
    counter = [0]
    return _dec(tree, blobs, 0, counter)


def _split(payload: bytes) -> list[memoryview]:
    view, blobs, pos = memoryview(payload), [], 0
    while pos < len(view):
        if len(blobs) >= MAX_BLOBS or pos + 8 > len(view):
            raise PlainDataError("payload: too many or truncated blobs")
        (n,) = struct.unpack(">Q", view[pos : pos + 8])
        pos += 8
        if pos + n > len(view):
            raise PlainDataError("payload: truncated blob")
        blobs.append(view[pos : pos + n])
        pos += n
    return blobs


def _load_array(blob: memoryview) -> np.ndarray:
    fp = io.BytesIO(blob)
    try:
        version = np.lib.format.read_magic(fp)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(fp)
        elif version in ((2, 0), (3, 0)):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(fp)
        else:
            raise PlainDataError(f"npy version {version}")
        if dtype.hasobject:
            raise PlainDataError("object arrays are not plain data")
        n_bytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        if n_bytes != len(blob) - fp.tell():
            raise PlainDataError("npy header does not match the data length")
        fp.seek(0)
        return np.load(fp, allow_pickle=False)
    except PlainDataError:
        raise
    except Exception as exc:
        raise PlainDataError(f"unreadable array: {type(exc).__name__}") from None


_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,60}")


def opaque(type_name: str) -> Any:
    """A placeholder for a value that was not plain data, named after its type."""
    name = type_name if isinstance(type_name, str) and _NAME_RE.fullmatch(type_name) else "object"
    return type(name, (), {"__repr__": lambda self: f"<{name}>"})()


def _dec(node: Any, blobs: list[memoryview], depth: int, counter: list[int]) -> Any:
    counter[0] += 1
    if depth > MAX_DEPTH or counter[0] > MAX_ITEMS:
        raise PlainDataError("value too large or too deeply nested")
    if node is None or isinstance(node, bool | int | float | str):
        return node
    if not isinstance(node, dict):
        raise PlainDataError(f"unexpected node {type(node).__name__}")
    kind = node.get("t")
    if kind in ("tuple", "list"):
        items = node.get("items")
        if not isinstance(items, list):
            raise PlainDataError("sequence without items")
        out = [_dec(v, blobs, depth + 1, counter) for v in items]
        return tuple(out) if kind == "tuple" else out
    if kind == "dict":
        items = node.get("items")
        if not isinstance(items, list) or not all(
            isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) for p in items
        ):
            raise PlainDataError("malformed dict")
        return {k: _dec(v, blobs, depth + 1, counter) for k, v in items}
    if kind == "array":
        k = node.get("blob")
        if not isinstance(k, int) or isinstance(k, bool) or not 0 <= k < len(blobs):
            raise PlainDataError("array refers to a missing blob")
        return _load_array(blobs[k])
    if kind == "complex":
        re_, im = node.get("re"), node.get("im")
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (re_, im)):
            raise PlainDataError("malformed complex")
        return complex(re_, im)
    if kind == "opaque":
        return opaque(node.get("type", "object"))
    raise PlainDataError(f"unknown node type {kind!r}")


def dumps_header(header: dict) -> bytes:
    """A frame header as UTF-8 JSON."""
    return json.dumps(header, allow_nan=True, separators=(",", ":")).encode()


def frame(header: dict, payload: bytes = b"") -> bytes:
    """One message of the parent/child protocol: two lengths, a JSON header, a payload."""
    head = dumps_header(header)
    return struct.pack(">II", len(head), len(payload)) + head + payload
