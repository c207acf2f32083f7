# %% [markdown] slideshow={"slide_type": "slide"}
# # 07 · Weight initialization
#
# Before the first gradient step, every weight of a network needs a value.
# That choice decides whether the signal reaches the last layer, whether gradients reach the first one, and whether the units of a layer learn different things at all.
#
# **What you will learn**
#
# - why a constant initialization (zeros included) wastes the width of a layer: hidden units whose incoming and outgoing weights are equal stay identical forever, and what a random next layer changes;
# - what random weights that are too large (std 1) or too small (std 0.01) do to the activations of a deep stack of sigmoid, tanh and ReLU layers;
# - Xavier/Glorot initialization, std $\sqrt{2/(n+m)}$ (or uniform with limit $\sqrt{6/(n+m)}$), why it suits tanh, and why it cannot keep a sigmoid network's signal at a constant scale;
# - He/Kaiming initialization, std $\sqrt{2/n}$, and where its factor 2 comes from (ReLU zeroes half its inputs);
# - how each choice shows in the gradients of each layer and in the training curves.
#
# **Prerequisites**: chapter 02 (sigmoid, tanh, ReLU and their derivatives), chapter 05 (backpropagation through `nn.Linear` and `nn.Sequential`), chapter 06 (`nn.fit` and an optimizer).
#
# Notation: a layer with $n$ inputs (its **fan-in**) and $m$ units (its **fan-out**) has weights $W$ of shape $(n, m)$ and computes $Z = HW$ for a batch $H$ of shape $(N, n)$.
#
# You will write five functions, each followed by a check cell.

# %% slideshow={"slide_type": "skip"}
import functools

import matplotlib.pyplot as plt
import numpy as np

from utils import data, nn
from utils.checks import check
from utils.experiments.initialization import EXPERIMENT_INITS, HISTOGRAM_ACTIVATIONS
from utils.experiments.initialization import layer_activations as ref_layer_activations
from utils.plots import (
    plot_activation_histograms,
    plot_curves,
    plot_histogram_grid,
    plot_weight_matrix,
)
from utils.widgets import initialization_explorer

SEED = 7
rng = np.random.default_rng(SEED)
np.set_printoptions(precision=4, suppress=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. Constant weights: units that start equal stay equal
#
# Suppose every weight of the network starts at the same value $c$ (zero is the common case) and every bias at 0.
# Then every column of $W_1$ is the same, so every hidden unit computes the same number for every input.
# Every hidden unit also passes its output on through the same weights: row $j$ of $W_2$ holds the outgoing weights of unit $j$, and all rows are equal.
# In backpropagation the gradient reaching the hidden layer is $\partial L / \partial A_1 = \delta W_2^\top$, with $\delta = \partial L / \partial Z_2$ of shape $(N, 2)$: its column $j$ is $\delta$ times row $j$ of $W_2$, the same for every unit.
# So the update changes every column of $W_1$ by the same amount (and every row of $W_2$ by the same amount), and after the step the units are still identical.
# By induction they stay identical forever: a layer of 8 units behaves like a layer of 1 unit copied 8 times.
# Training cannot break a symmetry that the gradient itself respects.
#
# Both halves of the argument are needed: hidden units stay tied only while their incoming **and** their outgoing weights are equal.
# If $W_1$ is constant but $W_2$ is random, the gradient reaching unit $j$ is scaled by its own row of $W_2$, so the columns of $W_1$ get different updates from the first step on and drift apart (measured below).
#
# With every weight exactly 0 it is worse still: the tanh units output $\tanh(0) = 0$, so $\partial L / \partial W_2 = A_1^\top \delta$ is 0, and the gradient sent back to the hidden units, $\delta W_2^\top$, is 0 too: $W_1$, $b_1$ and $W_2$ never move.
# Only the output biases $b_2$ learn (their gradient is $\delta$ summed over the batch): the network gives every input the same scores, so the most it can learn is how often each class occurs.
#
# Let us train a small network, 2 inputs → 8 tanh units → 2 classes, on the two spirals, once with every weight starting at 0.3 and once from Xavier's random weights (section 3).

# %%
X_sp, y_sp = data.spirals(400, noise=0.05, rng=rng)  # X_sp (400, 2), y_sp (400,) in {0, 1}


def small_net(init, *, rng):
    """2 -> 8 tanh units -> 2 scores, every weight matrix drawn by `init`."""
    return nn.Sequential(nn.Linear(2, 8, rng=rng, init=init), nn.Tanh(),
                         nn.Linear(8, 2, rng=rng, init=init))


nets = {"constant 0.3": small_net(functools.partial(nn.constant, value=0.3), rng=rng),
        "Xavier": small_net("xavier", rng=rng)}
for name, net in nets.items():
    hist = nn.fit(net, X_sp, y_sp, epochs=200, batch_size=32, rng=rng,
                  optimizer=nn.SGD(net, lr=0.3), metric=nn.accuracy)
    print(f"{name:>13}: loss {hist['train_loss'][-1]:.4f}, accuracy {hist['train_metric'][-1]:.3f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Now look at the first layer's weights after 200 epochs, $W_1$ of shape $(2, 8)$: one row per input, one column per hidden unit.

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 3.4))
for ax, (name, net) in zip(axes, nets.items(), strict=True):
    plot_weight_matrix(net.layers[0].params["W"], ax=ax,
                       title=f"$W_1$ after training, start: {name}")
