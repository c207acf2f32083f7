# %% [markdown] slideshow={"slide_type": "slide"}
# # 09 · Batch normalization
#
# Chapter 07 chose the scale of the initial weights so that the signal keeps its size through the layers.
# That holds at the first step only: as soon as the weights move, each layer's outputs drift again.
# Batch normalization takes the other road: it rescales every layer's values to mean 0 and variance 1, at every step, for every mini-batch.
#
# **What you will learn**
#
# - why normalising the inputs of a network helps only its first layer, and the original argument for normalising every layer (internal covariate shift), with the later doubts about it;
# - the forward pass of batch normalization for a mini-batch: mean, variance, normalisation with $\varepsilon$, learned scale $\gamma$ and shift $\beta$, every shape written out;
# - its backward pass, derived step by step on the computational graph, and checked numerically;
# - training mode versus evaluation mode: running averages of the statistics, and what goes wrong on a batch of one;
# - the effects: training that tolerates bad initial weights and larger learning rates, and statistics that get noisy in small batches;
# - layer normalization, which normalises each sample on its own, and in a sentence each instance norm, group norm and batch renormalization.
#
# **Prerequisites**: chapter 05 (backpropagation on a computational graph, `nn.Sequential`), chapter 06 (SGD and `nn.fit`), chapter 07 (initialization, the histogram experiment).
#
# Notation: a mini-batch $X$ has shape $(N, D)$: $N$ samples (rows), $D$ features (columns). $x_{nj}$ is feature $j$ of sample $n$.
#
# You will write six functions, each followed by a check cell.

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np

from utils import data, nn
from utils.checks import check
from utils.experiments.normalization import (
    batch_stat_noise,
    norm_mlp,
    norm_preactivations,
    norm_train_run,
)
from utils.plots import (
    plot_batch_stat_noise,
    plot_curves,
    plot_norm_axes,
    plot_norm_histograms,
    plot_norm_loss_grid,
)
from utils.widgets import batchnorm_explorer

SEED = 9
rng = np.random.default_rng(SEED)
np.set_printoptions(precision=4, suppress=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. Why normalise inside the network?
#
# Standardising the inputs is standard practice: from every feature (column) subtract its mean over the training set and divide by its standard deviation, $x'_{nd} = (x_{nd} - \mu_d) / \sigma_d$, so that every feature has mean 0 and variance 1.
# Features on very different scales stretch the first layer's loss into a long narrow valley, where one learning rate must serve every direction (chapter 04, section 4); standardising removes the stretch that comes from the scales, so gradient descent can take larger steps.
# But it helps **only the first layer**.
# The second layer's input is the first layer's output, whose mean and spread depend on the first layer's weights; and those weights change at every step.
#
# Ioffe and Szegedy (2015) called this drift of each layer's input distribution during training **internal covariate shift**: each layer must keep adapting to a moving input, and a small change in an early layer is amplified on its way up.
# Their remedy: normalise the input of every layer, for every mini-batch.
#
# Let us watch the drift.
# The task of the whole chapter: the handwritten digits (1797 images of 8×8 pixels scaled to [0, 1], 10 classes), 1200 for training and 597 for validation.
# The network: 64 inputs, 4 hidden layers of 64 units (`Linear -> ReLU`, weights with He's std $\sqrt{2/64}$), 10 scores.
# Every few SGD steps we push the same 256 images through it and record the mean of three units' pre-activations (the input of the ReLU) in layers 1 and 4.

# %%
X_dig, y_dig = data.load_digits()
X_dig = X_dig / 16.0  # pixels 0..16 -> [0, 1]
X_tr, y_tr, X_va, y_va = X_dig[:1200], y_dig[:1200], X_dig[1200:], y_dig[1200:]
probe = X_tr[:256]  # (256, 64), the same images at every step

net = norm_mlp(np.sqrt(2 / 64), batchnorm=False, rng=rng)
means = {1: [], 4: []}  # layer -> list of (3,) arrays, one per recorded step
for _ in range(150):
    pre = norm_preactivations(net, probe)  # 4 arrays of shape (256, 64)
    for layer in means:
        means[layer].append(pre[layer - 1][:, :3].mean(axis=0))
    norm_train_run(net, X_tr, y_tr, lr=0.2, steps=1, batch_size=32, rng=rng)  # one SGD step

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 2, figsize=(12, 3.8), sharey=True)
for ax, layer in zip(axes, means, strict=True):
    track = np.array(means[layer])  # (150, 3)
    plot_curves(np.arange(150), {f"unit {u + 1}": track[:, u] for u in range(3)}, ax=ax,
                xlabel="SGD step", ylabel="mean pre-activation over 256 images",
                title=f"layer {layer}: its input distribution drifts")
