"""The :class:`Module` base: forward/backward, mode, freezing, and the state a module owns.

A module's state is its parameters (``params``, what optimizers change), its buffers
(``BUFFERS``: arrays that are not trained, such as batch norm's running statistics) and its
children (the layers of a ``Sequential``). Everything that walks a model (optimizers,
early stopping, saving) goes through the same walk, :meth:`Module.named_modules`, so a
nested ``Sequential`` is handled like a flat one.

Every subclass joins a registry by being defined, under its class name, so
:meth:`Module.from_config` can rebuild it from :meth:`Module.config`: adding a layer means
writing one class.
"""

from __future__ import annotations

import inspect

import numpy as np

#: Class name -> class, for every subclass of Module whose name does not start with "_".
_REGISTRY: dict[str, type] = {}


def _json_value(value, where: str):
    """A constructor argument as JSON: numbers, strings, bools, dtypes by name, lists, dicts."""
    if isinstance(value, np.dtype | type) and value is not bool:
        return np.dtype(value).name
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_json_value(v, where) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v, where) for k, v in value.items()}
    raise TypeError(
        f"{where}: {type(value).__name__} cannot be written as JSON; override "
        "config() to describe it with numbers and strings"
    )


class Module:
    """Base of every layer: ``forward``, ``backward``, ``params``/``grads``, a mode, its state.

    ``params`` and ``grads`` are dicts with the same keys; ``backward`` fills ``grads``
    (overwriting, not accumulating). Optimizers update ``params`` in place, so the arrays a
    layer holds are the ones that change. ``training`` is set by :meth:`train` / :meth:`eval`.
    ``BUFFERS`` names the state arrays that are not parameters (batch norm's running
    statistics): :meth:`state_dict` holds them with the parameters, so saving a model and
    restoring the best epoch keep them.

    State names are dotted paths, as in PyTorch: ``"W"`` for a layer's own parameter,
    ``"0.W"`` for the first layer of a ``Sequential``, ``"1.0.running_mean"`` inside a
    nested one.

    A subclass that takes constructor arguments stores each as an attribute of the same
    name (``self.alpha = alpha``), which :meth:`config` reads; a constructor argument
    ``rng`` is never stored in a config (set ``RNG`` instead, see :meth:`from_config`).
    """

    BUFFERS: tuple[str, ...] = ()
    #: How a subclass uses a constructor argument ``rng``: ``None`` (it takes none),
    #: ``"init"`` (it draws initial values only, which loading a state overwrites) or
    #: ``"masks"`` (it keeps drawing while it runs, as dropout does).
    RNG: str | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not cls.__name__.startswith("_"):
            _REGISTRY[cls.__name__] = cls

    def __init__(self):
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.training = True
        self.frozen = False
        self._cache = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dout: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.forward(x)

    def train(self, mode: bool = True) -> Module:
        """Training mode (``mode=True``) or evaluation mode, recursively; returns ``self``."""
        self.training = bool(mode)
        for child in self.children():
            child.train(mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode; returns ``self``."""
        return self.train(False)

    def freeze(self) -> Module:
        """Keep this layer's parameters fixed: optimizers skip it. Returns ``self``."""
        self.frozen = True
        for child in self.children():
            child.freeze()
        return self

    def unfreeze(self) -> Module:
        """Let optimizers update this layer again. Returns ``self``."""
        self.frozen = False
        for child in self.children():
            child.unfreeze()
        return self

    def _need_cache(self):
        if self._cache is None:
            raise RuntimeError(f"{type(self).__name__}.backward: call forward first")
        return self._cache

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    # The walk: children, then every module below, then parameters and buffers by name.

    def named_children(self):
        """Yield ``(name, module)`` for the direct sub-modules (none for a plain layer)."""
        return iter(())

    def children(self) -> list[Module]:
        """The direct sub-modules, in order."""
        return [child for _, child in self.named_children()]

    def modules(self):
        """Yield this module and every module below it, depth first, in order."""
        yield self
        for child in self.children():
            yield from child.modules()

    def named_modules(self, prefix: str = ""):
        """Yield ``(path, module)`` for this module (path ``prefix``) and every one below it.

        A child's path is its parent's path, a dot when not empty, and its name: ``"0"``,
        ``"1.0"``.
        """
        yield prefix, self
        for name, child in self.named_children():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def parameters(self):
        """Yield ``(layer, name)`` for every parameter (read ``layer.params[name]`` each time).

        The order is that of :meth:`named_parameters`; optimizers use these pairs.
        """
        for module in self.modules():
            for name in module.params:
                yield module, name

    def named_parameters(self, prefix: str = ""):
        """Yield ``(dotted name, array)`` for every parameter: ``("0.W", W)``, ...

        The arrays are the module's own (not copies).
        """
        for path, module in self.named_modules(prefix):
            for name, value in module.params.items():
                yield (f"{path}.{name}" if path else name), value

    def named_buffers(self, prefix: str = ""):
        """Yield ``(dotted name, array)`` for every buffer (``BUFFERS``), recursively."""
        for path, module in self.named_modules(prefix):
            for name in module.BUFFERS:
                yield (f"{path}.{name}" if path else name), getattr(module, name)

    def _named_state(self):
        """``(name, array)`` for the parameters and buffers, module by module."""
        for path, module in self.named_modules():
            for name in (*module.params, *module.BUFFERS):
                value = module.params[name] if name in module.params else getattr(module, name)
                yield (f"{path}.{name}" if path else name), value

    def state_dict(self) -> dict[str, np.ndarray]:
        """A copy of every parameter and buffer: ``{"0.W": array, "1.running_mean": ...}``.

        Module by module, each module's parameters before its buffers. Changing the model
        afterwards does not change the copies.
        """
        return {name: value.copy() for name, value in self._named_state()}

    def load_state_dict(self, state: dict, strict: bool = True) -> Module:
        """Copy arrays into the parameters and buffers (in place); returns ``self``.

        Parameters
        ----------
        state : dict
            Dotted name -> array, as :meth:`state_dict` returns. Each array must have the
            shape of the one it replaces; its values are converted to the module's dtype
            (a float64 model stays float64).
        strict : bool
            With ``True`` (default) the names must be exactly the module's; with ``False``
            names missing on either side are skipped.

        Raises
        ------
        TypeError
            ``state`` is not a dict of arrays.
        ValueError
            Missing or unexpected names (strict), or a shape that differs; nothing is
            changed then.
        """
        where = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state, dict):
            raise TypeError(
                f"{where}: state must be a dict name -> array, got {type(state).__name__}"
            )
        targets = dict(self._named_state())
        if strict:
            missing = [name for name in targets if name not in state]
            unexpected = [name for name in state if name not in targets]
            if missing or unexpected:
                raise ValueError(
                    f"{where}: expected the names {list(targets)}; missing "
                    f"{missing}, unexpected {unexpected}"
                )
        pairs = []
        for name, target in targets.items():
            if name not in state:
                continue
            value = state[name]
            if not isinstance(value, np.ndarray) or value.dtype.kind not in "fiu":
                raise TypeError(
                    f"{where}: {name!r} must be a NumPy array of numbers, got "
                    f"{getattr(value, 'dtype', type(value).__name__)}"
                )
            if value.shape != target.shape:
                raise ValueError(
                    f"{where}: {name!r} has shape {value.shape}, expected {target.shape}"
                )
            pairs.append((target, value))
        for target, value in pairs:
            target[...] = value
        return self

    # Configuration: what the constructor was given, and the way back.

    def config(self) -> dict:
        """A JSON-able description: ``{"type": class name, "args": {...}, "frozen": bool}``.

        ``args`` are the constructor arguments that differ from their defaults, read from
        the attributes of the same name (``rng`` excluded). A container adds its children's
        configs (``Sequential``: ``args["layers"]``). :meth:`from_config` rebuilds the module.
        """
        where = f"{type(self).__name__}.config"
        args = {}
        params = inspect.signature(type(self).__init__).parameters
        for name, p in list(params.items())[1:]:
            if name == "rng" or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                continue
            if not hasattr(self, name):
                if p.default is p.empty:
                    raise TypeError(
                        f"{where}: the constructor argument {name!r} is not stored "
                        f"as self.{name}; store it or override config()"
                    )
                continue
            value = _json_value(getattr(self, name), where)
            if p.default is p.empty or value != _json_value(p.default, where):
                args[name] = value
        return {"type": type(self).__name__, "args": args, "frozen": bool(self.frozen)}

    @staticmethod
    def from_config(config: dict, *, rng: np.random.Generator | None = None, dtype=None) -> Module:
        """The module a :meth:`config` describes, with fresh parameters.

        Parameters
        ----------
        config : dict
            ``{"type": ..., "args": {...}, "frozen": bool}``; ``type`` is the name of a
            subclass of Module (every subclass is known by being defined).
        rng : numpy.random.Generator, optional
            Passed to every layer that takes one. Without it, layers that draw only
            initial values (``RNG = "init"``, such as ``Linear``) use
            ``numpy.random.default_rng(0)`` (for a model whose state is loaded next), and
            layers that draw while they run (``RNG = "masks"``, ``Dropout``) are an error.
        dtype : np.float32 or np.float64, optional
            Overrides the dtype of every layer whose constructor takes ``dtype``.

        Raises
        ------
        ValueError
            Unknown type, bad arguments, or a missing ``rng``; the message names the layer.
        """
        return _build(config, rng, dtype, "")

    @classmethod
    def _from_args(cls, args: dict, rng, dtype, path: str) -> Module:
        """Call the constructor with ``args`` (containers override this to build children)."""
        args = dict(args)
        params = inspect.signature(cls.__init__).parameters
        if dtype is not None and "dtype" in params:
            args["dtype"] = dtype
        if "rng" in params:
            if rng is None and cls.RNG == "masks":
                raise ValueError(
                    f"Module.from_config: layer {path or '(top)'} is "
                    f"{cls.__name__}, which draws random masks; pass rng="
                )
            args["rng"] = rng if rng is not None else np.random.default_rng(0)
        return cls(**args)


def _build(config, rng, dtype, path: str) -> Module:
    """``Module.from_config`` for the module at ``path`` (a dotted name, '' at the top)."""
    where = f"Module.from_config: layer {path or '(top)'}"
    if not isinstance(config, dict) or config.get("type") not in _REGISTRY:
        kind = config.get("type") if isinstance(config, dict) else config
        raise ValueError(f"{where} has unknown type {kind!r}; known: {sorted(_REGISTRY)}")
    cls = _REGISTRY[config["type"]]
    args = config.get("args", {})
    if not isinstance(args, dict):
        raise ValueError(f"{where} ({cls.__name__}): args must be a dict, got {args!r}")
    try:
        module = cls._from_args(args, rng, dtype, path)
    except TypeError as exc:
        raise ValueError(f"{where} ({cls.__name__}) has bad arguments {args}: {exc}") from None
    module.frozen = bool(config.get("frozen", False))
    return module
