package io.longview.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API twins of {@link ScalarKernelSupport}'s backward (training) kernels, kept apart from
 * {@link PanamaKernelSupport} (which delegates here). Contracts are those of the {@link VectorKernels} methods of the
 * same name; arguments arrive validated.
 *
 * <p>Exactness: {@link #addMatmulTransposeA}, {@link #addColumnSums} and {@link #reluBackward} vectorize across
 * independent outputs and keep the scalar order of every sum (lane-wise multiply then add, never a fused FMA), so they
 * give the same bits as the scalar twin. {@link #matmulTransposeB}, {@link #softmaxRowBackward} and
 * {@link #layerNormBackward} reduce along a row in lanes and agree within rounding.
 */
final class PanamaBackward {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();

    private PanamaBackward() {
    }

    /** Lane-parallel dot product with FMA, then the scalar tail. */
    private static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        int limit = n - n % L;
        FloatVector acc = FloatVector.zero(F);
        for (int i = 0; i < limit; i += L) {
            acc = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (int i = limit; i < n; i++) {
            s += a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    /**
     * {@code dx[r, i] = Σ_o dy[r, o] · w[i, o]}: each output a lane-parallel dot of two contiguous rows; four rows of
     * {@code w} share each load of {@code dy}'s row (each output's lanes and tail are summed as in {@link #dot}).
     */
    static void matmulTransposeB(float[] dy, int dyOff, int rows, int out, float[] w, int wOff, int in, float[] dx, int dxOff) {
        int limit = out - out % L;
        for (int r = 0; r < rows; r++) {
            int dr = dyOff + r * out;
            int xr = dxOff + r * in;
            int i = 0;
            for (; i + 4 <= in; i += 4) {
                int w0 = wOff + i * out;
                int w1 = w0 + out;
                int w2 = w1 + out;
                int w3 = w2 + out;
                FloatVector a0 = FloatVector.zero(F);
                FloatVector a1 = FloatVector.zero(F);
                FloatVector a2 = FloatVector.zero(F);
                FloatVector a3 = FloatVector.zero(F);
                for (int o = 0; o < limit; o += L) {
                    FloatVector g = FloatVector.fromArray(F, dy, dr + o);
                    a0 = g.fma(FloatVector.fromArray(F, w, w0 + o), a0);
                    a1 = g.fma(FloatVector.fromArray(F, w, w1 + o), a1);
                    a2 = g.fma(FloatVector.fromArray(F, w, w2 + o), a2);
                    a3 = g.fma(FloatVector.fromArray(F, w, w3 + o), a3);
                }
                float s0 = a0.reduceLanes(VectorOperators.ADD);
                float s1 = a1.reduceLanes(VectorOperators.ADD);
                float s2 = a2.reduceLanes(VectorOperators.ADD);
                float s3 = a3.reduceLanes(VectorOperators.ADD);
                for (int o = limit; o < out; o++) {
                    float g = dy[dr + o];
                    s0 += g * w[w0 + o];
                    s1 += g * w[w1 + o];
                    s2 += g * w[w2 + o];
                    s3 += g * w[w3 + o];
                }
                dx[xr + i] = s0;
                dx[xr + i + 1] = s1;
                dx[xr + i + 2] = s2;
                dx[xr + i + 3] = s3;
            }
            for (; i < in; i++) {
                dx[xr + i] = dot(dy, dr, w, wOff + i * out, out);
            }
        }
    }

    /**
     * {@code dw[i, o] += Σ_r x[r, i] · dy[r, o]}, r ascending. Four rows of {@code dy} are folded into one load and
     * store of each {@code dw} vector; within it the additions still go r, r+1, r+2, r+3, as in the scalar loop.
     */
    static void addMatmulTransposeA(float[] x, int xOff, int rows, int in, float[] dy, int dyOff, int out, float[] dw, int dwOff) {
        int limit = out - out % L;
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            int d0 = dyOff + r * out;
            int d1 = d0 + out;
            int d2 = d1 + out;
            int d3 = d2 + out;
            for (int i = 0; i < in; i++) {
                float x0 = x[xOff + r * in + i];
                float x1 = x[xOff + (r + 1) * in + i];
                float x2 = x[xOff + (r + 2) * in + i];
                float x3 = x[xOff + (r + 3) * in + i];
                int wi = dwOff + i * out;
                for (int o = 0; o < limit; o += L) {
                    FloatVector acc = FloatVector.fromArray(F, dw, wi + o);
                    acc = acc.add(FloatVector.fromArray(F, dy, d0 + o).mul(x0));
                    acc = acc.add(FloatVector.fromArray(F, dy, d1 + o).mul(x1));
                    acc = acc.add(FloatVector.fromArray(F, dy, d2 + o).mul(x2));
                    acc = acc.add(FloatVector.fromArray(F, dy, d3 + o).mul(x3));
                    acc.intoArray(dw, wi + o);
                }
                for (int o = limit; o < out; o++) {
                    float a = dw[wi + o];
                    a += x0 * dy[d0 + o];
                    a += x1 * dy[d1 + o];
                    a += x2 * dy[d2 + o];
                    a += x3 * dy[d3 + o];
                    dw[wi + o] = a;
                }
            }
        }
        for (; r < rows; r++) {
            int d0 = dyOff + r * out;
            for (int i = 0; i < in; i++) {
                float x0 = x[xOff + r * in + i];
                int wi = dwOff + i * out;
                for (int o = 0; o < limit; o += L) {
                    FloatVector.fromArray(F, dw, wi + o).add(FloatVector.fromArray(F, dy, d0 + o).mul(x0)).intoArray(dw, wi + o);
                }
                for (int o = limit; o < out; o++) {
                    dw[wi + o] += x0 * dy[d0 + o];
                }
            }
        }
    }

    /** {@code db[j] += Σ_r dy[r, j]}, r ascending. */
    static void addColumnSums(float[] dy, int dyOff, int rows, int n, float[] db, int dbOff) {
        int limit = n - n % L;
        for (int j = 0; j < limit; j += L) {
            FloatVector acc = FloatVector.fromArray(F, db, dbOff + j);
            for (int r = 0; r < rows; r++) {
                acc = acc.add(FloatVector.fromArray(F, dy, dyOff + r * n + j));
            }
            acc.intoArray(db, dbOff + j);
        }
        for (int j = limit; j < n; j++) {
            float a = db[dbOff + j];
            for (int r = 0; r < rows; r++) {
                a += dy[dyOff + r * n + j];
            }
            db[dbOff + j] = a;
        }
    }

    /** {@code dy[i] = 0} where {@code !(y[i] > 0)}. */
    static void reluBackward(float[] y, int yOff, float[] dy, int dyOff, int n) {
        int limit = n - n % L;
        for (int i = 0; i < limit; i += L) {
            FloatVector yv = FloatVector.fromArray(F, y, yOff + i);
            FloatVector g = FloatVector.fromArray(F, dy, dyOff + i);
            g.blend(0f, yv.compare(VectorOperators.GT, 0f).not()).intoArray(dy, dyOff + i);
        }
        for (int i = limit; i < n; i++) {
            if (!(y[yOff + i] > 0f)) {
                dy[dyOff + i] = 0f;
            }
        }
    }

    /** {@code dp[i] = p[i] · (dp[i] − Σ_j p[j] dp[j])}. */
    static void softmaxRowBackward(float[] p, int pOff, float[] dp, int dpOff, int n) {
        float s = dot(p, pOff, dp, dpOff, n);
        int limit = n - n % L;
        for (int i = 0; i < limit; i += L) {
            FloatVector.fromArray(F, dp, dpOff + i).sub(s).mul(FloatVector.fromArray(F, p, pOff + i)).intoArray(dp, dpOff + i);
        }
        for (int i = limit; i < n; i++) {
            dp[dpOff + i] = p[pOff + i] * (dp[dpOff + i] - s);
        }
    }

    /** {@code dy[i] = rstd · (dy[i] − mean(dy) − xhat[i] · mean(dy ⊙ xhat))}. */
    static void layerNormBackward(float[] xhat, int xOff, int n, float rstd, float[] dy, int dyOff) {
        int limit = n - n % L;
        FloatVector sDy = FloatVector.zero(F);
        FloatVector sDyX = FloatVector.zero(F);
        for (int i = 0; i < limit; i += L) {
            FloatVector g = FloatVector.fromArray(F, dy, dyOff + i);
            sDy = sDy.add(g);
            sDyX = g.fma(FloatVector.fromArray(F, xhat, xOff + i), sDyX);
        }
        float sumDy = sDy.reduceLanes(VectorOperators.ADD);
        float sumDyX = sDyX.reduceLanes(VectorOperators.ADD);
        for (int i = limit; i < n; i++) {
            float g = dy[dyOff + i];
            sumDy += g;
            sumDyX += g * xhat[xOff + i];
        }
        float meanDy = sumDy / n;
        float meanDyX = sumDyX / n;
        for (int i = 0; i < limit; i += L) {
            FloatVector g = FloatVector.fromArray(F, dy, dyOff + i).sub(meanDy);
            g.sub(FloatVector.fromArray(F, xhat, xOff + i).mul(meanDyX)).mul(rstd).intoArray(dy, dyOff + i);
        }
        for (int i = limit; i < n; i++) {
            dy[dyOff + i] = rstd * (dy[dyOff + i] - meanDy - xhat[xOff + i] * meanDyX);
        }
    }

    /**
     * {@link ScalarKernelSupport#softmaxRowExact}'s vector twin: the maximum in lanes (exact in any order), {@link
     * ScalarKernelSupport#exp} per lane with the same operations (fma, mul, add, exact conversions: no library
     * exponential, whose intrinsic and fallback differ), the sum sequential in index order, then the scale in lanes:
     * the same bits as the scalar twin, compiled or interpreted.
     */
    static void softmaxRowExact(float[] s, int off, int n) {
        int limit = n - n % L;
        FloatVector mv = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < limit; i += L) {
            mv = mv.max(FloatVector.fromArray(F, s, off + i));
        }
        float m = mv.reduceLanes(VectorOperators.MAX);
        for (int i = limit; i < n; i++) {
            m = Math.max(m, s[off + i]);
        }
        for (int i = 0; i < limit; i += L) {
            exp(FloatVector.fromArray(F, s, off + i).sub(m)).intoArray(s, off + i);
        }
        for (int i = limit; i < n; i++) {
            s[off + i] = ScalarKernelSupport.exp(s[off + i] - m);
        }
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += s[off + i];
        }
        float inv = 1f / sum;
        for (int i = 0; i < limit; i += L) {
            FloatVector.fromArray(F, s, off + i).mul(inv).intoArray(s, off + i);
        }
        for (int i = limit; i < n; i++) {
            s[off + i] *= inv;
        }
    }

    /** {@link ScalarKernelSupport#exp} per lane, the same operations in the same order. */
    private static FloatVector exp(FloatVector x0) {
        FloatVector x = x0.max(ScalarKernelSupport.EXP_LO).min(ScalarKernelSupport.EXP_HI);
        FloatVector n = x.fma(ScalarKernelSupport.LOG2E, ScalarKernelSupport.ROUND).sub(ScalarKernelSupport.ROUND);
        FloatVector r = n.fma(bc(-ScalarKernelSupport.LN2_HI), x);
        r = n.fma(bc(-ScalarKernelSupport.LN2_LO), r);
        FloatVector y = r.fma(ScalarKernelSupport.EXP_P0, ScalarKernelSupport.EXP_P1);
        y = y.fma(r, bc(ScalarKernelSupport.EXP_P2));
        y = y.fma(r, bc(ScalarKernelSupport.EXP_P3));
        y = y.fma(r, bc(ScalarKernelSupport.EXP_P4));
        y = y.fma(r, bc(ScalarKernelSupport.EXP_P5));
        y = y.fma(r.mul(r), r).add(1f);
        IntVector e = (IntVector) n.convert(VectorOperators.F2I, 0);
        FloatVector pow = e.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return y.mul(pow);
    }

    private static FloatVector bc(float v) {
        return FloatVector.broadcast(F, v);
    }
}
