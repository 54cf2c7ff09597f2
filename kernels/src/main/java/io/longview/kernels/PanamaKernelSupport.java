package io.longview.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernels, on the platform's preferred float species (512-bit where AVX-512 is on, 256-bit on AVX2),
 * split by concern: every matrix product (X·W, and attention's Q·Kᵀ and P·V) is the one register-blocked family of
 * {@link PanamaGemm}; attention is {@link PanamaAttention}; the nearest-neighbour scan, scoring and top-K of selection
 * are {@link PanamaNearest}; the training kernels are {@link PanamaBackward}; this class holds the row kernels
 * (dequantization, LayerNorm, ReLU, softmax, row sums and maxima) and implements {@link KernelSupport} over all of them.
 * Every loop has the same shape: a body over whole blocks with named accumulators, then a scalar tail. Vectors never
 * cross a method boundary (a {@code FloatVector} passed to a method C2 does not inline is boxed: NOTES-jvm-stack);
 * helpers take arrays and offsets.
 *
 * <p>{@link #scoreAll}, {@link #matmul}, {@link #matmulFma}, {@link #dequantizeNormalize} and {@link #relu} vectorize
 * across independent outputs and keep each output's own operation order, so they give the same bits as
 * {@link ScalarKernelSupport}. {@link #layerNorm} and {@link #maskedSoftmaxRow} reduce in lanes and
 * differ from it by rounding. {@link #topK} is exact: the K best under a total order are one set.
 */
final class PanamaKernelSupport implements KernelSupport {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    // dequantizeNormalize works on 8 bytes at a time whatever the preferred shape: all four species are ≤ 256 bits
    private static final VectorSpecies<Byte> B8 = ByteVector.SPECIES_64;
    private static final VectorSpecies<Integer> I8 = IntVector.SPECIES_256;
    private static final VectorSpecies<Double> D4 = DoubleVector.SPECIES_256;
    private static final VectorSpecies<Float> F4 = FloatVector.SPECIES_128;

    PanamaKernelSupport() {
    }

    @Override
    public String name() {
        return "vector";
    }

    /** A one-line description of the species in use, for logs and benchmarks. */
    static String species() {
        return F.vectorBitSize() + "-bit, " + L + " float lanes";
    }

    // ---------------------------------------------------------------------------------------------------- dequantize

    @Override
    public void dequantizeNormalize(byte[] q, int qOff, int rows, int dim, float[] out, int outOff) {
        int limit = dim - dim % 8;
        for (int r = 0; r < rows; r++) {
            dequantizeRow(q, qOff + r * dim, dim, limit, out, outOff + r * dim);
        }
    }

    /** One row: the exact integer sum of squares, then {@code (float) (q · (1/√sq))} in double, as PreparedHistory. */
    private static void dequantizeRow(byte[] q, int qi, int dim, int limit, float[] out, int oi) {
        IntVector acc = IntVector.zero(I8);
        for (int d = 0; d < limit; d += 8) {
            IntVector v = (IntVector) ByteVector.fromArray(B8, q, qi + d).convertShape(VectorOperators.B2I, I8, 0);
            acc = acc.add(v.mul(v));
        }
        long sq = acc.reduceLanes(VectorOperators.ADD);
        for (int d = limit; d < dim; d++) {
            sq += q[qi + d] * q[qi + d];
        }
        if (sq == 0) {
            for (int d = 0; d < dim; d++) {
                out[oi + d] = 0f;
            }
            return;
        }
        double inv = 1.0 / Math.sqrt(sq);
        for (int d = 0; d < limit; d += 8) {
            ByteVector b = ByteVector.fromArray(B8, q, qi + d);
            DoubleVector lo = (DoubleVector) b.convertShape(VectorOperators.B2D, D4, 0);
            DoubleVector hi = (DoubleVector) b.convertShape(VectorOperators.B2D, D4, 1);
            ((FloatVector) lo.mul(inv).convertShape(VectorOperators.D2F, F4, 0)).intoArray(out, oi + d);
            ((FloatVector) hi.mul(inv).convertShape(VectorOperators.D2F, F4, 0)).intoArray(out, oi + d + 4);
        }
        for (int d = limit; d < dim; d++) {
            out[oi + d] = (float) (q[qi + d] * inv);
        }
    }


    // ---------------------------------------------------------------------------------------------------- products

    /** {@link PanamaGemm#gemm}, multiply then add: bit-identical to {@link ScalarKernelSupport#matmul}. */
    @Override
    public void matmul(float[] x, int xOff, int rows, int in, float[] w, int wOff, int out, float[] y, int yOff) {
        PanamaGemm.gemm(false, x, xOff, rows, in, w, wOff, out, y, yOff);
    }

    /** {@link PanamaGemm#gemm}, one FMA per step: bit-identical to {@link ScalarKernelSupport#matmulFma}. */
    @Override
    public void matmulFma(float[] x, int xOff, int rows, int in, float[] w, int wOff, int out, float[] y, int yOff) {
        PanamaGemm.gemm(true, x, xOff, rows, in, w, wOff, out, y, yOff);
    }

    @Override
    public void causalAttention(float[] q, float[] k, float[] v, int t, int d, float scale, float[] out, float[] scratch) {
        PanamaAttention.causalAttention(q, k, v, t, d, scale, out, scratch);
    }

    // ---------------------------------------------------------------------------------------------------- selection

    @Override
    public void scoreAll(float[] units, int rows, int dim, float[] candidates, int nCand, float[] scores) {
        PanamaNearest.scoreAll(units, rows, dim, candidates, nCand, scores);
    }

    @Override
    public int topK(float[] scores, int off, int n, long[] timestamps, int k, int[] outIdx) {
        return PanamaNearest.topK(scores, off, n, timestamps, k, outIdx);
    }

    @Override
    public void nearestScan(float[] packed, int rows, int dim, float[] cands, int cOff, int nCand, int k, float[] thresholds,
                            long[] buffers, int cap, int[] counts, float[] tileScratch) {
        PanamaNearest.nearestScan(packed, rows, dim, cands, cOff, nCand, k, thresholds, buffers, cap, counts, tileScratch);
    }

    // ---------------------------------------------------------------------------------------------------- encoder

    /**
     * Rows of exactly 8·L values (d_model 64 on AVX2) stay in eight registers from the residual add to the store: sums
     * as trees of four and two independent adds, no second pass over memory. Other widths: add, then {@link #layerNorm}.
     */
    @Override
    public void addLayerNorm(float[] x, int xOff, float[] y, int yOff, int rows, int n, float eps) {
        if (n == 8 * L) {
            for (int r = 0; r < rows; r++) {
                addLayerNorm8(x, xOff + r * n, y, yOff + r * n, n, eps);
            }
            return;
        }
        int limit = n - n % L;
        for (int r = 0; r < rows; r++) {
            int xr = xOff + r * n;
            int yr = yOff + r * n;
            for (int i = 0; i < limit; i += L) {
                FloatVector.fromArray(F, x, xr + i).add(FloatVector.fromArray(F, y, yr + i)).intoArray(x, xr + i);
            }
            for (int i = limit; i < n; i++) {
                x[xr + i] += y[yr + i];
            }
            layerNorm(x, xr, n, eps);
        }
    }

    /** One row of n = 8·L: x ← LayerNorm(x + y), two-pass mean and variance as {@link #layerNorm}, in registers. */
    private static void addLayerNorm8(float[] x, int xr, float[] y, int yr, int n, float eps) {
        FloatVector v0 = FloatVector.fromArray(F, x, xr).add(FloatVector.fromArray(F, y, yr));
        FloatVector v1 = FloatVector.fromArray(F, x, xr + L).add(FloatVector.fromArray(F, y, yr + L));
        FloatVector v2 = FloatVector.fromArray(F, x, xr + 2 * L).add(FloatVector.fromArray(F, y, yr + 2 * L));
        FloatVector v3 = FloatVector.fromArray(F, x, xr + 3 * L).add(FloatVector.fromArray(F, y, yr + 3 * L));
        FloatVector v4 = FloatVector.fromArray(F, x, xr + 4 * L).add(FloatVector.fromArray(F, y, yr + 4 * L));
        FloatVector v5 = FloatVector.fromArray(F, x, xr + 5 * L).add(FloatVector.fromArray(F, y, yr + 5 * L));
        FloatVector v6 = FloatVector.fromArray(F, x, xr + 6 * L).add(FloatVector.fromArray(F, y, yr + 6 * L));
        FloatVector v7 = FloatVector.fromArray(F, x, xr + 7 * L).add(FloatVector.fromArray(F, y, yr + 7 * L));
        float mean = v0.add(v1).add(v2.add(v3)).add(v4.add(v5).add(v6.add(v7))).reduceLanes(VectorOperators.ADD) / n;
        v0 = v0.sub(mean);
        v1 = v1.sub(mean);
        v2 = v2.sub(mean);
        v3 = v3.sub(mean);
        v4 = v4.sub(mean);
        v5 = v5.sub(mean);
        v6 = v6.sub(mean);
        v7 = v7.sub(mean);
        FloatVector sa = v0.mul(v0).add(v1.mul(v1)).add(v2.mul(v2).add(v3.mul(v3)));
        FloatVector sb = v4.mul(v4).add(v5.mul(v5)).add(v6.mul(v6).add(v7.mul(v7)));
        float var = sa.add(sb).reduceLanes(VectorOperators.ADD) / n;
        float inv = (float) (1.0 / Math.sqrt(var + eps));
        v0.mul(inv).intoArray(x, xr);
        v1.mul(inv).intoArray(x, xr + L);
        v2.mul(inv).intoArray(x, xr + 2 * L);
        v3.mul(inv).intoArray(x, xr + 3 * L);
        v4.mul(inv).intoArray(x, xr + 4 * L);
        v5.mul(inv).intoArray(x, xr + 5 * L);
        v6.mul(inv).intoArray(x, xr + 6 * L);
        v7.mul(inv).intoArray(x, xr + 7 * L);
    }

    @Override
    public void addRows(float[] dst, int dOff, float[] a, int aOff, float[] b, int bOff, int n) {
        int limit = n - n % L;
        for (int i = 0; i < limit; i += L) {
            FloatVector.fromArray(F, dst, dOff + i).add(FloatVector.fromArray(F, a, aOff + i))
                    .add(FloatVector.fromArray(F, b, bOff + i)).intoArray(dst, dOff + i);
        }
        for (int i = limit; i < n; i++) {
            dst[dOff + i] = dst[dOff + i] + a[aOff + i] + b[bOff + i];
        }
    }

    @Override
    public void sumRows(float[] dst, int dOff, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, float[] e, int eOff,
                        int n) {
        int limit = n - n % L;
        for (int i = 0; i < limit; i += L) {
            FloatVector.fromArray(F, a, aOff + i).add(FloatVector.fromArray(F, b, bOff + i)).add(FloatVector.fromArray(F, c, cOff + i))
                    .add(FloatVector.fromArray(F, e, eOff + i)).intoArray(dst, dOff + i);
        }
        for (int i = limit; i < n; i++) {
            dst[dOff + i] = a[aOff + i] + b[bOff + i] + c[cOff + i] + e[eOff + i];
        }
    }

    @Override
    public void maxRows(float[] x, int xOff, int rows, int n, float[] out, int outOff) {
        System.arraycopy(x, xOff, out, outOff, n);
        int limit = n - n % L;
        for (int i = 0; i < limit; i += L) {
            FloatVector m = FloatVector.fromArray(F, out, outOff + i);
            for (int r = 1; r < rows; r++) {
                m = m.max(FloatVector.fromArray(F, x, xOff + r * n + i));
            }
            m.intoArray(out, outOff + i);
        }
        for (int i = limit; i < n; i++) {
            float m = out[outOff + i];
            for (int r = 1; r < rows; r++) {
                m = Math.max(m, x[xOff + r * n + i]);
            }
            out[outOff + i] = m;
        }
    }


    // ---------------------------------------------------------------------------------------------------- rows

    @Override
    public void layerNorm(float[] x, int off, int n, float eps) {
        int limit = n - n % L;
        FloatVector acc = FloatVector.zero(F);
        for (int i = 0; i < limit; i += L) {
            acc = acc.add(FloatVector.fromArray(F, x, off + i));
        }
        float mean = acc.reduceLanes(VectorOperators.ADD);
        for (int i = limit; i < n; i++) {
            mean += x[off + i];
        }
        mean /= n;
        acc = FloatVector.zero(F);
        for (int i = 0; i < limit; i += L) {
            FloatVector c = FloatVector.fromArray(F, x, off + i).sub(mean);
            acc = c.fma(c, acc);
        }
        float var = acc.reduceLanes(VectorOperators.ADD);
        for (int i = limit; i < n; i++) {
            float c = x[off + i] - mean;
            var = Math.fma(c, c, var);
        }
        var /= n;
        float inv = (float) (1.0 / Math.sqrt(var + eps));
        for (int i = 0; i < limit; i += L) {
            FloatVector.fromArray(F, x, off + i).sub(mean).mul(inv).intoArray(x, off + i);
        }
        for (int i = limit; i < n; i++) {
            x[off + i] = (x[off + i] - mean) * inv;
        }
    }

    @Override
    public void relu(float[] x, int off, int n) {
        int limit = n - n % L;
        for (int i = 0; i < limit; i += L) {
            FloatVector.fromArray(F, x, off + i).max(0f).intoArray(x, off + i);
        }
        for (int i = limit; i < n; i++) {
            x[off + i] = Math.max(x[off + i], 0f);
        }
    }

    /**
     * One pass keeps the running maximum m (per block of L) and the normalizer Σ exp(x − m), rescaling the lane sums
     * by exp(m_old − m_new) whenever m grows; a second pass writes exp(x − m) / Σ.
     */
    @Override
    public void maskedSoftmaxRow(float[] scores, int off, int n) {
        int limit = n - n % L;
        float m = Float.NEGATIVE_INFINITY;
        FloatVector sum = FloatVector.zero(F);
        for (int i = 0; i < limit; i += L) {
            FloatVector v = FloatVector.fromArray(F, scores, off + i);
            float blockMax = v.reduceLanes(VectorOperators.MAX);
            if (blockMax > m) {
                sum = sum.mul((float) Math.exp(m - blockMax));
                m = blockMax;
            }
            sum = sum.add(v.sub(m).lanewise(VectorOperators.EXP));
        }
        float s = sum.reduceLanes(VectorOperators.ADD);
        for (int i = limit; i < n; i++) {
            float v = scores[off + i];
            if (v > m) {
                s *= (float) Math.exp(m - v);
                m = v;
            }
            s += (float) Math.exp(v - m);
        }
        float inv = 1f / s;
        for (int i = 0; i < limit; i += L) {
            FloatVector.fromArray(F, scores, off + i).sub(m).lanewise(VectorOperators.EXP).mul(inv).intoArray(scores, off + i);
        }
        for (int i = limit; i < n; i++) {
            scores[off + i] = (float) Math.exp(scores[off + i] - m) * inv;
        }
    }

    // ------------------------------------------------------------------ backward (training) kernels: PanamaBackward

    @Override
    public void addMatmulTransposeA(float[] x, int xOff, int rows, int in, float[] dy, int dyOff, int out, float[] dw, int dwOff) {
        PanamaBackward.addMatmulTransposeA(x, xOff, rows, in, dy, dyOff, out, dw, dwOff);
    }

    @Override
    public void addColumnSums(float[] dy, int dyOff, int rows, int n, float[] db, int dbOff) {
        PanamaBackward.addColumnSums(dy, dyOff, rows, n, db, dbOff);
    }

    @Override
    public void reluBackward(float[] y, int yOff, float[] dy, int dyOff, int n) {
        PanamaBackward.reluBackward(y, yOff, dy, dyOff, n);
    }

}