fig.subplots_adjust(wspace=0.3, bottom=0.2)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# The left matrix has 8 identical columns: the weights moved away from 0.3, but all together.
# The numbers confirm it: the largest difference between any two columns is 0, up to rounding errors.

# %%
for name, net in nets.items():
    W1 = net.layers[0].params["W"]  # (2, 8)
    spread = np.max(W1.max(axis=1) - W1.min(axis=1))  # largest gap between columns, per row
    print(f"{name:>13}: largest difference between two columns of W1:",
          nn.describe_error(spread, below=1e-12))

# %% [markdown] slideshow={"slide_type": "fragment"}
# The constant network is a 1-unit network in disguise: its accuracy stays near chance.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Equal incoming weights are not enough
#
# Now the same network trained for 50 epochs from three starts: every weight at 0.3 (as above); $W_1$ at 0.3 but $W_2$ random (Xavier); every weight at 0.
# For each start the cell prints the largest difference between two columns of $W_1$ after training and the largest entry of $b_2$ (which started at 0).

# %%
const = functools.partial(nn.constant, value=0.3)
starts = {"every W at 0.3": (const, const), "W1 at 0.3, W2 random": (const, "xavier"),
          "every W at 0": (nn.zeros, nn.zeros)}
for name, (init1, init2) in starts.items():
    r = np.random.default_rng(SEED)  # its own generator: the chapter's `rng` is left as it was
    net = nn.Sequential(nn.Linear(2, 8, rng=r, init=init1), nn.Tanh(),
                        nn.Linear(8, 2, rng=r, init=init2))
    nn.fit(net, X_sp, y_sp, epochs=50, batch_size=32, rng=r, optimizer=nn.SGD(net, lr=0.3))
    W1, b2 = net.layers[0].params["W"], net.layers[2].params["b"]
    spread = np.max(W1.max(axis=1) - W1.min(axis=1))
    print(f"{name:>20}: columns of W1 differ by {nn.describe_error(spread, below=1e-12)},"
          f" largest |b2| = {np.abs(b2).max():.3f}")
frozen = (net.layers[0].params["W"], net.layers[0].params["b"], net.layers[2].params["W"])
print("every W at 0: W1, b1 and W2 are still exactly 0 after training:", not any(p.any() for p in frozen))

# %% [markdown] slideshow={"slide_type": "fragment"}
# With a random $W_2$ the columns of $W_1$ came apart although they started equal: the next layer's randomness alone broke the tie.
# With every weight at 0 nothing but $b_2$ moved.
# In practice every weight matrix is drawn at random, so that the units differ from the very first step.
# **Random** initial weights break the symmetry; the rest of this chapter is about *how large* they should be.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. The histogram experiment
#
# To see what the scale of the weights does, we push a batch through a deep stack of layers and look at the distribution of each layer's outputs.
# The setup (the same throughout the chapter):
#
# - inputs $X$ of shape $(1000, 100)$, standard normal;
# - 5 layers of 100 units each, no biases: $H_0 = X$, and for $k = 1, \dots, 5$
#
# $$Z_k = H_{k-1} W_k, \qquad H_k = f(Z_k),$$
#
#   where $W_k$ has shape $(100, 100)$ and $f$ is the activation (sigmoid, tanh or ReLU);
# - a histogram of the $1000 \times 100$ values of each $H_k$.
#
# ### Exercise 1: the experiment
#
# Write `layer_activations(X, init, activation, *, n_layers=5, width=100, rng)`.
#
# - In: `X` of shape $(N, D)$; `init`, a function `init(fan_in, fan_out, rng=rng)` returning a matrix of shape `(fan_in, fan_out)`; `activation`, an elementwise function such as `nn.sigmoid`; `rng`, a `numpy.random.Generator`.
# - For each layer in order: draw `W = init(fan_in, width, rng=rng)` where `fan_in` is the number of columns of the layer's input ($D$ for the first layer, `width` after); compute `H = activation(H @ W)`; keep `H`.
# - Out: a list of `n_layers` arrays, each of shape $(N, \text{width})$.
#
# Draw a **new** matrix for every layer, in layer order, and feed each layer's output to the next.

