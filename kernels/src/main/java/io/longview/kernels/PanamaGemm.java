package io.longview.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one register-blocked matrix product of the Vector API kernels, for every product they compute:
 * <pre>
 *   C[r, j] = s_r · Σ_{i &lt; n} A[r, i] · B[i, j]        A, B, C row-major, each with its own row stride
 * </pre>
 * X·W ({@code matmulFma}: s = 1), attention's Q·Kᵀ (B = Kᵀ, s = the scale) and P·V (s_r = 1 / row r's softmax
 * normalizer) differ only in strides and scales. Each output is one chain over i in order, {@code s = fma(a, b, s)},
 * bit-identical to {@link ScalarKernelSupport#matmulFma}, then one multiply by its scale (exact when it is 1), so the
 * blocking never changes a result. {@code matmul}'s contract is multiply, then add (bit-identical to
 * {@code ScalarForward}); it runs the same drivers and shapes with unscaled multiply-then-add bodies ({@code fma}
 * false).
 *
 * <p>Measured, side by side (thread CPU time, C2, JDK 25): the accumulation mode must not be a flag tested in the
 * loop (20× slower: the vectors get boxed), nor two loops in one body (10–30 % slower), and a body must not choose
 * between a scaled and an unscaled vector before its store ({@code s == 1 ? acc : acc.mul(s)}: 20–30 % slower; the
 * merged vector is not kept in a register). Hence two sets of bodies, each straight-line, one multiply per store.
 *
 * <p>Bodies hold R rows × V vectors of accumulators in registers: 6×2 (12 accumulators hide the FMA latency; 15 of
 * AVX2's 16 registers), 4×2, 2×4 (8), 4×1, 2×1, 1×4, 1×1; columns beyond the last whole vector are a scalar tail.
 * {@link #rows6} … {@link #rows1} cover a column range for a fixed group of rows, widest body first (attention calls
 * them per query block, between its softmax steps); {@link #gemm} covers a whole product: 2L-column panels outer and
 * sextets inner (a panel of B stays in L1 across the row blocks), then the remaining rows in groups of 4, 2, 1.
 */
final class PanamaGemm {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();

    private PanamaGemm() {
    }

    /** {@code y (rows, out) = x (rows, in) @ w (in, out)}, all row-major and contiguous; FMA chains or multiply-add. */
    static void gemm(boolean fma, float[] x, int xOff, int rows, int in, float[] w, int wOff, int out, float[] y, int yOff) {
        int r6 = rows - rows % 6;
        int c2 = out - out % (2 * L);
        if (fma) {
            for (int col = 0; col < c2; col += 2 * L) {
                for (int r = 0; r < r6; r += 6) {
                    fma6x2(x, xOff + r * in, in, in, w, wOff + col, out, y, yOff + r * out + col, out, 1f, 1f, 1f, 1f, 1f, 1f);
                }
            }
        } else {
            for (int col = 0; col < c2; col += 2 * L) {
                for (int r = 0; r < r6; r += 6) {
                    mul6x2(x, xOff + r * in, in, in, w, wOff + col, out, y, yOff + r * out + col, out);
                }
            }
        }
        if (c2 < out) {
            for (int r = 0; r < r6; r += 6) {
                rows6(fma, x, xOff + r * in, in, in, w, wOff, out, y, yOff + r * out, out, c2, out, 1f, 1f, 1f, 1f, 1f, 1f);
            }
        }
        int r = r6;
        if (rows - r >= 4) {
            rows4(fma, x, xOff + r * in, in, in, w, wOff, out, y, yOff + r * out, out, 0, out, 1f, 1f, 1f, 1f);
            r += 4;
        }
        if (rows - r >= 2) {
            rows2(fma, x, xOff + r * in, in, in, w, wOff, out, y, yOff + r * out, out, 0, out, 1f, 1f);
            r += 2;
        }
        if (r < rows) {
            rows1(fma, x, xOff + r * in, in, w, wOff, out, y, yOff + r * out, 0, out, 1f);
        }
    }

    // The row-group drivers. Arguments: A's row 0 at ar, row stride as, reduction length n; B's column 0 at bOff, row
    // stride bs; C's column 0 of row 0 at cOff, row stride cs; the columns [col0, col1); one scale per row (FMA only).

    /** Six rows: 6×2 blocks, then single vectors as 4×1 + 2×1, then scalar columns. */
    static void rows6(boolean fma, float[] a, int ar, int as, int n, float[] b, int bOff, int bs, float[] c, int cOff, int cs,
                      int col0, int col1, float s0, float s1, float s2, float s3, float s4, float s5) {
        int col = col0;
        for (; col + 2 * L <= col1; col += 2 * L) {
            if (fma) {
                fma6x2(a, ar, as, n, b, bOff + col, bs, c, cOff + col, cs, s0, s1, s2, s3, s4, s5);
            } else {
                mul6x2(a, ar, as, n, b, bOff + col, bs, c, cOff + col, cs);
            }
        }
        for (; col + L <= col1; col += L) {
            if (fma) {
                fma4x1(a, ar, as, n, b, bOff + col, bs, c, cOff + col, cs, s0, s1, s2, s3);
                fma2x1(a, ar + 4 * as, as, n, b, bOff + col, bs, c, cOff + 4 * cs + col, cs, s4, s5);
            } else {
                mul4x1(a, ar, as, n, b, bOff + col, bs, c, cOff + col, cs);
                mul2x1(a, ar + 4 * as, as, n, b, bOff + col, bs, c, cOff + 4 * cs + col, cs);
            }
        }
        if (col < col1) {
            tail(fma, a, ar, n, b, bOff, bs, c, cOff, col, col1, s0);
            tail(fma, a, ar + as, n, b, bOff, bs, c, cOff + cs, col, col1, s1);
            tail(fma, a, ar + 2 * as, n, b, bOff, bs, c, cOff + 2 * cs, col, col1, s2);
            tail(fma, a, ar + 3 * as, n, b, bOff, bs, c, cOff + 3 * cs, col, col1, s3);
            tail(fma, a, ar + 4 * as, n, b, bOff, bs, c, cOff + 4 * cs, col, col1, s4);
            tail(fma, a, ar + 5 * as, n, b, bOff, bs, c, cOff + 5 * cs, col, col1, s5);
        }
    }

    /** Four rows: 4×2 blocks, then 4×1, then scalar columns. */
    static void rows4(boolean fma, float[] a, int ar, int as, int n, float[] b, int bOff, int bs, float[] c, int cOff, int cs,
                      int col0, int col1, float s0, float s1, float s2, float s3) {
        int col = col0;
        for (; col + 2 * L <= col1; col += 2 * L) {
            if (fma) {
                fma4x2(a, ar, as, n, b, bOff + col, bs, c, cOff + col, cs, s0, s1, s2, s3);
            } else {
                mul4x2(a, ar, as, n, b, bOff + col, bs, c, cOff + col, cs);
            }
        }
        for (; col + L <= col1; col += L) {
            if (fma) {
                fma4x1(a, ar, as, n, b, bOff + col, bs, c, cOff + col, cs, s0, s1, s2, s3);
            } else {
                mul4x1(a, ar, as, n, b, bOff + col, bs, c, cOff + col, cs);
            }
        }
        if (col < col1) {
            tail(fma, a, ar, n, b, bOff, bs, c, cOff, col, col1, s0);
            tail(fma, a, ar + as, n, b, bOff, bs, c, cOff + cs, col, col1, s1);
            tail(fma, a, ar + 2 * as, n, b, bOff, bs, c, cOff + 2 * cs, col, col1, s2);
            tail(fma, a, ar + 3 * as, n, b, bOff, bs, c, cOff + 3 * cs, col, col1, s3);
        }
    }

    /** Two rows: 2×4 blocks, then 2×1, then scalar columns. */
    static void rows2(boolean fma, float[] a, int ar, int as, int n, float[] b, int bOff, int bs, float[] c, int cOff, int cs,
                      int col0, int col1, float s0, float s1) {
        int col = col0;
        for (; col + 4 * L <= col1; col += 4 * L) {
            if (fma) {
                fma2x4(a, ar, as, n, b, bOff + col, bs, c, cOff + col, cs, s0, s1);
            } else {
                mul2x4(a, ar, as, n, b, bOff + col, bs, c, cOff + col, cs);
            }
        }
        for (; col + L <= col1; col += L) {
            if (fma) {
                fma2x1(a, ar, as, n, b, bOff + col, bs, c, cOff + col, cs, s0, s1);
            } else {
                mul2x1(a, ar, as, n, b, bOff + col, bs, c, cOff + col, cs);
            }
        }
        if (col < col1) {
            tail(fma, a, ar, n, b, bOff, bs, c, cOff, col, col1, s0);
            tail(fma, a, ar + as, n, b, bOff, bs, c, cOff + cs, col, col1, s1);
        }
    }

    /** One row: 1×4 blocks, then 1×1, then scalar columns. */
    static void rows1(boolean fma, float[] a, int ar, int n, float[] b, int bOff, int bs, float[] c, int cOff,
                      int col0, int col1, float s0) {
        int col = col0;
        for (; col + 4 * L <= col1; col += 4 * L) {
            if (fma) {
                fma1x4(a, ar, 0, n, b, bOff + col, bs, c, cOff + col, 0, s0);
            } else {
                mul1x4(a, ar, 0, n, b, bOff + col, bs, c, cOff + col, 0);
            }
        }
        for (; col + L <= col1; col += L) {
            if (fma) {
                fma1x1(a, ar, 0, n, b, bOff + col, bs, c, cOff + col, 0, s0);
            } else {
                mul1x1(a, ar, 0, n, b, bOff + col, bs, c, cOff + col, 0);
            }
        }
        if (col < col1) {
            tail(fma, a, ar, n, b, bOff, bs, c, cOff, col, col1, s0);
        }
    }

    /** Columns [col0, col1) of one row, scalar, in the same operation order as the bodies. */
    private static void tail(boolean fma, float[] a, int ar, int n, float[] b, int bOff, int bs, float[] c, int cOff,
                             int col0, int col1, float s0) {
        for (int col = col0; col < col1; col++) {
            float s = 0f;
            for (int i = 0; i < n; i++) {
                s = fma ? Math.fma(a[ar + i], b[bOff + i * bs + col], s) : s + a[ar + i] * b[bOff + i * bs + col];
            }
            c[cOff + col] = s0 == 1f ? s : s * s0;
        }
    }

    // The bodies: rows ar, ar + as, … of A against the vectors of B starting at bc (row stride bs); the results (FMA:
    // times the row's scale) to C at cc, cc + cs, …

    // ---------------------------------------------------------------- the FMA bodies (one rounding per step, scaled)

    private static void fma6x2(float[] a, int ar, int as, int n, float[] b, int bc, int bs, float[] c, int cc, int cs,
                               float s0, float s1, float s2, float s3, float s4, float s5) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), b0 = FloatVector.zero(F), b1 = FloatVector.zero(F);
        FloatVector c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), d0 = FloatVector.zero(F), d1 = FloatVector.zero(F);
        FloatVector e0 = FloatVector.zero(F), e1 = FloatVector.zero(F), f0 = FloatVector.zero(F), f1 = FloatVector.zero(F);
        int r1 = ar + as, r2 = r1 + as, r3 = r2 + as, r4 = r3 + as, r5 = r4 + as;
        for (int i = 0; i < n; i++) {
            int bi = bc + i * bs;
            FloatVector w0 = FloatVector.fromArray(F, b, bi);
            FloatVector w1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector x = FloatVector.broadcast(F, a[ar + i]);
            a0 = x.fma(w0, a0);
            a1 = x.fma(w1, a1);
            x = FloatVector.broadcast(F, a[r1 + i]);
            b0 = x.fma(w0, b0);
            b1 = x.fma(w1, b1);
            x = FloatVector.broadcast(F, a[r2 + i]);
            c0 = x.fma(w0, c0);
            c1 = x.fma(w1, c1);
            x = FloatVector.broadcast(F, a[r3 + i]);
            d0 = x.fma(w0, d0);
            d1 = x.fma(w1, d1);
            x = FloatVector.broadcast(F, a[r4 + i]);
            e0 = x.fma(w0, e0);
            e1 = x.fma(w1, e1);
            x = FloatVector.broadcast(F, a[r5 + i]);
            f0 = x.fma(w0, f0);
            f1 = x.fma(w1, f1);
        }
        a0.mul(s0).intoArray(c, cc);
        a1.mul(s0).intoArray(c, cc + L);
        b0.mul(s1).intoArray(c, cc + cs);
        b1.mul(s1).intoArray(c, cc + cs + L);
        c0.mul(s2).intoArray(c, cc + 2 * cs);
        c1.mul(s2).intoArray(c, cc + 2 * cs + L);
        d0.mul(s3).intoArray(c, cc + 3 * cs);
        d1.mul(s3).intoArray(c, cc + 3 * cs + L);
        e0.mul(s4).intoArray(c, cc + 4 * cs);
        e1.mul(s4).intoArray(c, cc + 4 * cs + L);
        f0.mul(s5).intoArray(c, cc + 5 * cs);
        f1.mul(s5).intoArray(c, cc + 5 * cs + L);
    }

    private static void fma4x2(float[] a, int ar, int as, int n, float[] b, int bc, int bs, float[] c, int cc, int cs,
                               float s0, float s1, float s2, float s3) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), b0 = FloatVector.zero(F), b1 = FloatVector.zero(F);
        FloatVector c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), d0 = FloatVector.zero(F), d1 = FloatVector.zero(F);
        int r1 = ar + as, r2 = r1 + as, r3 = r2 + as;
        for (int i = 0; i < n; i++) {
            int bi = bc + i * bs;
            FloatVector w0 = FloatVector.fromArray(F, b, bi);
            FloatVector w1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector x = FloatVector.broadcast(F, a[ar + i]);
            a0 = x.fma(w0, a0);
            a1 = x.fma(w1, a1);
            x = FloatVector.broadcast(F, a[r1 + i]);
            b0 = x.fma(w0, b0);
            b1 = x.fma(w1, b1);
            x = FloatVector.broadcast(F, a[r2 + i]);
            c0 = x.fma(w0, c0);
            c1 = x.fma(w1, c1);
            x = FloatVector.broadcast(F, a[r3 + i]);
            d0 = x.fma(w0, d0);
            d1 = x.fma(w1, d1);
        }
        a0.mul(s0).intoArray(c, cc);
        a1.mul(s0).intoArray(c, cc + L);
        b0.mul(s1).intoArray(c, cc + cs);
        b1.mul(s1).intoArray(c, cc + cs + L);
        c0.mul(s2).intoArray(c, cc + 2 * cs);
        c1.mul(s2).intoArray(c, cc + 2 * cs + L);
        d0.mul(s3).intoArray(c, cc + 3 * cs);
        d1.mul(s3).intoArray(c, cc + 3 * cs + L);
    }

    private static void fma4x1(float[] a, int ar, int as, int n, float[] b, int bc, int bs, float[] c, int cc, int cs,
                               float s0, float s1, float s2, float s3) {
        FloatVector a0 = FloatVector.zero(F), b0 = FloatVector.zero(F), c0 = FloatVector.zero(F), d0 = FloatVector.zero(F);
        int r1 = ar + as, r2 = r1 + as, r3 = r2 + as;
        for (int i = 0; i < n; i++) {
            int bi = bc + i * bs;
            FloatVector w0 = FloatVector.fromArray(F, b, bi);
            FloatVector x = FloatVector.broadcast(F, a[ar + i]);
            a0 = x.fma(w0, a0);
            x = FloatVector.broadcast(F, a[r1 + i]);
            b0 = x.fma(w0, b0);
            x = FloatVector.broadcast(F, a[r2 + i]);
            c0 = x.fma(w0, c0);
            x = FloatVector.broadcast(F, a[r3 + i]);
            d0 = x.fma(w0, d0);
        }
        a0.mul(s0).intoArray(c, cc);
        b0.mul(s1).intoArray(c, cc + cs);
        c0.mul(s2).intoArray(c, cc + 2 * cs);
        d0.mul(s3).intoArray(c, cc + 3 * cs);
    }

    private static void fma2x4(float[] a, int ar, int as, int n, float[] b, int bc, int bs, float[] c, int cc, int cs,
                               float s0, float s1) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        FloatVector b0 = FloatVector.zero(F), b1 = FloatVector.zero(F), b2 = FloatVector.zero(F), b3 = FloatVector.zero(F);
        int r1 = ar + as;
        for (int i = 0; i < n; i++) {
            int bi = bc + i * bs;
            FloatVector w0 = FloatVector.fromArray(F, b, bi);
            FloatVector w1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector w2 = FloatVector.fromArray(F, b, bi + 2 * L);
            FloatVector w3 = FloatVector.fromArray(F, b, bi + 3 * L);
            FloatVector x = FloatVector.broadcast(F, a[ar + i]);
            a0 = x.fma(w0, a0);
            a1 = x.fma(w1, a1);
            a2 = x.fma(w2, a2);
            a3 = x.fma(w3, a3);
            x = FloatVector.broadcast(F, a[r1 + i]);
            b0 = x.fma(w0, b0);
            b1 = x.fma(w1, b1);
            b2 = x.fma(w2, b2);
            b3 = x.fma(w3, b3);
        }
        a0.mul(s0).intoArray(c, cc);
        a1.mul(s0).intoArray(c, cc + L);
        a2.mul(s0).intoArray(c, cc + 2 * L);
        a3.mul(s0).intoArray(c, cc + 3 * L);
        b0.mul(s1).intoArray(c, cc + cs);
        b1.mul(s1).intoArray(c, cc + cs + L);
        b2.mul(s1).intoArray(c, cc + cs + 2 * L);
        b3.mul(s1).intoArray(c, cc + cs + 3 * L);
    }

    private static void fma2x1(float[] a, int ar, int as, int n, float[] b, int bc, int bs, float[] c, int cc, int cs,
                               float s0, float s1) {
        FloatVector a0 = FloatVector.zero(F), b0 = FloatVector.zero(F);
        int r1 = ar + as;
        for (int i = 0; i < n; i++) {
            int bi = bc + i * bs;
            FloatVector w0 = FloatVector.fromArray(F, b, bi);
            FloatVector x = FloatVector.broadcast(F, a[ar + i]);
            a0 = x.fma(w0, a0);
            x = FloatVector.broadcast(F, a[r1 + i]);
            b0 = x.fma(w0, b0);
        }
        a0.mul(s0).intoArray(c, cc);
        b0.mul(s1).intoArray(c, cc + cs);
    }

    private static void fma1x4(float[] a, int ar, int as, int n, float[] b, int bc, int bs, float[] c, int cc, int cs,
                               float s0) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        for (int i = 0; i < n; i++) {
            int bi = bc + i * bs;
            FloatVector w0 = FloatVector.fromArray(F, b, bi);
            FloatVector w1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector w2 = FloatVector.fromArray(F, b, bi + 2 * L);
            FloatVector w3 = FloatVector.fromArray(F, b, bi + 3 * L);
            FloatVector x = FloatVector.broadcast(F, a[ar + i]);
            a0 = x.fma(w0, a0);
            a1 = x.fma(w1, a1);
            a2 = x.fma(w2, a2);
            a3 = x.fma(w3, a3);
        }
        a0.mul(s0).intoArray(c, cc);
        a1.mul(s0).intoArray(c, cc + L);
        a2.mul(s0).intoArray(c, cc + 2 * L);
        a3.mul(s0).intoArray(c, cc + 3 * L);
    }

    private static void fma1x1(float[] a, int ar, int as, int n, float[] b, int bc, int bs, float[] c, int cc, int cs,
                               float s0) {
        FloatVector a0 = FloatVector.zero(F);
        for (int i = 0; i < n; i++) {
            int bi = bc + i * bs;
            FloatVector w0 = FloatVector.fromArray(F, b, bi);
            FloatVector x = FloatVector.broadcast(F, a[ar + i]);
            a0 = x.fma(w0, a0);
        }
        a0.mul(s0).intoArray(c, cc);
    }

    // ---------------------------------------------------------------- the multiply-then-add bodies (matmul, unscaled)

    private static void mul6x2(float[] a, int ar, int as, int n, float[] b, int bc, int bs, float[] c, int cc, int cs) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), b0 = FloatVector.zero(F), b1 = FloatVector.zero(F);
        FloatVector c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), d0 = FloatVector.zero(F), d1 = FloatVector.zero(F);
        FloatVector e0 = FloatVector.zero(F), e1 = FloatVector.zero(F), f0 = FloatVector.zero(F), f1 = FloatVector.zero(F);
        int r1 = ar + as, r2 = r1 + as, r3 = r2 + as, r4 = r3 + as, r5 = r4 + as;
        for (int i = 0; i < n; i++) {
            int bi = bc + i * bs;
            FloatVector w0 = FloatVector.fromArray(F, b, bi);
            FloatVector w1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector x = FloatVector.broadcast(F, a[ar + i]);
            a0 = a0.add(x.mul(w0));
            a1 = a1.add(x.mul(w1));
            x = FloatVector.broadcast(F, a[r1 + i]);
            b0 = b0.add(x.mul(w0));
            b1 = b1.add(x.mul(w1));
            x = FloatVector.broadcast(F, a[r2 + i]);
            c0 = c0.add(x.mul(w0));
            c1 = c1.add(x.mul(w1));
            x = FloatVector.broadcast(F, a[r3 + i]);
            d0 = d0.add(x.mul(w0));
            d1 = d1.add(x.mul(w1));
            x = FloatVector.broadcast(F, a[r4 + i]);
            e0 = e0.add(x.mul(w0));
            e1 = e1.add(x.mul(w1));
            x = FloatVector.broadcast(F, a[r5 + i]);
            f0 = f0.add(x.mul(w0));
            f1 = f1.add(x.mul(w1));
        }
        a0.intoArray(c, cc);
        a1.intoArray(c, cc + L);
        b0.intoArray(c, cc + cs);
        b1.intoArray(c, cc + cs + L);
        c0.intoArray(c, cc + 2 * cs);
        c1.intoArray(c, cc + 2 * cs + L);
        d0.intoArray(c, cc + 3 * cs);
        d1.intoArray(c, cc + 3 * cs + L);
        e0.intoArray(c, cc + 4 * cs);
        e1.intoArray(c, cc + 4 * cs + L);
        f0.intoArray(c, cc + 5 * cs);
        f1.intoArray(c, cc + 5 * cs + L);
    }

    private static void mul4x2(float[] a, int ar, int as, int n, float[] b, int bc, int bs, float[] c, int cc, int cs) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), b0 = FloatVector.zero(F), b1 = FloatVector.zero(F);
        FloatVector c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), d0 = FloatVector.zero(F), d1 = FloatVector.zero(F);
        int r1 = ar + as, r2 = r1 + as, r3 = r2 + as;
        for (int i = 0; i < n; i++) {
            int bi = bc + i * bs;
            FloatVector w0 = FloatVector.fromArray(F, b, bi);
            FloatVector w1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector x = FloatVector.broadcast(F, a[ar + i]);
            a0 = a0.add(x.mul(w0));
            a1 = a1.add(x.mul(w1));
            x = FloatVector.broadcast(F, a[r1 + i]);
            b0 = b0.add(x.mul(w0));
            b1 = b1.add(x.mul(w1));
            x = FloatVector.broadcast(F, a[r2 + i]);
            c0 = c0.add(x.mul(w0));
            c1 = c1.add(x.mul(w1));
            x = FloatVector.broadcast(F, a[r3 + i]);
            d0 = d0.add(x.mul(w0));
            d1 = d1.add(x.mul(w1));
        }
        a0.intoArray(c, cc);
        a1.intoArray(c, cc + L);
        b0.intoArray(c, cc + cs);
        b1.intoArray(c, cc + cs + L);
        c0.intoArray(c, cc + 2 * cs);
        c1.intoArray(c, cc + 2 * cs + L);
        d0.intoArray(c, cc + 3 * cs);
        d1.intoArray(c, cc + 3 * cs + L);
    }

    private static void mul4x1(float[] a, int ar, int as, int n, float[] b, int bc, int bs, float[] c, int cc, int cs) {
        FloatVector a0 = FloatVector.zero(F), b0 = FloatVector.zero(F), c0 = FloatVector.zero(F), d0 = FloatVector.zero(F);
        int r1 = ar + as, r2 = r1 + as, r3 = r2 + as;
        for (int i = 0; i < n; i++) {
            int bi = bc + i * bs;
            FloatVector w0 = FloatVector.fromArray(F, b, bi);
            FloatVector x = FloatVector.broadcast(F, a[ar + i]);
            a0 = a0.add(x.mul(w0));
            x = FloatVector.broadcast(F, a[r1 + i]);
            b0 = b0.add(x.mul(w0));
            x = FloatVector.broadcast(F, a[r2 + i]);
            c0 = c0.add(x.mul(w0));
            x = FloatVector.broadcast(F, a[r3 + i]);
            d0 = d0.add(x.mul(w0));
        }
        a0.intoArray(c, cc);
        b0.intoArray(c, cc + cs);
        c0.intoArray(c, cc + 2 * cs);
        d0.intoArray(c, cc + 3 * cs);
    }

    private static void mul2x4(float[] a, int ar, int as, int n, float[] b, int bc, int bs, float[] c, int cc, int cs) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        FloatVector b0 = FloatVector.zero(F), b1 = FloatVector.zero(F), b2 = FloatVector.zero(F), b3 = FloatVector.zero(F);
        int r1 = ar + as;
        for (int i = 0; i < n; i++) {
            int bi = bc + i * bs;
            FloatVector w0 = FloatVector.fromArray(F, b, bi);
            FloatVector w1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector w2 = FloatVector.fromArray(F, b, bi + 2 * L);
            FloatVector w3 = FloatVector.fromArray(F, b, bi + 3 * L);
            FloatVector x = FloatVector.broadcast(F, a[ar + i]);
            a0 = a0.add(x.mul(w0));
            a1 = a1.add(x.mul(w1));
            a2 = a2.add(x.mul(w2));
            a3 = a3.add(x.mul(w3));
            x = FloatVector.broadcast(F, a[r1 + i]);
            b0 = b0.add(x.mul(w0));
            b1 = b1.add(x.mul(w1));
            b2 = b2.add(x.mul(w2));
            b3 = b3.add(x.mul(w3));
        }
        a0.intoArray(c, cc);
        a1.intoArray(c, cc + L);
        a2.intoArray(c, cc + 2 * L);
        a3.intoArray(c, cc + 3 * L);
        b0.intoArray(c, cc + cs);
        b1.intoArray(c, cc + cs + L);
        b2.intoArray(c, cc + cs + 2 * L);
        b3.intoArray(c, cc + cs + 3 * L);
    }

    private static void mul2x1(float[] a, int ar, int as, int n, float[] b, int bc, int bs, float[] c, int cc, int cs) {
        FloatVector a0 = FloatVector.zero(F), b0 = FloatVector.zero(F);
        int r1 = ar + as;
        for (int i = 0; i < n; i++) {
            int bi = bc + i * bs;
            FloatVector w0 = FloatVector.fromArray(F, b, bi);
            FloatVector x = FloatVector.broadcast(F, a[ar + i]);
            a0 = a0.add(x.mul(w0));
            x = FloatVector.broadcast(F, a[r1 + i]);
            b0 = b0.add(x.mul(w0));
        }
        a0.intoArray(c, cc);
        b0.intoArray(c, cc + cs);
    }

    private static void mul1x4(float[] a, int ar, int as, int n, float[] b, int bc, int bs, float[] c, int cc, int cs) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        for (int i = 0; i < n; i++) {
            int bi = bc + i * bs;
            FloatVector w0 = FloatVector.fromArray(F, b, bi);
            FloatVector w1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector w2 = FloatVector.fromArray(F, b, bi + 2 * L);
            FloatVector w3 = FloatVector.fromArray(F, b, bi + 3 * L);
            FloatVector x = FloatVector.broadcast(F, a[ar + i]);
            a0 = a0.add(x.mul(w0));
            a1 = a1.add(x.mul(w1));
            a2 = a2.add(x.mul(w2));
            a3 = a3.add(x.mul(w3));
        }
        a0.intoArray(c, cc);
        a1.intoArray(c, cc + L);
        a2.intoArray(c, cc + 2 * L);
        a3.intoArray(c, cc + 3 * L);
    }

    private static void mul1x1(float[] a, int ar, int as, int n, float[] b, int bc, int bs, float[] c, int cc, int cs) {
        FloatVector a0 = FloatVector.zero(F);
        for (int i = 0; i < n; i++) {
            int bi = bc + i * bs;
            FloatVector w0 = FloatVector.fromArray(F, b, bi);
            FloatVector x = FloatVector.broadcast(F, a[ar + i]);
            a0 = a0.add(x.mul(w0));
        }
        a0.intoArray(c, cc);
    }
}
