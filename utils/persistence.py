"""Save and load ``Sequential`` models: arrays in a NumPy ``.npz``, the architecture as JSON.

No pickle anywhere: loading a file from elsewhere reads numbers and a JSON description and
can run no code. The file holds the model's :meth:`~utils.nn.Module.state_dict`: one array
per parameter (``"0.W"``, ``"0.b"``, ...) and one per buffer (batch norm's running
statistics, ``"2.running_mean"``), each in the model's dtype; and ``"__architecture__"``, a
JSON string listing each layer's :meth:`~utils.nn.Module.config` (type, constructor
arguments, frozen flag). Any layer class, the course's or one defined elsewhere, can be
saved and loaded: the architecture names it and :meth:`~utils.nn.Module.from_config`
rebuilds it.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np

from utils import nn

__all__ = ["FORMAT_VERSION", "load", "save"]

FORMAT_VERSION = 1


def save(model: nn.Sequential, path) -> Path:
    """Write ``model`` to ``path`` (``.npz`` is appended if missing); return the path."""
    if not isinstance(model, nn.Sequential):
        raise TypeError(f"save: model must be a Sequential, got {type(model).__name__}")
    path = Path(path)
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    layers = []
    for i, layer in enumerate(model.layers):
        try:
            layers.append(layer.config())
        except TypeError as exc:
            raise TypeError(
                f"save: layer {i} is a {type(layer).__name__}, which cannot be saved: {exc}"
            ) from None
    arrays = model.state_dict()
    header = {"format": "dlf-model", "version": FORMAT_VERSION, "layers": layers}
    arrays["__architecture__"] = np.array(json.dumps(header))
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, **arrays)
    return path


def load(path, *, rng: np.random.Generator | None = None) -> nn.Sequential:
    """Read a model written by :func:`save`.

    Parameters
    ----------
    path : str or Path
    rng : numpy.random.Generator, optional
        Needed only if the model has ``Dropout`` layers (their masks are random).

    Raises
    ------
    FileNotFoundError
        No such file.
    ValueError
        Not a model file (truncated, not an ``.npz``, or written by something else), or an
        array whose shape does not match the architecture; the message names what differs.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"load: no model file at {path}")
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise ValueError(
            f"load: {path} is not a readable model file (truncated, or not an "
            f".npz written by utils.persistence.save): {exc}"
        ) from None
    header = _header(arrays, path)
    state = {key: value for key, value in arrays.items() if key != "__architecture__"}
    floats = {value.dtype for value in state.values() if value.dtype.kind == "f"}
    # Each layer's config names a dtype other than float64; an array's own dtype covers
    # files whose configs do not (a float32 model stays float32 either way).
    dtype = floats.pop() if len(floats) == 1 else None
    layers = []
    for i, spec in enumerate(header["layers"]):
        try:
            layers.append(nn.Module.from_config(spec, rng=rng, dtype=dtype))
        except ValueError as exc:
            raise ValueError(f"load: {path}: {_layer_message(i, spec, exc)}") from None
    model = nn.Sequential(*layers)
    expected = model.state_dict()
    for key, target in expected.items():
        i = key.split(".")[0]
        spec = header["layers"][int(i)]
        if key not in state:
            raise ValueError(f"load: {path} lacks the array {key!r} of layer {i} ({spec['type']})")
        if state[key].shape != target.shape:
            raise ValueError(
                f"load: {path}: array {key!r} has shape {state[key].shape}, but "
                f"layer {i} ({spec['type']} {spec.get('args', {})}) needs "
                f"{target.shape}"
            )
    model.load_state_dict(state, strict=False)
    return model


def _layer_message(i: int, spec, exc: ValueError) -> str:
    """``from_config``'s error in terms of the file's layer ``i``."""
    kind = spec.get("type") if isinstance(spec, dict) else spec
    text = str(exc)
    if "unknown type" in text:
        return f"layer {i} has unknown type {kind!r}; known: {text.split('known: ')[-1]}"
    if "draws random masks" in text:
        return f"layer {i} is {kind}; pass rng= to load()"
    return f"layer {i} ({kind}): {text}"


def _header(arrays: dict, path: Path) -> dict:
    if "__architecture__" not in arrays:
        raise ValueError(
            f"load: {path} has no architecture record: not a model file written "
            "by utils.persistence.save"
        )
    try:
        header = json.loads(str(arrays["__architecture__"]))
    except json.JSONDecodeError as exc:
        raise ValueError(f"load: {path} has a damaged architecture record: {exc}") from None
    if not isinstance(header, dict) or header.get("format") != "dlf-model":
        raise ValueError(f"load: {path} is not a dlf-model file")
    if header.get("version") != FORMAT_VERSION:
        raise ValueError(
            f"load: {path} has format version {header.get('version')}; this "
            f"library reads version {FORMAT_VERSION}"
        )
    if not isinstance(header.get("layers"), list):
        raise ValueError(f"load: {path} has no layer list")
    return header