# %% tags=["exercise"] exercise_id="ex07_activation_histograms" slideshow={"slide_type": "subslide"}
def layer_activations(X, init, activation, *, n_layers=5, width=100, rng):
    """Activations of each layer of a deep stack without biases.

    Parameters
    ----------
    X : numpy.ndarray, shape (N, D)
    init : callable
        init(fan_in, fan_out, rng=rng) -> W of shape (fan_in, fan_out).
    activation : callable
        Elementwise, e.g. nn.sigmoid.
    n_layers, width : int
    rng : numpy.random.Generator

    Returns
    -------
    list of n_layers numpy.ndarray, each of shape (N, width)
        H_k = activation(H_{k-1} @ W_k), with H_0 = X.
    """
    ### BEGIN SOLUTION
    H = X
    activations = []
    for _ in range(n_layers):
        W = init(H.shape[1], width, rng=rng)  # a fresh (fan_in, width) matrix per layer
        H = activation(H @ W)
        activations.append(H)
    return activations
    ### END SOLUTION


# %% tags=["check"]
check("ex07_activation_histograms", layer_activations)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Std 1 through sigmoid layers
#
# First, weights drawn from a standard normal, std 1.
# Each $z$ of layer 1 sums 100 products $x_i w_{ij}$ of variance 1, so its variance is about 100 (std 10): far out in the flat tails of the sigmoid.
# (The rest of the chapter uses the library's `layer_activations`, which is the same function as yours.)

# %%
X = rng.standard_normal((1000, 100))
std1 = functools.partial(nn.normal, std=1.0)
acts_std1 = ref_layer_activations(X, std1, nn.sigmoid, rng=rng)
z1 = X @ std1(100, 100, rng=rng)
print(f"std of the first layer's inputs z: {z1.std():.2f}")
plot_activation_histograms(acts_std1, label="std 1, sigmoid")
plt.suptitle("Weights with std 1: sigmoid activations pile up at 0 and 1")
plt.subplots_adjust(top=0.75, bottom=0.22)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# The values pile up at 0 and 1: the units are **saturated**.
# There the sigmoid is flat, its derivative $\sigma'(z) = \sigma(z)(1 - \sigma(z))$ is almost 0, and backpropagation multiplies the gradient by that derivative at every layer: the gradients **vanish** on their way back.

# %%
for k, H in enumerate(acts_std1, start=1):
    local = H * (1 - H)  # sigmoid'(z) written with the output H = sigmoid(z)
    print(f"layer {k}: mean sigmoid'(z) = {local.mean():.4f} (at most 0.25),"
          f" {100 * np.mean(local < 0.01):.0f}% of units below 0.01")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Std 0.01 through sigmoid layers
#
# Now the other extreme: std 0.01.
# Each $z$ is then tiny (std about $0.01 \cdot \sqrt{100} \cdot$ the input's scale), and $\sigma(z) \approx 0.5$.

# %%
acts_small = ref_layer_activations(X, EXPERIMENT_INITS["std 0.01"], nn.sigmoid, rng=rng)
plot_activation_histograms(acts_small, label="std 0.01, sigmoid")
plt.suptitle("Weights with std 0.01: sigmoid activations pile up at 0.5")
plt.subplots_adjust(top=0.75, bottom=0.22)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Nothing is saturated, but every unit outputs about 0.5 whatever the input: the units all behave alike, and the input's information has faded.
# The differences between inputs are carried by ever smaller numbers, so the gradients that depend on them are tiny too.
# Measure how much the units still differ from one input to another (the std of each unit over the 1000 inputs, averaged over units):

# %%
for name, acts in (("std 1", acts_std1), ("std 0.01", acts_small)):
    per_unit = [float(H.std(axis=0).mean()) for H in acts]
    print(f"{name:>8}: std of a unit over the inputs, layers 1..5:",
          " ".join(f"{s:.4f}" for s in per_unit))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Xavier / Glorot initialization
