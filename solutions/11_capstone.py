# %% [markdown] slideshow={"slide_type": "slide"}
# # 11 · Capstone: an end-to-end project
#
# Every chapter so far took one piece of training apart.
# This one puts the pieces back together, in the order a real project needs them, on a real data set: chemical measurements of wines, and the question "which kind of wine is this?".
#
# **What you will learn**
#
# - to look at a data set before training: its size, its class balance, the scales of its features;
# - to split it into training, validation and test sets, stratified by class;
# - to scale the features with statistics from the training split only, and why anything else leaks;
# - to encode labels as one-hot rows with the right number of columns;
# - to build the network of a well-known Keras example on red wine, 144-144-16 units with batch normalization and dropout 0.3, and to count its parameters;
# - to train it with Adam, mini-batches of 128, validation monitoring and early stopping that restores the best weights;
# - to read loss and accuracy curves and a confusion matrix;
# - to report the test accuracy exactly once, at the very end;
# - where to go next: convolutional and recurrent networks, transformers, and the same model in PyTorch and Keras.
#
# **Prerequisites**: chapter 00 (training, validation and test sets), chapters 05 and 06 (`nn.Sequential`, `nn.fit`, Adam), chapter 07 (He initialization), chapter 08 (dropout, early stopping) and chapter 09 (batch normalization, train and eval modes).
#
# Notation: $X$ holds one sample per row, shape $(N, D)$ with $D$ features; $y$ holds integer labels, shape $(N,)$; $Y$ holds one-hot rows, shape $(N, C)$ for $C$ classes.
#
# You will write six functions, each followed by a check cell.

# %% slideshow={"slide_type": "skip"}
import copy
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from utils import data, nn
from utils.checks import check
from utils.experiments.capstone import capstone_model, capstone_runs, count_parameters
from utils.experiments.capstone import confusion_matrix as ref_confusion_matrix
from utils.plots import (
    plot_class_balance,
    plot_confusion_matrix,
    plot_feature_scales,
    plot_training_history,
)
from utils.widgets import training_curves_explorer

SEED = 11
rng = np.random.default_rng(SEED)
np.set_printoptions(precision=3, suppress=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. The data: look before you train
#
# A well-known Keras example trains a network on the **Red Wine Quality** data: about 1600 Portuguese red wines, 11 chemical measurements each (acidity, sugar, sulphates, alcohol, ...), and a quality score given by tasters.
# That file is not part of any package we install, and this course downloads nothing.
# So the chapter runs on the **wine recognition** data that ships with scikit-learn: the same kind of problem (chemical measurements in, a class out), small enough to train in a second, and present on every installation.
#
# - 178 wines from three cultivars (grape varieties) of the same region of Italy;
# - 13 measurements per wine: alcohol, malic acid, ash, alkalinity of ash, magnesium, total phenols, flavanoids, nonflavanoid phenols, proanthocyanins, colour intensity, hue, OD280/OD315 of diluted wines, proline;
# - the label: the cultivar, 0, 1 or 2.

# %%
X, y = data.load_wine()  # X (178, 13) float64, y (178,) int64 in {0, 1, 2}
FEATURES = ("alcohol", "malic acid", "ash", "alcalinity of ash", "magnesium", "total phenols",
            "flavanoids", "nonflavanoid phenols", "proanthocyanins", "colour intensity", "hue",
            "OD280/OD315", "proline")
CLASSES = ("cultivar 0", "cultivar 1", "cultivar 2")
print(f"X: {X.shape[0]} wines x {X.shape[1]} features, y: {y.shape[0]} labels")
for k, name in enumerate(CLASSES):
    print(f"{name}: {np.sum(y == k):3d} wines ({100 * np.mean(y == k):.1f}%)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Two things to check on any new data set: how balanced the classes are, and how different the features' scales are.

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 5), gridspec_kw={"width_ratios": [1, 1.6]})
plot_class_balance(y, class_names=CLASSES, ax=ax1, title="Class balance: 178 wines")
plot_feature_scales(X, FEATURES, ax=ax2, log=True, title="Raw features: very different scales")
fig.subplots_adjust(wspace=0.55, left=0.07, right=0.98, bottom=0.12)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# - The classes are moderately balanced (from 27% to 40%): always predicting the largest class would be right 39.9% of the time, the baseline any model must beat. Accuracy is a fair summary here; on the red-wine data, where two quality scores hold over 80% of the wines, it would hide the rare classes.
# - The features live on very different scales: hue is around 1, proline in the hundreds to over a thousand.
#   Unscaled, the first layer's pre-activations would be dominated by proline and magnesium, and one learning rate could not suit every weight: section 3 fixes that.

