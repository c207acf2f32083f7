"""Save and load ``Sequential`` models: arrays in a NumPy ``.npz``, the architecture as JSON.

No pickle anywhere: loading a file from elsewhere reads numbers and a JSON description and
can run no code. The file holds one array per parameter (``"0.W"``, ``"0.b"``, ...), one per
buffer (batch norm's running statistics, ``"2.running_mean"``), and ``"__architecture__"``,
a JSON string listing each layer's type and constructor arguments.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np

from utils import nn

__all__ = ["FORMAT_VERSION", "load", "save"]

FORMAT_VERSION = 1

# Layer type -> the constructor arguments read from the layer. Besides its params, each
# layer's BUFFERS (batch norm's running statistics) are saved too.
_LAYERS = {
    "Linear": lambda m: {"in_features": m.in_features, "out_features": m.out_features},
    "ReLU": lambda m: {},
    "Sigmoid": lambda m: {},
    "Tanh": lambda m: {},
    "LeakyReLU": lambda m: {"alpha": m.alpha},
    "ELU": lambda m: {"alpha": m.alpha},
    "PReLU": lambda m: {"num_features": int(m.params["alpha"].shape[0])},
    "Dropout": lambda m: {"p": m.p},
    "BatchNorm1d": lambda m: {"num_features": int(m.params["gamma"].shape[0]), "eps": m.eps,
                              "momentum": m.momentum},
    "LayerNorm": lambda m: {"num_features": int(m.params["gamma"].shape[0]), "eps": m.eps},
}


def save(model: nn.Sequential, path) -> Path:
    """Write ``model`` to ``path`` (``.npz`` is appended if missing); return the path."""
    if not isinstance(model, nn.Sequential):
        raise TypeError(f"save: model must be a Sequential, got {type(model).__name__}")
    path = Path(path)
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    layers, arrays = [], {}
    for i, layer in enumerate(model.layers):
        kind = type(layer).__name__
        if kind not in _LAYERS:
            raise TypeError(f"save: layer {i} is a {kind}, which cannot be saved; supported: "
                            f"{sorted(_LAYERS)}")
        layers.append({"type": kind, "args": _LAYERS[kind](layer), "frozen": bool(layer.frozen)})
        for name, value in layer.params.items():
            arrays[f"{i}.{name}"] = value
        for name in layer.BUFFERS:
            arrays[f"{i}.{name}"] = getattr(layer, name)
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
        raise ValueError(f"load: {path} is not a readable model file (truncated, or not an "
                         f".npz written by utils.persistence.save): {exc}") from None
    header = _header(arrays, path)
    layers = []
    for i, spec in enumerate(header["layers"]):
        layer = _build(i, spec, rng, path)
        for name in [*layer.params, *layer.BUFFERS]:
            key = f"{i}.{name}"
            if key not in arrays:
                raise ValueError(f"load: {path} lacks the array {key!r} of layer {i} ({spec['type']})")
            target = layer.params[name] if name in layer.params else getattr(layer, name)
            if arrays[key].shape != target.shape:
                raise ValueError(f"load: {path}: array {key!r} has shape {arrays[key].shape}, but "
                                 f"layer {i} ({spec['type']} {spec['args']}) needs {target.shape}")
            target[...] = arrays[key]
        layer.frozen = bool(spec.get("frozen", False))
        layers.append(layer)
    return nn.Sequential(*layers)


def _header(arrays: dict, path: Path) -> dict:
    if "__architecture__" not in arrays:
        raise ValueError(f"load: {path} has no architecture record: not a model file written "
                         "by utils.persistence.save")
    try:
        header = json.loads(str(arrays["__architecture__"]))
    except json.JSONDecodeError as exc:
        raise ValueError(f"load: {path} has a damaged architecture record: {exc}") from None
    if not isinstance(header, dict) or header.get("format") != "dlf-model":
        raise ValueError(f"load: {path} is not a dlf-model file")
    if header.get("version") != FORMAT_VERSION:
        raise ValueError(f"load: {path} has format version {header.get('version')}; this "
                         f"library reads version {FORMAT_VERSION}")
    if not isinstance(header.get("layers"), list):
        raise ValueError(f"load: {path} has no layer list")
    return header


def _build(i: int, spec, rng, path: Path) -> nn.Module:
    if not isinstance(spec, dict) or spec.get("type") not in _LAYERS:
        kind = spec.get("type") if isinstance(spec, dict) else spec
        raise ValueError(f"load: {path}: layer {i} has unknown type {kind!r}; known: "
                         f"{sorted(_LAYERS)}")
    kind, args = spec["type"], dict(spec.get("args", {}))
    cls = getattr(nn, kind)
    try:
        if kind == "Linear":
            return cls(**args, rng=np.random.default_rng(0))  # weights are overwritten
        if kind == "Dropout":
            if rng is None:
                raise ValueError(f"load: {path}: layer {i} is Dropout; pass rng= to load()")
            return cls(**args, rng=rng)
        return cls(**args)
    except TypeError as exc:
        raise ValueError(f"load: {path}: layer {i} ({kind}) has bad arguments {args}: {exc}") from None
