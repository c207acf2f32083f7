# %% [markdown] slideshow={"slide_type": "slide"}
# # 01 · The perceptron and XOR
#
# A single artificial neuron, the *perceptron*, computes simple logical functions such as AND and OR.
# It cannot compute XOR, and seeing exactly why is the first step towards networks with hidden layers.
#
# **What you will learn**
#
# - what a perceptron computes: a weighted sum plus a bias, then a step function;
# - why the bias is a threshold you can move, and why the decision boundary is a straight line;
# - how to choose weights by hand for AND, OR and NAND;
# - why no single perceptron computes XOR (with a proof in two lines of algebra);
# - how a hidden layer of two perceptrons solves XOR by moving the data into a new space;
# - the perceptron learning rule, and why it converges on AND but never on XOR.
#
# **Prerequisites**: chapter 00 (NumPy shapes, a matrix product over a whole batch, broadcasting a bias).
#
# You will write four functions, each followed by a check cell that tells you whether it is right and, if not, which known mistake it looks like.

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np

import utils.perceptron as ref
from utils.checks import check
from utils.data import GATES, gate_truth_table
from utils.perceptron import step
from utils.plots import (
    plot_boundary_line,
    plot_curves,
    plot_decision_regions,
    plot_gate,
    plot_xor_spaces,
)
from utils.widgets import gate_explorer

