package io.longview.core.checkpoint;

import java.util.Arrays;

/**
 * The name and shape a configuration requires of one tensor ({@link ModelConfig#tensorSpecs()}).
 *
 * @param name  see {@link TensorNames}
 * @param shape the required shape
 */
public record TensorSpec(String name, int[] shape) {
    public TensorSpec {
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** The number of values. */
    public int count() {
        int c = 1;
        for (int d : shape) {
            c *= d;
        }
        return c;
    }

    /** A zero tensor of this name and shape. */
    public Tensor zeros() {
        return new Tensor(name, shape, new float[count()]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec s && s.name.equals(name) && Arrays.equals(s.shape, shape);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + Tensor.describeShape(shape);
    }
}
