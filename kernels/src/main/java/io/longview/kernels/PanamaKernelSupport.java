package io.longview.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernels, on the platform's preferred float species (512-bit where AVX-512 is on, 256-bit on AVX2).
 * Every loop has the same shape: a body over whole blocks with named accumulators, then a scalar tail. Vectors never
 * cross a method boundary (a {@code FloatVector} passed to a method C2 does not inline is boxed: NOTES-jvm-stack);
 * helpers take arrays and offsets.
 *
 * <p>{@link #scoreAll}, {@link #matmul}, {@link #dequantizeNormalize} and {@link #relu} vectorize across independent
 * outputs and keep each output's own operation order (multiply, then add, in index order; no FMA), so they give the
 * same bits as {@link ScalarKernelSupport}. {@link #dot}, {@link #layerNorm} and {@link #maskedSoftmaxRow} reduce in
 * lanes and differ from it by rounding. {@link #topK} is exact: the K best under a total order are one set.
 */
final class PanamaKernelSupport implements KernelSupport {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Tokens per tile of {@link #scoreAll}: two vectors. */
    private static final int TILE = 2 * L;
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

    // ---------------------------------------------------------------------------------------------------- dot

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        int i = 0;
        float s = 0f;
        int limit4 = n - n % (4 * L);
        if (limit4 > 0) {
            s = dotBody(a, aOff, b, bOff, limit4);
            i = limit4;
        }
        for (; i < n; i++) {
            s = Math.fma(a[aOff + i], b[bOff + i], s);
        }
        return s;
    }

    /** Four independent FMA chains over {@code [0, limit)}, limit a multiple of 4·L. */
    private static float dotBody(float[] a, int aOff, float[] b, int bOff, int limit) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        FloatVector acc2 = FloatVector.zero(F);
        FloatVector acc3 = FloatVector.zero(F);
        for (int i = 0; i < limit; i += 4 * L) {
            acc0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc0);
            acc1 = FloatVector.fromArray(F, a, aOff + i + L).fma(FloatVector.fromArray(F, b, bOff + i + L), acc1);
            acc2 = FloatVector.fromArray(F, a, aOff + i + 2 * L).fma(FloatVector.fromArray(F, b, bOff + i + 2 * L), acc2);
            acc3 = FloatVector.fromArray(F, a, aOff + i + 3 * L).fma(FloatVector.fromArray(F, b, bOff + i + 3 * L), acc3);
        }
        return acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
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

    // ---------------------------------------------------------------------------------------------------- scoreAll

    /**
     * Tiles of {@link #TILE} tokens are transposed once into a {@code (dim, TILE)} scratch, then every block of four
     * candidates streams over it: each token vector is loaded once per four candidates, each candidate value is
     * broadcast once per tile, and the scores of a tile come out as contiguous rows of {@code scores}.
     */
    @Override
    public void scoreAll(float[] units, int rows, int dim, float[] candidates, int nCand, float[] scores) {
        float[] tile = new float[dim * TILE]; // (dim, TILE) one token tile, transposed
        int tEnd = rows - rows % TILE;
        for (int t0 = 0; t0 < tEnd; t0 += TILE) {
            for (int j = 0; j < TILE; j++) {
                int src = (t0 + j) * dim;
                for (int d = 0; d < dim; d++) {
                    tile[d * TILE + j] = units[src + d];
                }
            }
            int c = 0;
            for (; c + 4 <= nCand; c += 4) {
                scoreBody4(tile, dim, candidates, c, rows, t0, scores);
            }
            for (; c < nCand; c++) {
                scoreBody1(tile, dim, candidates, c, rows, t0, scores);
            }
        }
        // tail tokens: the scalar loop, same order of operations
        for (int c = 0; c < nCand; c++) {
            int ci = c * dim;
            for (int t = tEnd; t < rows; t++) {
                int ti = t * dim;
                float s = 0f;
                for (int d = 0; d < dim; d++) {
                    s += units[ti + d] * candidates[ci + d];
                }
                scores[c * rows + t] = s;
            }
        }
    }

    /** Candidates {@code c .. c+3} against one transposed tile: 4 × 2 accumulators. */
    private static void scoreBody4(float[] tile, int dim, float[] cand, int c, int rows, int t0, float[] scores) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
        FloatVector b0 = FloatVector.zero(F), b1 = FloatVector.zero(F);
        FloatVector c0 = FloatVector.zero(F), c1 = FloatVector.zero(F);
        FloatVector d0 = FloatVector.zero(F), d1 = FloatVector.zero(F);
        int ca = c * dim, cb = ca + dim, cc = cb + dim, cd = cc + dim;
        for (int d = 0; d < dim; d++) {
            FloatVector u0 = FloatVector.fromArray(F, tile, d * TILE);
            FloatVector u1 = FloatVector.fromArray(F, tile, d * TILE + L);
            FloatVector x = FloatVector.broadcast(F, cand[ca + d]);
            a0 = a0.add(u0.mul(x));
            a1 = a1.add(u1.mul(x));
            x = FloatVector.broadcast(F, cand[cb + d]);
            b0 = b0.add(u0.mul(x));
            b1 = b1.add(u1.mul(x));
            x = FloatVector.broadcast(F, cand[cc + d]);
            c0 = c0.add(u0.mul(x));
            c1 = c1.add(u1.mul(x));
            x = FloatVector.broadcast(F, cand[cd + d]);
            d0 = d0.add(u0.mul(x));
            d1 = d1.add(u1.mul(x));
        }
        int s = c * rows + t0;
        a0.intoArray(scores, s);
        a1.intoArray(scores, s + L);
        s += rows;
        b0.intoArray(scores, s);
        b1.intoArray(scores, s + L);
        s += rows;
        c0.intoArray(scores, s);
        c1.intoArray(scores, s + L);
        s += rows;
        d0.intoArray(scores, s);
        d1.intoArray(scores, s + L);
    }

    /** One candidate against one transposed tile. */
    private static void scoreBody1(float[] tile, int dim, float[] cand, int c, int rows, int t0, float[] scores) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
        int ca = c * dim;
        for (int d = 0; d < dim; d++) {
            FloatVector x = FloatVector.broadcast(F, cand[ca + d]);
            a0 = a0.add(FloatVector.fromArray(F, tile, d * TILE).mul(x));
            a1 = a1.add(FloatVector.fromArray(F, tile, d * TILE + L).mul(x));
        }
        int s = c * rows + t0;
        a0.intoArray(scores, s);
        a1.intoArray(scores, s + L);
    }

    // ---------------------------------------------------------------------------------------------------- topK

    /**
     * Two vector passes around the scalar heap of {@link ScalarKernelSupport#topK}:
     * <ol>
     *   <li>a lower bound t on the K-th best score: the K-th largest of the maxima of the row's chunks of 4·L scores
     *       (K chunks have a maximum ≥ t, so at least K scores are ≥ t); it needs at least K whole chunks, else
     *       t = −∞. The K chunk maxima are kept as sortable ints in {@code outIdx}, which is free until pass 2;</li>
     *   <li>the heap sees only scores ≥ the current threshold, t at first and the heap's K-th score once it is full;
     *       whole chunks below it are skipped with one compare, and inside a chunk only the lanes at or above it
     *       (ties included: a tie can still win on time or index) reach the heap.</li>
     * </ol>
     * A score below t is beaten by K others on the score alone, so the bound never changes the result.
     */
    @Override
    public int topK(float[] scores, int off, int n, long[] timestamps, int k, int[] outIdx) {
        int m = Math.min(k, n);
        if (m == 0) {
            return 0;
        }
        int chunks = n / (4 * L);
        int limit = chunks * 4 * L;
        float bound = m < n && chunks >= m ? chunkBound(scores, off, chunks, m, outIdx) : Float.NEGATIVE_INFINITY;
        int size = topKBody(scores, off, limit, bound, timestamps, outIdx, m);
        for (int i = limit; i < n; i++) {
            if (size < m) {
                size = TopKHeap.push(outIdx, size, i, scores, off, timestamps);
            } else {
                TopKHeap.offer(outIdx, size, i, scores, off, timestamps);
            }
        }
        TopKHeap.sortBestFirst(outIdx, size, scores, off, timestamps);
        return size;
    }

    /** Pass 1: the m-th largest chunk maximum over {@code chunks} chunks of 4·L scores (chunks ≥ m). */
    private static float chunkBound(float[] scores, int off, int chunks, int m, int[] keys) {
        int size = 0;
        float bound = Float.NEGATIVE_INFINITY; // the smallest kept maximum, once m are kept
        for (int c = 0; c < chunks; c++) {
            int p = off + c * 4 * L;
            FloatVector v = FloatVector.fromArray(F, scores, p).max(FloatVector.fromArray(F, scores, p + L))
                    .max(FloatVector.fromArray(F, scores, p + 2 * L).max(FloatVector.fromArray(F, scores, p + 3 * L)));
            if (size == m && !v.compare(VectorOperators.GT, bound).anyTrue()) {
                continue;
            }
            int key = TopKHeap.sortableKey(v.reduceLanes(VectorOperators.MAX));
            if (size < m) {
                size = TopKHeap.pushKey(keys, size, key);
            } else {
                TopKHeap.replaceMinKey(keys, size, key);
            }
            if (size == m) {
                bound = TopKHeap.fromSortableKey(keys[0]);
            }
        }
        return bound;
    }

    /** Pass 2 over {@code [0, limit)}, limit a multiple of 4·L, into an empty heap of capacity m; returns its size. */
    private static int topKBody(float[] scores, int off, int limit, float bound, long[] timestamps, int[] heap, int m) {
        int size = 0;
        float threshold = bound;
        for (int i = 0; i < limit; i += 4 * L) {
            int p = off + i;
            FloatVector v0 = FloatVector.fromArray(F, scores, p);
            FloatVector v1 = FloatVector.fromArray(F, scores, p + L);
            FloatVector v2 = FloatVector.fromArray(F, scores, p + 2 * L);
            FloatVector v3 = FloatVector.fromArray(F, scores, p + 3 * L);
            if (!v0.max(v1).max(v2.max(v3)).compare(VectorOperators.GE, threshold).anyTrue()) {
                continue; // the common case: nothing here reaches the threshold
            }
            for (int j = i; j < i + 4 * L; j += L) {
                long lanes = FloatVector.fromArray(F, scores, off + j).compare(VectorOperators.GE, threshold).toLong();
                while (lanes != 0) {
                    int e = j + Long.numberOfTrailingZeros(lanes);
                    lanes &= lanes - 1;
                    if (size < m) {
                        size = TopKHeap.push(heap, size, e, scores, off, timestamps);
                        if (size == m) {
                            threshold = scores[off + heap[0]];
                        }
                    } else if (scores[off + e] >= threshold) { // the threshold may have risen within this vector
                        TopKHeap.offer(heap, size, e, scores, off, timestamps);
                        threshold = scores[off + heap[0]];
                    }
                }
            }
        }
        return size;
    }

    // ---------------------------------------------------------------------------------------------------- matmul

    /**
     * Column blocks of 4·L outputs × 2 rows (8 accumulators, fits AVX2's 16 registers), then 1-vector column blocks ×
     * 4 rows, then scalar columns. Each output accumulates {@code x[r,i]·w[i,o]} in order of i, multiply then add.
     */
    @Override
    public void matmul(float[] x, int xOff, int rows, int in, float[] w, int wOff, int out, float[] y, int yOff) {
        int col = 0;
        int c4 = out - out % (4 * L);
        for (; col < c4; col += 4 * L) {
            int r = 0;
            for (; r + 2 <= rows; r += 2) {
                matmulBody2x4(x, xOff + r * in, in, w, wOff + col, out, y, yOff + r * out + col);
            }
            for (; r < rows; r++) {
                matmulBody1x4(x, xOff + r * in, in, w, wOff + col, out, y, yOff + r * out + col);
            }
        }
        int c1 = out - out % L;
        for (; col < c1; col += L) {
            int r = 0;
            for (; r + 4 <= rows; r += 4) {
                matmulBody4x1(x, xOff + r * in, in, w, wOff + col, out, y, yOff + r * out + col);
            }
            for (; r < rows; r++) {
                matmulBody1x1(x, xOff + r * in, in, w, wOff + col, out, y, yOff + r * out + col);
            }
        }
        for (; col < out; col++) {
            for (int r = 0; r < rows; r++) {
                float s = 0f;
                for (int i = 0; i < in; i++) {
                    s += x[xOff + r * in + i] * w[wOff + i * out + col];
                }
                y[yOff + r * out + col] = s;
            }
        }
    }

    /** Rows xa, xa+in of x against 4·L columns of w starting at wc; y rows at ya, ya+out. */
    private static void matmulBody2x4(float[] x, int xa, int in, float[] w, int wc, int out, float[] y, int ya) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        FloatVector b0 = FloatVector.zero(F), b1 = FloatVector.zero(F), b2 = FloatVector.zero(F), b3 = FloatVector.zero(F);
        int xb = xa + in;
        for (int i = 0; i < in; i++) {
            int wi = wc + i * out;
            FloatVector w0 = FloatVector.fromArray(F, w, wi);
            FloatVector w1 = FloatVector.fromArray(F, w, wi + L);
            FloatVector w2 = FloatVector.fromArray(F, w, wi + 2 * L);
            FloatVector w3 = FloatVector.fromArray(F, w, wi + 3 * L);
            FloatVector v = FloatVector.broadcast(F, x[xa + i]);
            a0 = a0.add(v.mul(w0));
            a1 = a1.add(v.mul(w1));
            a2 = a2.add(v.mul(w2));
            a3 = a3.add(v.mul(w3));
            v = FloatVector.broadcast(F, x[xb + i]);
            b0 = b0.add(v.mul(w0));
            b1 = b1.add(v.mul(w1));
            b2 = b2.add(v.mul(w2));
            b3 = b3.add(v.mul(w3));
        }
        int yb = ya + out;
        a0.intoArray(y, ya);
        a1.intoArray(y, ya + L);
        a2.intoArray(y, ya + 2 * L);
        a3.intoArray(y, ya + 3 * L);
        b0.intoArray(y, yb);
        b1.intoArray(y, yb + L);
        b2.intoArray(y, yb + 2 * L);
        b3.intoArray(y, yb + 3 * L);
    }

    private static void matmulBody1x4(float[] x, int xa, int in, float[] w, int wc, int out, float[] y, int ya) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        for (int i = 0; i < in; i++) {
            int wi = wc + i * out;
            FloatVector v = FloatVector.broadcast(F, x[xa + i]);
            a0 = a0.add(v.mul(FloatVector.fromArray(F, w, wi)));
            a1 = a1.add(v.mul(FloatVector.fromArray(F, w, wi + L)));
            a2 = a2.add(v.mul(FloatVector.fromArray(F, w, wi + 2 * L)));
            a3 = a3.add(v.mul(FloatVector.fromArray(F, w, wi + 3 * L)));
        }
        a0.intoArray(y, ya);
        a1.intoArray(y, ya + L);
        a2.intoArray(y, ya + 2 * L);
        a3.intoArray(y, ya + 3 * L);
    }

    private static void matmulBody4x1(float[] x, int xa, int in, float[] w, int wc, int out, float[] y, int ya) {
        FloatVector a = FloatVector.zero(F), b = FloatVector.zero(F), c = FloatVector.zero(F), d = FloatVector.zero(F);
        int xb = xa + in, xc = xb + in, xd = xc + in;
        for (int i = 0; i < in; i++) {
            FloatVector wv = FloatVector.fromArray(F, w, wc + i * out);
            a = a.add(FloatVector.broadcast(F, x[xa + i]).mul(wv));
            b = b.add(FloatVector.broadcast(F, x[xb + i]).mul(wv));
            c = c.add(FloatVector.broadcast(F, x[xc + i]).mul(wv));
            d = d.add(FloatVector.broadcast(F, x[xd + i]).mul(wv));
        }
        a.intoArray(y, ya);
        b.intoArray(y, ya + out);
        c.intoArray(y, ya + 2 * out);
        d.intoArray(y, ya + 3 * out);
    }

    private static void matmulBody1x1(float[] x, int xa, int in, float[] w, int wc, int out, float[] y, int ya) {
        FloatVector a = FloatVector.zero(F);
        for (int i = 0; i < in; i++) {
            a = a.add(FloatVector.broadcast(F, x[xa + i]).mul(FloatVector.fromArray(F, w, wc + i * out)));
        }
        a.intoArray(y, ya);
    }

    /**
     * Blocks of 6 rows × 2 vectors (12 accumulators: enough independent chains to keep both FMA pipes busy through the
     * FMA latency; 15 of AVX2's 16 registers), the remaining columns and rows in {@link #matmul}'s blocking; one FMA per
     * step: each output is the chain {@code s = fma(x[r,i], w[i,o], s)} in order of i, bit-identical to
     * {@link ScalarKernelSupport#matmulFma}.
     */
    @Override
    public void matmulFma(float[] x, int xOff, int rows, int in, float[] w, int wOff, int out, float[] y, int yOff) {
        int r6 = rows - rows % 6;
        int c2 = out - out % (2 * L);
        if (r6 > 0 && c2 > 0) { // blocks of 6 rows × 2 vectors: 12 accumulators hide the FMA latency
            for (int col = 0; col < c2; col += 2 * L) {
                for (int r = 0; r < r6; r += 6) {
                    fmaBody6x2(x, xOff + r * in, in, w, wOff + col, out, y, yOff + r * out + col);
                }
            }
            if (c2 < out) {
                fmaColumns(x, xOff, r6, in, w, wOff, out, y, yOff, c2);
            }
            fmaColumns(x, xOff + r6 * in, rows - r6, in, w, wOff, out, y, yOff + r6 * out, 0);
        } else {
            fmaColumns(x, xOff, rows, in, w, wOff, out, y, yOff, 0);
        }
    }

    private static void fmaBody6x2(float[] x, int xa, int in, float[] w, int wc, int out, float[] y, int ya) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), b0 = FloatVector.zero(F), b1 = FloatVector.zero(F);
        FloatVector c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), d0 = FloatVector.zero(F), d1 = FloatVector.zero(F);
        FloatVector e0 = FloatVector.zero(F), e1 = FloatVector.zero(F), f0 = FloatVector.zero(F), f1 = FloatVector.zero(F);
        int xb = xa + in, xc = xb + in, xd = xc + in, xe = xd + in, xf = xe + in;
        for (int i = 0; i < in; i++) {
            int wi = wc + i * out;
            FloatVector w0 = FloatVector.fromArray(F, w, wi);
            FloatVector w1 = FloatVector.fromArray(F, w, wi + L);
            FloatVector v = FloatVector.broadcast(F, x[xa + i]);
            a0 = v.fma(w0, a0);
            a1 = v.fma(w1, a1);
            v = FloatVector.broadcast(F, x[xb + i]);
            b0 = v.fma(w0, b0);
            b1 = v.fma(w1, b1);
            v = FloatVector.broadcast(F, x[xc + i]);
            c0 = v.fma(w0, c0);
            c1 = v.fma(w1, c1);
            v = FloatVector.broadcast(F, x[xd + i]);
            d0 = v.fma(w0, d0);
            d1 = v.fma(w1, d1);
            v = FloatVector.broadcast(F, x[xe + i]);
            e0 = v.fma(w0, e0);
            e1 = v.fma(w1, e1);
            v = FloatVector.broadcast(F, x[xf + i]);
            f0 = v.fma(w0, f0);
            f1 = v.fma(w1, f1);
        }
        a0.intoArray(y, ya);
        a1.intoArray(y, ya + L);
        ya += out;
        b0.intoArray(y, ya);
        b1.intoArray(y, ya + L);
        ya += out;
        c0.intoArray(y, ya);
        c1.intoArray(y, ya + L);
        ya += out;
        d0.intoArray(y, ya);
        d1.intoArray(y, ya + L);
        ya += out;
        e0.intoArray(y, ya);
        e1.intoArray(y, ya + L);
        ya += out;
        f0.intoArray(y, ya);
        f1.intoArray(y, ya + L);
    }

    /** Columns {@code col0 .. out} of rows {@code 0 .. rows}: blocks of 2 rows × 4 vectors, then 4 × 1, then scalar. */
    private static void fmaColumns(float[] x, int xOff, int rows, int in, float[] w, int wOff, int out, float[] y, int yOff, int col0) {
        int col = col0;
        int c4 = col0 + (out - col0) - (out - col0) % (4 * L);
        for (; col < c4; col += 4 * L) {
            int r = 0;
            for (; r + 2 <= rows; r += 2) {
                fmaBody2x4(x, xOff + r * in, in, w, wOff + col, out, y, yOff + r * out + col);
            }
            for (; r < rows; r++) {
                fmaBody1x4(x, xOff + r * in, in, w, wOff + col, out, y, yOff + r * out + col);
            }
        }
        int c1 = out - out % L;
        for (; col < c1; col += L) {
            int r = 0;
            for (; r + 4 <= rows; r += 4) {
                fmaBody4x1(x, xOff + r * in, in, w, wOff + col, out, y, yOff + r * out + col);
            }
            for (; r < rows; r++) {
                fmaBody1x1(x, xOff + r * in, in, w, wOff + col, out, y, yOff + r * out + col);
            }
        }
        for (; col < out; col++) {
            for (int r = 0; r < rows; r++) {
                float s = 0f;
                for (int i = 0; i < in; i++) {
                    s = Math.fma(x[xOff + r * in + i], w[wOff + i * out + col], s);
                }
                y[yOff + r * out + col] = s;
            }
        }
    }

    private static void fmaBody2x4(float[] x, int xa, int in, float[] w, int wc, int out, float[] y, int ya) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        FloatVector b0 = FloatVector.zero(F), b1 = FloatVector.zero(F), b2 = FloatVector.zero(F), b3 = FloatVector.zero(F);
        int xb = xa + in;
        for (int i = 0; i < in; i++) {
            int wi = wc + i * out;
            FloatVector w0 = FloatVector.fromArray(F, w, wi);
            FloatVector w1 = FloatVector.fromArray(F, w, wi + L);
            FloatVector w2 = FloatVector.fromArray(F, w, wi + 2 * L);
            FloatVector w3 = FloatVector.fromArray(F, w, wi + 3 * L);
            FloatVector v = FloatVector.broadcast(F, x[xa + i]);
            a0 = v.fma(w0, a0);
            a1 = v.fma(w1, a1);
            a2 = v.fma(w2, a2);
            a3 = v.fma(w3, a3);
            v = FloatVector.broadcast(F, x[xb + i]);
            b0 = v.fma(w0, b0);
            b1 = v.fma(w1, b1);
            b2 = v.fma(w2, b2);
            b3 = v.fma(w3, b3);
        }
        int yb = ya + out;
        a0.intoArray(y, ya);
        a1.intoArray(y, ya + L);
        a2.intoArray(y, ya + 2 * L);
        a3.intoArray(y, ya + 3 * L);
        b0.intoArray(y, yb);
        b1.intoArray(y, yb + L);
        b2.intoArray(y, yb + 2 * L);
        b3.intoArray(y, yb + 3 * L);
    }

    private static void fmaBody1x4(float[] x, int xa, int in, float[] w, int wc, int out, float[] y, int ya) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        for (int i = 0; i < in; i++) {
            int wi = wc + i * out;
            FloatVector v = FloatVector.broadcast(F, x[xa + i]);
            a0 = v.fma(FloatVector.fromArray(F, w, wi), a0);
            a1 = v.fma(FloatVector.fromArray(F, w, wi + L), a1);
            a2 = v.fma(FloatVector.fromArray(F, w, wi + 2 * L), a2);
            a3 = v.fma(FloatVector.fromArray(F, w, wi + 3 * L), a3);
        }
        a0.intoArray(y, ya);
        a1.intoArray(y, ya + L);
        a2.intoArray(y, ya + 2 * L);
        a3.intoArray(y, ya + 3 * L);
    }

    private static void fmaBody4x1(float[] x, int xa, int in, float[] w, int wc, int out, float[] y, int ya) {
        FloatVector a = FloatVector.zero(F), b = FloatVector.zero(F), c = FloatVector.zero(F), d = FloatVector.zero(F);
        int xb = xa + in, xc = xb + in, xd = xc + in;
        for (int i = 0; i < in; i++) {
            FloatVector wv = FloatVector.fromArray(F, w, wc + i * out);
            a = FloatVector.broadcast(F, x[xa + i]).fma(wv, a);
            b = FloatVector.broadcast(F, x[xb + i]).fma(wv, b);
            c = FloatVector.broadcast(F, x[xc + i]).fma(wv, c);
            d = FloatVector.broadcast(F, x[xd + i]).fma(wv, d);
        }
        a.intoArray(y, ya);
        b.intoArray(y, ya + out);
        c.intoArray(y, ya + 2 * out);
        d.intoArray(y, ya + 3 * out);
    }

    private static void fmaBody1x1(float[] x, int xa, int in, float[] w, int wc, int out, float[] y, int ya) {
        FloatVector a = FloatVector.zero(F);
        for (int i = 0; i < in; i++) {
            a = FloatVector.broadcast(F, x[xa + i]).fma(FloatVector.fromArray(F, w, wc + i * out), a);
        }
        a.intoArray(y, ya);
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

    private static int roundUp(int n, int m) {
        return (n + m - 1) / m * m;
    }

    /**
     * Query rows in sextets (when d is a multiple of 2L), then quads, then pairs: all in registers but the score rows.
     * Their causal scores against Kᵀ (vectorized over keys, FMA; 6 × 2 vectors = 12 accumulators for a sextet); per
     * row the maximum over its keys, then one pass of exponentials with the normalizer (masked beyond the row's
     * position: the causal mask; a sextet's weights overwrite its scores); then P·V for the block (FMA), each output row
     * scaled by its 1 / normalizer. At T ≤ 192 a row of scores is one L1-resident block, so the softmax needs no
     * rescaling of partial outputs.
     */
    @Override
    public void causalAttention(float[] q, float[] k, float[] v, int t, int d, float scale, float[] out, float[] scratch) {
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
        int c4 = d - d % (4 * L);
        int c2 = d - d % (2 * L);
        int i0 = 0;
        for (; i0 + 6 <= t && c2 == d; i0 += 6) { // sextets: 12 accumulators hide the FMA latency; P overwrites S
            int n = i0 + 6;
            int np = roundUp(n, L);
            int kb = 0;
            for (; kb + 2 * L <= np; kb += 2 * L) {
                scoreBody6x2(q, i0 * d, d, scratch, tp, kb, scale, sOff);
            }
            for (; kb < np; kb += L) {
                scoreBody4x1(q, i0 * d, d, scratch, tp, kb, scale, sOff);
                scoreBody2x1(q, (i0 + 4) * d, d, scratch, tp, kb, scale, sOff + 4 * tp);
            }
            float ia = softmaxRow(scratch, sOff, i0 + 1, np, sOff);
            float ib = softmaxRow(scratch, sOff + tp, i0 + 2, np, sOff + tp);
            float ic = softmaxRow(scratch, sOff + 2 * tp, i0 + 3, np, sOff + 2 * tp);
            float id = softmaxRow(scratch, sOff + 3 * tp, i0 + 4, np, sOff + 3 * tp);
            float ie = softmaxRow(scratch, sOff + 4 * tp, i0 + 5, np, sOff + 4 * tp);
            float ig = softmaxRow(scratch, sOff + 5 * tp, i0 + 6, np, sOff + 5 * tp);
            for (int col = 0; col < d; col += 2 * L) {
                pvBody6x2(scratch, sOff, tp, n, v, d, col, out, i0 * d, ia, ib, ic, id, ie, ig);
            }
        }
        for (; i0 + 4 <= t; i0 += 4) { // quads: each Kᵀ and V vector loaded once per four query rows
            int n = i0 + 4;
            int np = roundUp(n, L);
            int kb = 0;
            for (; kb + 2 * L <= np; kb += 2 * L) {
                scoreBody4x2(q, i0 * d, d, scratch, tp, kb, scale, sOff);
            }
            for (; kb < np; kb += L) {
                scoreBody4x1(q, i0 * d, d, scratch, tp, kb, scale, sOff);
            }
            float i0v = softmaxRow(scratch, sOff, i0 + 1, np, pOff);
            float i1v = softmaxRow(scratch, sOff + tp, i0 + 2, np, pOff + tp);
            float i2v = softmaxRow(scratch, sOff + 2 * tp, i0 + 3, np, pOff + 2 * tp);
            float i3v = softmaxRow(scratch, sOff + 3 * tp, i0 + 4, np, pOff + 3 * tp);
            for (int col = 0; col < c2; col += 2 * L) {
                pvBody4x2(scratch, pOff, tp, n, v, d, col, out, i0 * d, i0v, i1v, i2v, i3v);
            }
            pvTail(scratch, pOff, n, v, d, c2, out, i0 * d, i0v);
            pvTail(scratch, pOff + tp, n, v, d, c2, out, (i0 + 1) * d, i1v);
            pvTail(scratch, pOff + 2 * tp, n, v, d, c2, out, (i0 + 2) * d, i2v);
            pvTail(scratch, pOff + 3 * tp, n, v, d, c2, out, (i0 + 3) * d, i3v);
        }
        for (; i0 < t; i0 += 2) {
            int rows = Math.min(2, t - i0);
            int n = i0 + rows;          // keys the pair sees
            int np = roundUp(n, L);
            int kb = 0;
            if (rows == 2) {
                for (; kb + 4 * L <= np; kb += 4 * L) {
                    scoreBody2x4(q, i0 * d, d, scratch, tp, kb, scale, sOff);
                }
                for (; kb < np; kb += L) {
                    scoreBody2x1(q, i0 * d, d, scratch, tp, kb, scale, sOff);
                }
                float ia = softmaxRow(scratch, sOff, i0 + 1, np, pOff);
                float ib = softmaxRow(scratch, sOff + tp, i0 + 2, np, pOff + tp);
                for (int col = 0; col < c4; col += 4 * L) {
                    pvBody2x4(scratch, pOff, pOff + tp, n, v, d, col, out, i0 * d, ia, ib);
                }
                pvTail(scratch, pOff, n, v, d, c4, out, i0 * d, ia);
                pvTail(scratch, pOff + tp, n, v, d, c4, out, (i0 + 1) * d, ib);
            } else {
                for (; kb < np; kb += L) {
                    scoreBody1x1(q, i0 * d, d, scratch, tp, kb, scale, sOff);
                }
                float ia = softmaxRow(scratch, sOff, i0 + 1, np, pOff);
                for (int col = 0; col < c4; col += 4 * L) {
                    pvBody1x4(scratch, pOff, n, v, d, col, out, i0 * d, ia);
                }
                pvTail(scratch, pOff, n, v, d, c4, out, i0 * d, ia);
            }
        }
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

    /** Two output rows, columns col .. col+4L: Σ_j p[·, j] · v[j, ·], scaled. */
    private static void pvBody2x4(float[] p, int pa, int pb, int n, float[] v, int d, int col, float[] out, int oa,
                                  float ia, float ib) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        FloatVector b0 = FloatVector.zero(F), b1 = FloatVector.zero(F), b2 = FloatVector.zero(F), b3 = FloatVector.zero(F);
        for (int j = 0; j < n; j++) {
            int vi = j * d + col;
            FloatVector w0 = FloatVector.fromArray(F, v, vi);
            FloatVector w1 = FloatVector.fromArray(F, v, vi + L);
            FloatVector w2 = FloatVector.fromArray(F, v, vi + 2 * L);
            FloatVector w3 = FloatVector.fromArray(F, v, vi + 3 * L);
            FloatVector x = FloatVector.broadcast(F, p[pa + j]);
            a0 = w0.fma(x, a0);
            a1 = w1.fma(x, a1);
            a2 = w2.fma(x, a2);
            a3 = w3.fma(x, a3);
            x = FloatVector.broadcast(F, p[pb + j]);
            b0 = w0.fma(x, b0);
            b1 = w1.fma(x, b1);
            b2 = w2.fma(x, b2);
            b3 = w3.fma(x, b3);
        }
        int o = oa + col;
        a0.mul(ia).intoArray(out, o);
        a1.mul(ia).intoArray(out, o + L);
        a2.mul(ia).intoArray(out, o + 2 * L);
        a3.mul(ia).intoArray(out, o + 3 * L);
        o += d;
        b0.mul(ib).intoArray(out, o);
        b1.mul(ib).intoArray(out, o + L);
        b2.mul(ib).intoArray(out, o + 2 * L);
        b3.mul(ib).intoArray(out, o + 3 * L);
    }

    private static void pvBody1x4(float[] p, int pa, int n, float[] v, int d, int col, float[] out, int oa, float ia) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        for (int j = 0; j < n; j++) {
            int vi = j * d + col;
            FloatVector x = FloatVector.broadcast(F, p[pa + j]);
            a0 = FloatVector.fromArray(F, v, vi).fma(x, a0);
            a1 = FloatVector.fromArray(F, v, vi + L).fma(x, a1);
            a2 = FloatVector.fromArray(F, v, vi + 2 * L).fma(x, a2);
            a3 = FloatVector.fromArray(F, v, vi + 3 * L).fma(x, a3);
        }
        int o = oa + col;
        a0.mul(ia).intoArray(out, o);
        a1.mul(ia).intoArray(out, o + L);
        a2.mul(ia).intoArray(out, o + 2 * L);
        a3.mul(ia).intoArray(out, o + 3 * L);
    }

    /** Columns from c0 on (fewer than 4L), scalar. */
    private static void pvTail(float[] p, int pa, int n, float[] v, int d, int c0, float[] out, int oa, float ia) {
        for (int col = c0; col < d; col++) {
            float s = 0f;
            for (int j = 0; j < n; j++) {
                s = Math.fma(p[pa + j], v[j * d + col], s);
            }
            out[oa + col] = s * ia;
        }
    }

    /** Scores of query rows qa .. qa+5d against keys kb .. kb+2L: 12 accumulators. */
    private static void scoreBody6x2(float[] q, int qa, int d, float[] kt, int tp, int kb, float scale, int sOff) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), b0 = FloatVector.zero(F), b1 = FloatVector.zero(F);
        FloatVector c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), e0 = FloatVector.zero(F), e1 = FloatVector.zero(F);
        FloatVector f0 = FloatVector.zero(F), f1 = FloatVector.zero(F), g0 = FloatVector.zero(F), g1 = FloatVector.zero(F);
        int qb = qa + d, qc = qb + d, qd = qc + d, qe = qd + d, qf = qe + d;
        for (int c = 0; c < d; c++) {
            int ki = c * tp + kb;
            FloatVector k0 = FloatVector.fromArray(F, kt, ki);
            FloatVector k1 = FloatVector.fromArray(F, kt, ki + L);
            FloatVector x = FloatVector.broadcast(F, q[qa + c]);
            a0 = k0.fma(x, a0);
            a1 = k1.fma(x, a1);
            x = FloatVector.broadcast(F, q[qb + c]);
            b0 = k0.fma(x, b0);
            b1 = k1.fma(x, b1);
            x = FloatVector.broadcast(F, q[qc + c]);
            c0 = k0.fma(x, c0);
            c1 = k1.fma(x, c1);
            x = FloatVector.broadcast(F, q[qd + c]);
            e0 = k0.fma(x, e0);
            e1 = k1.fma(x, e1);
            x = FloatVector.broadcast(F, q[qe + c]);
            f0 = k0.fma(x, f0);
            f1 = k1.fma(x, f1);
            x = FloatVector.broadcast(F, q[qf + c]);
            g0 = k0.fma(x, g0);
            g1 = k1.fma(x, g1);
        }
        int s = sOff + kb;
        a0.mul(scale).intoArray(kt, s);
        a1.mul(scale).intoArray(kt, s + L);
        s += tp;
        b0.mul(scale).intoArray(kt, s);
        b1.mul(scale).intoArray(kt, s + L);
        s += tp;
        c0.mul(scale).intoArray(kt, s);
        c1.mul(scale).intoArray(kt, s + L);
        s += tp;
        e0.mul(scale).intoArray(kt, s);
        e1.mul(scale).intoArray(kt, s + L);
        s += tp;
        f0.mul(scale).intoArray(kt, s);
        f1.mul(scale).intoArray(kt, s + L);
        s += tp;
        g0.mul(scale).intoArray(kt, s);
        g1.mul(scale).intoArray(kt, s + L);
    }

    /** Six output rows (weights at pa + r·stride), columns col .. col+2L, each scaled by its row's factor. */
    private static void pvBody6x2(float[] p, int pa, int stride, int n, float[] v, int d, int col, float[] out, int oa,
                                  float i0, float i1, float i2, float i3, float i4, float i5) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), b0 = FloatVector.zero(F), b1 = FloatVector.zero(F);
        FloatVector c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), e0 = FloatVector.zero(F), e1 = FloatVector.zero(F);
        FloatVector f0 = FloatVector.zero(F), f1 = FloatVector.zero(F), g0 = FloatVector.zero(F), g1 = FloatVector.zero(F);
        int pb = pa + stride, pc = pb + stride, pd = pc + stride, pe = pd + stride, pf = pe + stride;
        for (int j = 0; j < n; j++) {
            int vi = j * d + col;
            FloatVector w0 = FloatVector.fromArray(F, v, vi);
            FloatVector w1 = FloatVector.fromArray(F, v, vi + L);
            FloatVector x = FloatVector.broadcast(F, p[pa + j]);
            a0 = w0.fma(x, a0);
            a1 = w1.fma(x, a1);
            x = FloatVector.broadcast(F, p[pb + j]);
            b0 = w0.fma(x, b0);
            b1 = w1.fma(x, b1);
            x = FloatVector.broadcast(F, p[pc + j]);
            c0 = w0.fma(x, c0);
            c1 = w1.fma(x, c1);
            x = FloatVector.broadcast(F, p[pd + j]);
            e0 = w0.fma(x, e0);
            e1 = w1.fma(x, e1);
            x = FloatVector.broadcast(F, p[pe + j]);
            f0 = w0.fma(x, f0);
            f1 = w1.fma(x, f1);
            x = FloatVector.broadcast(F, p[pf + j]);
            g0 = w0.fma(x, g0);
            g1 = w1.fma(x, g1);
        }
        int o = oa + col;
        a0.mul(i0).intoArray(out, o);
        a1.mul(i0).intoArray(out, o + L);
        o += d;
        b0.mul(i1).intoArray(out, o);
        b1.mul(i1).intoArray(out, o + L);
        o += d;
        c0.mul(i2).intoArray(out, o);
        c1.mul(i2).intoArray(out, o + L);
        o += d;
        e0.mul(i3).intoArray(out, o);
        e1.mul(i3).intoArray(out, o + L);
        o += d;
        f0.mul(i4).intoArray(out, o);
        f1.mul(i4).intoArray(out, o + L);
        o += d;
        g0.mul(i5).intoArray(out, o);
        g1.mul(i5).intoArray(out, o + L);
    }

    /** Scores of query rows qa .. qa+3d against keys kb .. kb+2L: 8 accumulators. */
    private static void scoreBody4x2(float[] q, int qa, int d, float[] kt, int tp, int kb, float scale, int sOff) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), b0 = FloatVector.zero(F), b1 = FloatVector.zero(F);
        FloatVector c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), e0 = FloatVector.zero(F), e1 = FloatVector.zero(F);
        int qb = qa + d, qc = qb + d, qd = qc + d;
        for (int c = 0; c < d; c++) {
            int ki = c * tp + kb;
            FloatVector k0 = FloatVector.fromArray(F, kt, ki);
            FloatVector k1 = FloatVector.fromArray(F, kt, ki + L);
            FloatVector x = FloatVector.broadcast(F, q[qa + c]);
            a0 = k0.fma(x, a0);
            a1 = k1.fma(x, a1);
            x = FloatVector.broadcast(F, q[qb + c]);
            b0 = k0.fma(x, b0);
            b1 = k1.fma(x, b1);
            x = FloatVector.broadcast(F, q[qc + c]);
            c0 = k0.fma(x, c0);
            c1 = k1.fma(x, c1);
            x = FloatVector.broadcast(F, q[qd + c]);
            e0 = k0.fma(x, e0);
            e1 = k1.fma(x, e1);
        }
        int s = sOff + kb;
        a0.mul(scale).intoArray(kt, s);
        a1.mul(scale).intoArray(kt, s + L);
        s += tp;
        b0.mul(scale).intoArray(kt, s);
        b1.mul(scale).intoArray(kt, s + L);
        s += tp;
        c0.mul(scale).intoArray(kt, s);
        c1.mul(scale).intoArray(kt, s + L);
        s += tp;
        e0.mul(scale).intoArray(kt, s);
        e1.mul(scale).intoArray(kt, s + L);
    }

    private static void scoreBody4x1(float[] q, int qa, int d, float[] kt, int tp, int kb, float scale, int sOff) {
        FloatVector a = FloatVector.zero(F), b = FloatVector.zero(F), c = FloatVector.zero(F), e = FloatVector.zero(F);
        int qb = qa + d, qc = qb + d, qd = qc + d;
        for (int i = 0; i < d; i++) {
            FloatVector kv = FloatVector.fromArray(F, kt, i * tp + kb);
            a = kv.fma(FloatVector.broadcast(F, q[qa + i]), a);
            b = kv.fma(FloatVector.broadcast(F, q[qb + i]), b);
            c = kv.fma(FloatVector.broadcast(F, q[qc + i]), c);
            e = kv.fma(FloatVector.broadcast(F, q[qd + i]), e);
        }
        int s = sOff + kb;
        a.mul(scale).intoArray(kt, s);
        b.mul(scale).intoArray(kt, s + tp);
        c.mul(scale).intoArray(kt, s + 2 * tp);
        e.mul(scale).intoArray(kt, s + 3 * tp);
    }

    /** Four output rows (weights at pa + r·stride), columns col .. col+2L: Σ_j p[r, j] · v[j, ·], scaled per row. */
    private static void pvBody4x2(float[] p, int pa, int stride, int n, float[] v, int d, int col, float[] out, int oa,
                                  float i0, float i1, float i2, float i3) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), b0 = FloatVector.zero(F), b1 = FloatVector.zero(F);
        FloatVector c0 = FloatVector.zero(F), c1 = FloatVector.zero(F), e0 = FloatVector.zero(F), e1 = FloatVector.zero(F);
        int pb = pa + stride, pc = pb + stride, pd = pc + stride;
        for (int j = 0; j < n; j++) {
            int vi = j * d + col;
            FloatVector w0 = FloatVector.fromArray(F, v, vi);
            FloatVector w1 = FloatVector.fromArray(F, v, vi + L);
            FloatVector x = FloatVector.broadcast(F, p[pa + j]);
            a0 = w0.fma(x, a0);
            a1 = w1.fma(x, a1);
            x = FloatVector.broadcast(F, p[pb + j]);
            b0 = w0.fma(x, b0);
            b1 = w1.fma(x, b1);
            x = FloatVector.broadcast(F, p[pc + j]);
            c0 = w0.fma(x, c0);
            c1 = w1.fma(x, c1);
            x = FloatVector.broadcast(F, p[pd + j]);
            e0 = w0.fma(x, e0);
            e1 = w1.fma(x, e1);
        }
        int o = oa + col;
        a0.mul(i0).intoArray(out, o);
        a1.mul(i0).intoArray(out, o + L);
        o += d;
        b0.mul(i1).intoArray(out, o);
        b1.mul(i1).intoArray(out, o + L);
        o += d;
        c0.mul(i2).intoArray(out, o);
        c1.mul(i2).intoArray(out, o + L);
        o += d;
        e0.mul(i3).intoArray(out, o);
        e1.mul(i3).intoArray(out, o + L);
    }

    /** Scores of query rows qa, qa+d against keys kb .. kb+4L: 8 accumulators. */
    private static void scoreBody2x4(float[] q, int qa, int d, float[] kt, int tp, int kb, float scale, int sOff) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        FloatVector b0 = FloatVector.zero(F), b1 = FloatVector.zero(F), b2 = FloatVector.zero(F), b3 = FloatVector.zero(F);
        int qb = qa + d;
        for (int c = 0; c < d; c++) {
            int ki = c * tp + kb;
            FloatVector k0 = FloatVector.fromArray(F, kt, ki);
            FloatVector k1 = FloatVector.fromArray(F, kt, ki + L);
            FloatVector k2 = FloatVector.fromArray(F, kt, ki + 2 * L);
            FloatVector k3 = FloatVector.fromArray(F, kt, ki + 3 * L);
            FloatVector x = FloatVector.broadcast(F, q[qa + c]);
            a0 = k0.fma(x, a0);
            a1 = k1.fma(x, a1);
            a2 = k2.fma(x, a2);
            a3 = k3.fma(x, a3);
            x = FloatVector.broadcast(F, q[qb + c]);
            b0 = k0.fma(x, b0);
            b1 = k1.fma(x, b1);
            b2 = k2.fma(x, b2);
            b3 = k3.fma(x, b3);
        }
        int s = sOff + kb;
        a0.mul(scale).intoArray(kt, s);
        a1.mul(scale).intoArray(kt, s + L);
        a2.mul(scale).intoArray(kt, s + 2 * L);
        a3.mul(scale).intoArray(kt, s + 3 * L);
        s += tp;
        b0.mul(scale).intoArray(kt, s);
        b1.mul(scale).intoArray(kt, s + L);
        b2.mul(scale).intoArray(kt, s + 2 * L);
        b3.mul(scale).intoArray(kt, s + 3 * L);
    }

    private static void scoreBody2x1(float[] q, int qa, int d, float[] kt, int tp, int kb, float scale, int sOff) {
        FloatVector a = FloatVector.zero(F), b = FloatVector.zero(F);
        int qb = qa + d;
        for (int c = 0; c < d; c++) {
            FloatVector kv = FloatVector.fromArray(F, kt, c * tp + kb);
            a = kv.fma(FloatVector.broadcast(F, q[qa + c]), a);
            b = kv.fma(FloatVector.broadcast(F, q[qb + c]), b);
        }
        a.mul(scale).intoArray(kt, sOff + kb);
        b.mul(scale).intoArray(kt, sOff + tp + kb);
    }

    private static void scoreBody1x1(float[] q, int qa, int d, float[] kt, int tp, int kb, float scale, int sOff) {
        FloatVector a = FloatVector.zero(F);
        for (int c = 0; c < d; c++) {
            a = FloatVector.fromArray(F, kt, c * tp + kb).fma(FloatVector.broadcast(F, q[qa + c]), a);
        }
        a.mul(scale).intoArray(kt, sOff + kb);
    }

    // ---------------------------------------------------------------------------------------------------- nearest

    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    /** Tiles per super-tile: 8 tiles of 16 tokens × 32 dims = 16 KB, L1-resident while every candidate block passes. */
    private static final int SUPER = 8;

    /**
     * Candidates in blocks of four stream over super-tiles of {@link TokenTiles}; per tile of 16 tokens, four candidates'
     * scores are eight 256-bit accumulators (sequential multiply-then-add over d, bit-identical to the scalar scan and
     * core's selector), compared with the candidates' thresholds in registers. Only a tile with a score above a
     * threshold is stored and handed to {@link NearestBuffers#appendTile} — rare once the thresholds have risen, so
     * the N × L scores are never materialized.
     */
    @Override
    public void nearestScan(float[] packed, int rows, int dim, float[] cands, int cOff, int nCand, int k, float[] thresholds,
                            long[] buffers, int cap, int[] counts, float[] tileScratch) {
        int tiles = TokenTiles.tiles(rows);
        for (int s0 = 0; s0 < tiles; s0 += SUPER) {
            int s1 = Math.min(tiles, s0 + SUPER);
            int c = 0;
            for (; c + 4 <= nCand; c += 4) {
                scan4(packed, rows, dim, s0, s1, cands, cOff + c * dim, c, k, thresholds, buffers, cap, counts, tileScratch);
            }
            for (; c < nCand; c++) {
                scan1(packed, rows, dim, s0, s1, cands, cOff + c * dim, c, k, thresholds, buffers, cap, counts, tileScratch);
            }
        }
    }

    private static void scan4(float[] packed, int rows, int dim, int s0, int s1, float[] cands, int ca, int c, int k,
                              float[] th, long[] buffers, int cap, int[] counts, float[] tmp) {
        int tw = TokenTiles.TILE;
        int cb = ca + dim, cc = cb + dim, cd = cc + dim;
        float ta = th[c], tb = th[c + 1], tc = th[c + 2], td = th[c + 3];
        for (int tile = s0; tile < s1; tile++) {
            int p = tile * dim * tw;
            FloatVector a0 = FloatVector.zero(F8), a1 = FloatVector.zero(F8);
            FloatVector b0 = FloatVector.zero(F8), b1 = FloatVector.zero(F8);
            FloatVector c0 = FloatVector.zero(F8), c1 = FloatVector.zero(F8);
            FloatVector d0 = FloatVector.zero(F8), d1 = FloatVector.zero(F8);
            for (int d = 0; d < dim; d++) {
                FloatVector u0 = FloatVector.fromArray(F8, packed, p + d * tw);
                FloatVector u1 = FloatVector.fromArray(F8, packed, p + d * tw + 8);
                FloatVector x = FloatVector.broadcast(F8, cands[ca + d]);
                a0 = a0.add(u0.mul(x));
                a1 = a1.add(u1.mul(x));
                x = FloatVector.broadcast(F8, cands[cb + d]);
                b0 = b0.add(u0.mul(x));
                b1 = b1.add(u1.mul(x));
                x = FloatVector.broadcast(F8, cands[cc + d]);
                c0 = c0.add(u0.mul(x));
                c1 = c1.add(u1.mul(x));
                x = FloatVector.broadcast(F8, cands[cd + d]);
                d0 = d0.add(u0.mul(x));
                d1 = d1.add(u1.mul(x));
            }
            int base = tile * tw;
            if (a0.max(a1).compare(VectorOperators.GT, ta).anyTrue()) {
                a0.intoArray(tmp, 0);
                a1.intoArray(tmp, 8);
                NearestBuffers.appendTile(tmp, 0, base, rows, c, k, th, buffers, cap, counts);
                ta = th[c];
            }
            if (b0.max(b1).compare(VectorOperators.GT, tb).anyTrue()) {
                b0.intoArray(tmp, 0);
                b1.intoArray(tmp, 8);
                NearestBuffers.appendTile(tmp, 0, base, rows, c + 1, k, th, buffers, cap, counts);
                tb = th[c + 1];
            }
            if (c0.max(c1).compare(VectorOperators.GT, tc).anyTrue()) {
                c0.intoArray(tmp, 0);
                c1.intoArray(tmp, 8);
                NearestBuffers.appendTile(tmp, 0, base, rows, c + 2, k, th, buffers, cap, counts);
                tc = th[c + 2];
            }
            if (d0.max(d1).compare(VectorOperators.GT, td).anyTrue()) {
                d0.intoArray(tmp, 0);
                d1.intoArray(tmp, 8);
                NearestBuffers.appendTile(tmp, 0, base, rows, c + 3, k, th, buffers, cap, counts);
                td = th[c + 3];
            }
        }
    }

    private static void scan1(float[] packed, int rows, int dim, int s0, int s1, float[] cands, int ca, int c, int k,
                              float[] th, long[] buffers, int cap, int[] counts, float[] tmp) {
        int tw = TokenTiles.TILE;
        float ta = th[c];
        for (int tile = s0; tile < s1; tile++) {
            int p = tile * dim * tw;
            FloatVector a0 = FloatVector.zero(F8), a1 = FloatVector.zero(F8);
            for (int d = 0; d < dim; d++) {
                FloatVector x = FloatVector.broadcast(F8, cands[ca + d]);
                a0 = a0.add(FloatVector.fromArray(F8, packed, p + d * tw).mul(x));
                a1 = a1.add(FloatVector.fromArray(F8, packed, p + d * tw + 8).mul(x));
            }
            if (a0.max(a1).compare(VectorOperators.GT, ta).anyTrue()) {
                a0.intoArray(tmp, 0);
                a1.intoArray(tmp, 8);
                NearestBuffers.appendTile(tmp, 0, tile * tw, rows, c, k, th, buffers, cap, counts);
                ta = th[c];
            }
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
    public void matmulTransposeB(float[] dy, int dyOff, int rows, int out, float[] w, int wOff, int in, float[] dx, int dxOff) {
        PanamaBackward.matmulTransposeB(dy, dyOff, rows, out, w, wOff, in, dx, dxOff);
    }

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

    @Override
    public void softmaxRowBackward(float[] p, int pOff, float[] dp, int dpOff, int n) {
        PanamaBackward.softmaxRowBackward(p, pOff, dp, dpOff, n);
    }

    @Override
    public void layerNormBackward(float[] xhat, int xOff, int n, float rstd, float[] dy, int dyOff) {
        PanamaBackward.layerNormBackward(xhat, xOff, n, rstd, dy, dyOff);
    }
}
