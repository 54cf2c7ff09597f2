package io.longview.kernels;

/**
 * The serving kernels (DESIGN §6): the dequantize-and-normalize step of selection, blocked scoring of all candidates
 * against a user's tokens, top-K with the selection's tie rule, the encoder's matrix product, LayerNorm, ReLU and the
 * causal softmax row; and the kernels of the fused trainer ({@code train}'s {@code FusedTransAct}): products with FMA
 * ({@link #matmulFma}, {@link #addMatmulTransposeA}), {@link #addColumnSums}, {@link #reluBackward} and the exact
 * softmax row ({@link #softmaxRowExact}). Every kernel here has a production caller. Buffers are plain arrays with offsets; nothing is allocated per call except the
 * small tile scratch of {@link #scoreAll} in the vector implementation.
 *
 * <p>Every method checks its arguments (an {@link IllegalArgumentException} naming the offending values) and
 * delegates to one implementation chosen once per JVM ({@link #implementation()}):
 * <ul>
 *   <li>{@code vector}: the Java Vector API ({@code jdk.incubator.vector}) on the preferred species;</li>
 *   <li>{@code scalar}: plain Java, the reference every vector kernel is tested against.</li>
 * </ul>
 * {@code -Dlongview.kernels=scalar|vector} forces one; by default the vector kernels run when the JVM was started with
 * {@code --add-modules jdk.incubator.vector}, else the scalar ones, with one warning on stderr.
 *
 * <p>Exactness: {@link #scoreAll}, {@link #matmul}, {@link #dequantizeNormalize}, {@link #relu} and {@link #topK}
 * give the same bits in both implementations ({@code scoreAll} equals core's {@code CandidateSelector} similarity,
 * {@code dequantizeNormalize} core's {@code PreparedHistory}, {@code matmul} {@link ScalarForward}'s product);
 * {@link #layerNorm} and {@link #maskedSoftmaxRow} reduce in a different order and agree within
 * rounding. Thread-safe: no shared mutable state.
 */
public final class VectorKernels {
    private static final KernelSupport IMPL = KernelProvider.get();
    private static final boolean VECTOR = "vector".equals(IMPL.name());

    private VectorKernels() {
    }

    /** {@code "vector"} or {@code "scalar"}: the implementation this JVM runs. */
    public static String implementation() {
        return IMPL.name();
    }

    /**
     * Each of {@code rows} int8 rows of {@code dim} values becomes a unit-length float row:
     * {@code out[r, d] = (float) (q[r, d] / ‖q[r]‖)} (the norm in double, as core's {@code PreparedHistory}; a positive
     * quantization step cancels out). An all-zero row stays zero (similarity 0 to everything).
     *
     * @param q      {@code (rows, dim)} int8, row-major, from {@code qOff}
     * @param out    receives {@code (rows, dim)} unit vectors, row-major, from {@code outOff}
     * @param dim    at most 65,536 (the integer sum of squares must not overflow)
     */
    public static void dequantizeNormalize(byte[] q, int qOff, int rows, int dim, float[] out, int outOff) {
        checkNonNegative("rows", rows);
        checkPositive("dim", dim);
        if (dim > 65_536) {
            throw new IllegalArgumentException("dim is " + dim + ", at most 65536");
        }
        int len = product("rows", rows, "dim", dim);
        checkRange("q", q.length, qOff, len);
        checkRange("out", out.length, outOff, len);
        IMPL.dequantizeNormalize(q, qOff, rows, dim, out, outOff);
    }

    /**
     * {@code scores (nCand, rows) = candidates (nCand, dim) · units (rows, dim)ᵀ}: every candidate against every token,
     * each score the sequential float sum {@code Σ_d units[t,d]·candidates[c,d]} (bit-identical to core's
     * {@code CandidateSelector}). Blocked: each token vector is loaded once per block of candidates. Scores take
     * {@code nCand · rows · 4} bytes; callers with many candidates pass them in slices.
     *
     * @param units      {@code (rows, dim)} row-major, from index 0
     * @param candidates {@code (nCand, dim)} row-major, from index 0
     * @param scores     receives {@code (nCand, rows)} row-major, from index 0
     */
    public static void scoreAll(float[] units, int rows, int dim, float[] candidates, int nCand, float[] scores) {
        checkNonNegative("rows", rows);
        checkPositive("dim", dim);
        checkNonNegative("nCand", nCand);
        checkRange("units", units.length, 0, product("rows", rows, "dim", dim));
        checkRange("candidates", candidates.length, 0, product("nCand", nCand, "dim", dim));
        checkRange("scores", scores.length, 0, product("nCand", nCand, "rows", rows));
        IMPL.scoreAll(units, rows, dim, candidates, nCand, scores);
    }

