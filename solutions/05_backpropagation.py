# %% [markdown] slideshow={"slide_type": "slide"}
# # 05 · Backpropagation
#
# Training needs the gradient of the loss with respect to every weight of the network.
# Backpropagation computes all of them in one backward sweep that costs about as much as the forward pass.
# It is nothing but the chain rule, applied node by node and organised so that no product is computed twice.
#
# **What you will learn**
#
# - the forward pass of a network for a whole batch, with the shape of every array, and how it maps to the "column" convention of some books;
# - computational graphs: how the chain rule multiplies local gradients backwards, and what add, multiply and branch nodes do to a gradient;
# - layers as objects with `forward` and `backward`, what each one keeps in its cache, and why a batch gradient is a sum of per-sample gradients;
# - how to check a backward pass with central differences and the relative error, and which numbers mean "correct" or "bug";
# - why gradients vanish through many sigmoid layers (and can also explode);
# - how a two-layer network trained with backprop bends its decision boundary around the data.
#
# **Prerequisites**: chapter 02 (activations and their derivatives), chapter 03 (softmax cross-entropy and its gradient), chapter 04 (gradient descent, mini-batches).
#
# You will write five functions, each followed by a check cell; the checks compare your gradients with the library's and with central differences, and name the known mistakes.

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np

from utils import nn
from utils.checks import check
from utils.data import moons
from utils.plots import (
    plot_boundary_snapshots,
    plot_curves,
    plot_gradcheck_errors,
    plot_graph,
    plot_matrices,
)
from utils.widgets import boundary_training_explorer

