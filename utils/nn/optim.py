"""Optimizers: functional updates ``update(w, dw, state, **hyper) -> (w_new, state)`` and
the :class:`Optimizer` classes that apply them to a model's parameters in place."""

from __future__ import annotations

import numpy as np

from utils._validate import as_scalar
from utils.nn._checks import _float_array, _fraction, _positive

# Functional optimizers: update(w, dw, state, **hyper) -> (w_new, state). They work on any
# array (a network's weight or a 2-D point), never modify w in place, and keep what they
# remember between steps in the dict ``state`` (pass {} at the first step).


def _update_args(w, dw, state, func: str):
    w = _float_array(w, func, "w")
    dw = _float_array(dw, func, "dw")
    if w.shape != dw.shape:
        raise ValueError(f"{func}: w and dw must have the same shape, got {w.shape} and {dw.shape}")
    if not isinstance(state, dict):
        raise TypeError(
            f"{func}: state must be a dict ({{}} at the first step), got {type(state).__name__}"
        )
    return w, dw


def sgd_update(w, dw, state, *, lr: float = 0.01):
    """Plain gradient descent: ``w - lr * dw`` (no state)."""
    w, dw = _update_args(w, dw, state, "sgd_update")
    return w - _positive(lr, "sgd_update", "lr") * dw, state


def momentum_update(w, dw, state, *, lr: float = 0.01, beta: float = 0.9):
    """Momentum: a velocity that remembers past steps, decaying by ``beta`` each step.

    ``v = beta * v - lr * dw`` (``v`` starts at 0), then ``w + v``.

    The velocity holds the learning rate. PyTorch's ``SGD(momentum=beta)`` keeps
    ``b = beta * b + dw`` without it and steps ``w - lr * b``: the same iterates while
    ``lr`` is constant (``v = -lr * b``), but when ``lr`` changes during a run PyTorch's
    new rate multiplies the whole remembered velocity at once, while here the steps
    already taken keep their old rate and the new one enters gradually.
    """
    w, dw = _update_args(w, dw, state, "momentum_update")
    lr, beta = _positive(lr, "momentum_update", "lr"), _fraction(beta, "momentum_update", "beta")
    v = beta * state.get("v", np.zeros_like(w)) - lr * dw
    return w + v, {**state, "v": v}


def nesterov_update(w, dw, state, *, lr: float = 0.01, beta: float = 0.9):
    """Nesterov momentum, written so that ``dw`` is the gradient at ``w`` itself.

    ``v_prev = v; v = beta * v - lr * dw``, then ``w - beta * v_prev + (1 + beta) * v``:
    the same iterates as evaluating the gradient at the look-ahead point ``w + beta * v``.
    """
    w, dw = _update_args(w, dw, state, "nesterov_update")
    lr, beta = _positive(lr, "nesterov_update", "lr"), _fraction(beta, "nesterov_update", "beta")
    v_prev = state.get("v", np.zeros_like(w))
    v = beta * v_prev - lr * dw
    return w - beta * v_prev + (1.0 + beta) * v, {**state, "v": v}


def adagrad_update(w, dw, state, *, lr: float = 0.01, eps: float = 1e-8):
    """AdaGrad: per-parameter steps shrinking with the sum of all squared gradients so far.

    ``h = h + dw**2``, then ``w - lr * dw / (sqrt(h) + eps)``. The course puts ``eps``
    outside the square root, as PyTorch and the Adam paper do; some texts write
    ``sqrt(h + eps)``, which differs only while ``h`` is tiny.
    """
    w, dw = _update_args(w, dw, state, "adagrad_update")
    lr, eps = _positive(lr, "adagrad_update", "lr"), _positive(eps, "adagrad_update", "eps")
    h = state.get("h", np.zeros_like(w)) + dw * dw
    return w - lr * dw / (np.sqrt(h) + eps), {**state, "h": h}


def rmsprop_update(w, dw, state, *, lr: float = 0.01, rho: float = 0.99, eps: float = 1e-8):
    """RMSProp: AdaGrad with an exponential moving average instead of the sum.

    ``h = rho * h + (1 - rho) * dw**2``, then ``w - lr * dw / (sqrt(h) + eps)``.
    """
    w, dw = _update_args(w, dw, state, "rmsprop_update")
    lr, eps = _positive(lr, "rmsprop_update", "lr"), _positive(eps, "rmsprop_update", "eps")
    rho = _fraction(rho, "rmsprop_update", "rho")
    h = rho * state.get("h", np.zeros_like(w)) + (1.0 - rho) * dw * dw
    return w - lr * dw / (np.sqrt(h) + eps), {**state, "h": h}


