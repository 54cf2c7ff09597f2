package io.longview.core.model;

import io.longview.core.testing.Seeds;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuantizerTest {
    private final Quantizer q = Quantizer.DEFAULT;

    @Test
    void roundTripErrorIsAtMostHalfAStepInsideTheClip() {
        long seed = Seeds.seed(11);
        SplittableRandom rng = Seeds.random(seed);
        float bound = 0.65f / 254f * (1 + 1e-5f);
        for (int i = 0; i < 200_000; i++) {
            float e = (float) (rng.nextDouble() * 1.3 - 0.65);
            float back = q.dequantize(q.quantize(e));
            assertThat(Math.abs(back - e)).as("seed %d, e=%s", seed, e).isLessThanOrEqualTo(bound);
        }
    }

    @Test
    void valuesBeyondTheClipSaturateAt127() {
        assertThat(q.quantize(5f)).isEqualTo((byte) 127);
        assertThat(q.quantize(-5f)).isEqualTo((byte) -127);
        assertThat(q.quantize(0.65f)).isEqualTo((byte) 127);
        assertThat(q.dequantize((byte) 127)).isEqualTo(0.65f);
    }

    @Test
    void halvesRoundToEvenLikeTheReference() {
        // e / 0.65 * 127 = 0.5, 1.5, 2.5 → 0, 2, 2 (numpy's round; Math.round would give 1, 2, 3)
        Quantizer exact = new Quantizer(127f);
        assertThat(exact.quantize(0.5f)).isEqualTo((byte) 0);
        assertThat(exact.quantize(1.5f)).isEqualTo((byte) 2);
        assertThat(exact.quantize(2.5f)).isEqualTo((byte) 2);
        assertThat(exact.quantize(-2.5f)).isEqualTo((byte) -2);
    }

    @Test
    void rejectsABadClip() {
        assertThatThrownBy(() -> new Quantizer(0f)).hasMessageContaining("positive");
        assertThatThrownBy(() -> new Quantizer(Float.NaN)).hasMessageContaining("NaN");
    }
}