#
# We want each layer to keep the scale of its signal, forward and backward.
# Take one unit, $z = \sum_{i=1}^{n} h_i w_i$, with independent weights of mean 0 and variance $\operatorname{Var}(w)$ and inputs of mean 0 and variance $\operatorname{Var}(h)$.
# The variance of a sum of independent terms is the sum of the variances:
#
# $$\operatorname{Var}(z) = n \operatorname{Var}(w) \operatorname{Var}(h).$$
#
# So the forward pass keeps the variance if $\operatorname{Var}(w) = 1/n$ (the fan-in).
# The backward pass multiplies the gradient by $W^\top$, a sum over the $m$ units (the fan-out): it keeps the gradient's variance if $\operatorname{Var}(w) = 1/m$.
# Glorot and Bengio (2010) take the compromise, the harmonic mean of the two:
#
# $$\operatorname{Var}(w) = \frac{2}{n + m}, \qquad \text{std} = \sqrt{\frac{2}{n + m}}.$$
#
# The derivation assumes inputs of mean 0 and an activation that is roughly the identity near 0, so that the variance passes through the activation unchanged.
# tanh is such a function ($\tanh(0) = 0$, slope 1 at 0): Xavier initialization was derived for it and **suits tanh**.
# The sigmoid is not: its outputs have mean about 0.5 instead of 0, and its slope is at most 1/4, so a change of its input reaches its output at least 4 times smaller, forward and backward alike.
# Xavier is still the usual choice for sigmoid layers, but it does not keep a sigmoid network's signal at a constant scale: the cells after Exercise 3 measure the forward signal fading, and section 7 the gradients.
# Some libraries use the fan-in version, std $\sqrt{1/n}$ (also called LeCun initialization); it is a different convention, not a mistake.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 2: Xavier normal
#
# Write `xavier_normal(fan_in, fan_out, *, rng)` returning `W` of shape `(fan_in, fan_out)` with entries normal, mean 0 and std $\sqrt{2 / (n + m)}$, where $n$ is `fan_in` and $m$ is `fan_out`.
#
# Draw with **exactly** `rng.standard_normal((fan_in, fan_out))`, then scale: the check compares your numbers with the library's for the same seed (so never use `np.random.randn`, which ignores `rng`).

# %% tags=["exercise"] exercise_id="ex07_xavier_normal"
def xavier_normal(fan_in, fan_out, *, rng):
    """Glorot/Xavier normal initialization.

    Parameters
    ----------
    fan_in, fan_out : int
        The layer's number of inputs n and of units m.
    rng : numpy.random.Generator

    Returns
    -------
    numpy.ndarray of float64, shape (fan_in, fan_out)
        Normal, mean 0, std sqrt(2 / (fan_in + fan_out)).
    """
    ### BEGIN SOLUTION
    std = np.sqrt(2.0 / (fan_in + fan_out))
    return std * rng.standard_normal((fan_in, fan_out))
    ### END SOLUTION


# %% tags=["check"]
check("ex07_xavier_normal", xavier_normal)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The uniform version
#
# A uniform distribution on $[-a, a]$ has variance $a^2 / 3$ (not $a^2$).
# For the same variance $2/(n+m)$ as the normal version, the limit must be
#
# $$a = \sqrt{3 \cdot \frac{2}{n + m}} = \sqrt{\frac{6}{n + m}}.$$
#
# ### Exercise 3: Xavier uniform
#
# Write `xavier_uniform(fan_in, fan_out, *, rng)`: shape `(fan_in, fan_out)`, entries uniform on $[-a, a]$ with $a = \sqrt{6 / (n + m)}$, drawn with exactly `rng.uniform(-a, a, size=(fan_in, fan_out))`.

# %% tags=["exercise"] exercise_id="ex07_xavier_uniform"
def xavier_uniform(fan_in, fan_out, *, rng):
    """Glorot/Xavier uniform initialization.

    Parameters
    ----------
    fan_in, fan_out : int
    rng : numpy.random.Generator

    Returns
    -------
    numpy.ndarray of float64, shape (fan_in, fan_out)
        Uniform on [-a, a] with a = sqrt(6 / (fan_in + fan_out)).
    """
    ### BEGIN SOLUTION
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))
    ### END SOLUTION


# %% tags=["check"]
check("ex07_xavier_uniform", xavier_uniform)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Xavier through tanh layers
#
# With tanh (zero-centred, like the derivation assumes) the histograms keep their spread through all five layers.

# %%
plot_histogram_grid({name: ref_layer_activations(X, EXPERIMENT_INITS[name], nn.tanh, rng=rng)
                     for name in ("std 0.01", "Xavier", "std 1")},
                    activation="tanh", title="tanh layers: too small, Xavier, too large")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Xavier does not do the same for the sigmoid.