def _adam_step(w, dw, state, func: str, lr, beta1, beta2, eps, eps_hat=False):
    """Adam's step ``lr * m_hat / (sqrt(v_hat) + eps)`` and the new state (shared by Adam and AdamW)."""
    lr, eps = _positive(lr, func, "lr"), _positive(eps, func, "eps")
    beta1 = _fraction(beta1, func, "beta1")
    beta2 = _fraction(beta2, func, "beta2")
    if not isinstance(eps_hat, bool | np.bool_):
        raise TypeError(f"{func}: eps_hat must be True or False, got {eps_hat!r}")
    t = state.get("t", 0) + 1
    m = beta1 * state.get("m", np.zeros_like(w)) + (1.0 - beta1) * dw
    v = beta2 * state.get("v", np.zeros_like(w)) + (1.0 - beta2) * dw * dw
    state = {**state, "t": t, "m": m, "v": v}
    if eps_hat:  # the corrections in the step size, eps on the uncorrected sqrt(v)
        return lr * np.sqrt(1.0 - beta2**t) / (1.0 - beta1**t) * m / (np.sqrt(v) + eps), state
    m_hat, v_hat = m / (1.0 - beta1**t), v / (1.0 - beta2**t)
    return lr * m_hat / (np.sqrt(v_hat) + eps), state


def adam_update(w, dw, state, *, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, eps_hat=False):
    """Adam: momentum on the gradient, RMSProp on its square, both bias-corrected.

    ``t = t + 1`` (the first step has ``t = 1``); ``m = beta1 m + (1 - beta1) dw``;
    ``v = beta2 v + (1 - beta2) dw**2``; ``m_hat = m / (1 - beta1**t)``;
    ``v_hat = v / (1 - beta2**t)``; then ``w - lr * m_hat / (sqrt(v_hat) + eps)``.
    Without the correction, ``m`` and ``v`` start near 0 and the first steps are wrong in size.
    This is the Adam paper's Algorithm 1, as in PyTorch. ``eps_hat=True`` is Keras's form (the
    paper's "epsilon hat"): ``w - lr * sqrt(1 - beta2**t) / (1 - beta1**t) * m / (sqrt(v) + eps)``,
    which is the default with ``eps / sqrt(1 - beta2**t)`` for ``eps``: 32 times ``eps`` at step 1
    (``beta2=0.999``), near ``eps`` after some thousand steps, so small gradients start slower.
    Keras's ``Adam(epsilon=1e-7)`` is ``eps=1e-7, eps_hat=True``.
    """
    w, dw = _update_args(w, dw, state, "adam_update")
    step, state = _adam_step(w, dw, state, "adam_update", lr, beta1, beta2, eps, eps_hat)
    return w - step, state


def adamw_update(
    w,
    dw,
    state,
    *,
    lr: float = 0.001,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    weight_decay: float = 0.01,
):
    """AdamW: Adam with decoupled weight decay.

    The step of :func:`adam_update` from the gradient alone, and separately a shrinking of
    the weights themselves: ``w - lr * weight_decay * w - lr * m_hat / (sqrt(v_hat) + eps)``,
    computed as ``w * (1 - lr * weight_decay) - lr * m_hat / (sqrt(v_hat) + eps)``. This is
    the decoupled weight decay of Loshchilov and Hutter in the form PyTorch's
    ``torch.optim.AdamW`` uses (the decay multiplied by ``lr``), with its defaults.
    ``weight_decay=0`` gives exactly :func:`adam_update`.

    Adding ``weight_decay * w`` to the gradient instead (an L2 penalty, what
    ``Adam(weight_decay=...)`` does) sends the decay through Adam's division by
    ``sqrt(v_hat)``: weights with large gradients are then barely decayed. Here every
    weight shrinks by the same fraction ``lr * weight_decay`` per step.

    Parameters
    ----------
    w, dw : numpy.ndarray, same shape, float
    state : dict
        ``{}`` at the first step; then ``t``, ``m`` and ``v`` as in :func:`adam_update`.
    lr, beta1, beta2, eps : float
    weight_decay : float, >= 0

    Returns
    -------
    w_new : numpy.ndarray, shape of ``w``
    state : dict
    """
    w, dw = _update_args(w, dw, state, "adamw_update")
    weight_decay = as_scalar(weight_decay, "adamw_update", "weight_decay")
    if weight_decay < 0:
        raise ValueError(f"adamw_update: weight_decay must be >= 0, got {weight_decay}")
    step, state = _adam_step(w, dw, state, "adamw_update", lr, beta1, beta2, eps)
    return w * (1.0 - _positive(lr, "adamw_update", "lr") * weight_decay) - step, state


