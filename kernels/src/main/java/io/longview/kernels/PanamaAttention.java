package io.longview.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Causal self-attention on the Vector API: one head, {@code out = softmax(scale · Q Kᵀ, causal) V}, both products
 * by the {@link PanamaGemm} family. Query rows go in sextets (when d is a multiple of 2L), then quads, then pairs,
 * then a single row: per block, its scores against Kᵀ (keys up to the block's last row, so the causal mask costs no
 * work beyond one partial vector), per row the maximum, then one pass of exponentials with the normalizer (zero beyond
 * the row's position: the causal mask), then P·V with each output row scaled by its 1 / normalizer. At T ≤ 192 a row
 * of scores is one L1-resident block, so the softmax needs no rescaling of partial outputs.
 *
 * <p>Scratch layout ({@link VectorKernels#attentionScratch}): Kᵀ as {@code (d, tp)} with tp = T rounded up to L (the
 * padding zero), then {@code (4, tp)} raw scores, then {@code (4, tp)} weights; a sextet's six rows of scores run
 * over into the weights area and its weights overwrite its scores.
 */
final class PanamaAttention {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();

    private PanamaAttention() {
    }

    static void causalAttention(float[] q, float[] k, float[] v, int t, int d, float scale, float[] out, float[] scratch) {
        if (t == 0) {
            return;
        }
        int tp = roundUp(t, L);
        int sOff = d * tp;          // (4, tp) raw scores of the rows in flight
        int pOff = sOff + 4 * tp;   // (4, tp) unnormalized weights, zero beyond each row's position
        transposeKeys(k, t, d, scratch, tp);
        for (int c = 0; c < d; c++) {
            for (int j = t; j < tp; j++) {
                scratch[c * tp + j] = 0f;
            }
        }
        int i0 = 0;
        for (; i0 + 6 <= t && d % (2 * L) == 0; i0 += 6) { // sextets: 12 accumulators hide the FMA latency; P overwrites S
            int n = i0 + 6;             // keys the block sees
            int np = roundUp(n, L);
            PanamaGemm.rows6(true, q, i0 * d, d, d, scratch, 0, tp, scratch, sOff, tp, 0, np, scale, scale, scale, scale, scale, scale);
            float i0v = softmaxRow(scratch, sOff, i0 + 1, np, sOff);
            float i1v = softmaxRow(scratch, sOff + tp, i0 + 2, np, sOff + tp);
            float i2v = softmaxRow(scratch, sOff + 2 * tp, i0 + 3, np, sOff + 2 * tp);
            float i3v = softmaxRow(scratch, sOff + 3 * tp, i0 + 4, np, sOff + 3 * tp);
            float i4v = softmaxRow(scratch, sOff + 4 * tp, i0 + 5, np, sOff + 4 * tp);
            float i5v = softmaxRow(scratch, sOff + 5 * tp, i0 + 6, np, sOff + 5 * tp);
            PanamaGemm.rows6(true, scratch, sOff, tp, n, v, 0, d, out, i0 * d, d, 0, d, i0v, i1v, i2v, i3v, i4v, i5v);
        }
        for (; i0 + 4 <= t; i0 += 4) { // quads: each Kᵀ and V vector loaded once per four query rows
            int n = i0 + 4;
            int np = roundUp(n, L);
            PanamaGemm.rows4(true, q, i0 * d, d, d, scratch, 0, tp, scratch, sOff, tp, 0, np, scale, scale, scale, scale);
            float i0v = softmaxRow(scratch, sOff, i0 + 1, np, pOff);
            float i1v = softmaxRow(scratch, sOff + tp, i0 + 2, np, pOff + tp);
            float i2v = softmaxRow(scratch, sOff + 2 * tp, i0 + 3, np, pOff + 2 * tp);
            float i3v = softmaxRow(scratch, sOff + 3 * tp, i0 + 4, np, pOff + 3 * tp);
            PanamaGemm.rows4(true, scratch, pOff, tp, n, v, 0, d, out, i0 * d, d, 0, d, i0v, i1v, i2v, i3v);
        }
        if (i0 + 2 <= t) {
            int n = i0 + 2;
            int np = roundUp(n, L);
            PanamaGemm.rows2(true, q, i0 * d, d, d, scratch, 0, tp, scratch, sOff, tp, 0, np, scale, scale);
            float i0v = softmaxRow(scratch, sOff, i0 + 1, np, pOff);
            float i1v = softmaxRow(scratch, sOff + tp, i0 + 2, np, pOff + tp);
            PanamaGemm.rows2(true, scratch, pOff, tp, n, v, 0, d, out, i0 * d, d, 0, d, i0v, i1v);
            i0 += 2;
        }
        if (i0 < t) {
            int n = i0 + 1;
            int np = roundUp(n, L);
            PanamaGemm.rows1(true, q, i0 * d, d, scratch, 0, tp, scratch, sOff, 0, np, scale);
            float i0v = softmaxRow(scratch, sOff, i0 + 1, np, pOff);
            PanamaGemm.rows1(true, scratch, pOff, n, v, 0, d, out, i0 * d, 0, d, i0v);
        }
    }

    private static int roundUp(int n, int m) {
        return (n + m - 1) / m * m;
    }

    /**
     * Kᵀ into {@code kt (d, tp)}: eight keys at a time, so that each row of Kᵀ gets eight contiguous stores per visit
     * (about twice as fast as one key at a time, whose stores go to d lines in turn).
     */
    private static void transposeKeys(float[] k, int t, int d, float[] kt, int tp) {
        int j0 = 0;
        for (; j0 + 8 <= t; j0 += 8) {
            int b = j0 * d;
            for (int c = 0; c < d; c++) {
                int o = c * tp + j0;
                int i = b + c;
                kt[o] = k[i];
                kt[o + 1] = k[i + d];
                kt[o + 2] = k[i + 2 * d];
                kt[o + 3] = k[i + 3 * d];
                kt[o + 4] = k[i + 4 * d];
                kt[o + 5] = k[i + 5 * d];
                kt[o + 6] = k[i + 6 * d];
                kt[o + 7] = k[i + 7 * d];
            }
        }
        for (; j0 < t; j0++) {
            for (int c = 0; c < d; c++) {
                kt[c * tp + j0] = k[j0 * d + c];
            }
        }
    }

    /**
     * {@code p[pOff + j] = exp(s[sOff + j] − max)} for {@code j < valid}, zero for {@code valid ≤ j < width} (width a
     * multiple of L, within the row); returns 1 / Σ p.
     */
    private static float softmaxRow(float[] s, int sOff, int valid, int width, int pOff) {
        int limit = valid - valid % L;
        FloatVector mx = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < limit; i += L) {
            mx = mx.max(FloatVector.fromArray(F, s, sOff + i));
        }
        float m = mx.reduceLanes(VectorOperators.MAX);
        for (int i = limit; i < valid; i++) {
            m = Math.max(m, s[sOff + i]);
        }
        FloatVector sum = FloatVector.zero(F);
        for (int i = 0; i < limit; i += L) {
            FloatVector e = FloatVector.fromArray(F, s, sOff + i).sub(m).lanewise(VectorOperators.EXP);
            e.intoArray(s, pOff + i);
            sum = sum.add(e);
        }
        int i = limit;
        if (i < width) { // the block holding the row's last keys: lanes past the position are masked to 0
            FloatVector e = FloatVector.fromArray(F, s, sOff + i).sub(m).lanewise(VectorOperators.EXP);
            e = FloatVector.zero(F).blend(e, F.indexInRange(i, valid));
            e.intoArray(s, pOff + i);
            sum = sum.add(e);
            i += L;
        }
        for (; i < width; i += L) {
            FloatVector.zero(F).intoArray(s, pOff + i);
        }
        return 1f / sum.reduceLanes(VectorOperators.ADD);
    }
}