# %%
print(f"smallest value {X.min():.2f}, largest value {X.max():.0f}")
print(f"proline ranges from {X[:, 12].min():.0f} to {X[:, 12].max():.0f}; "
      f"hue from {X[:, 10].min():.2f} to {X[:, 10].max():.2f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### If you have the red-wine file
#
# `data.load_wine_quality(path)` reads the UCI file `winequality-red.csv` (semicolon-separated, 11 feature columns and `quality`).
# Put the file next to this notebook and run the cell: it loads the data and describes it; without the file it prints a note and changes nothing.
# Section 12 runs the whole pipeline of this chapter on it.

# %%
RED_WINE = Path("winequality-red.csv")  # next to this notebook
if RED_WINE.is_file():
    X_red, quality = data.load_wine_quality(RED_WINE)
    print(f"red wine: {X_red.shape[0]} wines x {X_red.shape[1]} features")
    for q in np.unique(quality):
        print(f"  quality {q}: {np.sum(quality == q):4d} wines ({100 * np.mean(quality == q):.1f}%)")
else:
    print(f"No {RED_WINE.name} next to this notebook: the chapter uses scikit-learn's wine data.")
    print("To try red wine, copy the UCI file here and run this cell again (nothing is downloaded).")

# %% [markdown] slideshow={"slide_type": "fragment"}
# That Keras model reaches **about 60% test accuracy** on red-wine quality.
# That is not a bad model: quality is a taster's score from 3 to 8, six classes, most wines are 5 or 6, and neighbouring scores differ by little chemistry.
# Our three cultivars are chemically distinct, so expect far higher accuracy here: **wine recognition is an easier problem**, not a better network.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Three splits, stratified
#
# As in chapter 00, each split has one job:
#
# - **training** (70%): fits the weights;
# - **validation** (15%): watched during training, it chooses the epoch to keep (early stopping) and the settings (learning rate, dropout...), and shows overfitting;
# - **test** (15%): used **once**, at the end, to report how well the finished model does on data nothing was chosen with.
#
# *Stratified* means each class keeps its share in every split: with 27 test wines, a random split could by chance hold only 4 wines of cultivar 2, and the test accuracy would mostly measure the other two.

# %%
(X_train, y_train), (X_val, y_val), (X_test, y_test) = data.train_val_test_split(
    X, y, val=0.15, test=0.15, stratify=True, rng=rng)
for name, labels in (("train", y_train), ("val", y_val), ("test", y_test)):
    counts = np.bincount(labels, minlength=3)
    shares = " ".join(f"{100 * c / labels.size:4.1f}%" for c in counts)
    print(f"{name:>5}: {labels.size:3d} wines, per class {counts}, shares {shares}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Every class has close to its overall share (33%, 40%, 27%) in every split.
# From here on, the test split stays in its box until section 11.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Scaling, fitted on the training split only
#
# Standardization gives every feature mean 0 and standard deviation 1:
#
# $$\tilde{x}_{nd} = \frac{x_{nd} - \mu_d}{\sigma_d}, \qquad \mu_d = \frac{1}{N}\sum_{n} x_{nd}, \qquad \sigma_d = \sqrt{\frac{1}{N}\sum_n (x_{nd} - \mu_d)^2},$$
#
# with $\mu$ and $\sigma$ vectors of shape $(D,)$, one entry per feature (column).
#
# **Which $N$ rows?** Only the training split's.
# The validation and test splits stand for wines the model has never seen; a real new wine arrives alone, and its statistics cannot be part of anything fitted beforehand.
# Computing $\mu$ and $\sigma$ on all the data (or on training + validation) lets the held-out rows shape the preprocessing: that is **leakage**, and it makes the held-out scores optimistic.
# With 178 wines the effect is small; with a time series, rare classes or a heavy outlier in the test set it can be large, and it is always a flaw in the method.
# So: fit the statistics on $X_\text{train}$, then apply the *same* $\mu$ and $\sigma$ to all three splits.
#
# ### Exercise 1: scale three splits
#
# Write `scale_splits(X_train, X_val, X_test)`.
#
# - In: three arrays with the same number $D$ of columns.
# - Compute `mean` and `std` of shape $(D,)$ from `X_train` only (`axis=0`, the population std, `ddof=0`); where `std` is 0 (a constant feature), use 1 instead.
# - Out: a tuple `(X_train_s, X_val_s, X_test_s)` of new arrays, each `(X - mean) / std`. Do not modify the inputs.

# %% tags=["exercise"] exercise_id="ex11_scale_splits" slideshow={"slide_type": "subslide"}
def scale_splits(X_train, X_val, X_test):
    """Standardize three splits with the training split's statistics.

    Parameters
    ----------
    X_train : numpy.ndarray, shape (N_train, D)
    X_val : numpy.ndarray, shape (N_val, D)
    X_test : numpy.ndarray, shape (N_test, D)

    Returns
    -------
    tuple of 3 numpy.ndarray, shapes as the inputs
        (X - mean) / std for each split, with mean and std (shape (D,)) from X_train only
        and std replaced by 1 where it is 0.
    """
    ### BEGIN SOLUTION
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)  # a constant feature is centred, not divided by 0
    return tuple((X - mean) / std for X in (X_train, X_val, X_test))
    ### END SOLUTION


# %% tags=["check"]
check("ex11_scale_splits", scale_splits)

# %% [markdown] slideshow={"slide_type": "subslide"}
# The library's `data.StandardScaler` does the same thing in two steps, `fit` (on the training split) and `transform` (any split), which is the form to use when new data arrives later.
# The training split now has mean 0 and std 1 exactly; the other two only approximately, which is expected and harmless.

# %%
scaler = data.StandardScaler().fit(X_train)  # statistics from the training split only
X_train_s, X_val_s, X_test_s = (scaler.transform(A) for A in (X_train, X_val, X_test))
for name, A in (("train", X_train_s), ("val", X_val_s)):
    print(f"{name:>5}: feature means from {A.mean(axis=0).min():+.2f} to {A.mean(axis=0).max():+.2f},"
          f" stds from {A.std(axis=0).min():.2f} to {A.std(axis=0).max():.2f}")

# %% slideshow={"slide_type": "fragment"}
plot_feature_scales(X_train_s, FEATURES, title="Training features after standardization")
plt.gcf().set_size_inches(7, 5.5)
plt.subplots_adjust(left=0.32, right=0.97, bottom=0.1)
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Labels as one-hot rows
#
# The network ends with $C$ scores per wine, and the softmax cross-entropy compares them with a target row $Y_n$ of shape $(C,)$ that holds a single 1 in the column of the right class:
# label 2 of 3 classes becomes $(0, 0, 1)$.
# (`nn.fit`'s loss also accepts integer labels, as PyTorch's `CrossEntropyLoss` does; Keras's `categorical_crossentropy` wants one-hot rows, and its `sparse_categorical_crossentropy` integer labels. We use one-hot rows, as the Keras example does.)
#
# Two things go wrong in practice:
#
# - **the number of columns**: it is the number of classes the model predicts, not the number of classes present in one split (a small split may lack a rare class);
# - **labels that are not 0, 1, ..., C-1**: red-wine quality runs from 3 to 8, and using the value as a column number would give 9 columns, three of them never used.
#
# ### Exercise 2: encode labels
#
# Write `encode_labels(y, classes)`.
#
# - In: `y` of shape $(N,)$, integer labels; `classes` of shape $(C,)$, every class value in order (e.g. `[0, 1, 2]`, or `[3, 4, 5, 6, 7, 8]` for red wine).
# - Out: `Y` of shape $(N, C)$, float, with `Y[n, k] = 1.0` if `y[n] == classes[k]` and 0 otherwise.

# %% tags=["exercise"] exercise_id="ex11_encode_labels" slideshow={"slide_type": "subslide"}
def encode_labels(y, classes):
    """One-hot rows for the given class values.

    Parameters
    ----------
    y : numpy.ndarray of int, shape (N,)
    classes : numpy.ndarray of int, shape (C,)
        Every class value, in the order of the columns.

    Returns
    -------
    numpy.ndarray of float64, shape (N, C)
        Y[n, k] = 1.0 where y[n] == classes[k], else 0.0.
    """
    ### BEGIN SOLUTION
    return (np.asarray(y)[:, None] == np.asarray(classes)[None, :]).astype(np.float64)
    ### END SOLUTION


# %% tags=["check"]
check("ex11_encode_labels", encode_labels)

# %% [markdown] slideshow={"slide_type": "fragment"}
# For wine the classes are 0, 1, 2, so the library's `data.one_hot(y, 3)` gives the same rows.
# Note the explicit `3`: computed from the labels, it would silently be wrong for any split that lacks the last class.

# %%
Y_train, Y_val = data.one_hot(y_train, 3), data.one_hot(y_val, 3)  # (124, 3) and (27, 3)
first_of_each = [int(np.flatnonzero(y_train == k)[0]) for k in range(3)]
print(f"Y_train {Y_train.shape}, Y_val {Y_val.shape}; rows for labels {y_train[first_of_each]}:")
print(Y_train[first_of_each])

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. The model: 144-144-16 with batch norm and dropout
#
# The Keras example's Red Wine network, in this course's layers: three hidden **blocks**, each
#
# $$\text{Linear} \rightarrow \text{BatchNorm1d} \rightarrow \text{ReLU} \rightarrow \text{Dropout}(p = 0.3),$$
#
# with 144, 144 and 16 units, then a Linear layer with one score per class (no activation: the softmax is inside the loss).
# For $D = 13$ features and $C = 3$ classes the shapes are
#
# $$(N, 13) \rightarrow (N, 144) \rightarrow (N, 144) \rightarrow (N, 16) \rightarrow (N, 3).$$
#
# Why this shape:
#
# - **two wide layers** (144 units) give the network room to combine the 13 measurements in many ways; on about 1100 red-wine training rows that capacity needs regularization;
# - **the narrow 16-unit layer** is a bottleneck: it compresses what the wide layers found into a few features just before the decision, and keeps the output layer small;
# - **batch norm** before each ReLU keeps every layer's inputs centred and scaled while the weights move, so Adam can use one learning rate for all layers (chapter 09);
# - **dropout 0.3** zeroes 30% of each block's outputs during training, so no unit can rely on a few others, which counters the overfitting such a network does on small data (chapter 08). `Dropout(p)` takes the probability of **dropping**, as in PyTorch and Keras.
#
# The parameters: a Linear layer $D_\text{in} \to D_\text{out}$ has $D_\text{in} D_\text{out} + D_\text{out}$ (weights and biases), a BatchNorm1d of $D$ units has $2D$ ($\gamma$ and $\beta$; its running averages are statistics, not parameters).
#
# | layer | parameters for 13 features, 3 classes |
# |---|---|
# | Linear(13, 144) + BatchNorm1d(144) | 13·144 + 144 + 2·144 = 2304 |
# | Linear(144, 144) + BatchNorm1d(144) | 144·144 + 144 + 2·144 = 21168 |
# | Linear(144, 16) + BatchNorm1d(16) | 144·16 + 16 + 2·16 = 2352 |
# | Linear(16, 3) | 16·3 + 3 = 51 |
# | **total** | **25875** |
#
# That is about 200 parameters per training wine: far more than the data can pin down, which is why regularization and early stopping matter.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 3: build the model
#
# Write `build_model(n_features, n_classes, *, rng)` returning an `nn.Sequential` of exactly these layers, in this order:
#
# `Linear(n_features, 144)`, `BatchNorm1d(144)`, `ReLU()`, `Dropout(0.3)`, `Linear(144, 144)`, `BatchNorm1d(144)`, `ReLU()`, `Dropout(0.3)`, `Linear(144, 16)`, `BatchNorm1d(16)`, `ReLU()`, `Dropout(0.3)`, `Linear(16, n_classes)`.
#
# Pass `rng=rng` to every `nn.Linear` (keep its default He initialization) and every `nn.Dropout`, creating the layers in this order, so that the same seed gives the same weights as the reference.

# %% tags=["exercise"] exercise_id="ex11_build_model"
def build_model(n_features, n_classes, *, rng):
    """The 144-144-16 network with batch norm and dropout 0.3.

    Parameters
    ----------
    n_features, n_classes : int
    rng : numpy.random.Generator
        For the initial weights and the dropout masks.

    Returns
    -------
    nn.Sequential
        Maps (N, n_features) to scores (N, n_classes).
    """
    ### BEGIN SOLUTION
    layers = []
    width = n_features
    for units in (144, 144, 16):
        layers += [nn.Linear(width, units, rng=rng), nn.BatchNorm1d(units), nn.ReLU(),
                   nn.Dropout(0.3, rng=rng)]
        width = units
    layers.append(nn.Linear(width, n_classes, rng=rng))
    return nn.Sequential(*layers)
    ### END SOLUTION


# %% tags=["check"]
check("ex11_build_model", build_model)

# %% [markdown] slideshow={"slide_type": "fragment"}
# The library's `capstone_model` builds the same network (the rest of the chapter uses it, so it runs even before your exercises do).

# %%
model = capstone_model(13, 3, rng=rng)  # Linear/BatchNorm1d/ReLU/Dropout x 3, then Linear(16, 3)
print(model)
print(f"parameters: {count_parameters(model):,}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Training with validation monitoring and early stopping
#
# The settings, from the Keras example:
#
# - **Adam** with a small learning rate, $\eta = 10^{-3}$ (its usual default; chapter 06);
# - **mini-batches of 128** rows, reshuffled every epoch. Our training split has only 124 rows, so one batch holds all of it: here an epoch is a single Adam step (on the 1119 training rows of red wine it would be 9 steps);
# - after every epoch, the loss and accuracy on the training and the **validation** data, measured in eval mode (`nn.fit(..., validation=(X_val, Y_val), metric=nn.accuracy)`);
# - **early stopping** (chapter 08): stop when the validation loss has not improved by more than `min_delta` $= 10^{-3}$ for `patience` $= 20$ epochs, then **restore the weights of the best epoch**. Without `min_delta` the validation loss of this easy problem keeps creeping down by tiny amounts for hundreds of epochs; an improvement of less than 0.001 is not worth waiting for.
#
# The cap of 500 epochs is only a safety net: early stopping decides.

# %%
early = nn.EarlyStopping(patience=20, min_delta=1e-3, restore_best=True)
history = nn.fit(model, X_train_s, Y_train, epochs=500, batch_size=128, rng=rng,
                 optimizer=nn.Adam(model, lr=1e-3), validation=(X_val_s, Y_val),
                 metric=nn.accuracy, early_stopping=early)
best = history["best_epoch"]
print(f"stopped at epoch {history['stopped_at']}, best epoch {best} (weights restored)")
print(f"at the best epoch: train loss {history['train_loss'][best - 1]:.4f}, "
      f"val loss {history['val_loss'][best - 1]:.4f}")
print(f"at the best epoch: train accuracy {history['train_metric'][best - 1]:.3f}, "
      f"val accuracy {history['val_metric'][best - 1]:.3f}")

# %% slideshow={"slide_type": "subslide"}
plot_training_history(history, best_epoch=best,
                      title="Training vs validation, Adam lr 0.001, batches of 128")
plt.subplots_adjust(top=0.85, bottom=0.15, wspace=0.25)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# How to read the curves:
#
# - both losses fall together: the model is learning something that holds on unseen wines;
# - validation accuracy reaches 100% early, yet the validation **loss** keeps falling for a long time: the predictions stay right and become more confident. That is why early stopping watches the loss, which moves smoothly, and not the accuracy, which moves in steps of $1/27 \approx 3.7\%$ here;
# - the training loss is measured in eval mode after each epoch (no dropout), so it is comparable with the validation loss;
# - with 27 validation wines, one wine more or less right moves the validation accuracy by 3.7 points: small splits give noisy numbers.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. Choosing the epoch: validation only
#
# Early stopping is model selection: among all the epochs, it picks one.
# The data that picks must not be the data that reports.
# If the test loss chose the epoch, the test score would be the best of hundreds of tries, an optimistic number, and no unseen data would be left to say how good the model really is.
#
# ### Exercise 4: replay early stopping
#
# Write `select_epoch(history, patience)`.
#
# - In: `history`, a dict of lists with one entry per epoch (epoch $e$ is entry $e - 1$): `"train_loss"`, `"val_loss"`, `"val_metric"` (validation accuracy), and `"test_loss"`, because whoever logged this run also watched the test set (do not use it); `patience`, an int.
# - Walk through the epochs $e = 1, 2, \dots$: an epoch improves when its validation loss is **strictly** lower than the best so far; stop at the first epoch $e$ with $e - e_\text{best} \ge$ `patience`.
# - Out: `(best_epoch, stop_epoch)`, two ints counted from 1; if the history ends before stopping, `stop_epoch` is the last epoch.
#
# This is `nn.EarlyStopping` with `min_delta = 0`.

# %% tags=["exercise"] exercise_id="ex11_select_epoch" slideshow={"slide_type": "subslide"}
def select_epoch(history, patience):
    """The epoch early stopping keeps, and the epoch where it stops.

    Parameters
    ----------
    history : dict of str -> list of float
        Per-epoch records; only "val_loss" may be used.
    patience : int

    Returns
    -------
    (int, int)
        (best_epoch, stop_epoch), both counted from 1.
    """
    ### BEGIN SOLUTION
    best_loss, best_epoch = float("inf"), 0
    for epoch, loss in enumerate(history["val_loss"], start=1):
        if loss < best_loss:
            best_loss, best_epoch = loss, epoch
        if epoch - best_epoch >= patience:
            return best_epoch, epoch
    return best_epoch, len(history["val_loss"])
    ### END SOLUTION


# %% tags=["check"]
check("ex11_select_epoch", select_epoch)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8. Evaluation mode
#
# Dropout and batch norm behave differently in training and in evaluation:
#
# - in training, dropout zeroes random units; in evaluation it lets every unit through;
# - in training, batch norm normalizes with the mean and variance of the current batch; in evaluation it uses the running averages it collected, so a wine's prediction does not depend on which other wines share its batch (and a batch of one works).
#
# Forgetting `model.eval()` before measuring gives a random, usually lower, accuracy.
# Our trained model, on the validation split, in both modes.
# We use a copy: a forward pass in train mode also moves batch norm's running averages towards the statistics of that batch, which would change the model itself.

# %%
model.eval()  # nn.fit leaves the model in train mode: evaluation mode from here on
trial = copy.deepcopy(model)  # the experiment must not touch the trained model
for training in (True, True, False, False):
    trial.train(training)
    name = "train mode (wrong)" if training else "eval mode (right)"
    print(f"{name:>18}: validation accuracy {nn.accuracy(trial.forward(X_val_s), y_val):.3f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# In train mode two identical calls can disagree (fresh dropout masks each time); in eval mode the answer is fixed.
#
# ### Exercise 5: evaluate
#
# Write `evaluate(model, X, y)` returning the accuracy (a float in $[0, 1]$) of `model` on `X` (shape $(N, D)$) against the integer labels `y` (shape $(N,)$): the fraction of rows whose highest score is the label.
#
# The contract: the forward pass runs in **eval mode**, and the model leaves the function **in the mode it came in** (remember `model.training`, call `model.eval()`, and at the end `model.train(was_training)`).
# A function called in the middle of a training loop, say once per epoch, must not silently switch dropout off for the rest of training.

# %% tags=["exercise"] exercise_id="ex11_evaluate" slideshow={"slide_type": "subslide"}
def evaluate(model, X, y):
    """Accuracy of the model in eval mode; the model's mode is restored afterwards.

    Parameters
    ----------
    model : nn.Module
    X : numpy.ndarray, shape (N, D)
    y : numpy.ndarray of int, shape (N,)

    Returns
    -------
    float
        The fraction of rows whose highest score is the label.
    """
    ### BEGIN SOLUTION
    was_training = model.training
    model.eval()
    scores = model.forward(X)
    model.train(was_training)
    return float(np.mean(scores.argmax(axis=1) == y))
    ### END SOLUTION


# %% tags=["check"]
check("ex11_evaluate", evaluate)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 9. The confusion matrix
#
# Accuracy is one number; the **confusion matrix** shows which classes are mistaken for which.
# For $C$ classes it is a $C \times C$ table of counts:
#
# $$M_{ij} = \text{the number of samples of true class } i \text{ predicted as class } j.$$
#
# **Rows are the true classes, columns the predictions** (scikit-learn's convention, and ours); the diagonal holds the correct predictions, row $i$ sums to the number of samples of class $i$, and $M_{ii}$ divided by that sum is the class's **recall**.
# A transposed matrix reads the same at a glance and says the wrong thing: its rows would be predictions.
#
# ### Exercise 6: confusion matrix
#
# Write `confusion_matrix(y_true, y_pred, n_classes)`: `y_true` and `y_pred` of shape $(N,)$, integer labels in $0, \dots, C-1$; return an integer array of shape $(C, C)$ with $C$ = `n_classes` (even if some class never occurs).

# %% tags=["exercise"] exercise_id="ex11_confusion_matrix" slideshow={"slide_type": "subslide"}
def confusion_matrix(y_true, y_pred, n_classes):
    """Counts of (true class, predicted class) pairs.

    Parameters
    ----------
    y_true, y_pred : numpy.ndarray of int, shape (N,)
    n_classes : int

    Returns
    -------
    numpy.ndarray of int, shape (n_classes, n_classes)
        M[i, j] = number of samples of true class i predicted as class j.
    """
    ### BEGIN SOLUTION
    M = np.zeros((n_classes, n_classes), dtype=np.int64)
    for t, p in zip(y_true, y_pred, strict=True):
        M[t, p] += 1
    return M
    ### END SOLUTION


# %% tags=["check"]
check("ex11_confusion_matrix", confusion_matrix)

# %% [markdown] slideshow={"slide_type": "subslide"}
# The validation confusion matrix of our model (in eval mode), with each cell's share of its row:

# %%
val_pred = model.forward(X_val_s).argmax(axis=1)
M_val = ref_confusion_matrix(y_val, val_pred, 3)
print(M_val)
plot_confusion_matrix(M_val, class_names=CLASSES, title="Validation split, 27 wines")
plt.subplots_adjust(left=0.22, bottom=0.15)
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 10. Try it: dropout, learning rate, batch norm
#
# The same network trained 18 times, from the same seed, for 80 epochs: every combination of dropout $p \in \{0, 0.3, 0.9\}$, Adam learning rate $\eta \in \{0.001, 0.01, 0.1\}$, with and without batch norm.
# The widget shows the training and validation curves of the run you choose (computed once, below, so each change only redraws), the epoch early stopping with patience 20 would keep (dashed), and a verdict in the status line.
#
# Things to try:
#
# - $p = 0.9$: the network underfits, whatever the learning rate;
# - $\eta = 0.001$: after 80 epochs (80 steps here) the loss is still falling;
# - $\eta = 0.1$: the loss falls within a few epochs and early stopping ends the run before 80 (around epoch 40 with batch norm, 60 without); compare the runs with and without batch norm.

# %%
runs = capstone_runs(X_train_s, Y_train, X_val_s, Y_val, ps=(0.0, 0.3, 0.9),
                     lrs=(1e-3, 1e-2, 1e-1), epochs=80, seed=SEED)
print(f"{len(runs)} runs of {len(runs[0.3, 1e-3, True]['val_loss'])} epochs")

# %% tags=["nbval-ignore-output"]
training_curves_explorer(runs, patience=20)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 11. The test set, once
#
# Everything is chosen: the preprocessing, the architecture, the optimizer, the epoch.
# Only now does the test split come out of its box, for one evaluation.
# Why only once? Each time a test score influences a decision (another learning rate, another epoch, another architecture), the test set becomes part of the selection, and its score drifts upward from what new data would give.
# If you look at it, change something, and look again, it has become a second validation set, and you no longer have a test set.

# %%
test_pred = model.forward(X_test_s).argmax(axis=1)  # model is in eval mode, best weights
test_accuracy = float(np.mean(test_pred == y_test))
print(f"test accuracy: {test_accuracy:.3f} ({int(np.sum(test_pred == y_test))} of {y_test.size} wines)")
plot_confusion_matrix(ref_confusion_matrix(y_test, test_pred, 3), class_names=CLASSES,
                      title=f"Test split, {y_test.size} wines, reported once")
plt.subplots_adjust(left=0.22, bottom=0.15)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# This is the number to report, with its context: 27 test wines, so each wine is 3.7 points and a second run with another seed could easily differ by one or two wines.
# For comparison, the Keras example's red-wine model reaches about 60% on a much harder six-class problem.
#
# Once every choice is final, a common last step is to retrain on training + validation together with the same settings and the same number of epochs, to use all the labelled data; the test score above is then a slightly pessimistic estimate.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 12. Your turn: red wine
#
# With `winequality-red.csv` next to the notebook, the cell below runs the whole pipeline on it with your functions from the exercises: stratified split, scaling on the training split, one-hot labels for the six quality scores 3 to 8, the 144-144-16 model, Adam with batches of 128 and early stopping, and one test evaluation.
# Expect a test accuracy around 60%, as in the Keras example.
# Without the file it prints a note.

# %%
if RED_WINE.is_file():
    red_rng = np.random.default_rng(SEED)
    (Xr_tr, yr_tr), (Xr_va, yr_va), (Xr_te, yr_te) = data.train_val_test_split(
        X_red, quality, val=0.15, test=0.15, stratify=True, rng=red_rng)
    Xr_tr, Xr_va, Xr_te = scale_splits(Xr_tr, Xr_va, Xr_te)
    qualities = np.unique(quality)  # 3..8: six classes
    red_model = build_model(Xr_tr.shape[1], qualities.size, rng=red_rng)
    red_history = nn.fit(red_model, Xr_tr, encode_labels(yr_tr, qualities), epochs=500,
                         batch_size=128, rng=red_rng, optimizer=nn.Adam(red_model, lr=1e-3),
                         validation=(Xr_va, encode_labels(yr_va, qualities)), metric=nn.accuracy,
                         early_stopping=nn.EarlyStopping(patience=20, min_delta=1e-3))
    print(f"best epoch {red_history['best_epoch']}, val accuracy "
          f"{red_history['val_metric'][red_history['best_epoch'] - 1]:.3f}")
    y_index = np.searchsorted(qualities, yr_te)  # quality 3..8 -> column 0..5
    print(f"red wine test accuracy, once: {evaluate(red_model, Xr_te, y_index):.3f}")
else:
    print(f"No {RED_WINE.name} next to this notebook: nothing to run (see section 1).")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 13. What next
#
# Everything in this course is a **multilayer perceptron**: each layer connects every input to every unit.
# That suits tabular data like ours, where the 13 features have no order or neighbourhood.
# Other data has structure, and the next architectures build it in:
#
# - **Convolutional networks (CNNs)** for images: a small filter (say $3 \times 3$ weights) slides over the image and is reused at every position, so a feature learned in one corner is recognised everywhere, with far fewer weights than a dense layer on all pixels. Pooling layers then shrink the image step by step. Batch norm, ReLU, dropout, He initialization and Adam all carry over unchanged.
# - **Recurrent networks (RNNs, LSTMs, GRUs)** for sequences (text, sound, time series): the same cell is applied at each time step and carries a hidden state forward. Backpropagation runs back through time; layer normalization (chapter 09) suits them better than batch norm.
# - **Transformers** replaced RNNs in most of language processing: **attention** lets each position of a sequence weigh every other position directly, and the whole sequence is processed in parallel. Their building blocks are again linear layers, softmax, layer norm, residual connections and Adam (as AdamW).
# - **Frameworks** (PyTorch, Keras/TensorFlow, JAX) compute the backward pass for you (automatic differentiation), run on GPUs, and provide layers, losses, optimizers and data loaders. You now know what each of those lines does inside.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The same model three ways
#
# The course's library (this notebook, NumPy):
#
# ```python
# from utils import nn
#
# rng = np.random.default_rng(11)
# model = nn.Sequential(
#     nn.Linear(13, 144, rng=rng), nn.BatchNorm1d(144), nn.ReLU(), nn.Dropout(0.3, rng=rng),
#     nn.Linear(144, 144, rng=rng), nn.BatchNorm1d(144), nn.ReLU(), nn.Dropout(0.3, rng=rng),
#     nn.Linear(144, 16, rng=rng), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.3, rng=rng),
#     nn.Linear(16, 3, rng=rng),
# )
# history = nn.fit(model, X_train_s, Y_train, epochs=500, batch_size=128, rng=rng,
#                  optimizer=nn.Adam(model, lr=1e-3), validation=(X_val_s, Y_val),
#                  metric=nn.accuracy,
#                  early_stopping=nn.EarlyStopping(patience=20, min_delta=1e-3))
# model.eval()
# test_accuracy = nn.accuracy(model.forward(X_test_s), y_test)
# ```
#
# PyTorch 2.x (you write the epoch loop; integer labels, float32 tensors):
#
# ```python
# import copy
#
# import torch
# from torch import nn
#
# torch.manual_seed(11)
# X_tr, y_tr = torch.tensor(X_train_s, dtype=torch.float32), torch.tensor(y_train)
# X_va, y_va = torch.tensor(X_val_s, dtype=torch.float32), torch.tensor(y_val)
# model = nn.Sequential(
#     nn.Linear(13, 144), nn.BatchNorm1d(144), nn.ReLU(), nn.Dropout(0.3),
#     nn.Linear(144, 144), nn.BatchNorm1d(144), nn.ReLU(), nn.Dropout(0.3),
#     nn.Linear(144, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.3),
#     nn.Linear(16, 3),
# )
# loss_fn = nn.CrossEntropyLoss()  # softmax + cross-entropy on raw scores, int64 labels
# optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
# loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X_tr, y_tr),
#                                      batch_size=128, shuffle=True)
# best_loss, best_epoch, best_state = float("inf"), 0, None
# for epoch in range(1, 501):
#     model.train()
#     for xb, yb in loader:
#         optimizer.zero_grad()
#         loss_fn(model(xb), yb).backward()  # autograd computes every gradient
#         optimizer.step()
#     model.eval()
#     with torch.no_grad():
#         val_loss = loss_fn(model(X_va), y_va).item()
#     if val_loss < best_loss - 1e-3:
#         best_loss, best_epoch = val_loss, epoch
#         best_state = copy.deepcopy(model.state_dict())  # weights and BN running averages
#     elif epoch - best_epoch >= 20:
#         break
# model.load_state_dict(best_state)
# model.eval()
# with torch.no_grad():
#     X_te = torch.tensor(X_test_s, dtype=torch.float32)
#     test_accuracy = (model(X_te).argmax(dim=1) == torch.tensor(y_test)).float().mean().item()
# ```
#
# Keras 3 (`fit` runs the loop; one-hot labels as in the original example):
#
# ```python
# import keras
# from keras import layers
#
# keras.utils.set_random_seed(11)
# model = keras.Sequential([
#     keras.Input(shape=(13,)),
#     layers.Dense(144), layers.BatchNormalization(), layers.ReLU(), layers.Dropout(0.3),
#     layers.Dense(144), layers.BatchNormalization(), layers.ReLU(), layers.Dropout(0.3),
#     layers.Dense(16), layers.BatchNormalization(), layers.ReLU(), layers.Dropout(0.3),
#     layers.Dense(3),  # raw scores: the loss applies the softmax (from_logits=True)
# ])
# model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
#               loss=keras.losses.CategoricalCrossentropy(from_logits=True),
#               metrics=["accuracy"])
# stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=20, min_delta=1e-3,
#                                      restore_best_weights=True)
# history = model.fit(X_train_s, Y_train, batch_size=128, epochs=500,
#                     validation_data=(X_val_s, Y_val), callbacks=[stop], verbose=0)
# Y_test = keras.utils.to_categorical(y_test, 3)  # one-hot, shape (27, 3)
# test_loss, test_accuracy = model.evaluate(X_test_s, Y_test, verbose=0)
# ```
#
# Line for line:
#
# | this course | PyTorch | Keras |
# |---|---|---|
# | `nn.Linear(13, 144, rng=rng)` | `nn.Linear(13, 144)` | `layers.Dense(144)` (input size inferred) |
# | `nn.BatchNorm1d(144)` (momentum 0.1) | `nn.BatchNorm1d(144)` (momentum 0.1) | `layers.BatchNormalization()` (momentum 0.99: the weight of the *old* average) |
# | `nn.Dropout(0.3, rng=rng)` | `nn.Dropout(0.3)` | `layers.Dropout(0.3)` |
# | `nn.softmax_cross_entropy` | `nn.CrossEntropyLoss()` | `CategoricalCrossentropy(from_logits=True)` |
# | `nn.Adam(model, lr=1e-3)` | `torch.optim.Adam(model.parameters(), lr=1e-3)` | `keras.optimizers.Adam(learning_rate=1e-3)` |
# | `model.backward(dout)` | `loss.backward()` (autograd) | inside `fit` |
# | `model.train()` / `model.eval()` | `model.train()` / `model.eval()` | `training=True/False`, set by `fit` / `evaluate` / `predict` |
# | `nn.EarlyStopping(patience=20, min_delta=1e-3)` | written by hand (above) | `keras.callbacks.EarlyStopping(...)` |
#
# Three differences hide behind the similar names.
# The default initializations differ (ours is He normal; PyTorch's `Linear` draws uniformly in $\pm 1/\sqrt{D_\text{in}}$; Keras's `Dense` uses Glorot uniform), so the same seed does not give the same network across libraries.
# Both frameworks compute in float32 by default, the course in float64.
# And batch norm's `momentum` means opposite things: PyTorch's 0.1 is the weight of the new batch, Keras's 0.99 the weight of the old average (so Keras's 0.9 matches PyTorch's 0.1); their default `epsilon` differs too (Keras 0.001, PyTorch and the course 1e-5).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - Look at the data first: the class balance sets the baseline (here 39.9%, always guessing the largest class), the features' scales say whether to scale (here from about 0.1 to 1680).
# - Split into training, validation and test, stratified by class; the test split is untouched until the end.
# - Fit the scaler on the training split only and apply the same statistics to every split; fitting on more data leaks the held-out rows into the preprocessing.
# - One-hot labels have as many columns as the model has classes, each column tied to a class value, whatever a given split contains.
# - The planned network: three blocks Linear → BatchNorm1d → ReLU → Dropout(0.3) of 144, 144 and 16 units, then Linear to the class scores; 25875 parameters for 13 features and 3 classes.
# - Adam ($\eta = 10^{-3}$), mini-batches of 128, validation loss and accuracy after each epoch, early stopping (patience 20, min_delta 0.001) with the best weights restored.
# - Evaluate in eval mode (dropout off, batch norm on its running averages); restore the mode afterwards.
# - A confusion matrix has the true classes as rows and the predictions as columns.
# - Report the test accuracy once; anything the test set chooses makes it optimistic.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Check your understanding
#
# 1. A colleague standardizes the whole data set, then splits it. Name the problem, and say why it matters more for a real deployment than for this notebook.
# 2. Your validation split happens to contain no wine of cultivar 2, and you compute `data.one_hot(y_val)` without a number of classes. What shape do you get, and what fails next?
# 3. Why does early stopping watch the validation loss rather than the validation accuracy on this data set?
# 4. You train, look at the test accuracy (93%), raise the dropout, train again and get 96% on the test set. Which number do you report, and what should you have done?
# 5. `evaluate` is called after every epoch inside a training loop, and it calls `model.eval()` without restoring the mode. What happens to the rest of training?
# 6. Why does the 16-unit layer not limit the network to 16 "features" of the wine in any harmful way here?
#
# <!-- BEGIN SOLUTION -->
#
# **Answers.**
# 1. Leakage: the mean and std include the validation and test rows, so preprocessing was fitted with data the model is later scored on, and the held-out scores are optimistic. In deployment each new wine arrives alone and its statistics were never part of the fit; the notebook's test score would promise more than the deployed model delivers.
# 2. Shape $(27, 2)$ instead of $(27, 3)$ (the number of columns is taken from the largest label present); the loss then fails on a shape mismatch between the scores $(27, 3)$ and the targets, or worse, a library that broadcasts silently computes nonsense. Pass the number of classes explicitly.
# 3. Accuracy on 27 wines moves in steps of 3.7% and reaches 100% early, after which it cannot improve; the loss keeps measuring how confident and how right the predictions are, and changes smoothly from epoch to epoch.
# 4. Neither is an honest test score: the test set chose the dropout, so it served as a validation set. Choose dropout on the validation split, then evaluate the final model once on the test set; report that one number (if the test set has already been used, say so, or set aside a fresh one).
# 5. The model stays in eval mode: dropout is off and batch norm uses (and no longer updates) its running averages for the remaining epochs, so the regularization silently disappears and batch norm's backward pass fails or trains with the wrong statistics. In the library, `BatchNorm1d.backward` refuses to run after an eval-mode forward pass.
# 6. The 16 units combine the 144 features of the layer below, which already mix all 13 inputs; three classes need only a few numbers to be separated (2 would suffice for a linear decision between 3 well-separated groups), so 16 is ample. The bottleneck removes capacity the data cannot support.
#
# <!-- END SOLUTION -->

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Further reading
#
# - Cortez, Cerdeira, Almeida, Matos and Reis, *Modeling wine preferences by data mining from physicochemical properties* (Decision Support Systems, 2009): the red-wine quality data.
# - Forina et al., *PARVUS: an extendable package of programs for data exploration, classification and correlation* (1988): the origin of the wine recognition data.
# - Kaufman, Rosset, Perlich and Stitelman, *Leakage in data mining: formulation, detection, and avoidance* (ACM TKDD, 2012).
# - Prechelt, *Early Stopping — But When?*, in *Neural Networks: Tricks of the Trade* (1998).
# - Goodfellow, Bengio and Courville, *Deep Learning* (2016), chapters 7 (regularization, early stopping), 9 (convolutional networks) and 10 (recurrent networks).
# - Vaswani et al., *Attention Is All You Need* (2017): the transformer.
# - Chollet, *Deep Learning with Python* (2nd edition, 2021), and Stevens, Antiga and Viehmann, *Deep Learning with PyTorch* (2020): the frameworks.
