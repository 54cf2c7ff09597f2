package io.longview.train;

import java.util.Locale;

/**
 * What computes the gradients of a training step; the {@link Trainer}'s host AdamW, schedule, resumable state and
 * {@code LVCK} checkpoints are the same for both.
 */
public enum TrainingEngine {
    /**
     * The fused Java trainer ({@link io.longview.train.fused.FusedTransAct}): Vector API kernels, data parallel over
     * {@link TrainerConfig#threads()} threads; the same seed and thread count give the same bits.
     */
    JAVA,
    /** DJL/PyTorch autograd over {@link TransActModel#forward} (the reference). */
    DJL;

    /** {@code java} or {@code djl} (any case). */
    public static TrainingEngine parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "java" -> JAVA;
            case "djl" -> DJL;
            default -> throw new IllegalArgumentException("engine must be java or djl, got '" + s + "'");
        };
    }

    /** {@code java} or {@code djl}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
