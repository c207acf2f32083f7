"""The course's NumPy network library: activations, losses, kernels, layers, training.

Conventions (stated once, tested in ``nbtests/nn/test_nn.py``):

- A batch is rows: ``x`` has shape ``(N, D)``; a linear layer's ``W`` has shape
  ``(D, M)`` and ``b`` shape ``(M,)``, so ``out = x @ W + b`` has shape ``(N, M)``.
- Functional kernels come in pairs: ``*_forward(x, ...) -> (out, cache)`` and
  ``*_backward(dout, cache) -> dx`` (or a tuple with the parameters' gradients).
  ``dout`` is the gradient of the loss with respect to ``out``, same shape as ``out``.
- Losses return ``(loss, grad)``: ``loss`` is the mean over the batch as a Python
  ``float``, ``grad`` the gradient with respect to the first argument, already divided by N.
- Derivatives at kinks: ReLU and Leaky ReLU use the left derivative at exactly 0
  (``relu'(0) = 0``, ``leaky_relu'(0) = alpha``), as PyTorch does.
- Arrays are float64 unless a function says otherwise; gradient checks refuse other dtypes.
- float32 works end to end: every kernel, loss and optimizer returns the dtype of its
  (floating) inputs, and layers with parameters take ``dtype=np.float32`` (``Linear``,
  ``PReLU``, ``BatchNorm1d``, ``LayerNorm``). A float32 model fed float32 data never
  upcasts, so it runs at float32 speed (about twice float64's on a CPU); mixing float32
  and float64 arrays follows NumPy's rules and gives float64.

The modules, each one concept: :mod:`~utils.nn.functional` (activations and the kernel
pairs), :mod:`~utils.nn.losses` (losses and penalties), :mod:`~utils.nn.init`
(initializers), :mod:`~utils.nn.module` (the ``Module`` base and its state),
:mod:`~utils.nn.layers` and :mod:`~utils.nn.norm` (layer classes), :mod:`~utils.nn.optim`
(optimizers), :mod:`~utils.nn.gradcheck`, :mod:`~utils.nn.train` (``fit``, early stopping,
mini-batches) and :mod:`~utils.nn.transfer`. Everything is available as ``nn.X``.
"""

from __future__ import annotations

from utils.nn.functional import (
    batchnorm_backward,
    batchnorm_forward,
    dropout_backward,
    dropout_forward,
    elu,
    elu_backward,
    elu_derivative,
    elu_forward,
    layernorm_backward,
    layernorm_forward,
    leaky_relu,
    leaky_relu_backward,
    leaky_relu_derivative,
    leaky_relu_forward,
    linear_backward,
    linear_forward,
    log_softmax,
    prelu_backward,
    prelu_forward,
    relu,
    relu_backward,
    relu_derivative,
    relu_forward,
    sigmoid,
    sigmoid_backward,
    sigmoid_derivative,
    sigmoid_forward,
    softmax,
    step,
    step_derivative,
    tanh,
    tanh_backward,
    tanh_derivative,
    tanh_forward,
)
from utils.nn.gradcheck import (
    GradcheckError,
    describe_error,
    gradcheck,
    gradcheck_layer,
    numerical_gradient,
    rel_error,
)
from utils.nn.init import (
    INITIALIZERS,
    constant,
    he_normal,
    he_uniform,
    normal,
    uniform,
    xavier_normal,
    xavier_uniform,
    zeros,
)
from utils.nn.layers import (
    ELU,
    LeakyReLU,
    Linear,
    PReLU,
    ReLU,
    Sequential,
    Sigmoid,
    SoftmaxCrossEntropy,
    Tanh,
)
from utils.nn.losses import (
    EPS,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    l1_penalty,
    l2_penalty,
    mae_loss,
    mse_loss,
    softmax_cross_entropy,
)
from utils.nn.module import Module
from utils.nn.norm import BatchNorm1d, Dropout, LayerNorm
from utils.nn.optim import (
    SGD,
    UPDATES,
    AdaGrad,
    Adam,
    AdamW,
    Momentum,
    Nesterov,
    Optimizer,
    RMSProp,
    adagrad_update,
    adam_update,
    adamw_update,
    momentum_update,
    nesterov_update,
    rmsprop_update,
    sgd_update,
)
from utils.nn.train import (
    EarlyStopping,
    History,
    accuracy,
    fit,
    minibatch_indices,
    replay_early_stopping,
)
from utils.nn.transfer import freeze_up_to, head_and_body_groups, linear_layers, replace_head

__all__ = [
    # functional
    "batchnorm_backward",
    "batchnorm_forward",
    "dropout_backward",
    "dropout_forward",
    "elu",
    "elu_backward",
    "elu_derivative",
    "elu_forward",
    "layernorm_backward",
    "layernorm_forward",
    "leaky_relu",
    "leaky_relu_backward",
    "leaky_relu_derivative",
    "leaky_relu_forward",
    "linear_backward",
    "linear_forward",
    "log_softmax",
    "prelu_backward",
    "prelu_forward",
    "relu",
    "relu_backward",
    "relu_derivative",
    "relu_forward",
    "sigmoid",
    "sigmoid_backward",
    "sigmoid_derivative",
    "sigmoid_forward",
    "softmax",
    "step",
    "step_derivative",
    "tanh",
    "tanh_backward",
    "tanh_derivative",
    "tanh_forward",
    # gradcheck
    "GradcheckError",
    "describe_error",
    "gradcheck",
    "gradcheck_layer",
    "numerical_gradient",
    "rel_error",
    # init
    "INITIALIZERS",
    "constant",
    "he_normal",
    "he_uniform",
    "normal",
    "uniform",
    "xavier_normal",
    "xavier_uniform",
    "zeros",
    # layers, norm, module
    "BatchNorm1d",
    "Dropout",
    "ELU",
    "LayerNorm",
    "LeakyReLU",
    "Linear",
    "Module",
    "PReLU",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "SoftmaxCrossEntropy",
    "Tanh",
    # losses
    "EPS",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "l1_penalty",
    "l2_penalty",
    "mae_loss",
    "mse_loss",
    "softmax_cross_entropy",
    # optim
    "SGD",
    "UPDATES",
    "AdaGrad",
    "Adam",
    "AdamW",
    "Momentum",
    "Nesterov",
    "Optimizer",
    "RMSProp",
    "adagrad_update",
    "adam_update",
    "adamw_update",
    "momentum_update",
    "nesterov_update",
    "rmsprop_update",
    "sgd_update",
    # train
    "EarlyStopping",
    "History",
    "accuracy",
    "fit",
    "minibatch_indices",
    "replay_early_stopping",
    # transfer
    "freeze_up_to",
    "head_and_body_groups",
    "linear_layers",
    "replace_head",
]

# Students meet these as nn.X: reprs, error messages and the grader's notes name them so.
for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, type) or callable(_obj) and hasattr(_obj, "__code__"):
        _obj.__module__ = __name__
del _name, _obj
