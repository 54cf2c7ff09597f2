package io.longview.core.checkpoint;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * A named float32 tensor, row-major (last dimension fastest).
 *
 * <p>The shape is copied; the {@code values} array is taken over without a copy (weights are loaded once and read
 * many times): whoever builds a tensor hands the array over and must not modify it afterwards, and readers of
 * {@link #values()} must treat it as read-only.
 *
 * @param name   e.g. {@code layers.0.Wq} ({@link TensorNames}); {@code [A-Za-z0-9_.-]+}
 * @param shape  1 to {@link CheckpointFormat#MAX_RANK} dimensions, each ≥ 1
 * @param values {@code Π shape} finite values
 */
public record Tensor(String name, int[] shape, float[] values) {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    public Tensor {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("tensor name '" + name + "' must match " + NAME.pattern());
        }
        if (shape.length < 1 || shape.length > CheckpointFormat.MAX_RANK) {
            throw new IllegalArgumentException("tensor " + name + " has rank " + shape.length + ", expected 1.." + CheckpointFormat.MAX_RANK);
        }
        shape = shape.clone();
        long count = 1;
        for (int d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException("tensor " + name + " has shape " + Arrays.toString(shape) + ": dimensions must be ≥ 1");
            }
            count *= d;
        }
        if (count != values.length) {
            throw new IllegalArgumentException("tensor " + name + " with shape " + Arrays.toString(shape) + " needs " + count
                    + " values, got " + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalArgumentException("tensor " + name + " value " + i + " is " + values[i] + ", expected a finite number");
            }
        }
    }

    /** A tensor filled with zeros. */
    public static Tensor zeros(String name, int... shape) {
        long count = 1;
        for (int d : shape) {
            count *= Math.max(d, 0);
        }
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor " + name + " with shape " + Arrays.toString(shape) + " is too large");
        }
        return new Tensor(name, shape, new float[(int) count]);
    }

    /** The shape (a copy). */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Dimension {@code i}. */
    public int dim(int i) {
        return shape[i];
    }

    public int count() {
        return values.length;
    }

    /** True when the shape equals {@code expected}. */
    public boolean hasShape(int... expected) {
        return Arrays.equals(shape, expected);
    }

    /** Element {@code (r, c)} of a matrix. */
    public float get(int r, int c) {
        assert shape.length == 2 : name + " is not a matrix";
        return values[r * shape[1] + c];
    }

    /** A readable form: {@code layers.0.Wq (64, 64)}. */
    public String describe() {
        return name + " " + describeShape(shape);
    }

    static String describeShape(int[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && t.name.equals(name) && Arrays.equals(t.shape, shape) && Arrays.equals(t.values, values);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "Tensor[" + describe() + "]";
    }
}
