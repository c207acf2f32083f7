"""Layers: the :class:`Module` base, ``Linear``, activation layers, ``Sequential``, the fused loss."""

from __future__ import annotations

import numpy as np

from utils.nn._checks import _alpha, _float_dtype, _width
from utils.nn.functional import (
    elu_backward,
    elu_forward,
    leaky_relu_backward,
    leaky_relu_forward,
    linear_backward,
    linear_forward,
    prelu_backward,
    prelu_forward,
    relu_backward,
    relu_forward,
    sigmoid_backward,
    sigmoid_forward,
    tanh_backward,
    tanh_forward,
)
from utils.nn.init import _init_weights
from utils.nn.losses import softmax_cross_entropy
from utils.nn.module import Module, _build


class Linear(Module):
    """Fully connected layer ``x @ W + b`` with ``W`` of shape (in_features, out_features).

    Parameters
    ----------
    in_features, out_features : int
    rng : numpy.random.Generator
        For the initial weights (keyword-only).
    init : str or callable
        A name from :data:`INITIALIZERS` (``"he"``: std ``sqrt(2 / in_features)``, for
        ReLU; ``"xavier"``: std ``sqrt(2 / (in + out))``, for tanh; ``"small"``: std
        0.01; ``"zeros"``, ``"xavier_uniform"``, ...) or a callable
        ``init(fan_in, fan_out, rng=rng) -> W``. Biases start at 0.

        PyTorch's ``nn.Linear`` differs in both: its weight has shape
        (out_features, in_features) and is drawn uniform in ``[-1/sqrt(in), 1/sqrt(in)]``
        (``kaiming_uniform_`` with ``a=sqrt(5)``: variance ``1 / (3 in)``, a sixth of
        He's ``2 / in``), and its bias is drawn from the same range instead of 0.
    dtype : np.float64 (default) or np.float32
        The parameters' dtype. With float32 parameters and float32 inputs, the forward
        and backward passes stay in float32 (half the memory traffic, about twice the
        matmul speed); the weights are the float64 draws rounded to float32.
    """

    RNG = "init"

    def __init__(
        self,
        in_features: int,
        out_features: int,
        *,
        rng: np.random.Generator,
        init="he",
        dtype=np.float64,
    ):
        super().__init__()
        from utils._validate import as_count, as_generator

        self.in_features = as_count(in_features, "Linear", "in_features")
        self.out_features = as_count(out_features, "Linear", "out_features")
        rng = as_generator(rng, "Linear")
        self.dtype = dtype = _float_dtype(dtype, "Linear")
        self.params = {
            "W": _init_weights(init, self.in_features, self.out_features, rng, dtype),
            "b": np.zeros(self.out_features, dtype=dtype),
        }
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}

    def forward(self, x):
        """``x @ W + b`` for ``x`` of shape (N, in_features): an array, or a nested list or
        tuple (read as float64), as :func:`linear_forward` accepts; integers become float64."""
        x = _width(x, self.in_features, "Linear.forward")
        out, self._cache = linear_forward(x, self.params["W"], self.params["b"])
        return out

    def backward(self, dout):
        dx, self.grads["W"], self.grads["b"] = linear_backward(dout, self._need_cache())
        return dx

    def __repr__(self):
        return f"Linear({self.in_features}, {self.out_features})"


class _Activation(Module):
    """An activation layer over a kernel pair; subclasses set the kernels."""

    _forward = staticmethod(relu_forward)
    _backward = staticmethod(relu_backward)

    def forward(self, x):
        out, self._cache = type(self)._forward(x)
        return out

    def backward(self, dout):
        return type(self)._backward(dout, self._need_cache())


class ReLU(_Activation):
    """``max(x, 0)``; gradient 1 where ``x > 0``, else 0."""

    _forward, _backward = staticmethod(relu_forward), staticmethod(relu_backward)


class Sigmoid(_Activation):
    """Logistic sigmoid (overflow-safe)."""

    _forward, _backward = staticmethod(sigmoid_forward), staticmethod(sigmoid_backward)


class Tanh(_Activation):
    """Hyperbolic tangent."""

    _forward, _backward = staticmethod(tanh_forward), staticmethod(tanh_backward)


class LeakyReLU(Module):
    """``x`` for ``x > 0``, else ``alpha * x`` (fixed slope, default 0.01)."""

    def __init__(self, alpha: float = 0.01):
        super().__init__()
        self.alpha = _alpha(alpha, "LeakyReLU")

    def forward(self, x):
        out, self._cache = leaky_relu_forward(x, self.alpha)
        return out

    def backward(self, dout):
        return leaky_relu_backward(dout, self._need_cache())

    def __repr__(self):
        return f"LeakyReLU(alpha={self.alpha})"