fig.subplots_adjust(wspace=0.08, bottom=0.16)
plt.show()
for layer in means:
    track = np.array(means[layer])
    print(f"layer {layer}: the 3 units' means moved by {np.abs(track[-1] - track[0]).round(3)}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The means keep moving throughout training, in layer 4 as in layer 1, and layer 4's means jump from step to step: every layer above the first learns while its own input distribution changes.
#
# A word of caution about the explanation.
# Later work (Santurkar et al., 2018) measured the shift and found that batch normalization does not remove it much, and that networks train well even when noise is deliberately added after each normalisation.
# They argue the real benefit is a **smoother loss landscape**: gradients that change more slowly from point to point, which allows larger steps.
# The recipe is not in doubt, only the reason; we will see its effects in section 5.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. The forward pass for a mini-batch
#
# Batch normalization (BN) works on a batch $X$ of shape $(N, D)$, **feature by feature**: for each column $j$ it uses the $N$ values of that column.
#
# $$\mu_j = \frac{1}{N} \sum_{n=1}^{N} x_{nj}, \qquad \sigma_j^2 = \frac{1}{N} \sum_{n=1}^{N} (x_{nj} - \mu_j)^2,$$
#
# $$\hat{x}_{nj} = \frac{x_{nj} - \mu_j}{\sqrt{\sigma_j^2 + \varepsilon}}, \qquad y_{nj} = \gamma_j\, \hat{x}_{nj} + \beta_j.$$
#
# | name | what | shape |
# |---|---|---|
# | $X$ (`x`) | the batch | $(N, D)$ |
# | $\mu$ (`mu`) | mean of each feature over the batch, `x.mean(axis=0)` | $(D,)$ |
# | $\sigma^2$ (`var`) | variance of each feature over the batch, `x.var(axis=0)` (divides by $N$) | $(D,)$ |
# | $\varepsilon$ (`eps`) | a small constant, $10^{-5}$, so a constant feature does not divide 0 by 0 | scalar |
# | $\hat{X}$ (`x_hat`) | the normalised batch: each column has mean 0 and variance (almost) 1 | $(N, D)$ |
# | $\gamma$, $\beta$ (`gamma`, `beta`) | learned scale and shift, one per feature, start at 1 and 0 | $(D,)$ |
# | $Y$ (`out`) | the output | $(N, D)$ |
#
# The variance divides by $N$ (the *biased* variance), as in the original paper and in PyTorch's normalisation.
#
# Why $\gamma$ and $\beta$?
# Forcing every feature to mean 0 and variance 1 would limit what the layer can represent (a sigmoid that only ever sees inputs near 0 works in its linear part).
# With $\gamma_j = \sqrt{\sigma_j^2 + \varepsilon}$ and $\beta_j = \mu_j$ the layer undoes the normalisation of a batch with those statistics exactly: the network can learn any mean and scale it wants, but they are now two explicit parameters instead of a side effect of all the weights before.
#
# **Where it goes.** Usually between the linear layer and the activation: `Linear -> BatchNorm1d -> ReLU`.
# The linear layer's bias is then useless (BN subtracts the mean, so any constant added before it is removed, and $\beta$ plays its role); libraries usually drop it.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 1: the forward pass in training mode
#
# Write `batchnorm_forward_train(x, gamma, beta, *, eps=1e-5)`.
#
# - In: `x` of shape $(N, D)$ with $N \ge 2$; `gamma`, `beta` of shape $(D,)$.
# - Compute `mu` and `var` over the batch (axis 0, the biased variance), `inv_std = 1 / np.sqrt(var + eps)`, `x_hat = (x - mu) * inv_std`, `out = gamma * x_hat + beta`.
# - Out: `(out, cache)` with `out` of shape $(N, D)$ and `cache = (x_hat, gamma, inv_std)`, exactly in this order (`x_hat` $(N, D)$, `gamma` $(D,)$, `inv_std` $(D,)$): the backward pass reads it.

# %% tags=["exercise"] exercise_id="ex09_batchnorm_forward_train"
def batchnorm_forward_train(x, gamma, beta, *, eps=1e-5):
    """Batch normalization of x over its batch axis, with the batch's own statistics.

    Parameters
    ----------
    x : numpy.ndarray, shape (N, D), N >= 2
    gamma, beta : numpy.ndarray, shape (D,)
    eps : float

    Returns
    -------
    out : numpy.ndarray, shape (N, D)
        gamma * (x - mu) / sqrt(var + eps) + beta, with mu and var of shape (D,).
    cache : tuple (x_hat (N, D), gamma (D,), inv_std (D,))
    """
    ### BEGIN SOLUTION
    mu = x.mean(axis=0)  # (D,)
    var = x.var(axis=0)  # (D,), divides by N
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_std  # (N, D)
    return gamma * x_hat + beta, (x_hat, gamma, inv_std)
    ### END SOLUTION


# %% tags=["check"]
check("ex09_batchnorm_forward_train", batchnorm_forward_train)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What it does to a layer's values
#
# Take the pre-activations of the first hidden layer of a fresh network for a batch of 32 images, $Z = XW$ of shape $(32, 64)$.
# Their features have all kinds of means and spreads; after BN (with $\gamma = 1$, $\beta = 0$) every feature has mean 0 and standard deviation 1.

# %%
W1 = nn.he_normal(64, 64, rng=rng)
Z = X_tr[:32] @ W1  # (32, 64)
Z_bn, _ = batchnorm_forward_train(Z, np.ones(64), np.zeros(64))
for name, values in (("before BN", Z), ("after BN", Z_bn)):
    m = np.round(values.mean(axis=0)[:4], 4) + 0.0  # + 0.0 turns -0.0 into 0.0
    print(f"{name:>9}: means of features 1-4 {m}, stds {values.std(axis=0)[:4]}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Two properties from the formulas, checked numerically:
# the parameters $\gamma = \sqrt{\sigma^2 + \varepsilon}$, $\beta = \mu$ give back the input, and a bias added before BN changes nothing.

# %%
mu, var = Z.mean(axis=0), Z.var(axis=0)
undone, _ = batchnorm_forward_train(Z, np.sqrt(var + 1e-5), mu)
print(f"gamma = sqrt(var + eps), beta = mu gives back Z: {np.allclose(undone, Z, rtol=0, atol=1e-12)}")
b = rng.standard_normal(64)  # a Linear bias, (64,)
shifted, _ = batchnorm_forward_train(Z + b, np.ones(64), np.zeros(64))
print(f"BN(Z + b) equals BN(Z): {np.allclose(shifted, Z_bn, rtol=0, atol=1e-12)}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. The backward pass
#
# Every feature (column) is normalised independently, so we can derive the gradient for one column and drop the index $j$: values $x_1, \dots, x_N$, upstream gradient $g_n = \partial L / \partial y_n$ (the column of `dout`).
# The computational graph, with its intermediate values:
#
# $$x \;\to\; \mu = \tfrac{1}{N}\textstyle\sum_n x_n \;\to\; c_n = x_n - \mu \;\to\; v = \tfrac{1}{N}\textstyle\sum_n c_n^2 \;\to\; s = (v + \varepsilon)^{-1/2} \;\to\; \hat{x}_n = c_n s \;\to\; y_n = \gamma \hat{x}_n + \beta.$$
#
# Here $c_n$ is the centred value, $v = \sigma^2$ the variance and $s$ the inverse standard deviation (`inv_std`).
# The difficulty: $\mu$ and $v$ depend on **every** $x_n$, so $x_n$ reaches $y_m$ for every $m$ along three paths: directly through $c_n$, through the mean $\mu$, and through the variance $v$.
#
# Walk the graph backwards, one node at a time (chapter 05's rule: the gradient of a node is the sum over the nodes it feeds).
#
# 1. $y_n = \gamma \hat{x}_n + \beta$: $\quad \dfrac{\partial L}{\partial \beta} = \sum_n g_n, \quad \dfrac{\partial L}{\partial \gamma} = \sum_n g_n \hat{x}_n, \quad \hat{d}_n := \dfrac{\partial L}{\partial \hat{x}_n} = \gamma g_n.$
# 2. $\hat{x}_n = c_n s$: $\quad \dfrac{\partial L}{\partial s} = \sum_n \hat{d}_n c_n$, and the direct part of $\partial L / \partial c_n$ is $\hat{d}_n s$.
# 3. $s = (v + \varepsilon)^{-1/2}$: $\quad \dfrac{\partial L}{\partial v} = -\tfrac{1}{2} (v + \varepsilon)^{-3/2} \dfrac{\partial L}{\partial s} = -\tfrac{1}{2} s^3 \sum_n \hat{d}_n c_n.$
# 4. $v = \frac{1}{N} \sum_n c_n^2$ feeds on every $c_n$ with $\partial v / \partial c_n = 2 c_n / N$: $\quad \dfrac{\partial L}{\partial c_n} = \hat{d}_n s + \dfrac{\partial L}{\partial v} \dfrac{2 c_n}{N}.$
# 5. $c_n = x_n - \mu$ and $\mu = \frac{1}{N} \sum_n x_n$: $\quad \dfrac{\partial L}{\partial \mu} = -\sum_n \dfrac{\partial L}{\partial c_n}, \qquad \dfrac{\partial L}{\partial x_n} = \dfrac{\partial L}{\partial c_n} + \dfrac{1}{N} \dfrac{\partial L}{\partial \mu}.$
#
# **The compact formula.** Substitute $c_n = \hat{x}_n / s$ in steps 3 and 4: the variance path becomes $\dfrac{\partial L}{\partial v} \dfrac{2 c_n}{N} = -s\, \hat{x}_n \cdot \tfrac{1}{N} \sum_m \hat{d}_m \hat{x}_m$.
# Since $\sum_m \hat{x}_m = 0$, step 5 gives $\partial L / \partial \mu = -s \sum_m \hat{d}_m$, and altogether
#
# $$\frac{\partial L}{\partial x_n} = s \left( \hat{d}_n \;-\; \frac{1}{N} \sum_{m} \hat{d}_m \;-\; \hat{x}_n \, \frac{1}{N} \sum_{m} \hat{d}_m \hat{x}_m \right) = \frac{s}{N} \left( N \hat{d}_n - \sum_m \hat{d}_m - \hat{x}_n \sum_m \hat{d}_m \hat{x}_m \right).$$
#
# The first term is the direct path; the second comes from the **mean**, the third from the **variance**.
# In matrix form, for the whole batch: `dx_hat = dout * gamma` $(N, D)$, then `dx = inv_std * (dx_hat - dx_hat.mean(axis=0) - x_hat * (dx_hat * x_hat).mean(axis=0))` $(N, D)$, `dgamma = (dout * x_hat).sum(axis=0)` $(D,)$, `dbeta = dout.sum(axis=0)` $(D,)$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 2: the backward pass
#
# Write `batchnorm_backward(dout, cache)`.
#
# - In: `dout` of shape $(N, D)$; `cache = (x_hat, gamma, inv_std)` from exercise 1.
# - Out: `(dx, dgamma, dbeta)` of shapes $(N, D)$, $(D,)$, $(D,)$.
#
# Use the compact formula or the five steps; keep both the mean term and the variance term.

# %% tags=["exercise"] exercise_id="ex09_batchnorm_backward"
def batchnorm_backward(dout, cache):
    """Gradients of batch normalization (training mode).

    Parameters
    ----------
    dout : numpy.ndarray, shape (N, D)
    cache : tuple (x_hat (N, D), gamma (D,), inv_std (D,))

    Returns
    -------
    dx : numpy.ndarray, shape (N, D)
    dgamma, dbeta : numpy.ndarray, shape (D,)
    """
    ### BEGIN SOLUTION
    x_hat, gamma, inv_std = cache
    dx_hat = dout * gamma  # (N, D)
    dx = inv_std * (dx_hat - dx_hat.mean(axis=0) - x_hat * (dx_hat * x_hat).mean(axis=0))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
    ### END SOLUTION


# %% tags=["check"]
check("ex09_batchnorm_backward", batchnorm_backward)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Gradient check, in float64
#
# Compare your backward pass with central differences of your forward pass (chapter 05).
# The scalar is $L = \sum_{n,j} G_{nj}\, y_{nj}$ for a fixed random $G$ (so that $\partial L / \partial Y = G$).
# Use float64: in float32 the rounding errors of the differences swamp the comparison.
# A relative error below $10^{-7}$ means the gradient is right.

# %%
x = rng.standard_normal((8, 5)) * 3.0 + 1.0  # (N, D) = (8, 5), float64
gamma, beta, G = rng.uniform(0.5, 2.0, 5), rng.standard_normal(5), rng.standard_normal((8, 5))
out, cache = batchnorm_forward_train(x, gamma, beta)
dx, dgamma, dbeta = batchnorm_backward(G, cache)
errors = {
    "dx": nn.gradcheck(lambda v: np.sum(G * batchnorm_forward_train(v, gamma, beta)[0]), x, dx),
    "dgamma": nn.gradcheck(lambda g: np.sum(G * batchnorm_forward_train(x, g, beta)[0]),
                           gamma, dgamma),
    "dbeta": nn.gradcheck(lambda b: np.sum(G * batchnorm_forward_train(x, gamma, b)[0]),
                          beta, dbeta),
}
for name, err in errors.items():
    print(f"{name:>6}: largest relative error {nn.describe_error(err):>10}  ({'ok' if err < 1e-7 else 'WRONG'})")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Two consequences of the mean and variance terms, for each feature:
#
# - the gradients sum to 0 over the batch, $\sum_n \partial L / \partial x_n = 0$: moving every sample by the same amount changes nothing after BN (the mean absorbs it). From the compact formula, $\sum_n \hat{x}_n = 0$ makes the sum exactly 0.
# - they are *almost* orthogonal to $\hat{x}$: scaling a feature changes almost nothing, since the standard deviation absorbs it, except through $\varepsilon$. Multiply the compact formula by $\hat{x}_n$ and sum, using $\sum_n \hat{x}_n^2 = N \sigma^2 / (\sigma^2 + \varepsilon) = N (1 - \varepsilon s^2)$: $\sum_n \hat{x}_n \, \partial L / \partial x_n = \varepsilon\, s^3 \sum_n \hat{d}_n \hat{x}_n$, small but not 0.

# %%
x_hat = cache[0]  # (8, 5)
s = cache[2]  # inv_std, (5,)
sums, dots = dx.sum(axis=0), (dx * x_hat).sum(axis=0)  # (5,) each
predicted = 1e-5 * s**3 * (G * gamma * x_hat).sum(axis=0)  # eps * s^3 * sum(d_hat * x_hat)
print(f"column sums of dx            : largest |.| {nn.describe_error(np.abs(sums), below=1e-12)}  (0 up to rounding)")
print("column sums of dx * x_hat    :", "  ".join(f"{v:+.3e}" for v in dots))
print("eps * s^3 * sum(d_hat x_hat) :", "  ".join(f"{v:+.3e}" for v in predicted))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Training mode and evaluation mode
#
# In training, each mini-batch is normalised with its own $\mu$ and $\sigma^2$.
# At test time we want a prediction for one image that does not depend on which other images happen to share its batch, and that works for a batch of one.
# So during training BN also keeps **running averages** of the statistics, one per feature, starting at $\mu_{\text{run}} = 0$ and $\sigma^2_{\text{run}} = 1$; after each training batch
#
# $$\mu_{\text{run}} \leftarrow (1 - m)\, \mu_{\text{run}} + m\, \mu_B, \qquad \sigma^2_{\text{run}} \leftarrow (1 - m)\, \sigma^2_{\text{run}} + m\, \sigma^2_B,$$
#
# where $\mu_B$, $\sigma_B^2$ (shape $(D,)$) are the batch's statistics and $m$ is the **momentum**, 0.1 by default: the weight of the new batch (PyTorch's convention; Keras calls momentum the weight of the old value, 0.99).
# A batch seen $k$ steps ago weighs $m (1 - m)^k$: the average forgets with a time scale of about $1/m = 10$ batches.
#
# In evaluation mode BN uses the running statistics instead of the batch's:
#
# $$y_{nj} = \gamma_j \frac{x_{nj} - \mu_{\text{run}, j}}{\sqrt{\sigma^2_{\text{run}, j} + \varepsilon}} + \beta_j.$$
#
# This is a fixed affine map per feature, the same for every sample.
#
# **The convention of this course** (`nn.BatchNorm1d`, `nn.batchnorm_forward`): the running variance averages the same biased batch variance $\sigma_B^2$ (divided by $N$) that normalises the batch in training.
# PyTorch normalises with the biased variance too, but stores the *unbiased* one, $\frac{N}{N-1} \sigma_B^2$, in its `running_var` (a factor $32/31 \approx 1.03$ for batches of 32); results differ slightly, neither is a bug, but one implementation must not mix them by accident.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 3: the running averages
#
# Write `update_running_stats(running_mean, running_var, x, *, momentum=0.1)`.
#
# - In: `running_mean`, `running_var` of shape $(D,)$; a training batch `x` of shape $(N, D)$.
# - Out: `(new_mean, new_var)`, shape $(D,)$ each: the formula above with the batch's mean and biased variance.

# %% tags=["exercise"] exercise_id="ex09_running_stats"
def update_running_stats(running_mean, running_var, x, *, momentum=0.1):
    """One update of batch norm's running statistics.

    Parameters
    ----------
    running_mean, running_var : numpy.ndarray, shape (D,)
    x : numpy.ndarray, shape (N, D)
        A training batch.
    momentum : float in [0, 1]
        The weight of the batch's statistics.

    Returns
    -------
    new_mean, new_var : numpy.ndarray, shape (D,)
    """
    ### BEGIN SOLUTION
    new_mean = (1.0 - momentum) * running_mean + momentum * x.mean(axis=0)
    new_var = (1.0 - momentum) * running_var + momentum * x.var(axis=0)
    return new_mean, new_var
    ### END SOLUTION


# %% tags=["check"]
check("ex09_running_stats", update_running_stats)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 4: the forward pass in evaluation mode
#
# Write `batchnorm_forward_eval(x, gamma, beta, running_mean, running_var, *, eps=1e-5)`.
#
# - In: `x` of shape $(N, D)$, any $N \ge 1$; `gamma`, `beta`, `running_mean`, `running_var` of shape $(D,)$.
# - Out: `out` of shape $(N, D)$ (no cache: nothing is trained in evaluation mode).

# %% tags=["exercise"] exercise_id="ex09_batchnorm_forward_eval"
def batchnorm_forward_eval(x, gamma, beta, running_mean, running_var, *, eps=1e-5):
    """Batch normalization in evaluation mode, with the running statistics.

    Parameters
    ----------
    x : numpy.ndarray, shape (N, D), N >= 1
    gamma, beta, running_mean, running_var : numpy.ndarray, shape (D,)
    eps : float

    Returns
    -------
    numpy.ndarray, shape (N, D)
    """
    ### BEGIN SOLUTION
    return gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
    ### END SOLUTION


# %% tags=["check"]
check("ex09_batchnorm_forward_eval", batchnorm_forward_eval)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What goes wrong with batch statistics on a batch of one
#
# Suppose a forgotten `model.eval()` leaves BN in training mode at test time, and we predict one image at a time.
# A batch of one sample has $\mu = x$ itself and $\sigma^2 = 0$, so $\hat{x} = 0 / \sqrt{\varepsilon} = 0$ and the output is $\beta$, **whatever the input**:

# %%
x_one = rng.standard_normal((1, 5)) * 10.0  # one sample, D = 5
gamma, beta = rng.uniform(0.5, 2.0, 5), np.array([0.1, -0.2, 0.3, 0.0, 0.5])
mu, var = x_one.mean(axis=0), x_one.var(axis=0)  # mu = x_one[0], var = 0
print(f"input       {x_one[0]}")
print(f"output      {(gamma * (x_one - mu) / np.sqrt(var + 1e-5) + beta)[0]}")
print(f"beta        {beta}")
print(f"evaluation  {batchnorm_forward_eval(x_one, gamma, beta, np.zeros(5), np.ones(5))[0]}")
try:
    nn.batchnorm_forward(x_one, gamma, beta, training=True)
except ValueError as err:
    print(f"the library refuses: {err}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# In a network the damage is total: every hidden BN layer outputs $\beta$, so every image gets the same scores and the same predicted class.
# Train a network with BN (He's std, 8 epochs), then predict the validation images with the running statistics (evaluation mode, correct) and with the statistics of the batch (wrong), for batches of several sizes.

# %%
bn_net = norm_mlp(np.sqrt(2 / 64), batchnorm=True, rng=rng)
hist = nn.fit(bn_net, X_tr, y_tr, epochs=8, batch_size=32, rng=rng,
              optimizer=nn.SGD(bn_net, lr=0.2), validation=(X_va, y_va), metric=nn.accuracy)
print(f"evaluation mode (running statistics): validation accuracy {hist['val_metric'][-1]:.3f}")


def forward_with_batch_stats(model, x):
    """A forward pass in which every BatchNorm1d uses the statistics of x itself."""
    h = x
    for layer in model.layers:
        if isinstance(layer, nn.BatchNorm1d):  # the training formula, without the update
            mu, var = h.mean(axis=0), h.var(axis=0)  # for N = 1: h itself and 0
            h = layer.params["gamma"] * (h - mu) / np.sqrt(var + layer.eps) \
                + layer.params["beta"]
        else:
            h = layer.forward(h)
    return h


# %% slideshow={"slide_type": "subslide"}
bn_net.eval()
for size in (1, 2, 8, 64, 597):
    scores = np.concatenate([forward_with_batch_stats(bn_net, X_va[k:k + size])
                             for k in range(0, len(X_va), size)])
    pred = scores.argmax(axis=1)
    print(f"batch statistics, batches of {size:>3}: accuracy {np.mean(pred == y_va):.3f},"
          f" {len(np.unique(pred)):>2} different classes predicted")
one_by_one = np.concatenate([bn_net.forward(X_va[k:k + 1]) for k in range(len(X_va))])
print(f"running statistics, one image at a time: accuracy {nn.accuracy(one_by_one, y_va):.3f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# With batches of one the network predicts a single class for all 597 images (about 10% accuracy); with tiny batches the prediction for an image depends on its neighbours; only large batches come close to evaluation mode.
# With the running statistics, one image at a time gives exactly the full-batch accuracy.
# Hence the rule: **`model.eval()` before predicting, `model.train()` before training.**
#
# And the running averages did track the data: the first BN layer's running mean against the mean of its actual inputs over the training set (in the trained network):

# %%
Z1 = bn_net.layers[0].forward(X_tr)  # input of the first BN layer, (1200, 64)
bn1 = bn_net.layers[1]
print(f"features 1-4, running mean {bn1.running_mean[:4]}, data mean {Z1.mean(axis=0)[:4]}")
print(f"features 1-4, running var  {bn1.running_var[:4]}, data var  {Z1.var(axis=0)[:4]}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Effects: bad initializations and large learning rates
#
# Chapter 07 showed that without normalisation the scale of the initial weights decides whether a deep network learns at all.
# Now the same network on the digits (4 hidden layers of 64 ReLU units) with and without BN after each hidden `Linear`, for three stds of the initial hidden weights (0.01, He's $\sqrt{2/64} \approx 0.18$, and 1; the output layer always uses Xavier), and two learning rates (0.05 and 1.0).
# Each run: 150 SGD steps on mini-batches of 32, from the same seed; the curves are the mini-batch losses (averaged over 5 steps), on a log scale.
# A run whose loss passes 1000 (or overflows) is stopped and marked "diverged".

# %%
STDS, LRS = (0.01, float(np.sqrt(2 / 64)), 1.0), (0.05, 1.0)
runs = {}
for lr in LRS:
    for std in STDS:
        for bn in (False, True):
            run_rng = np.random.default_rng(SEED)  # the same seed for every run
            model = norm_mlp(std, batchnorm=bn, rng=run_rng)
            runs[lr, std, bn] = norm_train_run(model, X_tr, y_tr, lr=lr, steps=150,
                                               batch_size=32, rng=run_rng)

# %% slideshow={"slide_type": "subslide"}
plot_norm_loss_grid(runs, stds=STDS, lrs=LRS)
plt.suptitle("Mini-batch loss, without BN (red) and with BN (blue); × marks a divergence", y=1.0)
plt.show()

# %% slideshow={"slide_type": "subslide"}
print("final loss (mean of the last 15 mini-batches)")
for lr in LRS:
    for std in STDS:
        row = []
        for bn in (False, True):
            r = runs[lr, std, bn]
            row.append(f"diverged at step {r['diverged_at']}" if r["diverged_at"] is not None
                       else f"{np.mean(r['loss'][-15:]):.3f}")
        print(f"lr {lr:<4g} std {std:<5.3f}: without BN {row[0]:>20}, with BN {row[1]}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# - **Without BN** only He's std learns, and only at the small learning rate: std 0.01 stays at $\ln 10 \approx 2.30$ (the signal fades, as in chapter 07), std 1 explodes at once, and the learning rate 1.0 ruins even He's initialization.
# - **With BN** every initialization learns, at both learning rates: the large one is tolerated, and it even helps the run from std 1.
#
# Why is BN so indifferent to the scale of $W$? Multiply the weights before a BN layer by $a > 0$: the batch's $\mu$ and $\sigma$ are multiplied by $a$ too, and $\hat{x}$ does not change.
# The gradient with respect to $W$ is divided by $a$ instead, so large weights take relatively smaller steps ($\eta / a^2$ relative to their size): this is why std 1 learns more slowly than std 0.18 at the small learning rate, and why BN tames large learning rates.

# %%
W = nn.he_normal(64, 64, rng=rng)
G = rng.standard_normal((32, 64))
for a in (1.0, 10.0):
    out, cache = nn.batchnorm_forward(X_tr[:32] @ (a * W), np.ones(64), np.zeros(64))
    dW = X_tr[:32].T @ nn.batchnorm_backward(G, cache)[0]  # (64, 64), through the Linear
    print(f"weights x {a:>4}: output[0, :3] {out[0, :3]}, norm of dL/dW {np.linalg.norm(dW):.4f}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Small batches make noisy statistics
#
# BN estimates $\mu$ and $\sigma^2$ from the $B$ samples of a batch, and an estimate from few samples is noisy: the standard deviation of a batch mean is $\sigma / \sqrt{B}$, with $\sigma$ the standard deviation over the whole data.
# The same image is therefore normalised a little differently in every batch.
# In moderate doses that noise acts as a regulariser; in tiny batches it drowns the signal, and the training statistics no longer match the running ones used at test time.
#
# The measurement: one unit's input to the first BN layer of the trained network, over the 1200 training images; for each batch size $B$, 2000 batches cut from shuffled copies of the data (as an epoch would), and the scatter of their mean and variance around the whole data's.

# %%
z = Z1[:, 0]  # (1200,), one feature
noise = batch_stat_noise(z, [2, 4, 8, 16, 32, 64, 128, 256], draws=2000, rng=rng)
plot_batch_stat_noise(noise)
plt.show()
for b, ms, vs, vr in zip(*(noise[k] for k in ("batch_size", "mean_std", "var_std",
                                              "var_ratio")), strict=True):
    print(f"B = {b:>3}: batch mean scatters by {ms:.3f} std, batch variance by {vs:.3f} of the"
          f" variance, and is on average {vr:.3f} of it")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Both scatters fall like $1/\sqrt{B}$.
# At $B = 2$ or $4$ the variance is off by most of its value from batch to batch, and on average too small by the factor $(B - 1)/B$ of the biased estimate.
# Batches of 32 or more give BN usable statistics; for smaller batches (large images on one GPU, online learning) one turns to the methods of the next section.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. Layer normalization
#
# Layer normalization (LN, Ba, Kiros and Hinton, 2016) takes the statistics **of each sample over its own features** instead of each feature over the batch:
#
# $$\mu_n = \frac{1}{D} \sum_{j=1}^{D} x_{nj}, \qquad \sigma_n^2 = \frac{1}{D} \sum_{j=1}^{D} (x_{nj} - \mu_n)^2, \qquad y_{nj} = \gamma_j \frac{x_{nj} - \mu_n}{\sqrt{\sigma_n^2 + \varepsilon}} + \beta_j.$$
#
# Now $\mu$ and $\sigma^2$ have shape $(N, 1)$ (`x.mean(axis=1, keepdims=True)`: one value per row, kept as a column so it broadcasts along the features), while $\gamma$ and $\beta$ are still per feature, shape $(D,)$.
# In the figure, the shaded entries of a batch of shape $(6, 5)$ share one mean and one variance.

# %%
plot_norm_axes()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Consequences:
#
# - no sample depends on the others, so **training and evaluation are the same computation**: no running statistics, no `eval()` pitfall, and a batch of one is normalised like any other;
# - it suits **sequence models** (recurrent networks, transformers): the statistics of a batch would differ at every position of a sequence and sequences have different lengths, but each token's vector of features can always be normalised on its own;
# - it does not give the same benefit everywhere: in convolutional networks, where the features of one sample mean very different things, BN usually works better when batches are large.
#
# Relatives, in a sentence each:
#
# - **instance normalization** (Ulyanov et al., 2016) normalises each channel of each image over its spatial positions only, removing an image's contrast; it is used in style transfer;
# - **group normalization** (Wu and He, 2018) splits the channels into groups and normalises each sample over each group: between LN (one group) and instance norm (one channel per group), independent of the batch size;
# - **batch renormalization** (Ioffe, 2017) keeps BN but corrects the batch statistics towards the running ones during training, so training and evaluation agree even with small or non-random batches.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 5: layer norm, forward
#
# Write `layernorm_forward(x, gamma, beta, *, eps=1e-5)`.
#
# - In: `x` of shape $(N, D)$, any $N \ge 1$; `gamma`, `beta` of shape $(D,)$.
# - Compute `mu` and `var` of each row (axis 1, biased, `keepdims=True`: shape $(N, 1)$), `inv_std = 1 / np.sqrt(var + eps)` of shape $(N, 1)$, `x_hat = (x - mu) * inv_std`, `out = gamma * x_hat + beta`.
# - Out: `(out, cache)` with `cache = (x_hat, gamma, inv_std)`.

# %% tags=["exercise"] exercise_id="ex09_layernorm_forward"
def layernorm_forward(x, gamma, beta, *, eps=1e-5):
    """Layer normalization: each row normalised over its own D features.

    Parameters
    ----------
    x : numpy.ndarray, shape (N, D)
    gamma, beta : numpy.ndarray, shape (D,)
    eps : float

    Returns
    -------
    out : numpy.ndarray, shape (N, D)
    cache : tuple (x_hat (N, D), gamma (D,), inv_std (N, 1))
    """
    ### BEGIN SOLUTION
    mu = x.mean(axis=1, keepdims=True)  # (N, 1)
    inv_std = 1.0 / np.sqrt(x.var(axis=1, keepdims=True) + eps)  # (N, 1)
    x_hat = (x - mu) * inv_std
    return gamma * x_hat + beta, (x_hat, gamma, inv_std)
    ### END SOLUTION


# %% tags=["check"]
check("ex09_layernorm_forward", layernorm_forward)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 6: layer norm, backward
#
# The derivation of section 3 holds unchanged for one **row**: the statistics are means over the $D$ features of a sample, so the mean and variance terms of `dx` are means over axis 1 (`keepdims=True`).
# `gamma` and `beta` are still shared by all the samples, so `dgamma` and `dbeta` are still sums over the batch (axis 0).
#
# Write `layernorm_backward(dout, cache)` returning `(dx, dgamma, dbeta)` of shapes $(N, D)$, $(D,)$, $(D,)$.

# %% tags=["exercise"] exercise_id="ex09_layernorm_backward"
def layernorm_backward(dout, cache):
    """Gradients of layer normalization.

    Parameters
    ----------
    dout : numpy.ndarray, shape (N, D)
    cache : tuple (x_hat (N, D), gamma (D,), inv_std (N, 1))

    Returns
    -------
    dx : numpy.ndarray, shape (N, D)
    dgamma, dbeta : numpy.ndarray, shape (D,)
    """
    ### BEGIN SOLUTION
    x_hat, gamma, inv_std = cache
    dx_hat = dout * gamma  # (N, D)
    dx = inv_std * (dx_hat - dx_hat.mean(axis=1, keepdims=True)
                    - x_hat * (dx_hat * x_hat).mean(axis=1, keepdims=True))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
    ### END SOLUTION


# %% tags=["check"]
check("ex09_layernorm_backward", layernorm_backward)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Batch of one, and gradient check
#
# A sample's layer-norm output is the same alone or inside a batch, in training as in evaluation; and the backward pass passes the same float64 gradient check as BN's.

# %%
x = rng.standard_normal((6, 5)) * 2.0 + 1.0  # (6, 5)
gamma, beta = rng.uniform(0.5, 2.0, 5), rng.standard_normal(5)
whole, cache = layernorm_forward(x, gamma, beta)
alone = np.concatenate([layernorm_forward(x[k:k + 1], gamma, beta)[0] for k in range(6)])
print(f"row by row equals the whole batch: {np.allclose(alone, whole, rtol=0, atol=1e-12)}")
G = rng.standard_normal((6, 5))
dx = layernorm_backward(G, cache)[0]
err = nn.gradcheck(lambda v: np.sum(G * layernorm_forward(v, gamma, beta)[0]), x, dx)
print(f"layer norm dx: largest relative error {nn.describe_error(err)}  ({'ok' if err < 1e-7 else 'WRONG'})")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8. Try it: batch norm on or off, and the scale of the initial weights
#
# A smaller network (4 hidden layers of 32 units) on the digits, 60 SGD steps with learning rate 0.5.
# Switch BN on and off and slide the std of the initial hidden weights from 0.001 to 10.
# Left: the loss per step with and without BN (the chosen one bold); right: the histograms of each hidden layer's ReLU input at initialization, for the chosen setting.
# Every run was trained when the widget was built, so moving a control only redraws.
#
# Things to try: std 0.01 without BN (the layers' values shrink to 0, the loss never moves) then with BN; std 3 without BN (the values overflow, the run diverges at once); the std at which the run without BN learns best.
# And std 0.001 with BN: the histograms are narrower than at the larger stds (their std is below 1), because the layers' variance (around $10^{-5}$) is as small as $\varepsilon$, so that $\hat{x}$ has variance $\sigma^2 / (\sigma^2 + \varepsilon)$, well below 1.

# %% tags=["nbval-ignore-output"]
batchnorm_explorer(init_std=0.01, batchnorm=False)

# %% [markdown] slideshow={"slide_type": "subslide"}
# The same histograms in a static figure: std 0.01 without BN, then with BN.

# %%
fig, axes = plt.subplots(2, 1, figsize=(11, 5))
for ax, bn in zip(axes, (False, True), strict=True):
    model = norm_mlp(0.01, batchnorm=bn, rng=np.random.default_rng(SEED), width=32)
    plot_norm_histograms(norm_preactivations(model, probe), ax=ax,
                         color="C0" if bn else "C3",
                         title=f"std 0.01, BN {'on' if bn else 'off'}: input of each ReLU")
fig.subplots_adjust(hspace=0.9)
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - Normalising the inputs helps the first layer only; batch normalization normalises the input of every layer, for every mini-batch. It was motivated by internal covariate shift; later work points to a smoother loss landscape instead.
# - Forward, per feature over the batch (axis 0): $\mu$, $\sigma^2$ (biased) of shape $(D,)$, $\hat{x} = (x - \mu)/\sqrt{\sigma^2 + \varepsilon}$, $y = \gamma \hat{x} + \beta$; usually between `Linear` and the activation, and the `Linear` bias becomes redundant.
# - Backward: the mean and the variance depend on every sample, so $\partial L/\partial x$ has a mean term and a variance term: `dx = inv_std * (dx_hat - mean(dx_hat) - x_hat * mean(dx_hat * x_hat))`, means over the batch.
# - Training uses the batch's statistics and updates running averages, `running = (1 - momentum) * running + momentum * batch` (momentum 0.1, biased variance in this course; PyTorch stores the unbiased one); evaluation uses the running averages. Batch statistics on a batch of one output $\beta$ for any input: call `model.eval()`.
# - Effects: training becomes insensitive to the scale of the weights before each BN layer and tolerates much larger learning rates; small batches make the statistics noisy ($\propto 1/\sqrt{B}$).
# - Layer normalization normalises each sample over its features (axis 1): the same in training and evaluation, fine for a batch of one and for sequences. Instance norm, group norm and batch renormalization are further variants.
# - In this course: `nn.BatchNorm1d(D, momentum=0.1)`, `nn.LayerNorm(D)`, and the kernels `nn.batchnorm_forward/backward`, `nn.layernorm_forward/backward`.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Check your understanding
#
# 1. Why is the bias of a `Linear` layer useless when a BN layer follows it?
# 2. A network scores 97% on the validation set in `fit`, but a demo that classifies one photo at a time always answers the same digit. What is the likely bug, and why does it produce exactly this symptom?
# 3. With momentum 0.1, what weight does the running mean give to the batch of 10 steps ago, and to the initial value 0 after 30 steps?
# 4. You multiply every weight of the `Linear` layer before a BN layer by 5. What happens to the output of the BN layer, and to the gradient with respect to those weights?
# 5. You must train with batches of 2 (very large inputs). Which normalization would you choose, and why?
#
# <!-- BEGIN SOLUTION -->
#
# **Answers.**
# 1. BN subtracts each feature's batch mean, so a constant added to a feature before it cancels exactly; the shift after normalisation is $\beta$'s job.
# 2. The model is still in training mode (no `model.eval()`): with one sample per batch, BN's batch mean is the sample and its variance 0, so every BN layer outputs $\beta$ whatever the photo, and all photos get the same scores.
# 3. $0.1 \cdot 0.9^{10} \approx 0.035$ for the batch of 10 steps ago; the initial value keeps the weight $0.9^{30} \approx 0.042$ after 30 steps.
# 4. The output does not change, up to the effect of $\varepsilon$ (the batch mean and standard deviation are multiplied by 5 too); the gradient with respect to the weights is divided by 5, so their relative steps are 25 times smaller.
# 5. Layer norm (or group norm): their statistics come from each sample alone, so they do not depend on the batch size, while BN's statistics from 2 samples would be extremely noisy (and a variance from 2 values is on average half the true one). Batch renormalization is another option if one must keep BN.
#
# <!-- END SOLUTION -->

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Further reading
#
# - Ioffe and Szegedy, *Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate Shift* (2015).
# - Santurkar, Tsipras, Ilyas and Madry, *How Does Batch Normalization Help Optimization?* (2018).
# - Ba, Kiros and Hinton, *Layer Normalization* (2016).
# - Ulyanov, Vedaldi and Lempitsky, *Instance Normalization: The Missing Ingredient for Fast Stylization* (2016).
# - Wu and He, *Group Normalization* (2018).
# - Ioffe, *Batch Renormalization: Towards Reducing Minibatch Dependence in Batch-Normalized Models* (2017).
# - Goodfellow, Bengio and Courville, *Deep Learning*, section 8.7.1 (batch normalization).