    /**
     * The {@code min(k, n)} best of {@code n} entries, by (score desc, timestamp desc, index asc): the tie rule of
     * core's {@code CandidateSelector} (ties in similarity go to the newer token, then to the smaller newest-first
     * index). Entry {@code i ∈ [0, n)} has score {@code scores[off + i]} and timestamp {@code timestamps[i]}.
     *
     * @param scores     no NaN (not checked: the order would be undefined)
     * @param outIdx     receives the chosen entries' {@code i}, best first; also the working heap
     * @return the number written, {@code min(k, n)}
     */
    public static int topK(float[] scores, int off, int n, long[] timestamps, int k, int[] outIdx) {
        checkNonNegative("n", n);
        checkNonNegative("k", k);
        checkRange("scores", scores.length, off, n);
        if (timestamps.length < n) {
            throw new IllegalArgumentException("timestamps has " + timestamps.length + " values, expected at least n = " + n);
        }
        int m = Math.min(k, n);
        if (outIdx.length < m) {
            throw new IllegalArgumentException("outIdx has " + outIdx.length + " slots, expected at least min(k, n) = " + m);
        }
        return IMPL.topK(scores, off, n, timestamps, k, outIdx);
    }

    /**
     * {@code y (rows, out) = x (rows, in) @ w (in, out)}, all row-major from index 0; each output the sequential sum
     * over {@code in} (bit-identical to {@link ScalarForward}'s product). {@code y} must not alias {@code x} or {@code w}.
     */
    public static void matmul(float[] x, int rows, int in, float[] w, int out, float[] y) {
        checkNonNegative("rows", rows);
        checkPositive("in", in);
        checkPositive("out", out);
        checkRange("x", x.length, 0, product("rows", rows, "in", in));
        checkRange("w", w.length, 0, product("in", in, "out", out));
        checkRange("y", y.length, 0, product("rows", rows, "out", out));
        if (y == x || y == w) {
            throw new IllegalArgumentException("y must not be the same array as x or w");
        }
        IMPL.matmul(x, rows, in, w, out, y);
    }

    /**
     * {@code y[yOff ..] (rows, out) = x[xOff ..] (rows, in) @ w[wOff ..] (in, out)}, row-major with offsets; exact as
     * {@link #matmul(float[], int, int, float[], int, float[])}. The output range must not overlap the inputs' ranges
     * (not checked when the arrays differ).
     */
    public static void matmul(float[] x, int xOff, int rows, int in, float[] w, int wOff, int out, float[] y, int yOff) {
        checkMatmul(x, xOff, rows, in, w, wOff, out, y, yOff);
        IMPL.matmul(x, xOff, rows, in, w, wOff, out, y, yOff);
    }

    /** The arguments of the offset matrix products: sizes, ranges, and no output overlapping an input. */
    private static void checkMatmul(float[] x, int xOff, int rows, int in, float[] w, int wOff, int out, float[] y, int yOff) {
        checkNonNegative("rows", rows);
        checkPositive("in", in);
        checkPositive("out", out);
        checkRange("x", x.length, xOff, product("rows", rows, "in", in));
        checkRange("w", w.length, wOff, product("in", in, "out", out));
        checkRange("y", y.length, yOff, product("rows", rows, "out", out));
        if (y == w) {
            throw new IllegalArgumentException("y must not be the same array as w");
        }
        if (y == x && yOff < xOff + rows * in && xOff < yOff + rows * out) {
            throw new IllegalArgumentException("y [" + yOff + ", " + (yOff + rows * out) + ") overlaps x [" + xOff + ", "
                    + (xOff + rows * in) + ")");
        }
    }

    /**
     * As {@link #matmul(float[], int, int, float[], int, int, int, float[], int)}, but each output is one chain of fused
     * multiply-adds in index order ({@code s = fma(x, w, s)}): bit-identical in both implementations, differing from
     * {@code matmul} by rounding only. For the encoder, where the result needs to agree with {@link ScalarForward}
     * within tolerance, not bit for bit.
     */
    public static void matmulFma(float[] x, int xOff, int rows, int in, float[] w, int wOff, int out, float[] y, int yOff) {
        checkMatmul(x, xOff, rows, in, w, wOff, out, y, yOff);
        IMPL.matmulFma(x, xOff, rows, in, w, wOff, out, y, yOff);
    }