# Measure, as in section 2, how much each unit's output still varies from one input to another (its std over the 1000 inputs, averaged over the units), with Xavier's weights under tanh and under the sigmoid:

# %%
for name, f in (("tanh", nn.tanh), ("sigmoid", nn.sigmoid)):
    acts = ref_layer_activations(X, nn.xavier_normal, f, rng=np.random.default_rng(SEED))
    per_unit = " ".join(f"{H.std(axis=0).mean():.2g}" for H in acts)
    print(f"Xavier, {name:>7}: std of a unit over the inputs, layers 1..5: {per_unit}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Under tanh a unit's variation shrinks slowly from layer to layer (tanh's slope falls below 1 away from 0).
# Under the sigmoid it shrinks about 4 times per layer, as the slope of at most 1/4 predicts: in layer 5 a unit's output varies by less than 0.001 from one input to another, so the layer barely tells the inputs apart.
# The histograms of section 5 hide this fading: there the values of every sigmoid layer still spread around 0.5, because each unit sits at its own level (its weights times inputs of mean 0.5 give it a fixed offset); what fades is how much a unit changes with the input.

# %% [markdown] slideshow={"slide_type": "subslide"}
# > **Common misconception.** A formula often seen in study notes and blog posts gives Xavier's std as $2/\sqrt{n+m}$.
# > That is not Glorot's formula: Glorot's *variance* is $2/(n+m)$, so the std is $\sqrt{2/(n+m)}$.
# > That version is always $\sqrt{2}$ times too large, since $2/\sqrt{n+m} = \sqrt{2} \cdot \sqrt{2/(n+m)}$: it doubles the variance.
# > For $n = m = 100$ it gives std 0.141 instead of 0.1 (which, for a square layer, happens to be He's std $\sqrt{2/n}$, meant for ReLU).
# > Through tanh layers the doubled variance pushes many more units into saturation, as the numbers and the figure below show.

# %%
n = m = 100
print(f"Glorot:          sqrt(2/(n+m)) = {np.sqrt(2 / (n + m)):.4f}")
print(f"often seen:      2/sqrt(n+m)   = {2 / np.sqrt(n + m):.4f}"
      f"  (ratio {2 / np.sqrt(n + m) / np.sqrt(2 / (n + m)):.4f} = sqrt(2))")
rows = {name: ref_layer_activations(X, EXPERIMENT_INITS[name], nn.tanh, rng=rng)
        for name in ("Xavier", "2/sqrt(n+m), misquoted")}
for name, acts in rows.items():
    print(f"{name:>20}: share of |tanh| > 0.9 in layer 5 = {np.mean(np.abs(acts[-1]) > 0.9):.3f}")
plot_histogram_grid(rows, activation="tanh", title="tanh layers: Glorot vs the misquoted formula")
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. He / Kaiming initialization for ReLU
#
# ReLU is not close to the identity near 0: it sets every negative input to 0.
# If $z$ is symmetric around 0, half of the values become 0, and the second moment of the output is half that of the input:
#
# $$\mathbb{E}[\operatorname{relu}(z)^2] = \tfrac{1}{2} \operatorname{Var}(z).$$
#
# The next layer's variance is $n \operatorname{Var}(w)\, \mathbb{E}[h^2]$, so each ReLU layer would halve the signal under $\operatorname{Var}(w) = 1/n$.
# He et al. (2015) double the variance to compensate:
#
# $$\operatorname{Var}(w) = \frac{2}{n}, \qquad \text{std} = \sqrt{\frac{2}{n}} \quad (n = \text{fan-in}).$$
#
# The halving, measured on a million samples:

# %%
z = 3.0 * rng.standard_normal(1_000_000)  # Var(z) = 9
h = nn.relu(z)
print(f"Var(z)                = {z.var():.3f}")
print(f"E[relu(z)^2]          = {np.mean(h**2):.3f}   (half of Var(z): {z.var() / 2:.3f})")
print(f"share of zeros        = {np.mean(h == 0):.3f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# And through five layers: with std $\sqrt{1/n}$ the ReLU signal halves at every layer ($2^{-5} \approx 0.03$ of the variance after five), with He's $\sqrt{2/n}$ it keeps its scale.

# %%
lecun = functools.partial(nn.normal, std=np.sqrt(1 / 100))
for name, init in (("sqrt(1/n)", lecun), ("He sqrt(2/n)", nn.he_normal)):
    acts = ref_layer_activations(X, init, nn.relu, rng=rng)
    moments = " ".join(f"{np.mean(H**2):.3f}" for H in acts)
    print(f"{name:>13}: E[h^2] in layers 1..5 = {moments}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 4: He normal
#
# Write `he_normal(fan_in, fan_out, *, rng)`: shape `(fan_in, fan_out)`, normal with mean 0 and std $\sqrt{2 / n}$, drawn with exactly `rng.standard_normal((fan_in, fan_out))` and scaled.

# %% tags=["exercise"] exercise_id="ex07_he_normal"
def he_normal(fan_in, fan_out, *, rng):
    """He/Kaiming normal initialization (for ReLU layers).

    Parameters
    ----------
    fan_in, fan_out : int
    rng : numpy.random.Generator

    Returns
    -------
    numpy.ndarray of float64, shape (fan_in, fan_out)
        Normal, mean 0, std sqrt(2 / fan_in).
    """
    ### BEGIN SOLUTION
    return np.sqrt(2.0 / fan_in) * rng.standard_normal((fan_in, fan_out))
    ### END SOLUTION


# %% tags=["check"]
check("ex07_he_normal", he_normal)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 5: He uniform
#
# Same variance $2/n$ with a uniform on $[-a, a]$: $a^2/3 = 2/n$, so $a = \sqrt{6 / n}$.
# Write `he_uniform(fan_in, fan_out, *, rng)`, drawn with exactly `rng.uniform(-a, a, size=(fan_in, fan_out))`.

# %% tags=["exercise"] exercise_id="ex07_he_uniform"
def he_uniform(fan_in, fan_out, *, rng):
    """He/Kaiming uniform initialization (for ReLU layers).

    Parameters
    ----------
    fan_in, fan_out : int
    rng : numpy.random.Generator

    Returns
    -------
    numpy.ndarray of float64, shape (fan_in, fan_out)
        Uniform on [-a, a] with a = sqrt(6 / fan_in).
    """
    ### BEGIN SOLUTION
    limit = np.sqrt(6.0 / fan_in)
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))
    ### END SOLUTION


# %% tags=["check"]
check("ex07_he_uniform", he_uniform)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Every initializer under every activation
#
# The full experiment: four initializers (rows) under each activation, five layers (columns).
# Each panel prints the layer's std; for ReLU also the share of exact zeros (values beyond 4 are counted in the last bin).

# %%
FOUR = ("std 1", "std 0.01", "Xavier", "He")
grids = {act: {name: ref_layer_activations(X, EXPERIMENT_INITS[name], HISTOGRAM_ACTIVATIONS[act], rng=rng)
               for name in FOUR} for act in HISTOGRAM_ACTIVATIONS}
plot_histogram_grid(grids["sigmoid"], activation="sigmoid")
plt.show()

# %% slideshow={"slide_type": "subslide"}
plot_histogram_grid(grids["tanh"], activation="tanh")
plt.show()

# %% slideshow={"slide_type": "subslide"}
plot_histogram_grid(grids["relu"], activation="relu")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# What to read in the three grids:
#
# - std 1 saturates sigmoid and tanh (piles at the ends) and makes ReLU explode (its std grows about 7 times per layer, $\sqrt{100/2}$);
# - std 0.01 collapses everything: to 0.5 for the sigmoid, to 0 for tanh and ReLU;
# - Xavier keeps tanh spread out in every layer, but lets ReLU shrink a little at each layer (only half the variance survives each ReLU);
# - He keeps ReLU's scale constant through the layers.
#
# The sigmoid is never quite happy: its outputs are not centred on 0, which is one reason tanh and ReLU replaced it in hidden layers.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Try it: choose the activation and the initializer
#
# Pick an activation and an initializer; the five histograms are redrawn (1000 inputs, 5 layers of 100 units), and the line below says whether the signal survives, fades, saturates or explodes.
# Try ReLU with Xavier, then He; tanh with Xavier, then the misquoted formula.

# %% tags=["nbval-ignore-output"]
initialization_explorer("sigmoid", "std 1")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. Gradients, layer by layer
#
# The histograms show the forward pass; training also needs the backward pass.
# Build the 5-layer stack as an `nn.Sequential`, push $X$ forward, send back a random gradient $\partial L / \partial H_5$ of shape $(1000, 100)$, and measure the norm $\lVert \partial L / \partial W_k \rVert$ of each layer's weight gradient.

# %%
def weight_gradient_norms(init, activation_layer, *, rng):
    """Norm of dL/dW_k for the 5 layers of 100 units, for a random upstream gradient."""
    layers = []
    for _ in range(5):
        layers += [nn.Linear(100, 100, rng=rng, init=init), activation_layer()]
    model = nn.Sequential(*layers)
    with np.errstate(over="ignore"):
        out = model.forward(X)  # (1000, 100)
    model.backward(rng.standard_normal(out.shape) / len(X))
    return np.array([np.linalg.norm(layer.grads["W"]) for layer in model.layers[::2]])

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 3, figsize=(14, 4))
for ax, (act, layer) in zip(axes, (("sigmoid", nn.Sigmoid), ("tanh", nn.Tanh), ("relu", nn.ReLU)),
                             strict=True):
    norms = {name: weight_gradient_norms(EXPERIMENT_INITS[name], layer, rng=rng) for name in FOUR}
    plot_curves(np.arange(1, 6), norms, ax=ax, logy=True, marker="o", xlabel="layer k",
                ylabel="norm of dL/dW_k", title=f"{act} layers")
    print(f"{act:>7}: layer 1 / layer 5 =",
          ", ".join(f"{name} {v[0] / v[-1]:.1e}" for name, v in norms.items()))