class ELU(Module):
    """``x`` for ``x > 0``, else ``alpha * (exp(x) - 1)``."""

    def __init__(self, alpha: float = 1.0):
        super().__init__()
        self.alpha = _alpha(alpha, "ELU")

    def forward(self, x):
        out, self._cache = elu_forward(x, self.alpha)
        return out

    def backward(self, dout):
        return elu_backward(dout, self._need_cache())

    def __repr__(self):
        return f"ELU(alpha={self.alpha})"


class PReLU(Module):
    """Leaky ReLU whose slope is learned: one ``alpha`` per feature, starting at ``init``.

    ``dtype=np.float32`` makes the slopes float32 (for a float32 model).
    """

    def __init__(self, num_features: int, init: float = 0.25, *, dtype=np.float64):
        super().__init__()
        from utils._validate import as_count

        self.num_features = n = as_count(num_features, "PReLU", "num_features")
        self.dtype = dtype = _float_dtype(dtype, "PReLU")
        self.params = {"alpha": np.full(n, _alpha(init, "PReLU"), dtype=dtype)}
        self.grads = {"alpha": np.zeros(n, dtype=dtype)}

    def forward(self, x):
        out, self._cache = prelu_forward(x, self.params["alpha"])
        return out

    def backward(self, dout):
        dx, self.grads["alpha"] = prelu_backward(dout, self._need_cache())
        return dx

    def __repr__(self):
        return f"PReLU({self.params['alpha'].shape[0]})"


class Sequential(Module):
    """Layers applied in order; ``backward`` walks them in reverse.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> model = Sequential(Linear(2, 8, rng=rng), ReLU(), Linear(8, 3, rng=rng))
    """

    def __init__(self, *layers: Module):
        super().__init__()
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise TypeError(
                    f"Sequential: layer {i} must be a layer (Linear, ReLU, ...), "
                    f"got {type(layer).__name__}"
                )
        self.layers = list(layers)

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, dout):
        """Backward through the layers in reverse; returns the gradient for the input.

        When the bottom layers are frozen (transfer learning), backward stops above them:
        nothing below needs a gradient, so none is computed and ``None`` is returned.
        """
        stop = self._first_trainable()
        for layer in reversed(self.layers[stop:]):
            dout = layer.backward(dout)
        return dout if stop == 0 else None

    def named_children(self):
        """Yield ``(str(i), layer)`` for each layer: layer ``i`` is named ``"i"``."""
        for i, layer in enumerate(self.layers):
            yield str(i), layer

    def children(self) -> list[Module]:
        return self.layers

    def config(self) -> dict:
        """``{"type": "Sequential", "args": {"layers": [each layer's config]}, "frozen": ...}``."""
        return {
            "type": "Sequential",
            "args": {"layers": [layer.config() for layer in self.layers]},
            "frozen": bool(self.frozen),
        }

    @classmethod
    def _from_args(cls, args, rng, dtype, path):
        layers = args.get("layers")
        if not isinstance(layers, list) or set(args) != {"layers"}:
            raise TypeError(
                f"Sequential takes one argument, layers (a list of configs), got {sorted(args)}"
            )
        return cls(
            *[
                _build(spec, rng, dtype, f"{path}.{i}" if path else str(i))
                for i, spec in enumerate(layers)
            ]
        )

    def _first_trainable(self) -> int:
        """Index of the lowest layer that has parameters and is not frozen (0 if none frozen)."""
        if not any(layer.frozen for layer in self.layers):
            return 0
        for i, layer in enumerate(self.layers):
            if layer.params and not layer.frozen:
                return i
        return len(self.layers)

    def __getitem__(self, i):
        return self.layers[i]

    def __setitem__(self, i, layer: Module) -> None:
        """Replace a layer, e.g. a new head: ``model[-1] = Linear(64, 5, rng=rng)``."""
        if not isinstance(layer, Module):
            raise TypeError(f"Sequential: a layer must be a Module, got {type(layer).__name__}")
        self.layers[i] = layer

    def __len__(self):
        return len(self.layers)

    def __repr__(self):
        inner = "\n".join(f"  ({i}) {layer!r}" for i, layer in enumerate(self.layers))
        return f"Sequential(\n{inner}\n)"


class SoftmaxCrossEntropy:
    """The fused output layer and loss: ``forward(scores, target) -> loss``, ``backward() -> dscores``.

    ``target`` is integer labels (N,) or one-hot (N, C); the loss is the batch mean and
    ``backward`` returns ``(softmax(scores) - y) / N``.
    """

    def __init__(self):
        self._grad = None

    def forward(self, scores, target) -> float:
        loss, self._grad = softmax_cross_entropy(scores, target)
        return loss

    __call__ = forward

    def backward(self) -> np.ndarray:
        if self._grad is None:
            raise RuntimeError("SoftmaxCrossEntropy.backward: call forward first")
        return self._grad