    /**
     * For each of {@code rows} rows of {@code n}: {@code x[r] ← LayerNorm(x[r] + y[r])} (the encoder's residual and
     * post-LN, no affine); rows are contiguous from {@code xOff} and {@code yOff}.
     */
    public static void addLayerNorm(float[] x, int xOff, float[] y, int yOff, int rows, int n, float eps) {
        checkNonNegative("rows", rows);
        checkPositive("n", n);
        checkRange("x", x.length, xOff, product("rows", rows, "n", n));
        checkRange("y", y.length, yOff, product("rows", rows, "n", n));
        if (!(eps >= 0f) || Float.isInfinite(eps)) {
            throw new IllegalArgumentException("eps is " + eps + ", expected a finite value ≥ 0");
        }
        IMPL.addLayerNorm(x, xOff, y, yOff, rows, n, eps);
    }

    /** {@code dst[dOff+i] ← (dst[dOff+i] + a[aOff+i]) + b[bOff+i]} for {@code i < n} (exact in both implementations). */
    public static void addRows(float[] dst, int dOff, float[] a, int aOff, float[] b, int bOff, int n) {
        checkNonNegative("n", n);
        checkRange("dst", dst.length, dOff, n);
        checkRange("a", a.length, aOff, n);
        checkRange("b", b.length, bOff, n);
        IMPL.addRows(dst, dOff, a, aOff, b, bOff, n);
    }

    /** {@code dst[dOff+i] ← ((a[aOff+i] + b[bOff+i]) + c[cOff+i]) + e[eOff+i]} for {@code i < n} (exact in both). */
    public static void sumRows(float[] dst, int dOff, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, float[] e,
                               int eOff, int n) {
        checkNonNegative("n", n);
        checkRange("dst", dst.length, dOff, n);
        checkRange("a", a.length, aOff, n);
        checkRange("b", b.length, bOff, n);
        checkRange("c", c.length, cOff, n);
        checkRange("e", e.length, eOff, n);
        IMPL.sumRows(dst, dOff, a, aOff, b, bOff, c, cOff, e, eOff, n);
    }

    /** {@code out[outOff+i] = max over r < rows of x[xOff + r·n + i]} (max-pooling over positions; exact); rows ≥ 1. */
    public static void maxRows(float[] x, int xOff, int rows, int n, float[] out, int outOff) {
        checkPositive("rows", rows);
        checkNonNegative("n", n);
        checkRange("x", x.length, xOff, product("rows", rows, "n", n));
        checkRange("out", out.length, outOff, n);
        IMPL.maxRows(x, xOff, rows, n, out, outOff);
    }

