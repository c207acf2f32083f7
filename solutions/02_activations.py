# %% [markdown] slideshow={"slide_type": "slide"}
# # 02 · Activation functions
#
# Chapter 01 ended with a network of step units that solves XOR, but whose weights we had to choose by hand: the step function gives no slope to learn from.
# This chapter replaces the step by *activation functions* that are nonlinear **and** have useful derivatives.
#
# **What you will learn**
#
# - why a network needs a nonlinearity at all: a stack of linear layers is one linear layer;
# - the step, sigmoid, tanh, ReLU, Leaky ReLU, PReLU and ELU activations: for each its formula, derivative, range, where it is used and what it costs;
# - why the sigmoid saturates and is not zero-centred, why tanh is better but still saturates, and how ReLU units can "die";
# - why Leaky ReLU is as able to learn complex boundaries as ReLU (a common misconception says otherwise);
# - softmax for the output layer: the worked example, why the naive formula overflows and how to fix it, and what a temperature does;
# - when to use independent sigmoids (several labels at once) and when softmax (exactly one class).
#
# **Prerequisites**: chapter 00 (shapes, broadcasting, `keepdims`) and chapter 01 (the perceptron, the step function, XOR). First-year calculus: the chain rule and the derivative of $e^x$.
#
# You will write seven small functions, each followed by a check cell. All of them work on whole arrays at once: no Python loop over entries.

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np

from utils import nn
from utils.checks import check
from utils.data import moons
from utils.plots import (
    plot_activation,
    plot_curves,
    plot_decision_regions,
    plot_matrices,
    plot_probabilities,
)
from utils.widgets import activation_explorer, softmax_temperature_explorer

