package io.longview.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar operands that live as long as the step.
 *
 * <p>Never use DJL's {@code NDArray.mul(Number)}, {@code div(Number)}, {@code maximum(Number)} … on the autograd
 * path: the PyTorch engine wraps the number in a tensor over a Java direct buffer ({@code from_blob}), runs the op and
 * closes the wrapper at once; autograd has saved that tensor for the backward pass, the garbage collector frees the
 * buffer, and backward then reads freed memory. Seen here as same-seed training runs that drifted apart (and one
 * NaN), and gone with {@code -XX:+UseEpsilonGC} (no GC at all). A scalar made here stays attached to the step
 * manager, so its buffer lives until the step is closed, after backward.
 */
final class Scalars {
    private Scalars() {
    }

    /** A 0-d float32 array holding {@code v}, owned by {@code step}. */
    static NDArray of(NDManager step, float v) {
        return step.create(new float[]{v}, new Shape());
    }
}