#: The functional updates by name: the six optimizers raced on the 2-D test surfaces, whose
#: figures and widget draw one path per entry. :func:`adamw_update` stays outside, with
#: :class:`AdamW`, so those comparisons keep the six.
UPDATES = {
    "sgd": sgd_update,
    "momentum": momentum_update,
    "nesterov": nesterov_update,
    "adagrad": adagrad_update,
    "rmsprop": rmsprop_update,
    "adam": adam_update,
}


#: Keyword names other libraries give this library's hyperparameters, for the hint of an
#: optimizer's error: ``name -> (our name, whose name it is)``.
_OTHER_NAMES = {
    "momentum": ("beta", "PyTorch's"),
    "alpha": ("rho", "PyTorch's RMSprop"),
    "learning_rate": ("lr", "Keras's"),
    "beta_1": ("beta1", "Keras's"),
    "beta_2": ("beta2", "Keras's"),
    "epsilon": ("eps", "Keras's"),
}


def _keyword_error(where: str, key: str, valid: list[str]) -> TypeError:
    """An unknown optimizer keyword: name it, suggest the keyword meant, list the valid ones."""
    hint = ""
    if key == "betas" and {"beta1", "beta2"} <= set(valid):
        hint = (
            "; did you mean beta1=..., beta2=...? (PyTorch's betas=(b1, b2) is two keywords here)"
        )
    elif key == "nesterov":
        hint = "; Nesterov momentum is its own class here: Nesterov(model, lr=..., beta=0.9)"
    elif key == "momentum" and "beta" not in valid:
        hint = (
            "; this optimizer has no momentum term. SGD with momentum is "
            "Momentum(model, lr=..., beta=0.9) (PyTorch's SGD(momentum=0.9))"
        )
    elif key == "weight_decay":
        hint = "; weight_decay is set once for every group, as a keyword of the optimizer"
    elif key in _OTHER_NAMES and _OTHER_NAMES[key][0] in valid:
        ours, whose = _OTHER_NAMES[key]
        hint = f"; did you mean {ours}=? ({key}= is {whose} name for it)"
    return TypeError(
        f"{where}: unexpected keyword argument {key!r}{hint}. Valid keywords: {', '.join(valid)}"
    )


def _update_keywords(update) -> list[str]:
    """The hyperparameters of a functional update: its keyword-only parameters."""
    import inspect

    return [
        p.name
        for p in inspect.signature(update).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]


