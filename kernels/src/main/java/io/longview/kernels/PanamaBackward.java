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
 * independent outputs and keep the scalar order and operations of every sum (a lane-wise FMA where the twin calls
 * {@link Math#fma}, multiply then add where it multiplies and adds), so they give the same bits as the scalar twin.
 */
final class PanamaBackward {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();

    private PanamaBackward() {
    }

    /** Rows of x and dy per tile of {@link #addMatmulTransposeA}: a tile of dy (up to 64 columns) stays in L2. */
    private static final int TA_TILE = 256;

    /**
     * {@code dw[i, o] += Σ_r x[r, i] · dy[r, o]}, r ascending. Register-blocked: per tile of {@value #TA_TILE} rows, a
     * block of 4 rows of dw × 4 vectors of columns (16 accumulators) is loaded once, takes every row of the tile
     * (each dy vector load serves 4 outputs rows, each x broadcast 4 column vectors), and is stored once. Each
     * output is the chain {@code fma(x₁, dy₁, fma(x₀, dy₀, dw))} in row order: the scalar twin's bits.
     */
    static void addMatmulTransposeA(float[] x, int xOff, int rows, int in, float[] dy, int dyOff, int out, float[] dw, int dwOff) {
        int limit = out - out % L;
        for (int r0 = 0; r0 < rows; r0 += TA_TILE) {
            int r1 = Math.min(rows, r0 + TA_TILE);
            int col = 0;
            for (; col + 4 * L <= limit; col += 4 * L) {
                int i = 0;
                for (; i + 4 <= in; i += 4) {
                    ta4x4(x, xOff, r0, r1, in, i, dy, dyOff, out, col, dw, dwOff);
                }
                for (; i < in; i++) {
                    for (int c = col; c < col + 4 * L; c += L) {
                        ta1x1(x, xOff, r0, r1, in, i, dy, dyOff, out, c, dw, dwOff);
                    }
                }
            }
            for (; col < limit; col += L) {
                int i = 0;
                for (; i + 4 <= in; i += 4) {
                    ta4x1(x, xOff, r0, r1, in, i, dy, dyOff, out, col, dw, dwOff);
                }
                for (; i < in; i++) {
                    ta1x1(x, xOff, r0, r1, in, i, dy, dyOff, out, col, dw, dwOff);
                }
            }
            for (int i = 0; i < in; i++) {
                for (int o = limit; o < out; o++) {
                    int wi = dwOff + i * out + o;
                    float a = dw[wi];
                    for (int r = r0; r < r1; r++) {
                        a = Math.fma(x[xOff + r * in + i], dy[dyOff + r * out + o], a);
                    }
                    dw[wi] = a;
                }
            }
        }
    }

    /** dw rows i..i+3 × columns col..col+4L over rows r0..r1. */
    private static void ta4x4(float[] x, int xOff, int r0, int r1, int in, int i, float[] dy, int dyOff, int out, int col,
                              float[] dw, int dwOff) {
        int w0 = dwOff + i * out + col;
        int w1 = w0 + out;
        int w2 = w1 + out;
        int w3 = w2 + out;
        FloatVector a00 = FloatVector.fromArray(F, dw, w0), a01 = FloatVector.fromArray(F, dw, w0 + L);
        FloatVector a02 = FloatVector.fromArray(F, dw, w0 + 2 * L), a03 = FloatVector.fromArray(F, dw, w0 + 3 * L);
        FloatVector a10 = FloatVector.fromArray(F, dw, w1), a11 = FloatVector.fromArray(F, dw, w1 + L);
        FloatVector a12 = FloatVector.fromArray(F, dw, w1 + 2 * L), a13 = FloatVector.fromArray(F, dw, w1 + 3 * L);
        FloatVector a20 = FloatVector.fromArray(F, dw, w2), a21 = FloatVector.fromArray(F, dw, w2 + L);
        FloatVector a22 = FloatVector.fromArray(F, dw, w2 + 2 * L), a23 = FloatVector.fromArray(F, dw, w2 + 3 * L);
        FloatVector a30 = FloatVector.fromArray(F, dw, w3), a31 = FloatVector.fromArray(F, dw, w3 + L);
        FloatVector a32 = FloatVector.fromArray(F, dw, w3 + 2 * L), a33 = FloatVector.fromArray(F, dw, w3 + 3 * L);
        for (int r = r0; r < r1; r++) {
            int d = dyOff + r * out + col;
            FloatVector g0 = FloatVector.fromArray(F, dy, d);
            FloatVector g1 = FloatVector.fromArray(F, dy, d + L);
            FloatVector g2 = FloatVector.fromArray(F, dy, d + 2 * L);
            FloatVector g3 = FloatVector.fromArray(F, dy, d + 3 * L);
            int xr = xOff + r * in + i;
            FloatVector bx0 = FloatVector.broadcast(F, x[xr]);
            FloatVector bx1 = FloatVector.broadcast(F, x[xr + 1]);
            FloatVector bx2 = FloatVector.broadcast(F, x[xr + 2]);
            FloatVector bx3 = FloatVector.broadcast(F, x[xr + 3]);
            a00 = g0.fma(bx0, a00);
            a01 = g1.fma(bx0, a01);
            a02 = g2.fma(bx0, a02);
            a03 = g3.fma(bx0, a03);
            a10 = g0.fma(bx1, a10);
            a11 = g1.fma(bx1, a11);
            a12 = g2.fma(bx1, a12);
            a13 = g3.fma(bx1, a13);
            a20 = g0.fma(bx2, a20);
            a21 = g1.fma(bx2, a21);
            a22 = g2.fma(bx2, a22);
            a23 = g3.fma(bx2, a23);
            a30 = g0.fma(bx3, a30);
            a31 = g1.fma(bx3, a31);
            a32 = g2.fma(bx3, a32);
            a33 = g3.fma(bx3, a33);
        }
        a00.intoArray(dw, w0);
        a01.intoArray(dw, w0 + L);
        a02.intoArray(dw, w0 + 2 * L);
        a03.intoArray(dw, w0 + 3 * L);
        a10.intoArray(dw, w1);
        a11.intoArray(dw, w1 + L);
        a12.intoArray(dw, w1 + 2 * L);
        a13.intoArray(dw, w1 + 3 * L);
        a20.intoArray(dw, w2);
        a21.intoArray(dw, w2 + L);
        a22.intoArray(dw, w2 + 2 * L);
        a23.intoArray(dw, w2 + 3 * L);
        a30.intoArray(dw, w3);
        a31.intoArray(dw, w3 + L);
        a32.intoArray(dw, w3 + 2 * L);
        a33.intoArray(dw, w3 + 3 * L);
    }

    /** dw rows i..i+3 × one column vector at col over rows r0..r1. */
    private static void ta4x1(float[] x, int xOff, int r0, int r1, int in, int i, float[] dy, int dyOff, int out, int col,
                              float[] dw, int dwOff) {
        int w0 = dwOff + i * out + col;
        FloatVector a0 = FloatVector.fromArray(F, dw, w0);
        FloatVector a1 = FloatVector.fromArray(F, dw, w0 + out);
        FloatVector a2 = FloatVector.fromArray(F, dw, w0 + 2 * out);
        FloatVector a3 = FloatVector.fromArray(F, dw, w0 + 3 * out);
        for (int r = r0; r < r1; r++) {
            FloatVector g = FloatVector.fromArray(F, dy, dyOff + r * out + col);
            int xr = xOff + r * in + i;
            a0 = g.fma(FloatVector.broadcast(F, x[xr]), a0);
            a1 = g.fma(FloatVector.broadcast(F, x[xr + 1]), a1);
            a2 = g.fma(FloatVector.broadcast(F, x[xr + 2]), a2);
            a3 = g.fma(FloatVector.broadcast(F, x[xr + 3]), a3);
        }
        a0.intoArray(dw, w0);
        a1.intoArray(dw, w0 + out);
        a2.intoArray(dw, w0 + 2 * out);
        a3.intoArray(dw, w0 + 3 * out);
    }

    /** dw row i × one column vector at col over rows r0..r1. */
    private static void ta1x1(float[] x, int xOff, int r0, int r1, int in, int i, float[] dy, int dyOff, int out, int col,
                              float[] dw, int dwOff) {
        int w0 = dwOff + i * out + col;
        FloatVector a = FloatVector.fromArray(F, dw, w0);
        for (int r = r0; r < r1; r++) {
            a = FloatVector.fromArray(F, dy, dyOff + r * out + col).fma(FloatVector.broadcast(F, x[xOff + r * in + i]), a);
        }
        a.intoArray(dw, w0);
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