SEED = 5
rng = np.random.default_rng(SEED)
np.set_printoptions(precision=4, suppress=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. Forward propagation for a batch
#
# A batch of $N$ inputs with $D$ features each is a matrix $X$ of shape $(N, D)$: one sample per row.
# A two-layer network with $H$ hidden units and $C$ classes computes, for the whole batch at once,
#
# $$Z_1 = X W_1 + b_1, \qquad A_1 = g(Z_1), \qquad Z_2 = A_1 W_2 + b_2, \qquad P = \operatorname{softmax}(Z_2).$$
#
# Here $g$ is the activation (ReLU in this chapter), applied entry by entry, and the bias row is broadcast to every row.
# Every shape, written out:
#
# | array | shape | meaning |
# |:-|:-|:-|
# | $X$ | $(N, D)$ | the inputs, one per row |
# | $W_1$ | $(D, H)$ | column $j$ holds the weights of hidden unit $j$ |
# | $b_1$ | $(H,)$ | one bias per hidden unit |
# | $Z_1 = XW_1 + b_1$ | $(N, D)(D, H) + (H,) \to (N, H)$ | pre-activations |
# | $A_1 = g(Z_1)$ | $(N, H)$ | hidden activations |
# | $W_2$ | $(H, C)$ | column $k$ holds the weights of output unit $k$ |
# | $b_2$ | $(C,)$ | one bias per class |
# | $Z_2 = A_1 W_2 + b_2$ | $(N, H)(H, C) + (C,) \to (N, C)$ | class scores |
# | $P = \operatorname{softmax}(Z_2)$ | $(N, C)$ | class probabilities, each row sums to 1 |
#
# A deeper network repeats the middle step: $Z_{\ell} = A_{\ell - 1} W_{\ell} + b_{\ell}$ and $A_{\ell} = g(Z_{\ell})$, with $A_0 = X$.

# %% slideshow={"slide_type": "subslide"}
N, D, H, C = 4, 2, 3, 2
X = rng.standard_normal((N, D))  # (N, D) = (4, 2)
W1, b1 = rng.standard_normal((D, H)), np.array([0.1, -0.2, 0.3])  # (2, 3), (3,)
W2, b2 = rng.standard_normal((H, C)), np.array([0.0, 0.5])  # (3, 2), (2,)

Z1 = X @ W1 + b1  # (4, 2) @ (2, 3) + (3,) -> (4, 3)
A1 = nn.relu(Z1)  # (4, 3)
Z2 = A1 @ W2 + b2  # (4, 3) @ (3, 2) + (2,) -> (4, 2)
P = nn.softmax(Z2)  # (4, 2), rows sum to 1
for name, arr in [("X", X), ("W1", W1), ("Z1", Z1), ("A1", A1), ("W2", W2), ("Z2", Z2), ("P", P)]:
    print(f"{name:2s} shape {arr.shape}")
print("row sums of P:", P.sum(axis=1))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The same numbers as grids: each row of $Z_1$, $A_1$, $Z_2$ and $P$ belongs to one sample, each column to one unit.
# The ReLU turns the negative entries of $Z_1$ into zeros.

# %%
plot_matrices([(X, "X"), (W1, "W1"), (Z1, "Z1 = X W1 + b1"), (A1, "A1 = relu(Z1)"),
               (Z2, "Z2 = A1 W2 + b2"), (P, "P = softmax(Z2)")], fmt="{:.2f}")
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The column convention, mapped to ours
#
# Many books (Nielsen's, Ng's course, most papers) write one sample as a column vector $x$ of shape $(D, 1)$ and a layer as $z = \tilde{W} x + \tilde{b}$, with $\tilde{W}$ of shape $(\text{out}, \text{in}) = (H, D)$.
# A batch is then stacked as *columns*: $\tilde{X}$ has shape $(D, N)$ and $\tilde{Z} = \tilde{W} \tilde{X} + \tilde{b}$ has shape $(H, N)$.
# It is the same computation, transposed:
#
# $$\tilde{W} = W^{\top}, \qquad \tilde{X} = X^{\top}, \qquad \tilde{Z} = \tilde{W}\tilde{X} + \tilde{b} = W^{\top} X^{\top} + b = (X W + b)^{\top} = Z^{\top}.$$
#
# So their backward formulas are ours transposed too: their $\partial L / \partial \tilde{W} = \delta \tilde{X}^{\top}$, of shape $(H, D)$, is the transpose of our $\partial L / \partial W = X^{\top} \delta$, of shape $(D, H)$.
# When you read a formula in a book, first check which convention it uses.
# This course (like NumPy, PyTorch and most code) keeps batches as rows.

# %%
W1_col = W1.T  # (H, D) = (3, 2): the (out, in) weight of the column convention
X_col = X.T  # (D, N) = (2, 4): one sample per column
Z1_col = W1_col @ X_col + b1[:, None]  # (3, 2) @ (2, 4) + (3, 1) -> (3, 4)
print("Z1_col shape:", Z1_col.shape, " equals Z1.T:", np.allclose(Z1_col, Z1.T))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Computational graphs and the chain rule
#
# A *computational graph* breaks a computation into elementary nodes, each an operation with a simple derivative.
# Take three numbers $x, y, z$ and
#
# $$q = x \cdot y, \qquad r = q + x, \qquad f = r \cdot z .$$
#
# The variable $x$ is used twice: it *branches* (fans out) into the multiply node and the add node.
# **Forward pass**: compute the nodes from left to right and keep their values.
# **Backward pass**: start from $\partial f / \partial f = 1$ and walk from right to left.
# At each node, multiply the gradient arriving from above (the *upstream* gradient) by the node's *local* gradient, the derivative of its output with respect to each input: that is the chain rule, $\frac{\partial f}{\partial \text{input}} = \frac{\partial f}{\partial \text{output}} \cdot \frac{\partial\, \text{output}}{\partial\, \text{input}}$.
#
# | node | forward | what it sends back to its inputs |
# |:-|:-|:-|
# | add $r = a + b$ | sum | the upstream gradient, unchanged, to **both** inputs (local gradients are 1) |
# | multiply $f = a \cdot b$ | product | to $a$: upstream $\times\, b$; to $b$: upstream $\times\, a$ (each input gets the *other* one) |
# | branch ($x$ used twice) | copies | the gradients coming back from every use are **added** |

# %% slideshow={"slide_type": "subslide"}
x, y, z = 3.0, -2.0, 0.5
q = x * y  # multiply node: -6
r = q + x  # add node: -3 (x used a second time: a branch)
f = r * z  # multiply node: -1.5
print(f"forward:  q = {q:.2f}, r = {r:.2f}, f = {f:.2f}")

df = 1.0
dr, dz = df * z, df * r  # multiply: each input gets upstream times the other input
dq, dx_from_add = dr * 1.0, dr * 1.0  # add: the upstream gradient goes to both inputs
dx_from_mul, dy = dq * y, dq * x  # multiply again
dx = dx_from_add + dx_from_mul  # branch: the two contributions add
print(f"backward: df/dr = {dr:.2f}, df/dz = {dz:.2f}, df/dq = {dq:.2f}")
print(f"          df/dx = {dx_from_add:.2f} (via add) + {dx_from_mul:.2f} (via multiply) = {dx:.2f}")
print(f"          df/dy = {dy:.2f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The graph with the forward values (green, above each node) and the gradients $\partial f / \partial \text{node}$ (red, below).

# %%
graph_nodes = {
    "x": {"pos": (0, 2.0), "kind": "input", "value": f"x = {x:.1f}", "grad": f"df/dx = {dx:.2f}"},
    "y": {"pos": (0, 0.7), "kind": "input", "value": f"y = {y:.1f}", "grad": f"df/dy = {dy:.2f}"},
    "z": {"pos": (0, -0.6), "kind": "input", "value": f"z = {z:.1f}", "grad": f"df/dz = {dz:.2f}"},
    "q": {"pos": (2.0, 1.1), "label": "q = x * y", "value": q, "grad": dq},
    "r": {"pos": (4.0, 2.0), "label": "r = q + x", "value": r, "grad": dr},
    "f": {"pos": (6.0, 0.7), "label": "f = r * z", "kind": "output", "value": f, "grad": df},
}
graph_edges = [("x", "q"), ("y", "q"), ("q", "r"), ("x", "r", "branch"), ("r", "f"), ("z", "f")]
fig, ax = plt.subplots(figsize=(10, 4.6))
plot_graph(graph_nodes, graph_edges, ax=ax, title="f = (x y + x) z: forward values and gradients")
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Checked numerically
#
# A derivative is a limit of difference quotients, so we can estimate it without any calculus: nudge one input by a small $h$ both ways and measure how $f$ changes,
#
# $$\frac{\partial f}{\partial x} \approx \frac{f(x + h, y, z) - f(x - h, y, z)}{2h}.$$
#
# (Section 5 explains why this *central* difference is the one to use.)
# Here $f = (xy + x)z = x(y + 1)z$, so calculus gives $\partial f / \partial x = (y + 1) z = -0.5$, $\partial f / \partial y = xz = 1.5$ and $\partial f / \partial z = x(y + 1) = -3$: the backward pass agrees.

# %%
def f_xyz(x, y, z):
    return (x * y + x) * z


h = 1e-5
numeric = [(f_xyz(x + h, y, z) - f_xyz(x - h, y, z)) / (2 * h),
           (f_xyz(x, y + h, z) - f_xyz(x, y - h, z)) / (2 * h),
           (f_xyz(x, y, z + h) - f_xyz(x, y, z - h)) / (2 * h)]
for name, backprop, num in zip("xyz", (dx, dy, dz), numeric, strict=True):
    print(f"df/d{name}: backprop {backprop:+.6f}   central difference {num:+.6f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# > **Common misconception.** "When a variable is used twice, its gradient comes from the path that reaches the output last" (or "the paths' gradients should be averaged").
# > Neither: a small change of $x$ changes $f$ through *every* path at once, and the effects add up.
# > Keeping only one path gives a wrong number, as the cell below shows: only the sum matches the central difference.

# %%
print(f"only the add path:      {dx_from_add:+.4f}")
print(f"only the multiply path: {dx_from_mul:+.4f}")
print(f"average of the two:     {(dx_from_add + dx_from_mul) / 2:+.4f}")
print(f"sum (correct):          {dx:+.4f}   numerical: {numeric[0]:+.4f}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Layers as objects with forward and backward
#
# A network is a chain of layers, each a node of the graph that works on whole arrays.
# Each layer has two methods:
#
# - `forward(x)` computes the output and keeps in a **cache** whatever the backward pass will need;
# - `backward(dout)` receives `dout`, the gradient of the loss with respect to the layer's output (same shape as the output), and returns `dx`, the gradient with respect to its input (same shape as the input); a layer with parameters also stores their gradients.
#
# The loss is a single number $L$, so every gradient has the shape of the thing it differentiates: `dW` has the shape of `W`, `dx` the shape of `x`.
# The library `utils.nn` has both levels: kernels `nn.linear_forward(x, W, b) -> (out, cache)` and `nn.linear_backward(dout, cache) -> (dx, dW, db)`, and classes `nn.Linear`, `nn.ReLU`, ... that keep the cache for you.
# You will now write the backward kernels yourself.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The affine (Dense) layer
#
# Forward: $\text{out} = xW + b$ with $x$ of shape $(N, D)$, $W$ of shape $(D, M)$, $b$ of shape $(M,)$, out of shape $(N, M)$.
# Write $G$ for `dout` $= \partial L / \partial\, \text{out}$, shape $(N, M)$.
# Since $\text{out}_{nm} = \sum_d x_{nd} W_{dm} + b_m$:
#
# - $\partial \text{out}_{nm} / \partial x_{nd} = W_{dm}$, so $\frac{\partial L}{\partial x_{nd}} = \sum_m G_{nm} W_{dm}$, that is $dx = G W^{\top}$: $(N, M)(M, D) \to (N, D)$;
# - $\partial \text{out}_{nm} / \partial W_{dm} = x_{nd}$ for every sample $n$, so $\frac{\partial L}{\partial W_{dm}} = \sum_n x_{nd} G_{nm}$, that is $dW = x^{\top} G$: $(D, N)(N, M) \to (D, M)$;
# - $b_m$ is added to every row, so $db_m = \sum_n G_{nm}$: $db$ = `dout.sum(axis=0)`, shape $(M,)$.
#
# The shapes alone almost force the formulas: there is only one way to multiply $G$ and $W$ into an $(N, D)$ array, and one way to multiply $x$ and $G$ into a $(D, M)$ one.
# The sums over $n$ in $dW$ and $db$ are the branch rule: $W$ and $b$ are used by every sample of the batch, so their gradients add up over the samples.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 1: affine backward
#
# Write `affine_backward(dout, cache)` returning the tuple `(dx, dW, db)`.
#
# - In: `dout` of shape $(N, M)$; `cache` the pair `(x, W)` that `nn.linear_forward` returns, with `x` of shape $(N, D)$ and `W` of shape $(D, M)$.
# - Out: `dx` $= G W^{\top}$ of shape $(N, D)$, `dW` $= x^{\top} G$ of shape $(D, M)$, `db` $= \sum_n G_n$ of shape $(M,)$.
#
# The check compares your result with `nn.linear_backward` on several sizes, and once with central differences of the forward pass.

# %% tags=["exercise"] exercise_id="ex05_affine_backward" slideshow={"slide_type": "fragment"}
def affine_backward(dout, cache):
    """Gradients of out = x @ W + b.

    Parameters
    ----------
    dout : numpy.ndarray of float, shape (N, M)
        Gradient of the loss with respect to out.
    cache : tuple (x, W)
        x of shape (N, D) and W of shape (D, M), kept by the forward pass.

    Returns
    -------
    dx : numpy.ndarray, shape (N, D)
    dW : numpy.ndarray, shape (D, M)
    db : numpy.ndarray, shape (M,)
    """
    ### BEGIN SOLUTION
    x, W = cache
    dx = dout @ W.T  # (N, M) @ (M, D) -> (N, D)
    dW = x.T @ dout  # (D, N) @ (N, M) -> (D, M): a sum over the batch
    db = dout.sum(axis=0)  # (M,): b was added to every row
    return dx, dW, db
    ### END SOLUTION


# %% tags=["check"]
check("ex05_affine_backward", affine_backward)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### ReLU
#
# Forward: $\text{out} = \max(x, 0)$ entry by entry; the cache is the input $x$.
# The local gradient is the slope: 1 where $x > 0$, 0 where $x < 0$.
# At exactly $x = 0$ the slope is not defined; this course, like PyTorch, uses 0.
# So the gradient passes where the unit was active and is blocked elsewhere:
#
# $$dx = \text{dout} \odot \mathbb{1}[x > 0],$$
#
# where $\odot$ is the entrywise product and $\mathbb{1}[x > 0]$ is 1 where $x > 0$ and 0 elsewhere.
#
# ### Exercise 2: ReLU backward
#
# Write `relu_backward(dout, cache)`: `dout` and `cache` (the forward input `x`) have the same shape, for instance $(N, D)$; return `dx` of that shape.

# %% tags=["exercise"] exercise_id="ex05_relu_backward" slideshow={"slide_type": "fragment"}
def relu_backward(dout, cache):
    """Gradient of out = max(x, 0).

    Parameters
    ----------
    dout : numpy.ndarray of float, any shape
        Gradient of the loss with respect to out.
    cache : numpy.ndarray of float, same shape
        The input x of the forward pass.

    Returns
    -------
    numpy.ndarray, same shape: dout where x > 0, else 0 (also 0 at x == 0).
    """
    ### BEGIN SOLUTION
    x = cache
    return dout * (x > 0)
    ### END SOLUTION


# %% tags=["check"]
check("ex05_relu_backward", relu_backward)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Sigmoid and tanh: gradients from the output
#
# The sigmoid $\sigma(x) = 1 / (1 + e^{-x})$ has the derivative $\sigma'(x) = \sigma(x)\,(1 - \sigma(x))$ (chapter 02).
# So the backward pass does not need $x$ at all: the forward pass caches its *output* $s = \sigma(x)$, and
#
# $$dx = \text{dout} \odot s \odot (1 - s).$$
#
# Tanh works the same way: $\tanh'(x) = 1 - \tanh(x)^2$, so it caches $t = \tanh(x)$ and returns $dx = \text{dout} \odot (1 - t^2)$.
#
# ### Exercise 3: sigmoid backward
#
# Write `sigmoid_backward(dout, cache)`: `dout` and `cache` (the forward *output* $s$) have the same shape; return `dx` of that shape.
# It must work for saturated outputs $s$ exactly 0 or 1 (inputs around $\pm 1000$), where the gradient is exactly 0, without any warning.

# %% tags=["exercise"] exercise_id="ex05_sigmoid_backward" slideshow={"slide_type": "fragment"}
def sigmoid_backward(dout, cache):
    """Gradient of out = sigmoid(x), from the cached output.

    Parameters
    ----------
    dout : numpy.ndarray of float, any shape
        Gradient of the loss with respect to out.
    cache : numpy.ndarray of float, same shape
        The output s = sigmoid(x) of the forward pass.

    Returns
    -------
    numpy.ndarray, same shape: dout * s * (1 - s).
    """
    ### BEGIN SOLUTION
    s = cache
    return dout * s * (1.0 - s)
    ### END SOLUTION


# %% tags=["check"]
check("ex05_sigmoid_backward", sigmoid_backward)

# %% [markdown] slideshow={"slide_type": "subslide"}
# The library's tanh kernel, checked the same way as the exercises: its backward against central differences of its forward, with a random `dout`.
# The trick: the scalar $\sum (\text{out} \odot \text{dout})$ has gradient exactly `dx`, so one numerical gradient of a scalar checks the whole backward.

# %%
x_t = rng.standard_normal((3, 4))
dout_t = rng.standard_normal((3, 4))
out_t, cache_t = nn.tanh_forward(x_t)
dx_t = nn.tanh_backward(dout_t, cache_t)  # dout * (1 - t**2)
dx_num = nn.numerical_gradient(lambda v: np.sum(np.tanh(v) * dout_t), x_t)
print(f"tanh backward vs central differences: largest relative error "
      f"{nn.describe_error(nn.rel_error(dx_t, dx_num))}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Softmax cross-entropy: the output layer and the loss together
#
# For scores $S$ of shape $(N, C)$, integer labels $y$ and $P = \operatorname{softmax}(S)$, the mean cross-entropy is $L = -\frac{1}{N}\sum_n \log P_{n, y_n}$.
# Chapter 03 derived its gradient, which is remarkably simple when softmax and loss are treated as one node:
#
# $$\frac{\partial L}{\partial S} = \frac{P - Y}{N},$$
#
# with $Y$ the one-hot labels, shape $(N, C)$.
# This is where every backward pass starts; the $1/N$ of the mean is inside it, so no later step divides by $N$ again.
# `nn.SoftmaxCrossEntropy` keeps that gradient as its cache: `forward(scores, y)` returns the loss, `backward()` returns $(P - Y)/N$.

# %%
S = rng.standard_normal((5, 3))
y_s = np.array([0, 2, 1, 1, 0])
sce = nn.SoftmaxCrossEntropy()
loss_s = sce.forward(S, y_s)
dS = sce.backward()  # (5, 3) = (P - Y) / N
dS_num = nn.numerical_gradient(lambda s: nn.SoftmaxCrossEntropy().forward(s, y_s), S.copy())
print(f"loss {loss_s:.4f}; dS shape {dS.shape}; each row of dS sums to 0: {np.allclose(dS.sum(axis=1), 0)}")
print(f"largest relative error against central differences: {nn.describe_error(nn.rel_error(dS, dS_num))}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A layer object wraps a pair of kernels
#
# A class keeps the cache between the two calls, so the user never handles it.
# The library's `nn.Linear` is essentially this (plus input checks and an initializer):

# %%
class Affine:
    """out = x @ W + b, keeping the cache between forward and backward."""

    def __init__(self, W, b):
        self.params = {"W": W, "b": b}
        self.grads = {}

    def forward(self, x):
        out, self.cache = nn.linear_forward(x, self.params["W"], self.params["b"])
        return out

    def backward(self, dout):
        dx, self.grads["W"], self.grads["b"] = nn.linear_backward(dout, self.cache)
        return dx


layer = Affine(rng.standard_normal((2, 3)), np.zeros(3))
out = layer.forward(rng.standard_normal((4, 2)))  # (4, 2) -> (4, 3)
dx_layer = layer.backward(np.ones_like(out))
print("out", out.shape, " dx", dx_layer.shape, " dW", layer.grads["W"].shape, " db", layer.grads["b"].shape)

# %% [markdown] slideshow={"slide_type": "subslide"}
# What each layer keeps in its cache, and why:
#
# | layer | forward | cache | backward |
# |:-|:-|:-|:-|
# | Affine / `nn.Linear` | $xW + b$ | $(x, W)$ | $dx = G W^{\top}$, $dW = x^{\top} G$, $db = \sum_n G_n$ |
# | `nn.ReLU` | $\max(x, 0)$ | $x$ (for the mask) | $G \odot \mathbb{1}[x > 0]$ |
# | `nn.Sigmoid` | $s = \sigma(x)$ | the output $s$ | $G \odot s (1 - s)$ |
# | `nn.Tanh` | $t = \tanh(x)$ | the output $t$ | $G \odot (1 - t^2)$ |
# | `nn.SoftmaxCrossEntropy` | $L$ | $(P - Y)/N$ | returns $(P - Y)/N$ |
#
# A network `nn.Sequential(...)` calls `forward` on its layers in order and `backward` in reverse order, each layer's `dx` becoming the previous layer's `dout`.
# The figure shows the two passes for a two-layer network, with the shape of each layer's output (green) and of the gradient flowing back (red), for $N = 4$, $D = 2$, $H = 3$, $C = 2$.

# %%
pipeline = {
    "X": {"pos": (0, 0), "kind": "input", "value": "(4, 2)", "grad": "dX (4, 2)"},
    "lin1": {"pos": (2, 0), "kind": "layer", "label": "Linear\ncache x, W1", "value": "Z1 (4, 3)", "grad": "dZ1 (4, 3)"},
    "relu": {"pos": (4, 0), "kind": "layer", "label": "ReLU\ncache Z1", "value": "A1 (4, 3)", "grad": "dA1 (4, 3)"},
    "lin2": {"pos": (6, 0), "kind": "layer", "label": "Linear\ncache A1, W2", "value": "Z2 (4, 2)", "grad": "dZ2 (4, 2)"},
    "loss": {"pos": (8, 0), "kind": "output", "label": "Softmax\ncross-entropy", "value": "L, a number", "grad": "dL/dL = 1"},
}
fig, ax = plt.subplots(figsize=(12, 3.4))
plot_graph(pipeline, [("X", "lin1"), ("lin1", "relu"), ("relu", "lin2"), ("lin2", "loss")], ax=ax,
           title="forward left to right, backward right to left")
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A batch gradient is the sum (or mean) of per-sample gradients
#
# With the mean loss $L = \frac{1}{N} \sum_n L_n$, linearity of the derivative gives $\frac{\partial L}{\partial W} = \frac{1}{N} \sum_n \frac{\partial L_n}{\partial W}$.
# The matrix product $x^{\top} G$ computes exactly this sum over samples in one go: $(x^{\top} G)_{dm} = \sum_n x_{nd} G_{nm}$, where row $n$ of $G$ already carries the $1/N$.
# The cell below computes $dW$ of a linear layer with softmax cross-entropy for a batch of 3, then once per sample (each a batch of 1), and compares.

# %%
x_b = rng.standard_normal((3, 2))  # 3 samples, 2 features
W_b, b_b = rng.standard_normal((2, 2)), np.zeros(2)
y_b = np.array([0, 1, 1])


def dW_of(xs, ys):
    scores, cache = nn.linear_forward(xs, W_b, b_b)
    _, dscores = nn.softmax_cross_entropy(scores, ys)
    return nn.linear_backward(dscores, cache)[1]


dW_batch = dW_of(x_b, y_b)
dW_each = [dW_of(x_b[n:n + 1], y_b[n:n + 1]) for n in range(3)]  # batches of one sample
print("batch dW equals the mean of the per-sample dW:", np.allclose(dW_batch, np.mean(dW_each, axis=0)))

# %%
plot_matrices([(dW_each[0], "dW, sample 1"), (dW_each[1], "dW, sample 2"), (dW_each[2], "dW, sample 3"),
               (np.mean(dW_each, axis=0), "mean of the three"), (dW_batch, "dW of the batch")],
              fmt="{:+.3f}")
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. A two-layer network, forward and backward
#
# Put the pieces together for the network of section 1 with a ReLU hidden layer and softmax cross-entropy.
# Forward, with shapes:
#
# $$Z_1 = X W_1 + b_1 \ (N, H), \quad A_1 = \operatorname{relu}(Z_1) \ (N, H), \quad S = A_1 W_2 + b_2 \ (N, C), \quad L = -\frac{1}{N} \sum_n \log \operatorname{softmax}(S)_{n, y_n}.$$
#
# Backward, in reverse order, each line one node:
#
# $$dS = \frac{P - Y}{N} \ (N, C), \quad dW_2 = A_1^{\top} dS \ (H, C), \quad db_2 = \textstyle\sum_n dS_n \ (C,), \quad dA_1 = dS\, W_2^{\top} \ (N, H),$$
#
# $$dZ_1 = dA_1 \odot \mathbb{1}[Z_1 > 0] \ (N, H), \quad dW_1 = X^{\top} dZ_1 \ (D, H), \quad db_1 = \textstyle\sum_n dZ_{1,n} \ (H,).$$
#
# ### Exercise 4: loss and gradients of a two-layer network
#
# Write `two_layer_loss_and_grads(X, y, params)`.
#
# - In: `X` of shape $(N, D)$; `y` integer labels of shape $(N,)$ in $0, \dots, C-1$; `params` a dict with `"W1"` $(D, H)$, `"b1"` $(H,)$, `"W2"` $(H, C)$, `"b2"` $(C,)$.
# - Out: the pair `(loss, grads)`: `loss` a float (the mean over the batch), `grads` a dict with the same keys as `params`, each gradient the shape of its parameter.
#
# Compute the softmax stably (subtract each row's maximum, or use `nn.log_softmax`).
# You may call your `affine_backward` and `relu_backward` from above.
# The check compares with the reference, with central differences of the reference loss, and runs a gradient check of your gradients against your *own* loss.

# %% tags=["exercise"] exercise_id="ex05_two_layer_loss_and_grads" slideshow={"slide_type": "fragment"}
def two_layer_loss_and_grads(X, y, params):
    """Softmax cross-entropy loss and gradients of relu(X @ W1 + b1) @ W2 + b2.

    Parameters
    ----------
    X : numpy.ndarray of float, shape (N, D)
    y : numpy.ndarray of int, shape (N,)
    params : dict
        "W1" (D, H), "b1" (H,), "W2" (H, C), "b2" (C,).

    Returns
    -------
    loss : float
        Mean cross-entropy over the batch.
    grads : dict
        "W1", "b1", "W2", "b2", each of the shape of the parameter.
    """
    ### BEGIN SOLUTION
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n = X.shape[0]
    Z1 = X @ W1 + b1  # (N, H)
    A1 = np.maximum(Z1, 0.0)  # (N, H)
    S = A1 @ W2 + b2  # (N, C)
    shifted = S - S.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # (N, C)
    loss = -log_p[np.arange(n), y].mean()
    dS = np.exp(log_p)  # P, (N, C)
    dS[np.arange(n), y] -= 1.0  # P - Y
    dS /= n  # the 1/N of the mean
    dW2 = A1.T @ dS  # (H, C)
    db2 = dS.sum(axis=0)  # (C,)
    dZ1 = (dS @ W2.T) * (Z1 > 0)  # (N, H): through W2, then the ReLU mask
    dW1 = X.T @ dZ1  # (D, H)
    db1 = dZ1.sum(axis=0)  # (H,)
    return float(loss), {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
    ### END SOLUTION


# %% tags=["check"]
check("ex05_two_layer_loss_and_grads", two_layer_loss_and_grads)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Gradient checking
#
# A backward pass can be wrong and still produce numbers of the right shape; training then just goes badly, and nothing tells you why.
# So every backward pass is tested against the definition of the derivative.
# For each entry $\theta_i$ of a parameter, the **central difference**
#
# $$g_i^{\text{num}} = \frac{L(\theta + h e_i) - L(\theta - h e_i)}{2h}$$
#
# ($e_i$ is 1 in entry $i$ and 0 elsewhere) estimates $\partial L / \partial \theta_i$ with an error proportional to $h^2$.
# The one-sided *forward* difference $(L(\theta + h e_i) - L(\theta)) / h$ has an error proportional to $h$, far larger: with $h = 10^{-5}$, about $10^{-5}$ instead of $10^{-10}$.
# Compare the analytic gradient $a$ (from backprop) with the numerical one $b$ by the **relative error**
#
# $$\text{err} = \frac{|a - b|}{\max(|a|, |b|, \varepsilon)},$$
#
# entry by entry, and report the largest.
# The tiny $\varepsilon$ (say $10^{-12}$) only avoids $0/0$ where both are exactly 0.
# The error is *relative* because gradients come in every scale: an absolute difference of $10^{-4}$ is negligible for an entry of size 100 and enormous for one of size $10^{-5}$.
#
# **Reading the number, in float64.** Around $10^{-7}$ or below means correct (rounding in the differences sets the floor); between $10^{-7}$ and $10^{-2}$ look closer (a kink such as ReLU at 0 near the evaluated point, or a small term missing); $10^{-2}$ or more is a bug.
# Always check in float64: in float32 the rounding alone gives errors around $10^{-3}$ even for a correct backward pass.
# One case fools the relative error: an entry whose true gradient is exactly 0 (the bias of a layer followed by batch normalization, chapter 09, is one).
# Its central difference is pure rounding, about $10^{-16} |L| / h$, and divided by something just as tiny it can give a "relative error" near 1 although nothing is wrong.
# So also look at the absolute difference $|a - b|$: if it is below that rounding level (times a safety factor), the entry is correct whatever its ratio says; `nn.gradcheck` passes an entry on either test (its `atol`, by default $10^{-14} \max|L| / h$).
# The check is slow (two forward passes per entry), so run it on a tiny network and a few samples, never during training.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 5: a gradient check
#
# Write `gradient_check(f, x, analytic, h=1e-5, eps=1e-12)`.
#
# - In: `f` a function mapping an array shaped like `x` to a float; `x` a float64 array of any shape; `analytic` an array of the same shape (the gradient to test).
# - Compute the central difference $g_i^{\text{num}}$ for every entry $i$ of `x` (`np.ndindex(x.shape)` walks over all indices); put each entry back after nudging it.
# - Out: the largest relative error over the entries, $\max_i |a_i - b_i| / \max(|a_i|, |b_i|, \varepsilon)$, as a float.

# %% tags=["exercise"] exercise_id="ex05_gradient_check" slideshow={"slide_type": "fragment"}
def gradient_check(f, x, analytic, h=1e-5, eps=1e-12):
    """Largest relative error between an analytic gradient and central differences.

    Parameters
    ----------
    f : callable
        f(x) -> float.
    x : numpy.ndarray of float64, any shape
        The point where the gradient is checked (restored before returning).
    analytic : numpy.ndarray of float64, shape of x
    h : float
        The step of the central differences.
    eps : float
        Floor of the denominator.

    Returns
    -------
    float
        max over entries of |analytic - numeric| / max(|analytic|, |numeric|, eps).
    """
    ### BEGIN SOLUTION
    x = np.array(x, dtype=np.float64)  # a copy: the caller's array is never changed
    numeric = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        numeric[i] = (f_plus - f_minus) / (2 * h)
    denom = np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), eps)
    return float(np.max(np.abs(analytic - numeric) / denom))
    ### END SOLUTION


# %% tags=["check"]
check("ex05_gradient_check", gradient_check)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A correct backward pass and two broken ones
#
# Now check the library's two-layer network `nn.Sequential(Linear, ReLU, Linear)` with softmax cross-entropy, for the gradient of $W_1$, entry by entry (with `nn.numerical_gradient` and `nn.rel_error`, which do what your function does).
# Then break it on purpose, twice:
#
# - a ReLU whose backward forgets the mask and passes `dout` unchanged;
# - a loss gradient that forgets the $1/N$ of the mean.

# %%
class ReLUNoMask(nn.ReLU):
    """A deliberately broken ReLU: its backward passes dout through unchanged."""

    def backward(self, dout):
        return dout


def w1_errors(relu_layer, grad_scale=1.0):
    r = np.random.default_rng(1)
    model = nn.Sequential(nn.Linear(3, 5, rng=r), relu_layer, nn.Linear(5, 3, rng=r))
    Xg, yg = r.standard_normal((8, 3)), r.integers(0, 3, size=8)
    _, dscores = nn.softmax_cross_entropy(model.forward(Xg), yg)
    model.backward(dscores * grad_scale)
    analytic = model[0].grads["W"].copy()
    numeric = nn.numerical_gradient(
        lambda W: nn.softmax_cross_entropy(model.forward(Xg), yg)[0], model[0].params["W"])
    return nn.rel_error(analytic, numeric)


errors = {"correct": w1_errors(nn.ReLU()), "ReLU without mask": w1_errors(ReLUNoMask()),
          "forgot 1/N": w1_errors(nn.ReLU(), grad_scale=8.0)}
for name, err in errors.items():
    print(f"{name:18s}: largest relative error {nn.describe_error(err)}")

# %%
fig, ax = plt.subplots(figsize=(9, 4.5))
plot_gradcheck_errors(errors, ax=ax, title="Gradient check of dW1: relative error of each of its 15 entries")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# The correct backward pass sits far below $10^{-7}$ on every entry.
# The missing mask lets gradient through units that were off, so an entry is wrong by an amount that depends on how many samples had its unit off.
# In a bigger network most entries could be right and only a few wrong; one wrong entry is enough to prove a bug, which is why the *largest* error is reported, not the mean.
# Forgetting $1/N$ makes every entry off by the same factor ($|8b - b| / |8b| = 7/8$), a signature worth recognising.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Vanishing and exploding gradients
#
# In a deep chain of layers, the backward pass multiplies the gradient by one local factor per layer: a weight matrix and an activation's derivative.
# The sigmoid's derivative $\sigma'(z) = \sigma(z)(1 - \sigma(z))$ is **at most 0.25** (at $z = 0$), tanh's at most 1, and ReLU's is exactly 1 wherever the unit is active.

# %%
zs = np.linspace(-6, 6, 601)
ax = plot_curves(zs, {"sigmoid'": nn.sigmoid_derivative(zs), "tanh'": nn.tanh_derivative(zs),
                      "relu'": nn.relu_derivative(zs)},
                 xlabel="$z$", ylabel="derivative", title="Local gradients of three activations")
ax.axhline(0.25, color="gray", ls="--", lw=1)
ax.text(-6, 0.27, "0.25: the sigmoid's maximum", fontsize=11, color="gray")
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# Through $k$ sigmoid layers the gradient picks up $k$ factors of at most 0.25, so (unless the weights are large) it shrinks like $0.25^k$:

# %%
for k in (1, 2, 5, 10, 20):
    print(f"k = {k:2d}: 0.25**k = {0.25 ** k:.1e}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Measured: gradient norms per layer
#
# Two networks with 10 hidden layers of 32 units, on the same batch of 64 moons points, differ only in the activation: sigmoid (with Xavier initial weights, the usual choice for sigmoid layers) or ReLU (with He weights).
# Xavier and He initialization are two rules for the scale of the random starting weights, derived in chapter 07 (Xavier for tanh, He for ReLU); until then, take them as a black box.
# One backward pass each, written out as a loop so we can watch the gradient travel: before each `Linear` layer $\ell$ we record the norm $\lVert dZ_{\ell} \rVert$ of the gradient arriving at its output, from the last layer back to the first.
# (Each layer's weight gradient $dW_{\ell} = A_{\ell - 1}^{\top} dZ_{\ell}$ inherits this size.)

# %%
def layer_grad_norms(activation, init, scale=1.0):
    r = np.random.default_rng(2)
    sizes = [2] + [32] * 10 + [2]
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(nn.Linear(n_in, n_out, rng=r, init=init))
        layers[-1].params["W"] *= scale
        if i < len(sizes) - 2:
            layers.append(activation())
    model = nn.Sequential(*layers)
    Xm, ym = moons(64, noise=0.1, rng=r)
    _, dout = nn.softmax_cross_entropy(model.forward(Xm), ym)
    norms = []
    for layer in reversed(model.layers):  # the backward pass, by hand, to watch dout
        if isinstance(layer, nn.Linear):
            norms.append(np.linalg.norm(dout))  # dZ of this layer, shape (64, n_out)
        dout = layer.backward(dout)
    return np.array(norms[::-1])  # layer 1 first


norms = {"sigmoid, Xavier init": layer_grad_norms(nn.Sigmoid, "xavier"),
         "ReLU, He init": layer_grad_norms(nn.ReLU, "he"),
         "ReLU, weights 2x He (exploding)": layer_grad_norms(nn.ReLU, "he", scale=2.0)}
for name, v in norms.items():
    print(f"{name:32s} first layer {v[0]:.1e}, last layer {v[-1]:.1e}, ratio {v[0] / v[-1]:.1e}")

# %%
layers_idx = np.arange(1, 12)
ax = plot_curves(layers_idx, norms, logy=True, marker="o", xlabel="layer (1 = next to the input)",
                 ylabel="norm of dZ (log scale)", title="Gradient norm per layer, 10 hidden layers")
ax.plot(layers_idx, norms["sigmoid, Xavier init"][-1] * 0.25 ** (11 - layers_idx), "k:",
        label="0.25 per layer")
ax.legend(fontsize=10)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# In the sigmoid network the gradient shrinks by a roughly constant factor per layer on its way back, close to the 0.25 of the dotted line: the first layer receives a gradient about a million times smaller than the last and barely learns.
# This **vanishing gradient** is why deep networks were so hard to train with sigmoids, and why ReLU (chapter 02) and careful initialization (chapter 07) matter.
# In the ReLU network with He initialization the norms stay within a small factor of each other across all 11 layers.
#
# **Exploding gradients** are the mirror image.
# If each layer multiplies the gradient by a factor above 1, here because the weights are twice as large as He initialization prescribes, the factors compound: the first layer's gradient is about $2^{10} \approx 1000$ times the last one's.
# Such gradients make one update jump far across the loss surface, and the loss becomes `inf` or `nan` within a few steps; recurrent networks, which apply the same weights over many time steps, suffer from it most.
# The cures are the same family: sensible initialization, normalization layers (chapter 09), smaller learning rates, and *gradient clipping* (rescale the gradient when its norm exceeds a threshold).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. Training a two-layer network on moons
#
# With forward, backward and a gradient-descent step we can train.
# The data: 200 points of two interleaved half-moons, which no straight line separates.
# The model: `Linear(2, 16) -> ReLU -> Linear(16, 2)` with softmax cross-entropy, trained by `nn.fit` (mini-batches of 32, SGD with learning rate 0.3).
# `nn.fit` is the training loop of chapter 04, used here as a black box until chapter 06 opens up its optimizer; each of its steps calls the forward and backward passes of this chapter.
# Its `callback` runs after every epoch; we use it to keep a copy of the parameters at a few epochs.

# %%
X_moons, y_moons = moons(200, noise=0.2, rng=rng)
model = nn.Sequential(nn.Linear(2, 16, rng=rng), nn.ReLU(), nn.Linear(16, 2, rng=rng))
keep_at = (1, 5, 20, 200)
snapshots = [("epoch 0 (random weights)",
              [layer.params[name].copy() for layer, name in model.parameters()])]


def keep(epoch, history, m):
    if epoch in keep_at:
        snapshots.append((f"epoch {epoch}: loss {history['train_loss'][-1]:.3f}",
                          [layer.params[name].copy() for layer, name in m.parameters()]))


history = nn.fit(model, X_moons, y_moons, optimizer=nn.SGD(model, lr=0.3), epochs=200,
                 batch_size=32, rng=rng, callback=keep, metric=nn.accuracy)
print(f"after 200 epochs: loss {history['train_loss'][-1]:.4f}, accuracy {history['train_metric'][-1]:.1%}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The decision regions at those epochs (the class with the higher score wins).
# At epoch 0 the boundary is already bent, with its corner at the origin.
# Every bias starts at 0, so each hidden unit's kink, the line $x \cdot w_j = 0$ where its ReLU switches on, passes through $(0, 0)$.
# And with every bias at 0, multiplying an input by any $t > 0$ multiplies every score by $t$: the class depends only on the direction of the point seen from the origin, so the regions are wedges with their tip at $(0, 0)$ and the boundary is made of rays leaving it (here two); the line printed under the figure checks this on 1000 random points.
# Training moves the biases, which shifts the kinks away from the origin: after one epoch the boundary is an almost straight line across the data, and backprop then bends it, epoch after epoch, until it winds between the moons around their tips.

# %%
def predictor(params):
    Wa, ba, Wb, bb = params
    return lambda P: (np.maximum(P @ Wa + ba, 0.0) @ Wb + bb).argmax(axis=1)


plot_boundary_snapshots([(title, predictor(params)) for title, params in snapshots], X_moons, y_moons)
plt.tight_layout()
plt.show()
at_start, points = predictor(snapshots[0][1]), np.random.default_rng(0).uniform(-2, 2, size=(1000, 2))
print("epoch 0: same class at x and at 3x for 1000 random points x:",
      bool(np.all(at_start(points) == at_start(3 * points))))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Try it: watch the boundary learn
#
# The explorer trains the same kind of network for several hidden sizes when the cell runs (a second or so), keeping the parameters every 10 epochs.
# Move `epoch` to replay training; the right panel marks the moment on the loss curve.
# Things to try:
#
# - with 2 hidden units, the boundary is made of at most 2 bends of ReLU: can it wrap around both moons?
# - compare 8 and 32 hidden units at epoch 10 and at epoch 200;
# - find the epochs where the loss curve jumps: what happened to the boundary?

# %% tags=["nbval-ignore-output"]
boundary_training_explorer(X_moons, y_moons)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - Forward pass for a batch (rows are samples): $Z_1 = XW_1 + b_1$ $(N, H)$, $A_1 = g(Z_1)$, $Z_2 = A_1 W_2 + b_2$ $(N, C)$. Books with column vectors use $\tilde{W} = W^{\top}$ of shape (out, in) and $\tilde{X} = X^{\top}$: the same computation, transposed.
# - Backprop is the chain rule on a computational graph: walking backwards, multiply the upstream gradient by each node's local gradient. Add nodes pass it unchanged to both inputs, multiply nodes send each input the upstream gradient times the other input, and at a branch the gradients of all uses add.
# - A layer has `forward` (keeps a cache) and `backward(dout) -> dx` (and fills its parameters' gradients). Affine: $dx = GW^{\top}$, $dW = x^{\top}G$, $db = \sum_n G_n$. ReLU: $G \odot \mathbb{1}[x > 0]$. Sigmoid: $G \odot s(1 - s)$. Tanh: $G \odot (1 - t^2)$. Softmax cross-entropy: $(P - Y)/N$.
# - A batch gradient is the mean of the per-sample gradients; the $1/N$ enters once, in the loss gradient, and the matrix products do the sum.
# - Check every backward pass with central differences and the relative error $|a - b| / \max(|a|, |b|, \varepsilon)$, in float64: about $10^{-7}$ or less is correct, $10^{-2}$ or more is a bug.
# - The sigmoid's derivative is at most 0.25, so gradients vanish like $0.25^k$ through $k$ sigmoid layers; weights too large make them explode instead.
# - A two-layer ReLU network trained with backprop bends its decision boundary around non-linear data such as the moons.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Check your understanding
#
# 1. In a layer $\text{out} = xW + b$ with $x$ of shape $(32, 10)$ and $W$ of shape $(10, 5)$, what are the shapes of `dout`, `dx`, `dW` and `db`?
#
# <!-- BEGIN SOLUTION -->
# `dout` $(32, 5)$ like `out`; `dx = dout @ W.T` is $(32, 10)$ like `x`; `dW = x.T @ dout` is $(10, 5)$ like `W`; `db = dout.sum(axis=0)` is $(5,)$ like `b`.
# Every gradient has the shape of what it differentiates, because the loss is a single number.
# <!-- END SOLUTION -->
#
# 2. A book writes $dW = \delta\, a^{\top}$ for a layer $z = Wa + b$. How does this relate to this course's $dW = A^{\top} G$?
#
# <!-- BEGIN SOLUTION -->
# The book uses the column convention: its $W$ has shape (out, in) and is our $W^{\top}$; its $a$ and $\delta$ are columns (our rows transposed).
# Transposing its formula gives $(\delta a^{\top})^{\top} = a \delta^{\top}$, which for a batch stacked as rows is $A^{\top} G$: the same gradient.
# <!-- END SOLUTION -->
#
# 3. In $f = (x y + x) z$, why is $\partial f / \partial x$ a sum of two terms?
#
# <!-- BEGIN SOLUTION -->
# $x$ is used twice (a branch): it reaches $f$ through the multiply node $q = xy$ and directly through the add node $r = q + x$.
# A small change in $x$ moves $f$ through both paths at once, so the two contributions add: $z \cdot 1 + z \cdot y = (1 + y) z$.
# <!-- END SOLUTION -->
#
# 4. Why does the sigmoid layer cache its output rather than its input?
#
# <!-- BEGIN SOLUTION -->
# Its derivative can be written with the output alone, $\sigma'(x) = s(1 - s)$, so caching $s$ avoids recomputing the exponential in the backward pass.
# It is also safer: $s$ is always in $[0, 1]$, and $s(1 - s)$ is exactly 0 for saturated units, with no overflow.
# <!-- END SOLUTION -->
#
# 5. A gradient check reports a largest relative error of $0.875$ on every entry of every parameter, for a batch of 8 samples. What is the likely bug?
#
# <!-- BEGIN SOLUTION -->
# Every entry is off by the same factor: $|a - b| / |a| = 7/8$ means $a = 8b$, so the analytic gradient is $N = 8$ times too large.
# The $1/N$ of the mean loss was forgotten (in $dS = (P - Y)/N$).
# <!-- END SOLUTION -->
#
# 6. Why use central differences rather than forward differences in a gradient check, and why float64?
#
# <!-- BEGIN SOLUTION -->
# The central difference has an error proportional to $h^2$ (about $10^{-10}$ with $h = 10^{-5}$), the forward difference one proportional to $h$ (about $10^{-5}$), which would hide the $10^{-7}$ level that separates a correct gradient from a subtly wrong one.
# In float32 the rounding of $L(\theta \pm h e_i)$, divided by a small $2h$, already gives relative errors around $10^{-3}$, so correct and wrong cannot be told apart.
# <!-- END SOLUTION -->
#
# 7. On its way back through 10 sigmoid layers, the gradient picks up one sigmoid derivative $\sigma'(z)$ per layer along any path (besides the weights).
#    What is the largest value the product of those 10 derivatives can take, that is, by at least what factor do the activations alone shrink the gradient?
#    Why do ReLU networks suffer less?
#
# <!-- BEGIN SOLUTION -->
# Each $\sigma'(z) = \sigma(z)(1 - \sigma(z))$ is at most 0.25 (reached only at $z = 0$), so the product is at most $0.25^{10} \approx 9.5 \times 10^{-7}$: the activations alone shrink the gradient by a factor of at least $4^{10} \approx 10^{6}$.
# Only the weights could make up for it, and with the usual initializations they do not: section 6 measured the first layer's gradient about $10^{-6}$ times the last one's in a sigmoid network with Xavier weights.
# ReLU's derivative is exactly 1 on active units (and 0 on the others, which pass nothing back), so along active units the activations do not shrink the gradient at all; with He initialization, whose factor 2 makes up for the units that are off, the gradient's size stays roughly constant across layers (section 6).
# <!-- END SOLUTION -->

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Further reading
#
# - D. E. Rumelhart, G. E. Hinton and R. J. Williams, "Learning representations by back-propagating errors", *Nature*, 1986.
# - I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT Press, 2016, section 6.5 "Back-Propagation and Other Differentiation Algorithms".
# - M. Nielsen, *Neural Networks and Deep Learning*, chapter 2 "How the backpropagation algorithm works" and chapter 5 "Why are deep neural networks hard to train?".
# - X. Glorot and Y. Bengio, "Understanding the difficulty of training deep feedforward neural networks", AISTATS, 2010.
# - A. Karpathy, "Yes you should understand backprop", 2016, and the *micrograd* project.