class Optimizer:
    """Applies a functional update to every parameter of a model, in place.

    Parameters are re-read from the model at every :meth:`step`, and written back with
    ``p[...] = new``, so the arrays the layers hold are the ones that change. Each parameter
    keeps its own state. Frozen layers (``layer.freeze()``) are skipped. Instead of a model,
    a list of groups gives different hyperparameters to different layers, e.g.
    ``Adam([{"params": [model[0], model[2]], "lr": 1e-4}, {"params": model[4]}], lr=1e-2)``.
    ``weight_decay`` (one value for every group) adds ``weight_decay * p`` to the gradient
    (an L2 penalty of ``weight_decay / 2 * sum(p**2)`` folded into the update), as
    PyTorch's ``weight_decay`` of SGD and Adam does; :class:`AdamW` decouples it instead.

    A keyword the optimizer does not know is a ``TypeError`` naming the class, with the
    keyword meant when it is another library's name (``momentum=`` -> ``beta=``,
    ``betas=(b1, b2)`` -> ``beta1=b1, beta2=b2``).
    """

    update = staticmethod(sgd_update)
    #: True when ``update`` applies ``weight_decay`` itself (AdamW), rather than through
    #: the gradient.
    _DECOUPLED_DECAY = False

    def __new__(cls, *args, **kwargs):
        # Python's own error for an unknown keyword names Momentum.__init__() and cannot
        # say which keyword was meant; checking here lets the error do both.
        valid = cls._constructor_keywords()
        for key in kwargs:
            if key not in valid:
                raise _keyword_error(f"{cls.__name__}(...)", key, valid)
        return super().__new__(cls)

    @classmethod
    def _constructor_keywords(cls) -> list[str]:
        import inspect

        params = list(inspect.signature(cls.__init__).parameters.values())
        named = [
            p.name
            for p in params[1:]
            if p.name != "model"
            and p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
        ]
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
            named += [k for k in cls._group_keywords() if k not in named]
        return named

    @classmethod
    def _group_keywords(cls) -> list[str]:
        """What a parameter group may override: the update's hyperparameters."""
        return [k for k in _update_keywords(cls.update) if k != "weight_decay"]

    def __init__(self, model, *, weight_decay: float = 0.0, **hyper):
        name = type(self).__name__
        self.groups = self._groups(model, name)
        self.model = model
        self.weight_decay = as_scalar(weight_decay, name, "weight_decay")
        if self.weight_decay < 0:
            raise ValueError(f"{name}: weight_decay must be >= 0, got {self.weight_decay}")
        self.hyper = hyper
        allowed = self._group_keywords()
        for k, (_, overrides) in enumerate(self.groups):
            for key in overrides:
                if key not in allowed:
                    raise _keyword_error(f"{name}(...): group {k}", key, allowed)
        # Validate the hyperparameters now, with an error naming this class.
        update = type(self).update
        try:
            for _, overrides in self.groups:
                update(np.zeros(1), np.zeros(1), {}, **{**hyper, **overrides})
        except (TypeError, ValueError) as exc:
            raise type(exc)(str(exc).replace(f"{update.__name__}:", f"{name}:")) from None
        self.state: dict[tuple[int, str], dict] = {}

    @property
    def lr(self) -> float:
        return self.hyper["lr"]

    @lr.setter
    def lr(self, value: float) -> None:
        self.hyper["lr"] = value

    @staticmethod
    def _groups(model, name: str) -> list[tuple[list, dict]]:
        """``[(modules, overrides)]`` from a model or from a list of parameter groups."""
        if hasattr(model, "parameters"):
            return [([model], {})]
        if isinstance(model, list | tuple) and model and all(isinstance(g, dict) for g in model):
            groups = []
            for k, group in enumerate(model):
                modules = group.get("params")
                modules = [modules] if hasattr(modules, "parameters") else modules
                if not isinstance(modules, list | tuple) or not all(
                    hasattr(m, "parameters") for m in modules
                ):
                    raise TypeError(
                        f"{name}: group {k} needs 'params': a layer or a list of layers"
                    )
                groups.append((list(modules), {k2: v for k2, v in group.items() if k2 != "params"}))
            return groups
        raise TypeError(
            f"{name}: model must be a layer or Sequential, or a list of groups "
            f"{{'params': layers, 'lr': ...}}; got {type(model).__name__}"
        )

    def _parameters(self):
        for modules, overrides in self.groups:
            for module in modules:
                for layer, pname in module.parameters():
                    yield layer, pname, overrides

    def step(self) -> None:
        """Update every parameter of a layer that is not frozen, from its current gradient."""
        for modules, overrides in self.groups:
            hyper = {**self.hyper, **overrides}
            for module in modules:
                for layer, name in module.parameters():
                    if layer.frozen:
                        continue
                    p, g = layer.params[name], layer.grads[name]
                    if self.weight_decay and not self._DECOUPLED_DECAY:
                        g = g + self.weight_decay * p
                    key = (id(layer), name)
                    self.state[key] = self._apply(p, g, self.state.get(key, {}), hyper)

    def _apply(self, p: np.ndarray, g: np.ndarray, state: dict, hyper: dict) -> dict:
        """Write the functional update's new value into ``p``; return the new state."""
        new, state = type(self).update(p, g, state, **hyper)
        p[...] = new
        return state

    def zero_grad(self) -> None:
        """Set every gradient to 0 (``backward`` overwrites them anyway; for custom loops)."""
        for layer, name, _ in self._parameters():
            layer.grads[name][...] = 0.0


class SGD(Optimizer):
    """Plain stochastic gradient descent, ``p <- p - lr * grad``. Default ``lr=0.01``.

    PyTorch's ``SGD`` defaults to ``lr=1e-3`` in recent releases (older ones had no
    default). Its ``momentum=`` and ``nesterov=`` are the classes :class:`Momentum` and
    :class:`Nesterov` here.
    """

    update = staticmethod(sgd_update)

    def __init__(self, model, lr: float = 0.01, *, weight_decay: float = 0.0):
        super().__init__(model, lr=lr, weight_decay=weight_decay)

    def _apply(self, p, g, state, hyper):
        """``p -= lr * g`` in place: :func:`sgd_update`'s arithmetic without a new array."""
        if g.shape != p.shape:
            raise ValueError(f"SGD: a gradient has shape {g.shape}, its parameter {p.shape}")
        p -= _positive(hyper["lr"], "SGD", "lr") * g
        return state


