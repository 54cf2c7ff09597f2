package io.longview.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The nearest-neighbour side of selection on the Vector API: {@link #nearestScan} (the engine's fused scan of packed
 * history tiles with per-candidate thresholds), {@link #scoreAll} (every candidate against every token) and
 * {@link #topK} (the K best scores with the selection's tie rule). Scores are sequential multiply-then-add over the
 * embedding, bit-identical to {@link ScalarKernelSupport} and core's selector; {@link #topK} is exact.
 */
final class PanamaNearest {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Tokens per tile of {@link #scoreAll}: two vectors. */
    private static final int TILE = 2 * L;

    private PanamaNearest() {
    }

    // ---------------------------------------------------------------------------------------------------- scoreAll

    /**
     * Tiles of {@link #TILE} tokens are transposed once into a {@code (dim, TILE)} scratch, then every block of four
     * candidates streams over it: each token vector is loaded once per four candidates, each candidate value is
     * broadcast once per tile, and the scores of a tile come out as contiguous rows of {@code scores}.
     */
    static void scoreAll(float[] units, int rows, int dim, float[] candidates, int nCand, float[] scores) {
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
    static int topK(float[] scores, int off, int n, long[] timestamps, int k, int[] outIdx) {
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
    static void nearestScan(float[] packed, int rows, int dim, float[] cands, int cOff, int nCand, int k, float[] thresholds,
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
}