fig.subplots_adjust(wspace=0.35, bottom=0.15)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Read each line from layer 5 (nearest the loss) back to layer 1.
#
# - **sigmoid**: each sigmoid layer multiplies the gradient by $\sigma' \le 0.25$, so with Xavier layer 1 gets about 200 times less than layer 5 (about 4 times less per layer), with He about 60 times less, and with std 0.01 (whose tiny weights shrink it further) about a million times less. With std 1 the large weights (which multiply the gradient by about 10 per layer) hide this in the norm, but the gradient flows only through the units that are not saturated: the saturated half (section 2) receives almost nothing.
# - **tanh**: std 1 is unbalanced (layer 1 gets about 30 times more than layer 5); std 0.01 gives gradients thousands of times smaller than Xavier's in every layer; Xavier and He keep all layers alike.
# - **ReLU**: std 1 gives enormous gradients (one SGD step would throw the weights far away), std 0.01 tiny ones; Xavier and He keep every layer's gradient within a factor of 2 of the others.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8. Training curves: same task, different initializations
#
# The task: the handwritten digits (1797 images of 8×8 pixels, scaled to [0, 1], 10 classes), 1200 images for training and the rest for validation.
# The model: 5 hidden layers of 64 units and an output layer of 10 scores, trained with `nn.fit` and SGD (lr 0.05, batches of 32, 15 epochs).
# Only the initializer changes (`nn.Linear(..., init=...)` for every layer), and the same seed is used for every run.

