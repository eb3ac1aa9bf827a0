"""Adapting the classifier to one proposition from a person's marks.

The model's logits are kept as an offset; on top, a per-proposition bias and a linear map of the premise's
embedding are fitted to the marks (multinomial logistic loss, L2-penalised towards no change). A few marks
move the prior and pull premises that read like a marked one towards its label.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

BIAS_PENALTY = 0.05
WEIGHT_PENALTY = 1.0
MAX_ITERATIONS = 200


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return np.asarray(exp / exp.sum(axis=1, keepdims=True))


def fit_offsets(
    base: np.ndarray, embeddings: np.ndarray, labels: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Bias (3,) and weights (dims, 3) that, added to `base` logits, fit the marked rows' `labels`."""
    classes = base.shape[1]
    dims = embeddings.shape[1]
    target = np.eye(classes)[labels]

    def loss(flat: np.ndarray) -> tuple[float, np.ndarray]:
        bias, weights = flat[:classes], flat[classes:].reshape(dims, classes)
        probs = softmax(base + bias + embeddings @ weights)
        log_likelihood = float(np.sum(target * np.log(probs + 1e-12)))
        value = (
            -log_likelihood + BIAS_PENALTY * float(bias @ bias) + WEIGHT_PENALTY * float(np.sum(weights**2))
        )
        residual = probs - target
        grad_bias = residual.sum(axis=0) + 2 * BIAS_PENALTY * bias
        grad_weights = embeddings.T @ residual + 2 * WEIGHT_PENALTY * weights
        return value, np.concatenate([grad_bias, grad_weights.ravel()])

    start = np.zeros(classes + dims * classes)
    result = minimize(loss, start, jac=True, method="L-BFGS-B", options={"maxiter": MAX_ITERATIONS})
    flat = np.asarray(result.x)
    return flat[:classes], flat[classes:].reshape(dims, classes)
