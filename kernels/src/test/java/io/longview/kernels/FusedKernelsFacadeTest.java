package io.longview.kernels;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The facade of the fused engine's kernels as callers see it: arguments checked with their values named (STYLE 9),
 * and the packed token layout's offsets.
 */
class FusedKernelsFacadeTest {
    @Test
    void argumentsAreCheckedWithTheirValues() {
        float[] a = new float[10];
        assertThatThrownBy(() -> VectorKernels.matmul(a, 5, 2, 3, a, 0, 1, new float[2], 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("x has 10 values").hasMessageContaining("offset 5");
        assertThatThrownBy(() -> VectorKernels.matmul(a, 0, 2, 2, new float[4], 0, 2, a, 2)).hasMessageContaining("overlaps");
        assertThatThrownBy(() -> VectorKernels.matmulFma(a, 5, 2, 3, a, 0, 1, new float[2], 0)).hasMessageContaining("x has 10 values");
        assertThatThrownBy(() -> VectorKernels.matmulFma(a, 0, 2, 2, new float[4], 0, 2, a, 2)).hasMessageContaining("overlaps");
        assertThatThrownBy(() -> VectorKernels.matmulFma(a, 0, 2, 2, a, 0, 2, a, 0)).hasMessageContaining("same array");
        assertThatThrownBy(() -> VectorKernels.addLayerNorm(a, 0, a, 0, 3, 4, 1e-5f)).hasMessageContaining("x has 10 values");
        assertThatThrownBy(() -> VectorKernels.maxRows(a, 0, 0, 2, a, 0)).hasMessageContaining("rows is 0");
        assertThatThrownBy(() -> VectorKernels.sumRows(a, 0, a, 0, a, 0, a, 0, a, 9, 2)).hasMessageContaining("e has 10 values");
        float[] q = new float[8 * 4];
        assertThatThrownBy(() -> VectorKernels.causalAttention(q, q, q, 8, 4, 0.5f, new float[32], new float[3]))
                .hasMessageContaining("scratch has 3 values");
        assertThatThrownBy(() -> VectorKernels.causalAttention(q, q, q, 8, 4, 0.5f, q, new float[VectorKernels.attentionScratch(8, 4)]))
                .hasMessageContaining("arrays of their own");
        float[] packed = new float[TokenTiles.length(20, 32)];
        assertThatThrownBy(() -> VectorKernels.nearestScan(packed, 20, 32, new float[64], 0, 2, 5, new float[2], new long[10], 5,
                new int[2], new float[16])).hasMessageContaining("cap is 5, expected more than k = 5");
        assertThatThrownBy(() -> VectorKernels.nearestScan(packed, 20, 32, new float[63], 0, 2, 5, new float[2], new long[12], 6,
                new int[2], new float[16])).hasMessageContaining("cands has 63 values");
        assertThatThrownBy(() -> VectorKernels.nearestFinish(new long[12], 6, new int[]{7}, 0, 5, new int[5], 0))
                .hasMessageContaining("counts[0] is 7");
    }

    @Test
    void tileOffsetsFollowTheLayout() {
        int dim = 3;
        float[] units = new float[17 * dim];
        for (int i = 0; i < units.length; i++) {
            units[i] = i + 1;
        }
        float[] packed = new float[TokenTiles.length(17, dim)];
        TokenTiles.pack(units, 0, 17, dim, packed);
        assertThat(packed).hasSize(2 * 16 * dim);
        for (int t = 0; t < 17; t++) {
            for (int d = 0; d < dim; d++) {
                assertThat(packed[TokenTiles.offset(t, d, dim)]).isEqualTo(units[t * dim + d]);
            }
        }
        assertThat(packed[TokenTiles.offset(17, 0, dim)]).isZero(); // padding
        assertThat(packed[TokenTiles.offset(31, 2, dim)]).isZero();
    }
}