class Momentum(Optimizer):
    """SGD with momentum (:func:`momentum_update`). Defaults ``lr=0.01, beta=0.9``.

    PyTorch's ``SGD(momentum=0.9)``; ``beta`` is its ``momentum``. The velocity holds the
    learning rate, which differs from PyTorch when ``lr`` changes during a run (see
    :func:`momentum_update`).
    """

    update = staticmethod(momentum_update)

    def __init__(self, model, lr: float = 0.01, beta: float = 0.9, *, weight_decay: float = 0.0):
        super().__init__(model, lr=lr, beta=beta, weight_decay=weight_decay)


class Nesterov(Optimizer):
    """Nesterov momentum (:func:`nesterov_update`). Defaults ``lr=0.01, beta=0.9``.

    PyTorch's ``SGD(momentum=0.9, nesterov=True)``. As in :class:`Momentum`, the velocity
    holds the learning rate: the same iterates as PyTorch's while ``lr`` is constant.
    """

    update = staticmethod(nesterov_update)

    def __init__(self, model, lr: float = 0.01, beta: float = 0.9, *, weight_decay: float = 0.0):
        super().__init__(model, lr=lr, beta=beta, weight_decay=weight_decay)


class AdaGrad(Optimizer):
    """AdaGrad (:func:`adagrad_update`). Defaults ``lr=0.01, eps=1e-8``.

    PyTorch's ``Adagrad`` has the same ``lr=0.01`` but ``eps=1e-10``.
    """

    update = staticmethod(adagrad_update)

    def __init__(self, model, lr: float = 0.01, eps: float = 1e-8, *, weight_decay: float = 0.0):
        super().__init__(model, lr=lr, eps=eps, weight_decay=weight_decay)


class RMSProp(Optimizer):
    """RMSProp (:func:`rmsprop_update`). Defaults ``lr=0.01, rho=0.99, eps=1e-8``.

    ``rho`` is PyTorch's ``RMSprop(alpha=0.99)``.
    """

    update = staticmethod(rmsprop_update)

    def __init__(
        self,
        model,
        lr: float = 0.01,
        rho: float = 0.99,
        eps: float = 1e-8,
        *,
        weight_decay: float = 0.0,
    ):
        super().__init__(model, lr=lr, rho=rho, eps=eps, weight_decay=weight_decay)


class Adam(Optimizer):
    """Adam (:func:`adam_update`). Defaults ``lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8``.

    PyTorch's ``betas=(0.9, 0.999)`` is ``beta1=0.9, beta2=0.999`` here. ``weight_decay``
    is added to the gradient (L2), as in PyTorch's ``Adam``; for decoupled weight decay
    use :class:`AdamW`. ``eps_hat=True`` puts ``eps`` where Keras's ``Adam`` puts its
    ``epsilon`` (on the uncorrected ``sqrt(v)``, see :func:`adam_update`): Keras's
    ``Adam(learning_rate=lr, epsilon=1e-7)`` is ``Adam(model, lr=lr, eps=1e-7, eps_hat=True)``.
    """

    update = staticmethod(adam_update)

    def __init__(
        self,
        model,
        lr: float = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        *,
        eps_hat: bool = False,
        weight_decay: float = 0.0,
    ):
        hyper = {"lr": lr, "beta1": beta1, "beta2": beta2, "eps": eps, "eps_hat": eps_hat}
        super().__init__(model, weight_decay=weight_decay, **hyper)


class AdamW(Optimizer):
    """Adam with decoupled weight decay (:func:`adamw_update`), as PyTorch's ``AdamW``.

    Defaults ``lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01`` (PyTorch's).
    Each step shrinks every parameter, biases included, by the fraction
    ``lr * weight_decay`` and then takes Adam's step from the gradient alone.
    ``weight_decay=0`` is :class:`Adam`.
    """

    update = staticmethod(adamw_update)
    _DECOUPLED_DECAY = True

    def __init__(
        self,
        model,
        lr: float = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        *,
        weight_decay: float = 0.01,
    ):
        super().__init__(model, lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay)

    def _apply(self, p, g, state, hyper):
        new, state = adamw_update(p, g, state, weight_decay=self.weight_decay, **hyper)
        p[...] = new
        return state