SEED = 2
rng = np.random.default_rng(SEED)
np.set_printoptions(precision=4, suppress=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. Why a nonlinearity?
#
# A *linear layer* maps a batch $X$ of shape $(N, D)$ to $H = XW + b$, with $W$ of shape $(D, M)$ and $b$ of shape $(M,)$ broadcast to every row.
# Stack two of them, the second with $W_2$ of shape $(M, K)$ and $b_2$ of shape $(K,)$, and expand:
#
# $$Y = H W_2 + b_2 = (X W_1 + b_1) W_2 + b_2 = X \underbrace{(W_1 W_2)}_{W,\ (D, K)} + \underbrace{(b_1 W_2 + b_2)}_{b,\ (K,)} .$$
#
# The two layers compute exactly what **one** linear layer with $W = W_1 W_2$ and $b = b_1 W_2 + b_2$ computes.
# By induction, so do ten layers, or a hundred: depth buys nothing without something nonlinear between the layers.
# The cell below checks this on a batch of $N = 4$ inputs with $D = 2$, $M = 3$, $K = 2$.

# %%
X_small = rng.standard_normal((4, 2))  # (N, D) = (4, 2)
W1, b1 = rng.standard_normal((2, 3)), rng.standard_normal(3)  # (D, M), (M,)
W2, b2 = rng.standard_normal((3, 2)), rng.standard_normal(2)  # (M, K), (K,)
two_layers = (X_small @ W1 + b1) @ W2 + b2  # (4, 2)
W_one, b_one = W1 @ W2, b1 @ W2 + b2  # (2, 2) and (2,)
one_layer = X_small @ W_one + b_one
print("two linear layers:\n", two_layers)
print("one linear layer with W = W1 W2, b = b1 W2 + b2:\n", one_layer)
print("largest difference:", nn.describe_error(np.abs(two_layers - one_layer), below=1e-12))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The same collapse, drawn: a $(2, 3)$ matrix times a $(3, 2)$ matrix is a single $(2, 2)$ matrix, whatever the hidden size 3 is.

# %%
plot_matrices([(W1, "$W_1$"), (W2, "$W_2$"), (W_one, "$W = W_1 W_2$")], fmt="{:.2f}")
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What a nonlinearity between the layers changes
#
# Take one input $x$ (so $D = 1$), two hidden layers of 16 units and one output, all with the same random weights.
# The only difference between the three curves below is the function $f$ applied after each hidden layer: $H = f(XW + b)$.
# With $f(z) = z$ (no activation) the output is a straight line in $x$, as the algebra above says.
# With ReLU or tanh the same weights produce a curve with bends; more units give more bends, and training (chapters 04 and 05) chooses where they go.

# %%
x_line = np.linspace(-3, 3, 301)[:, None]  # (T, 1): T inputs with one feature each
Ws = [rng.standard_normal((1, 16)), rng.standard_normal((16, 16)) / 4, rng.standard_normal((16, 1)) / 2]
bs = [rng.standard_normal(16), rng.standard_normal(16) / 4, np.zeros(1)]


def tiny_network(x, f):
    """Output (T,) of the 1 -> 16 -> 16 -> 1 network above, with activation f after each hidden layer."""
    h = f(x @ Ws[0] + bs[0])  # (T, 16)
    h = f(h @ Ws[1] + bs[1])  # (T, 16)
    return (h @ Ws[2] + bs[2])[:, 0]  # (T,)


curves = {name: tiny_network(x_line, f) for name, f in
          (("no activation (linear)", lambda z: z), ("ReLU", nn.relu), ("tanh", nn.tanh))}
plot_curves(x_line[:, 0], curves, xlabel="input $x$", ylabel="network output",
            title="Same weights, three choices of activation")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# In chapter 01 the nonlinearity was the step: without it, the hidden layer of the XOR network would have been useless, since no linear function of $x$ computes XOR.
# But the step's derivative is 0 everywhere it exists, so it gives training no signal.
# We want functions that are nonlinear **and** have useful slopes.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. The step function: nonlinear, but no slope
#
# $$\operatorname{step}(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases} \qquad \operatorname{step}'(x) = 0 \ \text{ for } x \neq 0 \ (\text{undefined at } 0).$$
#
# - **Range**: $\{0, 1\}$.
# - **Where used**: Rosenblatt's perceptron (chapter 01); never in networks trained by gradient descent.
# - **Cost**: one comparison.
#
# Training (chapter 04) changes each weight in proportion to the derivative of the loss with respect to that weight, and the chain rule multiplies in the activation's derivative.
# With the step that factor is 0: a small change of a weight changes no output, so the loss does not move and there is no direction to follow.
# In every figure of this chapter, the solid line is $f$ and the dashed line is its derivative $f'$.

# %%
plot_activation("step", title="step: the derivative is 0 wherever it exists")
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. The sigmoid
#
# $$\sigma(x) = \frac{1}{1 + e^{-x}}, \qquad \sigma'(x) = \sigma(x)\,\bigl(1 - \sigma(x)\bigr).$$
#
# **The derivative, step by step.** Write $\sigma = (1 + e^{-x})^{-1}$. The chain rule gives
# $\sigma' = -(1 + e^{-x})^{-2} \cdot (-e^{-x}) = \frac{e^{-x}}{(1 + e^{-x})^2} = \frac{1}{1 + e^{-x}} \cdot \frac{e^{-x}}{1 + e^{-x}} = \sigma \cdot (1 - \sigma)$,
# because $\frac{e^{-x}}{1 + e^{-x}} = 1 - \frac{1}{1 + e^{-x}}$.
# So the derivative is computed from the output alone, which is why a backward pass can cache $\sigma(x)$ instead of $x$.
#
# - **Range**: $(0, 1)$, with $\sigma(0) = 0.5$: a smooth version of the step, read as a probability.
# - **Derivative**: at most $0.25$, at $x = 0$ (where $\sigma(1 - \sigma) = 0.5 \cdot 0.5$); nearly 0 once $|x|$ is more than about 5.
# - **Where used**: the output of a binary classifier and of multi-label classifiers (section 10); gates inside LSTM and GRU cells. It was the standard hidden activation before about 2010, no longer.
# - **Cost**: one exponential and one division per entry.

# %%
plot_activation("sigmoid", title="sigmoid: range (0, 1), slope at most 0.25")
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The sigmoid saturates
#
# Far from 0 the curve is flat: the unit is *saturated*, its output hardly changes whatever its input does, and its derivative is close to 0.
# A gradient flowing back through a saturated unit is multiplied by that tiny derivative, so the weights before it barely learn.

# %%
for x_val in (0.0, 2.0, 5.0, 10.0):
    x_arr = np.array([x_val])
    print(f"x = {x_val:4.1f}:  sigma(x) = {nn.sigmoid(x_arr)[0]:.6f},  "
          f"sigma'(x) = {nn.sigmoid_derivative(x_arr)[0]:.6f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The sigmoid is not zero-centred
#
# Its outputs are always positive, centred around 0.5.
# Suppose a layer's inputs $h_1, \dots, h_M$ all come from sigmoids, and the layer computes $z = h \cdot w + b$.
# Then $\frac{\partial L}{\partial w_j} = \delta \, h_j$, where $\delta = \frac{\partial L}{\partial z}$ is one number for this sample.
# Since every $h_j > 0$, **all** the components of this sample's gradient have the sign of $\delta$: an update computed from one sample can only increase every weight of the unit, or decrease every one.
# To move one weight up and another down, the updates must zig-zag across several steps, which slows training.
# The argument holds per sample (or for a batch whose samples' $\delta$ all have the same sign): a mini-batch gradient is the mean of the per-sample gradients, and when the samples' $\delta$ have both signs its components can have both signs too (the last line below).
# tanh outputs (next section) have both signs, so even one sample's gradient can have components of both signs.

# %%
z_prev = rng.standard_normal(6)  # pre-activations of the previous layer, one sample
delta = -0.8  # dL/dz of the unit, for this sample
print("sigmoid inputs h:", nn.sigmoid(z_prev), "-> gradient signs:", np.sign(delta * nn.sigmoid(z_prev)))
print("tanh inputs h:   ", nn.tanh(z_prev), "-> gradient signs:", np.sign(delta * nn.tanh(z_prev)))
H_pair = nn.sigmoid(np.array([[2.0, -1.0, 0.5], [-1.5, 1.0, 0.0]]))  # sigmoid inputs of 2 samples
deltas = np.array([-0.8, 0.6])  # dL/dz of the unit for each sample
print("mini-batch of 2 samples, deltas -0.8 and +0.6 -> signs of the mean gradient:",
      np.sign(deltas @ H_pair / 2))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Computing the sigmoid without overflow
#
# The textbook formula breaks for large negative inputs: at $x = -1000$ it needs $e^{1000}$, far above the largest float64 (about $1.8 \times 10^{308}$), so NumPy returns `inf` with an overflow warning.
# The final answer $1 / (1 + \infty) = 0$ happens to be right, but the warning is real, and the same `inf` in the derivative gives $\infty / \infty$, that is `nan`.
# Below, `np.errstate(over="raise")` turns the overflow into an error so we can print it as a message.

# %%
x_extreme = np.array([-1000.0, 0.0, 1000.0])
try:
    with np.errstate(over="raise"):
        naive = 1.0 / (1.0 + np.exp(-x_extreme))
except FloatingPointError as err:
    print("naive 1 / (1 + exp(-x)) at x = -1000:", err)
print("utils.nn.sigmoid:", nn.sigmoid(x_extreme))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 1: an overflow-safe sigmoid
#
# Write `sigmoid(x)` for an array `x` of any shape; return an array of the same shape.
# The trick is to never give `np.exp` a positive argument. With $e = e^{-|x|}$, which lies in $(0, 1]$:
#
# $$\sigma(x) = \frac{1}{1 + e} \ \text{ if } x \ge 0, \qquad \sigma(x) = \frac{e^{x}}{1 + e^{x}} = \frac{e}{1 + e} \ \text{ if } x < 0 .$$
#
# Both forms are equal to $\frac{1}{1 + e^{-x}}$ (for $x < 0$, multiply its numerator and denominator by $e^x$).
# Careful: `np.where(cond, a, b)` computes **both** `a` and `b` on every entry before choosing, so an `np.exp(x)` inside one branch still sees $x = +1000$.
# The check feeds inputs down to $-1000$ and up to $+1000$ and treats any overflow as an error.

# %% tags=["exercise"] exercise_id="ex02_sigmoid" slideshow={"slide_type": "fragment"}
def sigmoid(x):
    """Logistic sigmoid 1 / (1 + exp(-x)), elementwise, without overflow for any x.

    Parameters
    ----------
    x : numpy.ndarray of float, any shape

    Returns
    -------
    numpy.ndarray of float, same shape as x, entries in [0, 1]
    """
    ### BEGIN SOLUTION
    e = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    ### END SOLUTION


# %% tags=["check"]
check("ex02_sigmoid", sigmoid)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. tanh
#
# $$\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}} = 2\,\sigma(2x) - 1, \qquad \tanh'(x) = 1 - \tanh^2(x).$$
#
# tanh is a sigmoid stretched to $(-1, 1)$ and squeezed horizontally (the identity is checked in the next cell).
#
# - **Range**: $(-1, 1)$ and $\tanh(0) = 0$: **zero-centred**, so the next layer's inputs have both signs.
# - **Derivative**: at most $1$, at $x = 0$: four times the sigmoid's best. Like $\sigma'$, it is computed from the output: $1 - t^2$ with $t = \tanh(x)$.
# - **Still saturates**: for $|x| > 3$ the curve is flat and the derivative is below 0.01.
# - **Where used**: hidden layers of recurrent networks (RNN, LSTM) and small MLPs; outputs that must lie in $(-1, 1)$.
# - **Cost**: about one exponential per entry (NumPy's `np.tanh`), like the sigmoid.

# %%
x_check = np.linspace(-4, 4, 9)
print("tanh(x)          :", nn.tanh(x_check))
print("2 sigma(2x) - 1  :", 2 * nn.sigmoid(2 * x_check) - 1)

# %% [markdown] slideshow={"slide_type": "subslide"}
# Left: tanh and its derivative. Right: the two derivatives side by side; tanh's peak is 1, the sigmoid's 0.25, and both vanish away from 0.

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
plot_activation("tanh", ax=axes[0], title="tanh: range (-1, 1), slope at most 1")
x_plot = np.linspace(-6, 6, 401)
plot_curves(x_plot, {"sigmoid'(x)": nn.sigmoid_derivative(x_plot), "tanh'(x)": nn.tanh_derivative(x_plot)},
            ax=axes[1], xlabel="input $x$", ylabel="derivative", title="Both derivatives vanish for large |x|")
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Saturation compounds with depth
#
# Backpropagation (chapter 05) multiplies one activation derivative per layer.
# Even in the sigmoid's best case, every input exactly 0, $L$ layers multiply the gradient by $0.25^L$: after 10 layers, about $10^{-6}$.
# The figure also follows a gradient through layers whose pre-activations are random draws from $\mathcal{N}(0, 1)$: tanh loses much less, but still shrinks.
# This is the *vanishing gradient* problem; ReLU (next section) has derivative exactly 1 on its active side.

# %%
depth = np.arange(1, 21)
z_layers = rng.standard_normal(20)  # one pre-activation per layer
plot_curves(depth, {"sigmoid, best case: $0.25^L$": 0.25 ** depth,
                    "sigmoid, random inputs": np.cumprod(nn.sigmoid_derivative(z_layers)),
                    "tanh, random inputs": np.cumprod(nn.tanh_derivative(z_layers)),
                    "ReLU, active units: $1^L$": np.ones(20)},
            logy=True, marker="o", xlabel="number of layers $L$",
            ylabel="product of derivatives", title="How much gradient survives L layers")
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 2: the derivative of tanh
#
# Write `tanh_derivative(x)`: for `x` of any shape return $1 - \tanh^2(x)$, same shape.
# Mind the difference between $x$ (the input) and $t = \tanh(x)$ (the output): the formula uses the output.
# `np.tanh` is allowed. The check includes $x = \pm 1000$ and treats overflow as an error.

# %% tags=["exercise"] exercise_id="ex02_tanh_derivative" slideshow={"slide_type": "fragment"}
def tanh_derivative(x):
    """Derivative of tanh at x: 1 - tanh(x)**2, elementwise.

    Parameters
    ----------
    x : numpy.ndarray of float, any shape

    Returns
    -------
    numpy.ndarray of float, same shape as x, entries in [0, 1]
    """
    ### BEGIN SOLUTION
    t = np.tanh(x)  # the output of tanh, in [-1, 1] for every x
    return 1.0 - t * t
    ### END SOLUTION


# %% tags=["check"]
check("ex02_tanh_derivative", tanh_derivative)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. ReLU, the rectified linear unit
#
# $$\operatorname{relu}(x) = \max(x, 0), \qquad \operatorname{relu}'(x) = \begin{cases} 1 & x > 0 \\ 0 & x < 0 \end{cases}$$
#
# At exactly $x = 0$ the function has a corner and no derivative; we must pick a value, and this course (like PyTorch and `utils.nn`) picks **0**.
#
# - **Range**: $[0, \infty)$.
# - **Derivative**: 0 or 1. No saturation for $x > 0$: a gradient passes through an active unit unchanged.
# - **Where used**: the default hidden activation of MLPs and convolutional networks since about 2011.
# - **Cost**: one comparison per entry, no exponential: the cheapest of all except the step.
# - **Weak point**: for $x < 0$ the derivative is 0. A unit whose input is negative for **every** training example never receives a gradient again: a *dead* unit (below).

# %%
plot_activation("relu", title="ReLU: slope 1 for x > 0, 0 for x < 0")
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Backward through ReLU
#
# In a network, ReLU is applied entrywise to a pre-activation array $x$ (say $(N, M)$), giving $\mathrm{out} = \max(x, 0)$.
# The backward pass receives $\mathrm{dout} = \partial L / \partial \mathrm{out}$, same shape, and returns $\mathrm{dx} = \partial L / \partial x$.
# Each output entry depends only on the same input entry, so the chain rule works entry by entry:
#
# $$\mathrm{dx} = \mathrm{dout} \odot \operatorname{relu}'(x) = \mathrm{dout} \odot [x > 0],$$
#
# where $\odot$ is the entrywise product and $[x > 0]$ is 1 where $x > 0$ and 0 elsewhere.
# The gradient passes unchanged where the unit was active and is blocked where it was not.
#
# ### Exercise 3: ReLU's backward pass
#
# Write `relu_backward(dout, x)`: `dout` and `x` have the same shape (any shape); return `dx` of that shape.
# Remember the convention: the gradient does **not** pass where $x = 0$ exactly.

# %% tags=["exercise"] exercise_id="ex02_relu_backward" slideshow={"slide_type": "fragment"}
def relu_backward(dout, x):
    """Gradient of the loss with respect to ReLU's input.

    Parameters
    ----------
    dout : numpy.ndarray of float, any shape
        Gradient of the loss with respect to relu(x).
    x : numpy.ndarray of float, same shape as dout
        The input of the forward pass.

    Returns
    -------
    dx : numpy.ndarray of float, same shape as x
        dout where x > 0, else 0 (also 0 at x == 0 exactly).
    """
    ### BEGIN SOLUTION
    return dout * (x > 0)
    ### END SOLUTION


# %% tags=["check"]
check("ex02_relu_backward", relu_backward)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A dead ReLU unit
#
# Below, a network with one hidden layer of 8 ReLU units learns the two-moons data set (200 points, two classes).
# It is built from the library's layers (`nn.Linear` starts from random weights drawn by He initialization) and trained by `nn.fit` with plain SGD; take them as a black box for now: chapter 04 writes the training loop, chapter 05 the backward pass, chapter 06 the optimizers and chapter 07 explains how the starting weights are drawn.
# We simulate what a too-large update can do: the bias of hidden unit 0 is set to $-20$, so its pre-activation $z_0 = x \cdot w_0 + b_0$ is negative for every training point.
# Its output is then 0 on every point, its derivative is 0 on every point, and so the gradients of $w_0$ and $b_0$ are exactly 0: training never changes them.
# The same experiment with Leaky ReLU (next section) keeps a small gradient flowing.

# %%
X_moons, y_moons = moons(200, noise=0.15, rng=rng)  # X: (200, 2), y: (200,) labels 0/1


def dead_unit_run(activation, seed=7):
    """Train 2 -> 8 -> 2 with unit 0's bias at -20; return (z0 before training, change of each unit's weights)."""
    r = np.random.default_rng(seed)
    model = nn.Sequential(nn.Linear(2, 8, rng=r), activation, nn.Linear(8, 2, rng=r))
    model[0].params["b"][0] = -20.0
    W_start = model[0].params["W"].copy()
    z0 = X_moons @ W_start[:, 0] + model[0].params["b"][0]  # unit 0's pre-activation, (200,)
    nn.fit(model, X_moons, y_moons, optimizer=nn.SGD(model, lr=0.1), epochs=40, batch_size=20, rng=r)
    return z0, np.abs(model[0].params["W"] - W_start).max(axis=0)  # (8,)


z0, change_relu = dead_unit_run(nn.ReLU())
_, change_leaky = dead_unit_run(nn.LeakyReLU(0.01))
print(f"unit 0's pre-activation on the data: from {z0.min():.1f} to {z0.max():.1f} (always < 0)")
print("largest weight change per hidden unit, ReLU      :", change_relu)
print("largest weight change per hidden unit, Leaky ReLU:", change_leaky)

# %% [markdown] slideshow={"slide_type": "subslide"}
# With ReLU, unit 0's weights changed by exactly 0 in 40 epochs, while every other unit learned.
# With Leaky ReLU the dead-looking unit still moves: slowly (its gradient is scaled by $\alpha = 0.01$), but it can come back.
# Real dead units appear the same way, after a large update or a bad initialisation; a high learning rate can kill a sizeable fraction of a ReLU layer.

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
axes[0].hist(z0, bins=np.linspace(-22, 2, 49), color="C0", edgecolor="k")
axes[0].axvline(0, color="k", linestyle="--", label="ReLU's kink at 0")
axes[0].set(xlabel="pre-activation $z_0$ of unit 0", ylabel="number of points",
            title="Unit 0 is negative on every point")
axes[0].legend()
units = np.arange(8)
axes[1].bar(units - 0.2, change_relu, width=0.4, label="ReLU")
axes[1].bar(units + 0.2, change_leaky, width=0.4, label="Leaky ReLU (0.01)")
axes[1].set(xlabel="hidden unit", ylabel="largest |change| of its weights",
            title="After 40 epochs: unit 0 never moved under ReLU")
axes[1].set_yscale("symlog", linthresh=1e-3)
axes[1].set_ylim(0, 30)  # room for the legend above the bars
axes[1].legend(loc="upper left")
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Leaky ReLU and PReLU
#
# Leaky ReLU keeps a small slope $\alpha$ for negative inputs, so no unit is ever completely dead:
#
# $$\operatorname{leaky}(x) = \begin{cases} x & x > 0 \\ \alpha x & x \le 0 \end{cases} \qquad \operatorname{leaky}'(x) = \begin{cases} 1 & x > 0 \\ \alpha & x \le 0 \end{cases} \qquad \alpha = 0.01 \text{ by default.}$$
#
# - **Range**: $(-\infty, \infty)$.
# - **Derivative**: 1 or $\alpha$ (never 0 for $\alpha > 0$; we take $\alpha$ at $x = 0$).
# - **Where used**: in place of ReLU when dead units are a problem, e.g. GAN discriminators (often with $\alpha = 0.2$).
# - **Cost**: a comparison and a multiplication per entry.
#
# With $\alpha = 0.01$ the negative side is hard to tell from ReLU's at a glance; with $\alpha = 0.2$ it is obvious.

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
plot_activation("leaky_relu", alpha=0.01, ax=axes[0])
plot_activation("leaky_relu", alpha=0.2, ax=axes[1])
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 4: Leaky ReLU
#
# Write `leaky_relu(x, alpha=0.01)`: for `x` of any shape return $x$ where $x > 0$ and $\alpha x$ elsewhere, same shape.
# The default slope must be $0.01$; the check also calls it with other values of `alpha`.

# %% tags=["exercise"] exercise_id="ex02_leaky_relu" slideshow={"slide_type": "fragment"}
def leaky_relu(x, alpha=0.01):
    """Leaky ReLU: x where x > 0, alpha * x elsewhere, elementwise.

    Parameters
    ----------
    x : numpy.ndarray of float, any shape
    alpha : float
        Slope for negative inputs, >= 0.

    Returns
    -------
    numpy.ndarray of float, same shape as x
    """
    ### BEGIN SOLUTION
    return np.where(x > 0, x, alpha * x)
    ### END SOLUTION


# %% tags=["check"]
check("ex02_leaky_relu", leaky_relu)

# %% [markdown] slideshow={"slide_type": "subslide"}
# > **Common misconception.**
# > "Leaky ReLU is linear for negative inputs, so a network using it cannot classify complex data."
# >
# > This is wrong. Leaky ReLU is *piecewise* linear: linear on each side of 0, with a bend at 0. ReLU is piecewise linear in exactly the same way (its negative piece is the line $0 \cdot x$).
# > What makes a network nonlinear is the bend, not curvature inside the pieces: summing many bent units, each bending at a different place in input space, builds any shape.
# > Networks with one hidden layer of ReLU or Leaky ReLU units (indeed of any non-polynomial activation) are *universal approximators*: with enough units they approximate any continuous function on a bounded region as closely as you like (Leshno et al., 1993).
# > The only slope that would break this is $\alpha = 1$, which makes the function $f(x) = x$, with no bend at all.
#
# The cell below trains three networks with the same shape (2 -> 16 -> 16 -> 2) on the two moons with `utils.nn.fit`: without activations, with ReLU and with Leaky ReLU ($\alpha = 0.01$).

# %%
def moons_network(make_activation, seed=1):
    r = np.random.default_rng(seed)
    layers = [nn.Linear(2, 16, rng=r), make_activation(), nn.Linear(16, 16, rng=r), make_activation(),
              nn.Linear(16, 2, rng=r)]
    return nn.Sequential(*[layer for layer in layers if layer is not None])


trained = {}
for name, make in (("no activation", lambda: None), ("ReLU", nn.ReLU), ("Leaky ReLU (0.01)", lambda: nn.LeakyReLU(0.01))):
    model = moons_network(make)
    history = nn.fit(model, X_moons, y_moons, optimizer=nn.SGD(model, lr=0.1), epochs=200, batch_size=20,
                     rng=np.random.default_rng(3), metric=nn.accuracy)
    trained[name] = model
    print(f"{name:18s}: training accuracy {history['train_metric'][-1]:.3f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The network without activations collapses to one linear layer and draws a straight line.
# ReLU and Leaky ReLU both bend the boundary around the moons, and look almost the same.
# Look closely at the black boundary: it is made of straight segments joined at corners. Both networks compute piecewise linear functions, with a corner wherever some unit switches sides, and enough corners follow any curve.

# %%
fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
for ax, (name, model) in zip(axes, trained.items(), strict=True):
    plot_decision_regions(lambda P, m=model: nn.softmax(m(P))[:, 1], X_moons, y_moons, ax=ax, title=name)
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### PReLU: learn the slope
#
# PReLU (parametric ReLU) is Leaky ReLU whose slope is a **parameter**, learned by gradient descent like a weight.
# For a layer of $D$ features, there is one slope per feature: $\alpha$ has shape $(D,)$ and is shared by all $N$ rows of the batch.
# For an input $x$ of shape $(N, D)$:
#
# $$\mathrm{out}_{nj} = \begin{cases} x_{nj} & x_{nj} > 0 \\ \alpha_j\, x_{nj} & x_{nj} \le 0 \end{cases}$$
#
# - **Range**: $(-\infty, \infty)$. **Derivative** with respect to $x$: 1 or $\alpha_j$, as for Leaky ReLU.
# - **Where used**: He et al. (2015) used it in the ImageNet network that first beat human-level error on that benchmark; less common today.
# - **Cost**: as Leaky ReLU, plus $D$ parameters and their gradient.
#
# **The gradient of the slope.** $\frac{\partial\, \mathrm{out}_{nj}}{\partial \alpha_j} = x_{nj}$ where $x_{nj} \le 0$, and $0$ elsewhere. Since $\alpha_j$ is used by every row, the chain rule adds up the contributions of all rows:
#
# $$\frac{\partial L}{\partial \alpha_j} = \sum_{n=1}^{N} \mathrm{dout}_{nj}\; x_{nj}\; [x_{nj} \le 0], \qquad \frac{\partial L}{\partial x_{nj}} = \mathrm{dout}_{nj} \cdot \begin{cases} 1 & x_{nj} > 0 \\ \alpha_j & x_{nj} \le 0 \end{cases}$$
#
# ### Exercise 5: PReLU's backward pass
#
# Write `prelu_backward(dout, x, alpha)` with `dout` and `x` of shape $(N, D)$ and `alpha` of shape $(D,)$.
# Return the pair `(dx, dalpha)`: `dx` of shape $(N, D)$ and `dalpha` of shape $(D,)$.
# The check compares with `utils.nn.prelu_backward` and with a numerical gradient (central differences).

# %% tags=["exercise"] exercise_id="ex02_prelu_backward" slideshow={"slide_type": "fragment"}
def prelu_backward(dout, x, alpha):
    """Gradients of PReLU with respect to its input and its slopes.

    Parameters
    ----------
    dout : numpy.ndarray of float, shape (N, D)
        Gradient of the loss with respect to the output.
    x : numpy.ndarray of float, shape (N, D)
        The input of the forward pass.
    alpha : numpy.ndarray of float, shape (D,)
        One slope per feature.

    Returns
    -------
    dx : numpy.ndarray of float, shape (N, D)
        dout where x > 0, alpha * dout where x <= 0.
    dalpha : numpy.ndarray of float, shape (D,)
        Sum over the batch of dout * x where x <= 0.
    """
    ### BEGIN SOLUTION
    negative = x <= 0  # (N, D)
    dx = np.where(negative, alpha * dout, dout)  # alpha (D,) broadcasts over the N rows
    dalpha = (dout * x * negative).sum(axis=0)  # (N, D) -> (D,)
    return dx, dalpha
    ### END SOLUTION


# %% tags=["check"]
check("ex02_prelu_backward", prelu_backward)

# %% [markdown] slideshow={"slide_type": "subslide"}
# The same numerical check by hand, on the library's kernels: the loss $L = \sum_{n,j} \mathrm{dout}_{nj}\,\mathrm{out}_{nj}$ has exactly `dout` as its gradient with respect to the output, so its gradient with respect to $\alpha$ must be `dalpha`.

# %%
x_p, dout_p, alpha_p = rng.standard_normal((5, 3)), rng.standard_normal((5, 3)), np.array([0.25, 0.1, 0.5])
_, dalpha_p = nn.prelu_backward(dout_p, (x_p, alpha_p))
dalpha_num = nn.numerical_gradient(lambda a: float(np.sum(dout_p * nn.prelu_forward(x_p, a)[0])), alpha_p.copy())
print("analytic dalpha :", dalpha_p)
print("numerical dalpha:", dalpha_num)
print(f"largest relative error: {nn.describe_error(nn.rel_error(dalpha_p, dalpha_num))}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Trained on the moons (2 -> 8 -> 2, `nn.PReLU(8)` with every slope starting at 0.25), each hidden unit learns its own slope.
# The figure draws the eight learned activation functions.
# Nothing keeps a learned slope positive: a unit with $\alpha < 0$ outputs positive values on both sides of 0 (a V shape when $\alpha = -1$), which the network is free to use.

# %%
r_p = np.random.default_rng(5)
prelu_model = nn.Sequential(nn.Linear(2, 8, rng=r_p), nn.PReLU(8), nn.Linear(8, 2, rng=r_p))
nn.fit(prelu_model, X_moons, y_moons, optimizer=nn.SGD(prelu_model, lr=0.1), epochs=100, batch_size=20, rng=r_p)
learned_alpha = prelu_model[1].params["alpha"]
print("learned slopes:", learned_alpha)
x_plot = np.linspace(-3, 2, 201)
ax = plot_curves(x_plot, {f"unit {j}: alpha = {a:.2f}": np.where(x_plot > 0, x_plot, a * x_plot)
                          for j, a in enumerate(learned_alpha)},
                 xlabel="input $x$", ylabel="output", title="PReLU: eight learned slopes (all started at 0.25)")
ax.legend(ncol=2, fontsize=9, loc="lower right")
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. ELU, the exponential linear unit
#
# $$\operatorname{elu}(x) = \begin{cases} x & x > 0 \\ \alpha\,(e^{x} - 1) & x \le 0 \end{cases} \qquad \operatorname{elu}'(x) = \begin{cases} 1 & x > 0 \\ \alpha\, e^{x} = \operatorname{elu}(x) + \alpha & x \le 0 \end{cases} \qquad \alpha = 1 \text{ by default.}$$
#
# - **Range**: $(-\alpha, \infty)$: negative outputs are allowed but bounded, so the mean activation is closer to 0 than ReLU's.
# - **Smooth below zero**: no corner for $x < 0$; with $\alpha = 1$ even the derivative is continuous at 0 (both sides give 1).
# - **Saturates only on the negative side**, to $-\alpha$: a very negative input gives a small derivative $\alpha e^x$, but never exactly 0.
# - **Where used**: MLPs and CNNs where it trains a little faster than ReLU (Clevert et al., 2015); SELU, a scaled variant, in self-normalising networks.
# - **Cost**: one exponential for negative inputs: more than ReLU, like the sigmoid.

# %%
x_plot = np.linspace(-4, 2, 301)
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
plot_activation("elu", alpha=1.0, ax=axes[0])
plot_curves(x_plot, {"ReLU": nn.relu(x_plot), "Leaky ReLU (0.1)": nn.leaky_relu(x_plot, 0.1), "ELU (1.0)": nn.elu(x_plot)},
            ax=axes[1], xlabel="input $x$", ylabel="output", title="Below zero: flat, straight, smooth")
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 6: ELU, without overflow
#
# Write `elu(x, alpha=1.0)` for `x` of any shape, same shape out.
# The negative branch contains $e^x$, and `np.where` evaluates it on **every** entry, including $x = +1000$, where $e^{1000}$ overflows.
# Give the exponential only non-positive numbers, for instance `np.minimum(x, 0)`: where $x > 0$ that branch is thrown away anyway.
# (`np.expm1(z)` computes $e^z - 1$ accurately for tiny $z$; plain `np.exp(z) - 1` is fine too.)

# %% tags=["exercise"] exercise_id="ex02_elu" slideshow={"slide_type": "fragment"}
def elu(x, alpha=1.0):
    """ELU: x where x > 0, alpha * (exp(x) - 1) elsewhere, elementwise, without overflow.

    Parameters
    ----------
    x : numpy.ndarray of float, any shape
    alpha : float
        Value the output tends to (as -alpha) for very negative x, > 0.

    Returns
    -------
    numpy.ndarray of float, same shape as x
    """
    ### BEGIN SOLUTION
    negative_part = alpha * np.expm1(np.minimum(x, 0.0))  # exp sees only numbers <= 0
    return np.where(x > 0, x, negative_part)
    ### END SOLUTION


# %% tags=["check"]
check("ex02_elu", elu)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8. All the activations, side by side
#
# | | formula | derivative | range | where used | cost per entry |
# |:--|:--|:--|:--|:--|:--|
# | step | $[x > 0]$ | 0 | $\{0, 1\}$ | perceptron only | comparison |
# | sigmoid | $1 / (1 + e^{-x})$ | $\sigma (1 - \sigma) \le 0.25$ | $(0, 1)$ | binary / multi-label outputs, gates | exp + division |
# | tanh | $\tanh x$ | $1 - \tanh^2 x \le 1$ | $(-1, 1)$ | RNN hidden layers | exp(s) + division |
# | ReLU | $\max(x, 0)$ | 1 or 0 | $[0, \infty)$ | default hidden layers | comparison |
# | Leaky ReLU | $x$ or $\alpha x$ | 1 or $\alpha$ | $(-\infty, \infty)$ | hidden layers, GANs | comparison + multiply |
# | PReLU | $x$ or $\alpha_j x$, $\alpha$ learned | 1 or $\alpha_j$; $\partial / \partial \alpha_j = x$ for $x \le 0$ | $(-\infty, \infty)$ | deep CNNs | as Leaky, + $D$ parameters |
# | ELU | $x$ or $\alpha (e^x - 1)$ | 1 or $\alpha e^x$ | $(-\alpha, \infty)$ | hidden layers | exp for $x \le 0$ |
# | softmax | $e^{z_k} / \sum_j e^{z_j}$ per row | $p_k (\delta_{kj} - p_j)$ | $(0, 1)$, rows sum to 1 | exclusive-class outputs | $C$ exps + sum + division |
#
# The grid below draws the seven elementwise ones, $f$ solid and $f'$ dashed, on the same axes.

# %%
fig, axes = plt.subplots(2, 4, figsize=(16, 7))
for ax, name in zip(axes.flat, ("step", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu"), strict=False):
    plot_activation(name, ax=ax)
axes.flat[-1].axis("off")
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Try it: f and f' together
#
# Choose an activation in the dropdown; the `alpha` slider sets the slope of Leaky ReLU and PReLU and the $\alpha$ of ELU, and the `x` slider marks a point with the tangent of $f$ there.
# Things to try:
#
# - put `x` at 4 on the sigmoid and on tanh: the tangent is almost flat (saturation); do the same on ReLU;
# - on Leaky ReLU, take `alpha` from 0 (ReLU) up to 1 (the identity, no bend left);
# - on ELU, compare the slopes just left and right of 0 for `alpha` = 1 and `alpha` = 0.5.

# %% tags=["nbval-ignore-output"]
activation_explorer("leaky_relu")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 9. Softmax: scores to probabilities
#
# The output layer of a classifier with $C$ mutually exclusive classes gives one real *score* (or *logit*) $z_k$ per class.
# Softmax turns the scores into probabilities: exponentiate, then normalise.
#
# $$p_k = \operatorname{softmax}(z)_k = \frac{e^{z_k}}{\sum_{j=1}^{C} e^{z_j}}, \qquad k = 1, \dots, C.$$
#
# For a batch of scores $Z$ of shape $(N, C)$, softmax is applied to each **row** separately; every row of the result is positive and sums to 1.
#
# **Worked example.** An image classifier gives the scores cat $3.2$, car $5.1$, frog $-1.7$.

# %%
labels = ["cat", "car", "frog"]
scores = np.array([[3.2, 5.1, -1.7]])  # (N, C) = (1, 3)
exps = np.exp(scores)
probs = exps / exps.sum(axis=1, keepdims=True)
print("class | score |  exp(score) | probability")
for k, name in enumerate(labels):
    print(f"{name:5s} | {scores[0, k]:5.1f} | {exps[0, k]:11.4f} | {probs[0, k]:.4f}")
print(f"sum   |       | {exps.sum():11.4f} | {probs.sum():.4f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The scores can be any real numbers, negative included; the probabilities are all positive and sum to 1.
# The order is kept (car > cat > frog), but the gaps are exaggerated: a score only 1.9 higher gets $e^{1.9} \approx 6.7$ times the probability.
# That is where the name comes from: a *soft* version of the maximum (which would give car probability 1 and the others 0).

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
axes[0].bar(labels, scores[0], color="0.6", edgecolor="k")
axes[0].axhline(0, color="k", linewidth=0.8)
axes[0].set(ylabel="score $z_k$", title="Scores: any real numbers")
plot_probabilities(probs[0], labels, ax=axes[1], title="softmax: positive, sum to 1")
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Adding a constant changes nothing
#
# For any number $c$: $\frac{e^{z_k - c}}{\sum_j e^{z_j - c}} = \frac{e^{-c} e^{z_k}}{e^{-c} \sum_j e^{z_j}} = \frac{e^{z_k}}{\sum_j e^{z_j}}$.
# Softmax only sees the *differences* between scores.
# (Multiplying the scores by a constant does change the result: that is the temperature, further down.)

# %%
for c in (0.0, 100.0, -50.0):
    print(f"softmax(scores {c:+.1f}) =", nn.softmax(scores + c)[0])

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The derivative of softmax
#
# Each output depends on **all** the scores, so the derivative is a $C \times C$ matrix, the Jacobian:
#
# $$\frac{\partial p_k}{\partial z_j} = p_k\,(\delta_{kj} - p_j), \qquad \text{i.e.} \quad J = \operatorname{diag}(p) - p\,p^{\top},$$
#
# where $\delta_{kj}$ is 1 if $k = j$ and 0 otherwise. On the diagonal $p_k (1 - p_k)$, the sigmoid's formula; off it $-p_k p_j$: raising one score lowers every other probability.
# Each row of $J$ sums to 0, because the probabilities always sum to 1.
# In practice softmax is almost always followed by the cross-entropy loss, and the pair has a much simpler gradient (chapter 03).
# Below, the formula for the worked example, and a numerical check of its first row.

# %%
p = probs[0]  # (3,)
jacobian = np.diag(p) - np.outer(p, p)  # (3, 3): row k holds d p_k / d z_j
print("J =\n", jacobian)
print("row sums:", jacobian.sum(axis=1))
numeric_row0 = nn.numerical_gradient(lambda z: float(nn.softmax(z[None, :])[0, 0]), scores[0].copy())
print("row 0, numerically:", numeric_row0)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Numerical stability: subtract the row maximum
#
# Scores of a few hundred are common in an untrained or badly scaled network.
# At scores around 1000, $e^{1000}$ overflows to `inf`, and $\infty / \infty$ is `nan`.
# Since adding a constant changes nothing, subtract each row's maximum first: the largest exponent becomes $e^0 = 1$, and every other one lies in $[0, 1]$.

# %%
big_scores = np.array([[1000.0, 1001.0, 999.0]])
try:
    with np.errstate(over="raise", invalid="raise"):
        e_big = np.exp(big_scores)
        naive_probs = e_big / e_big.sum(axis=1, keepdims=True)
except FloatingPointError as err:
    print("naive softmax:", err)
shifted = big_scores - big_scores.max(axis=1, keepdims=True)  # [[-1, 0, -2]]
print("shifted scores:", shifted)
print("stable softmax:", np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 7: a stable softmax over rows
#
# Write `softmax(scores)` for `scores` of shape $(N, C)$: return probabilities of shape $(N, C)$, each row positive and summing to 1.
#
# $$P = \frac{e^{Z - m}}{\sum_{j} e^{Z_{:, j} - m}}, \qquad m = \text{the row maxima, shape } (N, 1).$$
#
# Use `keepdims=True` in both the max and the sum, so that the $(N, 1)$ results broadcast across each row.
# The check includes rows around $+1000$ and $-1000$, and square batches ($N = C$) where a wrong axis is easy to miss.

# %% tags=["exercise"] exercise_id="ex02_softmax" slideshow={"slide_type": "fragment"}
def softmax(scores):
    """Row-wise softmax, numerically stable.

    Parameters
    ----------
    scores : numpy.ndarray of float, shape (N, C)
        One row of C class scores per sample.

    Returns
    -------
    numpy.ndarray of float, shape (N, C)
        Positive entries; each row sums to 1.
    """
    ### BEGIN SOLUTION
    shifted = scores - scores.max(axis=1, keepdims=True)  # (N, C); each row's max becomes 0
    e = np.exp(shifted)  # in (0, 1]
    return e / e.sum(axis=1, keepdims=True)  # (N, C) / (N, 1)
    ### END SOLUTION


# %% tags=["check"]
check("ex02_softmax", softmax)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Temperature
#
# Dividing the scores by a *temperature* $T > 0$ before the softmax, $p = \operatorname{softmax}(z / T)$, controls how peaked the probabilities are:
#
# - $T = 1$: the plain softmax;
# - $T < 1$: the gaps grow, the largest score takes almost everything (as $T \to 0$, a one-hot vector: the hard maximum);
# - $T > 1$: the gaps shrink, the probabilities approach uniform ($1 / C$ each).
#
# The order of the classes never changes. Temperature is used to sample more or less adventurously from language models, and in knowledge distillation.

# %%
fig, axes = plt.subplots(1, 3, figsize=(14, 3.8))
for ax, T in zip(axes, (0.5, 1.0, 5.0), strict=True):
    plot_probabilities(nn.softmax(scores / T)[0], labels, ax=ax, title=f"T = {T}")
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Move the temperature slider (a log scale from 0.05 to 20). The status line gives the probabilities and their *entropy* $-\sum_k p_k \ln p_k$: 0 for a one-hot vector, $\ln 3 \approx 1.099$ for the uniform distribution over 3 classes.

# %% tags=["nbval-ignore-output"]
softmax_temperature_explorer((3.2, 5.1, -1.7), ("cat", "car", "frog"))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 10. Independent labels or exclusive classes?
#
# The two output activations answer different questions.
#
# - **Softmax**: exactly **one** of $C$ classes is true (a digit is a 3 *or* an 8). The probabilities compete: they sum to 1, and raising one lowers the others.
# - **Sigmoid on each output**: each of $K$ labels is true or false **independently** (a photo can show a person *and* a dog *and* be outdoors). Each probability is in $(0, 1)$ on its own; their sum can be anything from 0 to $K$.
#
# The same four scores, read both ways:

# %%
tag_names = ["person", "dog", "outdoors", "night"]
tag_scores = np.array([[2.5, 1.8, 3.0, -2.0]])  # (1, 4)
independent = nn.sigmoid(tag_scores)[0]
exclusive = nn.softmax(tag_scores)[0]
print("sigmoid per label:", independent, f" sum {independent.sum():.3f}")
print("softmax          :", exclusive, f" sum {exclusive.sum():.3f}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
plot_probabilities(independent, tag_names, ax=axes[0], title="sigmoid: independent labels")
plot_probabilities(exclusive, tag_names, ax=axes[1], color="C1", title="softmax: one class out of four")
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# The sigmoid reading says: person 92 %, dog 86 %, outdoors 95 %, night 12 %; a photo of a person walking a dog in daylight, all three at once.
# The softmax reading forces the labels to share 100 %, so "person" and "dog" look unlikely only because "outdoors" scores a bit higher: wrong for tags.
#
# **Two classes are the same thing.** With $C = 2$ and scores $(z, 0)$, softmax gives $\frac{e^z}{e^z + 1} = \sigma(z)$: a binary classifier can use one sigmoid output or a two-class softmax.

# %%
z_vals = np.array([-3.0, 0.0, 1.5])
two_class = np.column_stack([z_vals, np.zeros(3)])  # (3, 2): scores (z, 0)
print("softmax([z, 0])[0]:", nn.softmax(two_class)[:, 0])
print("sigmoid(z)        :", nn.sigmoid(z_vals))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - Without a nonlinearity, any stack of linear layers is one linear layer: $(XW_1 + b_1)W_2 + b_2 = X(W_1W_2) + (b_1W_2 + b_2)$.
# - The step is nonlinear but has derivative 0, so it cannot be trained by gradients.
# - Sigmoid: range $(0, 1)$, $\sigma' = \sigma(1 - \sigma) \le 0.25$, saturates, not zero-centred. Compute it with $e^{-|x|}$ so nothing overflows.
# - tanh $= 2\sigma(2x) - 1$: range $(-1, 1)$, zero-centred, $\tanh' = 1 - \tanh^2 \le 1$, still saturates.
# - ReLU: $\max(x, 0)$, derivative 1 or 0 (0 at 0 by convention), cheap, no saturation for $x > 0$; units whose input is always negative die.
# - Leaky ReLU ($\alpha = 0.01$) and PReLU (learned $\alpha$, gradient $\sum_n \mathrm{dout}\,x\,[x \le 0]$) keep a slope for negatives. They are piecewise linear exactly like ReLU, and just as able to fit nonlinear boundaries.
# - ELU: $\alpha(e^x - 1)$ below zero, smooth, bounded below by $-\alpha$; give `exp` only non-positive inputs.
# - Softmax turns a row of scores into probabilities; subtract the row max first; temperature sharpens ($T < 1$) or flattens ($T > 1$).
# - Sigmoid per output for independent labels; softmax for exactly one class out of $C$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Check your understanding
#
# 1. A network has three linear layers of sizes $4 \to 10 \to 10 \to 3$ and no activations. How many weights and biases does it have, and how many does the single equivalent layer need?
#
# <!-- BEGIN SOLUTION -->
# $4 \cdot 10 + 10 + 10 \cdot 10 + 10 + 10 \cdot 3 + 3 = 193$ parameters, but the equivalent layer $W = W_1W_2W_3$ of shape $(4, 3)$ with a bias of shape $(3,)$ has only 15. The extra parameters add no expressive power.
# <!-- END SOLUTION -->
#
# 2. What is the largest value of $\sigma'(x)$, and what does it imply for a gradient passing back through 5 sigmoid layers?
#
# <!-- BEGIN SOLUTION -->
# $0.25$ at $x = 0$. Through 5 sigmoid layers the gradient is multiplied by at most $0.25^5 \approx 0.001$ (ignoring the weights), and by much less when units saturate.
# <!-- END SOLUTION -->
#
# 3. Why does $1 / (1 + e^{-x})$ overflow at $x = -1000$ but not at $x = +1000$?
#
# <!-- BEGIN SOLUTION -->
# At $x = -1000$ it computes $e^{-x} = e^{1000}$, which is above the largest float64. At $x = +1000$ it computes $e^{-1000}$, which merely underflows to 0, harmlessly.
# <!-- END SOLUTION -->
#
# 4. A ReLU unit has weights $w = (1, 1)$ and bias $b = -5$; all inputs lie in $[0, 1]^2$. What happens to it during training?
#
# <!-- BEGIN SOLUTION -->
# Its pre-activation $x_1 + x_2 - 5 \le -3$ on every input, so its output and its derivative are 0 everywhere: the gradients of $w$ and $b$ are 0 and the unit never changes. It is dead.
# <!-- END SOLUTION -->
#
# 5. A classmate says: "Leaky ReLU is just a linear function for $x < 0$, so it adds nothing over a linear model." What is wrong with the argument?
#
# <!-- BEGIN SOLUTION -->
# Being linear on each piece is not the same as being linear: the bend at 0 makes it nonlinear, exactly as ReLU's does (ReLU is also linear on each side). Sums of many such bends at different places approximate any continuous function; only $\alpha = 1$ removes the bend.
# <!-- END SOLUTION -->
#
# 6. Compute $\operatorname{softmax}(1, 2, 3)$ and $\operatorname{softmax}(101, 102, 103)$. Then $\operatorname{softmax}(2, 4, 6)$: same or different, and why?
#
# <!-- BEGIN SOLUTION -->
# The first two are equal, about $(0.090, 0.245, 0.665)$: adding 100 to every score changes nothing. $(2, 4, 6)$ is the first multiplied by 2, i.e. temperature $T = 0.5$: sharper, about $(0.016, 0.117, 0.867)$.
# <!-- END SOLUTION -->
#
# 7. A model tags songs with genres, and a song can be both "jazz" and "electronic". Sigmoid or softmax outputs?
#
# <!-- BEGIN SOLUTION -->
# One sigmoid per genre: the labels are not mutually exclusive, so their probabilities must not be forced to sum to 1.
# <!-- END SOLUTION -->

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Further reading
#
# - I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT Press, 2016, section 6.3 "Hidden units" and section 6.2.2 "Output units".
# - X. Glorot, A. Bordes and Y. Bengio, "Deep sparse rectifier neural networks", AISTATS 2011.
# - A. L. Maas, A. Y. Hannun and A. Y. Ng, "Rectifier nonlinearities improve neural network acoustic models", ICML workshop 2013 (Leaky ReLU).
# - K. He, X. Zhang, S. Ren and J. Sun, "Delving deep into rectifiers: surpassing human-level performance on ImageNet classification", ICCV 2015 (PReLU).
# - D.-A. Clevert, T. Unterthiner and S. Hochreiter, "Fast and accurate deep network learning by exponential linear units (ELUs)", ICLR 2016.
# - M. Leshno, V. Ya. Lin, A. Pinkus and S. Schocken, "Multilayer feedforward networks with a nonpolynomial activation function can approximate any function", *Neural Networks*, 1993.
# - G. Hinton, O. Vinyals and J. Dean, "Distilling the knowledge in a neural network", 2015 (softmax temperature).