# %%
X_dig, y_dig = data.load_digits()
X_dig = X_dig / 16.0  # pixels 0..16 -> [0, 1]
X_tr, y_tr, X_va, y_va = X_dig[:1200], y_dig[:1200], X_dig[1200:], y_dig[1200:]
RUNS = {"zeros": nn.zeros, **{name: EXPERIMENT_INITS[name] for name in FOUR}}


def deep_net(init, activation_layer, *, rng):
    """64 inputs -> 5 hidden layers of 64 units -> 10 scores; every W drawn by `init`."""
    layers = []
    for _ in range(5):
        layers += [nn.Linear(64, 64, rng=rng, init=init), activation_layer()]
    return nn.Sequential(*layers, nn.Linear(64, 10, rng=rng, init=init))

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 2, figsize=(13, 4.2))
for ax, (act, layer) in zip(axes, (("tanh", nn.Tanh), ("relu", nn.ReLU)), strict=True):
    curves = {}
    for name, init in RUNS.items():
        run_rng = np.random.default_rng(SEED)  # the same seed for every initializer
        model = deep_net(init, layer, rng=run_rng)
        with np.errstate(over="ignore", invalid="ignore"):
            hist = nn.fit(model, X_tr, y_tr, epochs=15, batch_size=32, rng=run_rng,
                          optimizer=nn.SGD(model, lr=0.05), validation=(X_va, y_va),
                          metric=nn.accuracy)
        loss = np.full(15, np.nan)  # a run that diverged stops early: its curve ends there
        loss[:len(hist["train_loss"])] = hist["train_loss"]
        end = (f"diverged at epoch {hist['stopped_at']}" if hist["stopped_at"]
               else f"val acc {hist['val_metric'][-1]:.2f}")
        curves[f"{name} ({end})"] = loss
    plot_curves(np.arange(1, 16), curves, ax=ax, xlabel="epoch", ylabel="training loss",
                title=f"5 hidden {act} layers of 64 units")
