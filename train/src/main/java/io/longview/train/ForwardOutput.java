package io.longview.train;

import ai.djl.ndarray.NDArray;

/**
 * What one forward pass produced; every array belongs to the step manager passed to {@link TransActModel#forward}.
 *
 * @param encoderOutput (B, T, d_model) encoder output Z; rows at and after an example's length are padding and
 *                      carry no meaning; null when the model has no sequence module
 * @param logits        (B, H) one logit per head
 * @param probabilities (B, H) sigmoid of the logits
 */
public record ForwardOutput(NDArray encoderOutput, NDArray logits, NDArray probabilities) {
}