SEED = 0
rng = np.random.default_rng(SEED)
np.set_printoptions(precision=4, suppress=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. What a perceptron computes
#
# A perceptron takes an input vector $x = (x_1, \dots, x_D)$, one weight $w_j$ per input, and one extra number $b$, the *bias*.
# It computes a weighted sum plus the bias, then passes it through a step function:
#
# $$z = x \cdot w + b = \sum_{j=1}^{D} w_j x_j + b, \qquad \hat{y} = \operatorname{step}(z) = \begin{cases} 1 & \text{if } z > 0, \\ 0 & \text{otherwise.} \end{cases}$$
#
# **Convention.** In this course the step is 1 only where $z > 0$ *strictly*, so a point with $z = 0$ exactly gives 0.
# Some books use $z \ge 0$ instead; the difference only shows on points exactly on the boundary, but a check will notice.
# `utils.perceptron.step` (imported in the setup cell) follows this convention.
#
# For a batch of $N$ inputs stacked as the rows of $X$ (shape $(N, D)$), all the sums come from one matrix product:
# $z = Xw + b$ has shape $(N,)$, with the scalar $b$ broadcast to every row.

# %% [markdown] slideshow={"slide_type": "fragment"}
# > **A loose analogy.**
# > A biological neuron collects signals through synapses of different strengths and fires when the total excitation passes a threshold.
# > The weights play the synapses, the step plays the firing.
# > The analogy ends there: real neurons spike in time, adapt and are far more complicated; Rosenblatt's perceptron (1958) only borrows the picture.

# %% slideshow={"slide_type": "fragment"}
z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
print("z       :", z)
print("step(z) :", step(z), " <- z = 0 gives 0")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The bias is a moved threshold
#
# The oldest way to describe the unit is "fire when the weighted sum exceeds a threshold $\theta$".
# Moving $\theta$ to the left-hand side gives exactly the bias form:
#
# $$x \cdot w > \theta \quad\Longleftrightarrow\quad x \cdot w - \theta > 0 \quad\Longleftrightarrow\quad x \cdot w + b > 0 \quad \text{with } b = -\theta.$$
#
# A large positive bias makes the unit fire easily (low threshold); a very negative bias makes it hard to fire.
# Writing the threshold as a bias turns it into one more parameter, learned exactly like a weight (the weight of an extra input that is always 1).
# The cell below checks the equivalence on 1000 random inputs with $D = 3$.

# %%
X_demo = rng.standard_normal((1000, 3))  # (N, D) = (1000, 3)
w_demo = np.array([0.5, -1.0, 2.0])  # (D,)
theta = 0.7
fires_threshold = (X_demo @ w_demo > theta).astype(int)  # "sum exceeds theta"
fires_bias = step(X_demo @ w_demo + (-theta))  # "sum plus bias exceeds 0", b = -theta
print("identical on all 1000 inputs:", np.array_equal(fires_threshold, fires_bias))

# %% [markdown] slideshow={"slide_type": "subslide"}
# On the left, the step function itself.
# On the right, a one-input perceptron $\operatorname{step}(w x + b)$ with $w = 1$ and three biases: the jump happens where $x + b = 0$, at $x = -b = \theta$.
# Changing $b$ slides the threshold; it does not change the shape.

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
zs = np.linspace(-3, 3, 601)
plot_curves(zs, {"step(z)": step(zs)}, ax=axes[0], xlabel="$z$", ylabel="output",
            title="step(z): 1 where z > 0, else 0")
plot_curves(zs, {f"b = {b:+.0f} (threshold {-b:+.0f})": step(zs + b) for b in (-1.0, 0.0, 1.0)},
            ax=axes[1], xlabel="input $x$", ylabel="output", title="step(x + b): the bias moves the jump")
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 1: a perceptron for a batch
#
# Write `perceptron(X, w, b)` that returns the perceptron's output for every row of `X`.
#
# - In: `X` of shape $(N, D)$, `w` of shape $(D,)$, `b` a float. $D$ can be any size, not only 2.
# - Out: an integer array of shape $(N,)$ holding 0 or 1: $\hat{y} = \operatorname{step}(Xw + b)$.
#
# Use one matrix product, no loop over rows. You may use `step` from the setup cell or write the comparison yourself (mind the convention at $z = 0$).

# %% tags=["exercise"] exercise_id="ex01_perceptron" slideshow={"slide_type": "fragment"}
def perceptron(X, w, b):
    """Perceptron outputs for a batch of inputs: step(X @ w + b).

    Parameters
    ----------
    X : numpy.ndarray of float, shape (N, D)
        One input per row.
    w : numpy.ndarray of float, shape (D,)
        One weight per input feature.
    b : float
        The bias.

    Returns
    -------
    numpy.ndarray of int, shape (N,)
        1 where X @ w + b > 0, else 0.
    """
    ### BEGIN SOLUTION
    z = X @ w + b  # (N, D) @ (D,) -> (N,); b is broadcast
    return (z > 0).astype(np.int64)
    ### END SOLUTION


# %% tags=["check"]
check("ex01_perceptron", perceptron)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Logic gates as perceptrons
#
# A logic gate maps two bits $x_1, x_2 \in \{0, 1\}$ to one bit.
# The four possible inputs are the corners of the unit square.
#
# | $x_1$ | $x_2$ | AND | OR | NAND |
# |:-:|:-:|:-:|:-:|:-:|
# | 0 | 0 | 0 | 0 | 1 |
# | 0 | 1 | 0 | 1 | 1 |
# | 1 | 0 | 0 | 1 | 1 |
# | 1 | 1 | 1 | 1 | 0 |
#
# **Worked example: AND.** Only $(1, 1)$ may fire, so we need
# $w_1 + w_2 + b > 0$ while $b \le 0$, $w_1 + b \le 0$ and $w_2 + b \le 0$.
# With $w = (1, 1)$ this reads $2 + b > 0$ and $1 + b \le 0$, so any $b \in (-2, -1]$ works.
# We take $b = -1.5$, halfway, so the line keeps clear of every corner.

# %%
X_gate, y_and = gate_truth_table("AND")  # X_gate: (4, 2) corners; y_and: (4,) targets
w_and, b_and = np.array([1.0, 1.0]), -1.5
z_and = X_gate @ w_and + b_and
print(" x1  x2 | z = x1 + x2 - 1.5 | step(z) | AND")
for (x1, x2), z_k, out, target in zip(X_gate, z_and, step(z_and), y_and, strict=True):
    print(f"  {x1:.0f}   {x2:.0f} | {z_k:17.1f} | {out:7d} | {target:3d}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The decision boundary is a line
#
# The perceptron switches output where $z = 0$, that is on the set
#
# $$w_1 x_1 + w_2 x_2 + b = 0 .$$
#
# When $w_2 \neq 0$ this is the straight line $x_2 = -\frac{w_1}{w_2} x_1 - \frac{b}{w_2}$ (slope $-w_1/w_2$, intercept $-b/w_2$).
# The vector $w$ is perpendicular to the line and points towards the side where the unit fires.
# The bias shifts the line without turning it; scaling $(w, b)$ by any positive number changes neither the line nor the outputs.
# With $D$ inputs the boundary $x \cdot w + b = 0$ is a flat hyperplane, never a curve.
# So a single perceptron can only compute functions whose 1-inputs and 0-inputs sit on opposite sides of one line: *linearly separable* functions.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 2: weights for AND, OR and NAND
#
# Write `make_gates()` that returns a dict `{"AND": (w, b), "OR": (w, b), "NAND": (w, b)}`, each `w` an array of shape $(2,)$ and each `b` a float, such that $\operatorname{step}(x \cdot w + b)$ computes the gate on the four corners.
#
# Many answers are right: the check does not compare your numbers with ours; it runs the reference perceptron with your weights and compares the outputs with the truth tables.
#
# **Keep a margin.** The check also nudges every corner by up to 0.05 in each coordinate (real signals are never exactly 0 or 1), and the outputs must not change.
# So a line through a corner fails, even if the tie rule $\operatorname{step}(0) = 0$ happens to give the right answer there: for OR, $w = (1, 1), b = 0$ puts $(0, 0)$ exactly on the line.
# Put each line in the gap between the corners that must give 1 and those that must give 0, as the AND example did with $b = -1.5$.
#
# Hints: OR fires unless both inputs are 0. NAND is "not AND": what happens to the outputs if you flip the signs of $w$ and $b$?

# %% tags=["exercise"] exercise_id="ex01_gates" slideshow={"slide_type": "fragment"}
def make_gates():
    """Hand-chosen perceptron weights for three logic gates.

    Returns
    -------
    dict
        {"AND": (w, b), "OR": (w, b), "NAND": (w, b)}: each w a numpy array of float of
        shape (2,), each b a float, so that step(x @ w + b) computes the gate on the four
        corners (0, 0), (0, 1), (1, 0), (1, 1), with the line clear of every corner.
    """
    ### BEGIN SOLUTION
    return {
        "AND": (np.array([1.0, 1.0]), -1.5),  # fires only when both inputs are on
        "OR": (np.array([1.0, 1.0]), -0.5),  # fires when at least one input is on
        "NAND": (np.array([-1.0, -1.0]), 1.5),  # AND with every sign flipped
    }
    ### END SOLUTION


# %% tags=["check"]
check("ex01_gates", make_gates)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The three gates, side by side
#
# From here on the notebook uses the library's choices, `utils.perceptron.GATE_WEIGHTS`, so it runs even if an exercise is unfinished.
# Each panel shows the four corners coloured by the gate's target output, the boundary line, and, shaded, the half-plane where the perceptron outputs 1.
# NAND's line is AND's line; only the sides are swapped, because $w$ and $b$ changed sign.

# %%
for name, (w_g, b_g) in ref.GATE_WEIGHTS.items():
    print(f"{name:4s}: w = {w_g}, b = {b_g:+.1f}")
fig, axes = plt.subplots(1, 3, figsize=(13, 4.5))
for ax, (name, (w_g, b_g)) in zip(axes, ref.GATE_WEIGHTS.items(), strict=True):
    plot_gate(name, w_g, b_g, ax=ax)
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Try it: the gate explorer
#
# Move the sliders for $w_1$, $w_2$ and $b$; the line and the shaded side follow, and the line under the figure lists every gate the current weights compute.
# Things to try:
#
# - find weights for OR, then change only $b$ until they compute AND;
# - find NOR ("neither input on");
# - choose XOR in the dropdown and try to solve it.

# %% tags=["nbval-ignore-output"]
gate_explorer("AND")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The same explorer can run **your** `perceptron` from Exercise 1 instead of the library's: if the figure and the "solves" line behave as above, your function is doing its job.
# (If Exercise 1 is not done yet, the status line says so.)

# %% tags=["nbval-ignore-output"]
gate_explorer("AND", perceptron=perceptron)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. XOR: one line is not enough
#
# XOR ("exclusive or") is 1 when exactly one input is 1:
#
# | $x_1$ | $x_2$ | XOR |
# |:-:|:-:|:-:|
# | 0 | 0 | 0 |
# | 0 | 1 | 1 |
# | 1 | 0 | 1 |
# | 1 | 1 | 0 |
#
# The two 1-corners sit on one diagonal of the square and the two 0-corners on the other.
# Try the explorer on XOR: whatever you do, at least one corner stays on the wrong side.

# %% tags=["nbval-ignore-output"]
gate_explorer("XOR")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A brute-force search
#
# The sliders move in steps of 0.1 from -2 to 2: 41 values each, so $41^3 = 68\,921$ weight triples $(w_1, w_2, b)$.
# The cell below tries all of them at once on the four corners and counts how many compute each gate.
# (The outputs form a $(4, K)$ array: column $k$ holds triple $k$'s outputs on the four corners.)

# %%
grid = np.round(np.arange(-2.0, 2.05, 0.1), 1)  # 41 values: -2.0, -1.9, ..., 2.0
W1g, W2g, Bg = np.meshgrid(grid, grid, grid, indexing="ij")
W_all = np.column_stack([W1g.ravel(), W2g.ravel()])  # (K, 2), K = 41**3
B_all = Bg.ravel()  # (K,)
outputs = step(X_gate @ W_all.T + B_all)  # (4, 2) @ (2, K) + (K,) -> (4, K)
for name in ("AND", "OR", "NAND", "NOR", "XOR", "XNOR"):
    target = np.array(GATES[name])[:, None]  # (4, 1), broadcast over the K columns
    n_solved = int(np.all(outputs == target, axis=0).sum())
    print(f"{name:5s}: {n_solved:6d} of {B_all.size} weight triples compute it")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Not one triple computes XOR (nor its negation XNOR).
# Below, XOR with three lines that work for other gates: each leaves a corner on the wrong side.

# %%
fig, axes = plt.subplots(1, 3, figsize=(13, 4.5))
for ax, name in zip(axes, ("AND", "OR", "NAND"), strict=True):
    w_g, b_g = ref.GATE_WEIGHTS[name]
    plot_gate("XOR", w_g, b_g, ax=ax)
    ax.set_title(f"XOR with {name}'s line: not solved", color="firebrick")
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Proof: no single perceptron computes XOR
#
# A grid search only tries finitely many weights; the algebra covers all of them.
# Suppose $\operatorname{step}(w_1 x_1 + w_2 x_2 + b)$ computed XOR. The four rows of the truth table require
#
# $$(0,0) \mapsto 0:\ b \le 0, \qquad (1,1) \mapsto 0:\ w_1 + w_2 + b \le 0, \qquad (0,1) \mapsto 1:\ w_2 + b > 0, \qquad (1,0) \mapsto 1:\ w_1 + b > 0.$$
#
# Adding the last two gives $w_1 + w_2 + 2b > 0$; adding the first two gives $w_1 + w_2 + 2b \le 0$.
# Both cannot hold, so no $(w_1, w_2, b)$ exists. $\blacksquare$
#
# The argument does not depend on the tie rule: with "$\ge$" instead of "$>$" the same two sums give $< 0$ and $\ge 0$.
# Minsky and Papert's book *Perceptrons* (1969) made limits like this one famous, and interest in neural networks cooled for years.
# The way out is not a cleverer single unit but more units, in layers.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Two layers solve XOR
#
# XOR is "OR, but not AND". So compute AND and OR first, with two perceptrons, then combine them with a third:
#
# - hidden unit 1: $h_1 = \operatorname{step}(x_1 + x_2 - 1.5)$, an AND;
# - hidden unit 2: $h_2 = \operatorname{step}(x_1 + x_2 - 0.5)$, an OR;
# - output unit: $y = \operatorname{step}(-h_1 + h_2 - 0.5)$, "$h_2$ and not $h_1$".
#
# In matrix form for a batch (rows are samples), with column $j$ of $W_1$ holding the weights of hidden unit $j$:
#
# $$H = \operatorname{step}(X W_1 + b_1), \qquad y = \operatorname{step}(H w_2 + b_2),$$
#
# $$W_1 = \begin{pmatrix} 1 & 1 \\ 1 & 1 \end{pmatrix}, \quad b_1 = (-1.5,\ -0.5), \quad w_2 = (-1,\ 1), \quad b_2 = -0.5 .$$
#
# Shapes: $X$ is $(N, 2)$, $W_1$ is $(2, 2)$, $b_1$ is $(2,)$ and broadcast over the rows, $H$ is $(N, 2)$, $w_2$ is $(2,)$, $b_2$ a scalar, $y$ is $(N,)$.
# The library keeps these numbers as `XOR_HIDDEN_W`, `XOR_HIDDEN_B`, `XOR_OUT_W`, `XOR_OUT_B` in `utils.perceptron`.

# %%
print("W1 =", ref.XOR_HIDDEN_W.tolist(), "shape", ref.XOR_HIDDEN_W.shape)
print("b1 =", ref.XOR_HIDDEN_B, "shape", ref.XOR_HIDDEN_B.shape)
print("w2 =", ref.XOR_OUT_W, "shape", ref.XOR_OUT_W.shape)
print(f"b2 = {ref.XOR_OUT_B}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 3: the XOR network
#
# Write `xor_network(X)` with exactly the weights above.
#
# - In: `X` of shape $(N, 2)$. The inputs may be any real numbers, not only corners: use the formulas, not a lookup table.
# - Out: the pair `(H, y)`: `H` of shape $(N, 2)$ with $h_1$ (the AND) in column 0 and $h_2$ (the OR) in column 1, and `y` of shape $(N,)$; all entries 0 or 1.
#
# Compute $H = \operatorname{step}(X W_1 + b_1)$, then $y = \operatorname{step}(H w_2 + b_2)$. You may use `step`.

# %% tags=["exercise"] exercise_id="ex01_xor_network" slideshow={"slide_type": "fragment"}
def xor_network(X):
    """The hand-wired two-layer network that computes XOR.

    Parameters
    ----------
    X : numpy.ndarray of float, shape (N, 2)

    Returns
    -------
    H : numpy.ndarray of int, shape (N, 2)
        Hidden outputs: column 0 is h1 = step(x1 + x2 - 1.5), column 1 is
        h2 = step(x1 + x2 - 0.5).
    y : numpy.ndarray of int, shape (N,)
        step(-h1 + h2 - 0.5).
    """
    ### BEGIN SOLUTION
    W1 = np.array([[1.0, 1.0], [1.0, 1.0]])  # (2, 2): column j = weights of hidden unit j
    b1 = np.array([-1.5, -0.5])  # (2,): unit 1 is an AND, unit 2 an OR
    H = step(X @ W1 + b1)  # (N, 2)
    w2 = np.array([-1.0, 1.0])  # (2,): output weights on (h1, h2)
    b2 = -0.5
    y = step(H @ w2 + b2)  # (N,)
    return H, y
    ### END SOLUTION


# %% tags=["check"]
check("ex01_xor_network", xor_network)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What the hidden layer does
#
# The table follows each corner through the network (computed with the library's `xor_network`).
# The two 1-corners $(0, 1)$ and $(1, 0)$ land on the same hidden point $(h_1, h_2) = (0, 1)$.

# %%
X_xor, y_xor = gate_truth_table("XOR")
H_xor, out_xor = ref.xor_network(X_xor)
print(" x1  x2 | h1 (AND)  h2 (OR) | y | XOR")
print("--------+-------------------+---+----")
for (x1, x2), (h1, h2), y_k, t_k in zip(X_xor, H_xor, out_xor, y_xor, strict=True):
    print(f"  {x1:.0f}   {x2:.0f} | {h1:5d} {h2:9d}    | {y_k:d} | {t_k:2d}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Left: the four inputs in $x$-space, where no line separates the classes.
# Right: the same four points after the hidden layer, in $h$-space: only three distinct points remain, and the output unit's line $-h_1 + h_2 - 0.5 = 0$ separates them.

# %%
plot_xor_spaces()
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# **The lesson.** The hidden layer does not solve the problem by itself: it *moves the data* into a new space, $h$-space, where the problem becomes linear, so one more perceptron finishes the job.
# Every network in this course works this way: hidden layers compute new features of the input until a simple (linear) output layer suffices.
# From chapter 02 on, those features are learned instead of set by hand.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Back in input space
#
# Seen in $x$-space, the network's decision region is the band between the two hidden lines $x_1 + x_2 = 0.5$ and $x_1 + x_2 = 1.5$: above the OR line but below the AND line.
# Two lines, combined by the output unit, do what one line cannot.

# %%
fig, ax = plt.subplots(figsize=(5.5, 5))
plot_decision_regions(lambda P: ref.xor_network(P)[1], X_xor, y_xor, ax=ax, padding=0.5,
                      title="XOR network: output 1 in the band")
plot_boundary_line(ref.XOR_HIDDEN_W[:, 0], ref.XOR_HIDDEN_B[0], ax=ax, color="C3",
                   label="$h_1$ line: $x_1 + x_2 = 1.5$")
plot_boundary_line(ref.XOR_HIDDEN_W[:, 1], ref.XOR_HIDDEN_B[1], ax=ax, color="C2",
                   label="$h_2$ line: $x_1 + x_2 = 0.5$")
ax.legend(loc="upper right", fontsize=9)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Why $b_2 = -0.5$ and not 0?** In $h$-space the hidden points are $(0, 0)$, $(0, 1)$ and $(1, 1)$, so $-h_1 + h_2$ is 0, 1 and 0.
# With $b_2 = 0$ the two 0-points would sit exactly on the output line, right only thanks to the tie rule $\operatorname{step}(0) = 0$.
# $b_2 = -0.5$ puts the line halfway between the classes, the same margin idea as in Exercise 2.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Learning the weights: the perceptron rule
#
# So far we chose weights by hand. Rosenblatt's rule finds them from examples $(x_i, y_i)$, with $y_i \in \{0, 1\}$.
# Start from $w = 0$, $b = 0$. Visit the samples one at a time, in order; for each sample:
#
# $$\hat{y}_i = \operatorname{step}(x_i \cdot w + b), \qquad w \leftarrow w + \eta\,(y_i - \hat{y}_i)\,x_i, \qquad b \leftarrow b + \eta\,(y_i - \hat{y}_i).$$
#
# $\eta > 0$ is the learning rate (`lr` in code). The factor $y_i - \hat{y}_i$ is 0, $+1$ or $-1$:
#
# - right answer ($\hat{y}_i = y_i$): nothing changes;
# - the unit said 0 but should say 1: add $\eta x_i$ to $w$ and $\eta$ to $b$; then $z$ for this $x_i$ grows by $\eta(\lVert x_i \rVert^2 + 1) > 0$;
# - the unit said 1 but should say 0: subtract them; $z$ shrinks by the same amount.
#
# One pass over all samples is an *epoch*. We count the mistakes in each epoch (each mistake caused one update); an epoch with 0 mistakes means every sample is classified correctly, and nothing will change any more.

# %% [markdown] slideshow={"slide_type": "subslide"}
# One update in code: the first AND sample that goes wrong is $(1, 1)$, because at the start $z = 0$ and so $\hat{y} = 0$.

# %%
w, b, lr = np.zeros(2), 0.0, 1.0
x_i, y_i = np.array([1.0, 1.0]), 1  # AND's corner (1, 1), target 1
y_hat = step(x_i @ w + b)  # z = 0, so y_hat = 0: a mistake
w = w + lr * (y_i - y_hat) * x_i
b = b + lr * (y_i - y_hat)
print(f"y_hat = {y_hat}; after the update w = {w}, b = {b:.1f}, z = {x_i @ w + b:.1f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 4: the learning rule
#
# Write `train_perceptron(X, y, lr=1.0, epochs=10)`.
#
# - In: `X` of shape $(N, D)$, `y` of shape $(N,)$ with entries 0 or 1, `lr` a positive float, `epochs` a positive int.
# - Start from `w = np.zeros(D)` and `b = 0.0` on every call.
# - For each epoch, visit the rows in order; for each row apply the update above, right away (the next row already sees the new weights).
# - Out: the triple `(w, b, errors)`: `w` of shape $(D,)$, `b` a float, and `errors` an integer array of shape `(epochs,)` where `errors[e]` is the number of mistakes made during epoch `e`.

# %% tags=["exercise"] exercise_id="ex01_train_perceptron" slideshow={"slide_type": "fragment"}
def train_perceptron(X, y, lr=1.0, epochs=10):
    """Train a perceptron with Rosenblatt's rule, one sample at a time.

    Parameters
    ----------
    X : numpy.ndarray of float, shape (N, D)
    y : numpy.ndarray of int (0 or 1), shape (N,)
    lr : float
        Learning rate, > 0.
    epochs : int
        Number of passes over the data, >= 1.

    Returns
    -------
    w : numpy.ndarray of float, shape (D,)
    b : float
    errors : numpy.ndarray of int, shape (epochs,)
        errors[e] = number of misclassified samples (= updates) during epoch e.
    """
    ### BEGIN SOLUTION
    w, b = np.zeros(X.shape[1]), 0.0
    errors = np.zeros(epochs, dtype=np.int64)
    for epoch in range(epochs):
        for x_i, y_i in zip(X, y, strict=True):
            y_hat = step(x_i @ w + b)
            if y_hat != y_i:
                errors[epoch] += 1
                w = w + lr * (y_i - y_hat) * x_i
                b = b + lr * (y_i - y_hat)
    return w, float(b), errors
    ### END SOLUTION


# %% tags=["check"]
check("ex01_train_perceptron", train_perceptron)

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Learning AND, OR and NAND from their truth tables
#
# The library's `train_perceptron` applies the same rule. On each gate the mistakes per epoch fall to 0 within a few epochs, and the learned line separates the corners.

# %%
fig, axes = plt.subplots(1, 3, figsize=(13, 4.5))
learned = {}
for ax, name in zip(axes, ("AND", "OR", "NAND"), strict=True):
    X_g, y_g = gate_truth_table(name)
    w_g, b_g, errors_g = ref.train_perceptron(X_g, y_g, lr=1.0, epochs=8)
    learned[name] = errors_g
    print(f"{name:4s}: w = {w_g}, b = {b_g:+.1f}, mistakes per epoch = {errors_g.tolist()}")
    plot_gate(name, w_g, b_g, ax=ax)
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Look closely: every learned line runs exactly through a corner, $(1, 0)$ for AND, $(0, 0)$ for OR and $(1, 1)$ for NAND.
# Those corners have $z = 0$ and come out right only because $\operatorname{step}(0) = 0$; the check of Exercise 2 would reject these weights.
# The rule stops at the first weights that make no mistake: it has no notion of a margin.
# The losses of chapter 03 (such as cross-entropy) keep pushing points away from the boundary even after they are classified correctly.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### XOR: the rule never settles
#
# On XOR the same rule never reaches an epoch without mistakes.
# It cannot: an epoch with 0 mistakes would mean the current $(w, b)$ classify all four corners correctly, which the proof of section 3 rules out.

# %%
epochs = 20
_, _, errors_and = ref.train_perceptron(X_gate, y_and, lr=1.0, epochs=epochs)
_, _, errors_xor = ref.train_perceptron(X_xor, y_xor, lr=1.0, epochs=epochs)
print("AND mistakes per epoch:", errors_and.tolist())
print("XOR mistakes per epoch:", errors_xor.tolist())

# %%
ax = plot_curves(np.arange(1, epochs + 1),
                 {"AND (separable)": errors_and, "XOR (not separable)": errors_xor},
                 marker="o", xlabel="epoch", ylabel="mistakes in the epoch (of 4)",
                 title="Perceptron rule: AND converges, XOR never does")
ax.set_xticks(np.arange(2, epochs + 1, 2))
ax.set_yticks(np.arange(5))
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# From epoch 3 on, XOR gets all four samples wrong in every epoch.
# Following one epoch sample by sample shows why: each update fixes the current sample but breaks the next one, and after four updates the weights are back where the epoch started.
# The rule goes round this cycle forever.

# %%
w_t, b_t, _ = ref.train_perceptron(X_xor, y_xor, lr=1.0, epochs=2)  # weights when epoch 3 starts
print(f"start of epoch 3:              w = {w_t}, b = {b_t:+.0f}")
for x_i, y_i in zip(X_xor, y_xor, strict=True):
    y_hat = step(x_i @ w_t + b_t)
    w_t, b_t = w_t + (y_i - y_hat) * x_i, b_t + (y_i - y_hat)  # lr = 1
    print(f"x = {x_i}, y = {y_i}, y_hat = {y_hat}:  w = {w_t}, b = {b_t:+.0f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# **The convergence theorem** (Novikoff, 1962): if the data are linearly separable, the perceptron rule makes only finitely many updates and then classifies every sample correctly; if they are not, as for XOR, it never stops updating.
#
# **A curiosity: the learning rate does not matter here.** Starting from $w = 0, b = 0$, every update is $\eta$ times a combination of $\pm x_i$ and $\pm 1$, so $(w, b)$ is always $\eta$ times what it would be with $\eta = 1$.
# Scaling $(w, b)$ by $\eta > 0$ does not change the sign of $z$, so the mistakes, and the line, are the same for every $\eta$:

# %%
for lr_try in (0.01, 1.0, 10.0):
    w_l, b_l, err_l = ref.train_perceptron(X_gate, y_and, lr=lr_try, epochs=6)
    print(f"lr = {lr_try:5.2f}: w = {w_l}, b = {b_l:+.3f}, mistakes = {err_l.tolist()}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - A perceptron computes $\hat{y} = \operatorname{step}(x \cdot w + b)$, with $\operatorname{step}(z) = 1$ for $z > 0$ and 0 otherwise; for a batch, $\hat{y} = \operatorname{step}(Xw + b)$ with shape $(N,)$.
# - The bias is a moved threshold: $x \cdot w > \theta \iff x \cdot w + b > 0$ with $b = -\theta$.
# - The decision boundary $w_1 x_1 + w_2 x_2 + b = 0$ is a line (a hyperplane in $D$ dimensions), so a perceptron computes only linearly separable functions: AND, OR, NAND yes; XOR no.
# - XOR is impossible for one perceptron: the four inequalities of its truth table contradict each other.
# - Two layers solve XOR: hidden AND and OR units map the inputs to $h$-space, where one line separates the classes. Hidden layers move data into a space where the problem is linear.
# - The perceptron rule $w \leftarrow w + \eta (y - \hat{y}) x$, $b \leftarrow b + \eta (y - \hat{y})$ converges on linearly separable data and never on XOR.
# - What is missing: a rule that can train the *hidden* layer too. The step function has zero slope wherever it has a slope at all, so it gives no signal about which way to move a hidden weight; chapters 02 to 05 replace it with smooth activations and derive backpropagation.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Check your understanding
#
# 1. A perceptron has $w = (2, -1)$ and $b = -1$. What does it output for $x = (1, 1)$? And with the "$\ge$" convention?
#
# <!-- BEGIN SOLUTION -->
# $z = 2 - 1 - 1 = 0$. With this course's step ($z > 0$) the output is 0; with "$\ge$" it would be 1. The point lies exactly on the boundary, which is why the convention must be stated.
# <!-- END SOLUTION -->
#
# 2. Without a bias ($b = 0$), which of AND, OR and NAND can a perceptron compute?
#
# <!-- BEGIN SOLUTION -->
# Only OR, with e.g. $w = (1, 1)$, and only thanks to the tie rule: $(0, 0)$ gives $z = 0$ whatever $w$ is, so it always outputs 0 and sits on the line.
# NAND needs output 1 at $(0, 0)$: impossible. AND needs $w_1 \le 0$ and $w_2 \le 0$ (corners $(1,0)$ and $(0,1)$ give 0) but $w_1 + w_2 > 0$: impossible.
# Without a bias every boundary passes through the origin.
# <!-- END SOLUTION -->
#
# 3. In the XOR network, what changes if the output bias $b_2$ is 0 instead of $-0.5$?
#
# <!-- BEGIN SOLUTION -->
# On every input the outputs stay the same: $-h_1 + h_2$ is 0, 1 or 0 on the three hidden points, and $\operatorname{step}(0) = 0$.
# But two hidden points then lie exactly on the output line, so the network is right only because of the tie rule; with "$\ge$" it would output 1 on $(0, 0)$ and $(1, 1)$. $-0.5$ leaves a margin on both sides.
# <!-- END SOLUTION -->
#
# 4. Change one layer of the XOR network so that it computes XNOR (1 when both inputs are equal).
#
# <!-- BEGIN SOLUTION -->
# Negate the output unit: $w_2 = (1, -1)$, $b_2 = 0.5$, so $y = \operatorname{step}(h_1 - h_2 + 0.5)$. On the hidden points $(0,0), (0,1), (1,1)$ this gives 1, 0, 1. The hidden layer stays as it is.
# <!-- END SOLUTION -->
#
# 5. Why can the perceptron rule never reach an epoch with zero mistakes on XOR, however many epochs it runs?
#
# <!-- BEGIN SOLUTION -->
# An epoch without mistakes makes no update, so the same $(w, b)$ classified all four corners correctly during that epoch. Such weights would compute XOR, which the proof of section 3 shows is impossible.
# <!-- END SOLUTION -->
#
# 6. Why can't the perceptron rule train the hidden layer of the XOR network?
#
# <!-- BEGIN SOLUTION -->
# The rule needs a target for each unit, and the data give targets only for the output; nobody says what $h_1$ and $h_2$ should be. A method that assigns credit to hidden units needs to know how the output changes when a hidden weight changes, and the step function's derivative is 0 almost everywhere. Smooth activations (chapter 02) and backpropagation (chapter 05) solve this.
# <!-- END SOLUTION -->

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Further reading
#
# - F. Rosenblatt, "The perceptron: a probabilistic model for information storage and organization in the brain", *Psychological Review*, 1958.
# - A. B. J. Novikoff, "On convergence proofs on perceptrons", 1962.
# - M. Minsky and S. Papert, *Perceptrons: An Introduction to Computational Geometry*, MIT Press, 1969.
# - I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT Press, 2016, section 6.1 "Example: Learning XOR".
# - M. Nielsen, *Neural Networks and Deep Learning*, chapter 1 "Using neural nets to recognize handwritten digits".