    /** Floats of scratch {@link #causalAttention} needs for {@code t} positions of width {@code d} (any implementation). */
    public static int attentionScratch(int t, int d) {
        checkNonNegative("t", t);
        checkPositive("d", d);
        long tp = (t + 15L) / 16 * 16;
        long n = d * tp + 8 * tp + 2;
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("attention scratch for t " + t + ", d " + d + " does not fit an array");
        }
        return (int) n;
    }

    /**
     * Causal single-head attention over {@code t} positions: {@code out (t, d) = softmax(Q Kᵀ · scale + causal mask) V},
     * row i attending to keys {@code 0 .. i}, with the softmax's maximum and normalizer found online (flash-attention
     * style, per block of keys). {@code q, k, v, out} are {@code (t, d)} row-major from index 0; {@code out} must be
     * another array. Both implementations agree within float rounding (the vector one uses FMA).
     *
     * @param scratch at least {@link #attentionScratch(int, int)} floats
     */
    public static void causalAttention(float[] q, float[] k, float[] v, int t, int d, float scale, float[] out, float[] scratch) {
        int need = attentionScratch(t, d);
        int len = product("t", t, "d", d);
        checkRange("q", q.length, 0, len);
        checkRange("k", k.length, 0, len);
        checkRange("v", v.length, 0, len);
        checkRange("out", out.length, 0, len);
        if (scratch.length < need) {
            throw new IllegalArgumentException("scratch has " + scratch.length + " values, expected at least " + need);
        }
        if (out == q || out == k || out == v || out == scratch || scratch == q || scratch == k || scratch == v) {
            throw new IllegalArgumentException("out and scratch must be arrays of their own");
        }
        IMPL.causalAttention(q, k, v, t, d, scale, out, scratch);
    }

    /** Floats of the tile scratch {@link #nearestScan} takes. */
    public static final int NEAREST_TILE_SCRATCH = TokenTiles.TILE;

    /**
     * The fused nearest-neighbour scan of selection: {@code nCand} candidates against {@code rows} tokens packed as
     * {@link TokenTiles}, in one blocked pass, each score the sequential float sum {@code Σ_d unit[t,d]·cand[c,d]}
     * (bit-identical to core's {@code CandidateSelector}). Candidate c keeps, in {@code buffers[c·cap ..]}, a superset
     * of its K best tokens: every token whose score beats {@code thresholds[c]}, compacted to the K best whenever the
     * buffer fills (which raises the threshold to the K-th best score). Start with thresholds −∞ and counts 0, scan
     * once, then read each candidate's K best with {@link #nearestFinish}.
     *
     * @param packed      {@link TokenTiles} layout of {@code rows} unit vectors of {@code dim}
     * @param cands       {@code (nCand, dim)} from {@code cOff}
     * @param k           K ≥ 1
     * @param thresholds  {@code (nCand)} running thresholds
     * @param buffers     {@code (nCand, cap)} keys
     * @param cap         buffer capacity per candidate, > k
     * @param counts      {@code (nCand)} keys held
     * @param tileScratch at least {@link #NEAREST_TILE_SCRATCH} floats
     */
    public static void nearestScan(float[] packed, int rows, int dim, float[] cands, int cOff, int nCand, int k,
                                   float[] thresholds, long[] buffers, int cap, int[] counts, float[] tileScratch) {
        checkNonNegative("rows", rows);
        checkPositive("dim", dim);
        checkNonNegative("nCand", nCand);
        checkPositive("k", k);
        if (cap <= k) {
            throw new IllegalArgumentException("cap is " + cap + ", expected more than k = " + k);
        }
        checkRange("packed", packed.length, 0, TokenTiles.length(rows, dim));
        checkRange("cands", cands.length, cOff, product("nCand", nCand, "dim", dim));
        checkRange("thresholds", thresholds.length, 0, nCand);
        checkRange("counts", counts.length, 0, nCand);
        checkRange("buffers", buffers.length, 0, product("nCand", nCand, "cap", cap));
        checkRange("tileScratch", tileScratch.length, 0, NEAREST_TILE_SCRATCH);
        IMPL.nearestScan(packed, rows, dim, cands, cOff, nCand, k, thresholds, buffers, cap, counts, tileScratch);
    }

    /**
     * After {@link #nearestScan}: candidate {@code c}'s {@code min(k, counts[c])} best token indices into
     * {@code out[outOff ..]}, in no particular order; returns how many.
     */
    public static int nearestFinish(long[] buffers, int cap, int[] counts, int c, int k, int[] out, int outOff) {
        checkPositive("k", k);
        checkRange("counts", counts.length, c, 1);
        int cnt = counts[c];
        if (cnt < 0 || cnt > cap) {
            throw new IllegalArgumentException("counts[" + c + "] is " + cnt + ", expected 0.." + cap);
        }
        checkRange("buffers", buffers.length, c * cap, cnt);
        checkRange("out", out.length, outOff, Math.min(k, cnt));
        return NearestBuffers.finish(buffers, cap, counts, c, k, out, outOff);
    }

    /** In place over {@code x[off .. off+n)}: {@code (x − mean) / √(var + eps)}, population variance, no affine. */
    public static void layerNorm(float[] x, int off, int n, float eps) {
        checkPositive("n", n);
        checkRange("x", x.length, off, n);
        if (!(eps >= 0f) || Float.isInfinite(eps)) {
            throw new IllegalArgumentException("eps is " + eps + ", expected a finite value ≥ 0");
        }
        IMPL.layerNorm(x, off, n, eps);
    }

    /** In place over {@code x[off .. off+n)}: {@code max(x, 0)}. */
    public static void relu(float[] x, int off, int n) {
        checkNonNegative("n", n);
        checkRange("x", x.length, off, n);
        IMPL.relu(x, off, n);
    }

    /**
     * In place over {@code scores[off .. off+n)}: softmax, with the maximum and the normalizer found in one online
     * pass. Causal attention passes {@code n = t + 1} for query t, so masked keys are never read.
     *
     * @param scores finite values (not checked)
     */
    public static void maskedSoftmaxRow(float[] scores, int off, int n) {
        checkPositive("n", n);
        checkRange("scores", scores.length, off, n);
        IMPL.maskedSoftmaxRow(scores, off, n);
    }

    /**
     * In place over {@code scores[off .. off+n)}: softmax, deterministic: the exponential is a fixed polynomial of
     * fma/mul/add (within 2 ulp of {@link Math#exp}; arguments below −87.3 give about 1e-38 instead of 0) and the
     * normalizer a sequential sum, so the vector and scalar implementations give the same bits, and so does a JIT
     * state (the Vector API's EXP and {@link Math#exp} differ between compiled and interpreted code). For a trainer
     * whose runs must repeat bit for bit.
     *
     * @param scores finite values (not checked)
     */
    public static void softmaxRowExact(float[] scores, int off, int n) {
        checkPositive("n", n);
        checkRange("scores", scores.length, off, n);
        if (VECTOR) {
            PanamaBackward.softmaxRowExact(scores, off, n);
        } else {
            ScalarKernelSupport.softmaxRowExact(scores, off, n);
        }
    }

    /** {@link #softmaxRowExact}'s exponential of one value (the same bits in every implementation). */
    public static float expExact(float x) {
        return ScalarKernelSupport.exp(x);
    }

    // ------------------------------------------------------------------------------------ backward (training)
    // The gradient kernels of a trainer's backward pass. Layout as in matmul: row-major, w is (in, out) so that the
    // forward pass is y = x · w. All arrays are plain float32; none of these allocates.

    /**
     * {@code dw (in, out) += x (rows, in)ᵀ · dy (rows, out)}, i.e. {@code dw[i, o] += Σ_r x[r, i] · dy[r, o]} with r
     * ascending, one fused multiply-add per term ({@code dw ← fma(x, dy, dw)}): the weight gradient of {@code y = x · w},
     * accumulated. Both implementations give the same bits. {@code dw} must not alias {@code x} or {@code dy}.
     */
    public static void addMatmulTransposeA(float[] x, int xOff, int rows, int in, float[] dy, int dyOff, int out, float[] dw, int dwOff) {
        checkNonNegative("rows", rows);
        checkPositive("in", in);
        checkPositive("out", out);
        checkRange("x", x.length, xOff, product("rows", rows, "in", in));
        checkRange("dy", dy.length, dyOff, product("rows", rows, "out", out));
        checkRange("dw", dw.length, dwOff, product("in", in, "out", out));
        if (dw == x || dw == dy) {
            throw new IllegalArgumentException("dw must not alias x or dy");
        }
        IMPL.addMatmulTransposeA(x, xOff, rows, in, dy, dyOff, out, dw, dwOff);
    }

    /**
     * {@code db[dbOff + j] += Σ_r dy[dyOff + r·n + j]} with r ascending (the bias gradient, accumulated). Both
     * implementations give the same bits. {@code db} must not alias {@code dy}.
     */
    public static void addColumnSums(float[] dy, int dyOff, int rows, int n, float[] db, int dbOff) {
        checkNonNegative("rows", rows);
        checkPositive("n", n);
        checkRange("dy", dy.length, dyOff, product("rows", rows, "n", n));
        checkRange("db", db.length, dbOff, n);
        if (db == dy) {
            throw new IllegalArgumentException("db must not alias dy");
        }
        IMPL.addColumnSums(dy, dyOff, rows, n, db, dbOff);
    }

    /**
     * In place over {@code dy[dyOff .. +n)}: the gradient of ReLU given its output {@code y}: {@code dy[i]} is kept
     * where {@code y[i] > 0} and becomes 0 elsewhere (also at exactly 0 and NaN, the subgradient 0, as PyTorch does).
     * Both implementations give the same bits.
     */
    public static void reluBackward(float[] y, int yOff, float[] dy, int dyOff, int n) {
        checkNonNegative("n", n);
        checkRange("y", y.length, yOff, n);
        checkRange("dy", dy.length, dyOff, n);
        IMPL.reluBackward(y, yOff, dy, dyOff, n);
    }

    // ---------------------------------------------------------------------------------------------------- checks

    private static void checkNonNegative(String what, int v) {
        if (v < 0) {
            throw new IllegalArgumentException(what + " is " + v + ", expected ≥ 0");
        }
    }

    private static void checkPositive(String what, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(what + " is " + v + ", expected > 0");
        }
    }

    private static void checkRange(String array, int length, int off, int n) {
        if (off < 0 || off > length - n) {
            throw new IllegalArgumentException(array + " has " + length + " values, too few for offset " + off + " + " + n + " values");
        }
    }

    private static int product(String a, int av, String b, int bv) {
        long p = (long) av * bv;
        if (p > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(a + " · " + b + " = " + av + " · " + bv + " does not fit an array");
        }
        return (int) p;
    }
}