fig.subplots_adjust(wspace=0.25, bottom=0.15)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# - **zeros** and **std 0.01** stay at $\ln 10 \approx 2.30$, the loss of guessing each class with probability 1/10: the signal never reaches the output (and with zeros the units are identical anyway; its line is hidden under the std 0.01 line).
# - **std 1**: with tanh the saturated layers learn slowly and the loss stays high; with ReLU the loss is not even finite after the first epoch (the run stops there, so its curve is missing).
#   The tanh run is also *chaotic*: saturated units magnify differences in the last bit of a matrix product, so on another computer its curve takes another jagged path and its validation accuracy lands elsewhere (from about 0.4 to 0.6 on the machines tried); only "high and noisy" is reproducible.
# - **Xavier** and **He** learn quickly under tanh; under ReLU He learns fastest and most steadily.
#
# Initialization is no detail: with the same data, model, optimizer and number of epochs, it decides between a network that learns and one that does not.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - Hidden units whose incoming and outgoing weights are all equal (every layer constant, zeros included) compute the same thing and receive the same gradient, so they stay identical; with every weight at 0 and tanh or ReLU units, only the output biases learn.
#   A random next layer alone already separates the units; in practice every layer is drawn at random.
# - The scale matters: through many layers the variance is multiplied by $n \operatorname{Var}(w)$ (times the activation's effect) at every layer, so a wrong scale makes activations and gradients vanish, saturate or explode exponentially with depth.
# - Xavier/Glorot: $\operatorname{Var}(w) = 2/(n + m)$, std $\sqrt{2/(n+m)}$, uniform limit $\sqrt{6/(n+m)}$; derived for activations that are roughly the identity near 0, such as tanh.
#   It is also the usual choice for sigmoid layers, but the sigmoid's slope of at most 1/4 (and its mean of 0.5) still shrinks the signal about 4 times per layer.
#   Some libraries use $\sqrt{1/n}$.
#   The often-seen $2/\sqrt{n+m}$ is not Glorot's.
# - He/Kaiming: $\operatorname{Var}(w) = 2/n$ with $n$ the fan-in, std $\sqrt{2/n}$, uniform limit $\sqrt{6/n}$; for ReLU, whose zeroed half halves the variance.
# - In this course: `nn.Linear(n, m, rng=rng, init="he")` (the default), `init="xavier"`, or any `init(fan_in, fan_out, rng=rng)` function such as those in `nn.INITIALIZERS`.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Check your understanding
#
# 1. A network has one hidden layer.
#    Every weight of both layers starts at 0.5 and every bias at 0.
#    After 1000 steps of SGD, how many different columns can the hidden layer's weight matrix $W_1$ have, and why?
#    And if only $W_1$ starts at 0.5 while the output layer's weights $W_2$ are drawn at random?
# 2. A layer has 400 inputs and 100 units. What std do Xavier (normal), the fan-in convention $\sqrt{1/n}$, and He give?
# 3. Why is the uniform limit $\sqrt{3}$ times the normal's std, and not equal to it?
# 4. You train a 20-layer ReLU network initialized with Xavier and the first layers barely learn. What would you change, and why?
#
# <!-- BEGIN SOLUTION -->
#
# **Answers.**
# 1. With every weight at 0.5: one.
#    Every hidden unit has the same incoming weights, bias and outgoing weights, so it computes the same output and receives the same gradient at every step, and the columns stay equal (up to rounding).
#    With $W_2$ random: as many as there are units.
#    The gradient reaching unit $j$ is $\delta$ times row $j$ of $W_2$, different for each unit, so the columns receive different updates from the first step on and come apart (section 1 measured it).
# 2. Xavier $\sqrt{2/500} \approx 0.0632$; $\sqrt{1/400} = 0.05$; He $\sqrt{2/400} \approx 0.0707$.
# 3. A uniform on $[-a, a]$ has variance $a^2/3$; to match the variance $s^2$ we need $a = \sqrt{3}\, s$.
# 4. Use He initialization: each ReLU halves the variance, so with Xavier's $1/n$-ish variance the signal (and the gradient) shrinks by about 2 per layer, $2^{-20}$ over 20 layers; He's $2/n$ compensates exactly.
#
# <!-- END SOLUTION -->

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Further reading
#
# - Glorot and Bengio, *Understanding the difficulty of training deep feedforward neural networks* (2010).
# - He, Zhang, Ren and Sun, *Delving Deep into Rectifiers: Surpassing Human-Level Performance on ImageNet Classification* (2015).
# - LeCun, Bottou, Orr and Müller, *Efficient BackProp* (1998).
# - Saito, *Deep Learning from Scratch*, the chapter on weight initialization.
