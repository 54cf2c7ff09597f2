package io.longview.kernels;

/**
 * The plain-Java twin of every kernel: the reference the Vector API kernels are tested against, and the fallback when
 * {@code jdk.incubator.vector} is not readable. Sums run in index order with separate multiply and add (no FMA), as in
 * {@link ScalarForward} and core's {@code CandidateSelector}, so {@link #scoreAll} and {@link #matmul} give the same
 * bits as those references.
 */
final class ScalarKernelSupport implements KernelSupport {
    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void dequantizeNormalize(byte[] q, int qOff, int rows, int dim, float[] out, int outOff) {
        for (int r = 0; r < rows; r++) {
            int qi = qOff + r * dim;
            int oi = outOff + r * dim;
            long sq = 0;
            for (int d = 0; d < dim; d++) {
                sq += q[qi + d] * q[qi + d];
            }
            if (sq == 0) {
                for (int d = 0; d < dim; d++) {
                    out[oi + d] = 0f;
                }
                continue;
            }
            double inv = 1.0 / Math.sqrt(sq); // as core's PreparedHistory: the quantization step cancels
            for (int d = 0; d < dim; d++) {
                out[oi + d] = (float) (q[qi + d] * inv);
            }
        }
    }

    @Override
    public void scoreAll(float[] units, int rows, int dim, float[] candidates, int nCand, float[] scores) {
        for (int c = 0; c < nCand; c++) {
            int ci = c * dim;
            int si = c * rows;
            for (int t = 0; t < rows; t++) {
                int ti = t * dim;
                float s = 0f;
                for (int d = 0; d < dim; d++) {
                    s += units[ti + d] * candidates[ci + d];
                }
                scores[si + t] = s;
            }
        }
    }

    @Override
    public int topK(float[] scores, int off, int n, long[] timestamps, int k, int[] outIdx) {
        int m = Math.min(k, n);
        if (m == 0) {
            return 0;
        }
        int size = 0;
        for (int i = 0; i < n; i++) {
            if (size < m) {
                size = TopKHeap.push(outIdx, size, i, scores, off, timestamps);
            } else {
                TopKHeap.offer(outIdx, size, i, scores, off, timestamps);
            }
        }
        TopKHeap.sortBestFirst(outIdx, size, scores, off, timestamps);
        return size;
    }

    @Override
    public void matmul(float[] x, int xOff, int rows, int in, float[] w, int wOff, int out, float[] y, int yOff) {
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                float s = 0f;
                for (int i = 0; i < in; i++) {
                    s += x[xOff + r * in + i] * w[wOff + i * out + o];
                }
                y[yOff + r * out + o] = s;
            }
        }
    }

    /** As {@link #matmul}, each output one fused multiply-add chain in index order: {@code s = fma(x, w, s)}. */
    @Override
    public void matmulFma(float[] x, int xOff, int rows, int in, float[] w, int wOff, int out, float[] y, int yOff) {
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                float s = 0f;
                for (int i = 0; i < in; i++) {
                    s = Math.fma(x[xOff + r * in + i], w[wOff + i * out + o], s);
                }
                y[yOff + r * out + o] = s;
            }
        }
    }

    @Override
    public void addLayerNorm(float[] x, int xOff, float[] y, int yOff, int rows, int n, float eps) {
        for (int r = 0; r < rows; r++) {
            int xr = xOff + r * n;
            int yr = yOff + r * n;
            for (int i = 0; i < n; i++) {
                x[xr + i] += y[yr + i];
            }
            ScalarForward.layerNorm(x, xr, n, eps);
        }
    }

    @Override
    public void addRows(float[] dst, int dOff, float[] a, int aOff, float[] b, int bOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dOff + i] = dst[dOff + i] + a[aOff + i] + b[bOff + i];
        }
    }

    @Override
    public void sumRows(float[] dst, int dOff, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, float[] e, int eOff,
                        int n) {
        for (int i = 0; i < n; i++) {
            dst[dOff + i] = a[aOff + i] + b[bOff + i] + c[cOff + i] + e[eOff + i];
        }
    }

    @Override
    public void maxRows(float[] x, int xOff, int rows, int n, float[] out, int outOff) {
        System.arraycopy(x, xOff, out, outOff, n);
        for (int r = 1; r < rows; r++) {
            for (int i = 0; i < n; i++) {
                out[outOff + i] = Math.max(out[outOff + i], x[xOff + r * n + i]);
            }
        }
    }

    /**
     * Row by row: the causal scores, one online pass for the running maximum and normalizer, then the weighted sum of
     * the values; {@code scratch} holds one row of scores.
     */
    @Override
    public void causalAttention(float[] q, float[] k, float[] v, int t, int d, float scale, float[] out, float[] scratch) {
        for (int i = 0; i < t; i++) {
            float m = Float.NEGATIVE_INFINITY;
            float sum = 0f;
            for (int j = 0; j <= i; j++) {
                float s = 0f;
                for (int c = 0; c < d; c++) {
                    s += q[i * d + c] * k[j * d + c];
                }
                s *= scale;
                scratch[j] = s;
                if (s > m) {
                    sum *= (float) Math.exp(m - s);
                    m = s;
                }
                sum += (float) Math.exp(s - m);
            }
            float inv = 1f / sum;
            for (int j = 0; j <= i; j++) {
                scratch[j] = (float) Math.exp(scratch[j] - m) * inv;
            }
            for (int c = 0; c < d; c++) {
                float a = 0f;
                for (int j = 0; j <= i; j++) {
                    a += scratch[j] * v[j * d + c];
                }
                out[i * d + c] = a;
            }
        }
    }

    @Override
    public void nearestScan(float[] packed, int rows, int dim, float[] cands, int cOff, int nCand, int k, float[] thresholds,
                            long[] buffers, int cap, int[] counts, float[] tileScratch) {
        int tiles = TokenTiles.tiles(rows);
        int tw = TokenTiles.TILE;
        for (int c = 0; c < nCand; c++) {
            int ci = cOff + c * dim;
            for (int tile = 0; tile < tiles; tile++) {
                int p = tile * dim * tw;
                for (int j = 0; j < tw; j++) {
                    tileScratch[j] = 0f;
                }
                for (int d = 0; d < dim; d++) {
                    float x = cands[ci + d];
                    for (int j = 0; j < tw; j++) {
                        tileScratch[j] += packed[p + d * tw + j] * x;
                    }
                }
                NearestBuffers.appendTile(tileScratch, 0, tile * tw, rows, c, k, thresholds, buffers, cap, counts);
            }
        }
    }

    @Override
    public void layerNorm(float[] x, int off, int n, float eps) {
        ScalarForward.layerNorm(x, off, n, eps);
    }

    @Override
    public void relu(float[] x, int off, int n) {
        for (int i = off, end = off + n; i < end; i++) {
            x[i] = Math.max(x[i], 0f);
        }
    }

    @Override
    public void maskedSoftmaxRow(float[] scores, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = off, end = off + n; i < end; i++) {
            max = Math.max(max, scores[i]);
        }
        float sum = 0f;
        for (int i = off, end = off + n; i < end; i++) {
            float p = (float) Math.exp(scores[i] - max);
            scores[i] = p;
            sum += p;
        }
        for (int i = off, end = off + n; i < end; i++) {
            scores[i] /= sum;
        }
    }

    // ------------------------------------------------------------------ backward (training) kernels

    @Override
    public void addMatmulTransposeA(float[] x, int xOff, int rows, int in, float[] dy, int dyOff, int out, float[] dw, int dwOff) {
        for (int r = 0; r < rows; r++) {
            int dr = dyOff + r * out;
            for (int i = 0; i < in; i++) {
                float xv = x[xOff + r * in + i];
                int wi = dwOff + i * out;
                for (int o = 0; o < out; o++) {
                    dw[wi + o] = Math.fma(xv, dy[dr + o], dw[wi + o]);
                }
            }
        }
    }

    @Override
    public void addColumnSums(float[] dy, int dyOff, int rows, int n, float[] db, int dbOff) {
        for (int r = 0; r < rows; r++) {
            int dr = dyOff + r * n;
            for (int j = 0; j < n; j++) {
                db[dbOff + j] += dy[dr + j];
            }
        }
    }

    @Override
    public void reluBackward(float[] y, int yOff, float[] dy, int dyOff, int n) {
        for (int i = 0; i < n; i++) {
            if (!(y[yOff + i] > 0f)) {
                dy[dyOff + i] = 0f;
            }
        }
    }

    // ------------------------------------------------------------------ deterministic softmax (training)
    static final float EXP_LO = -87.33654f;
    static final float EXP_HI = 88.37626f;
    static final float LOG2E = 1.44269504088896341f;
    static final float ROUND = 12582912f;                    // 1.5 · 2^23: x + ROUND − ROUND rounds to an integer
    static final float LN2_HI = 0.693359375f;
    static final float LN2_LO = -2.12194440e-4f;
    static final float EXP_P0 = 1.9875691500e-4f;
    static final float EXP_P1 = 1.3981999507e-3f;
    static final float EXP_P2 = 8.3334519073e-3f;
    static final float EXP_P3 = 4.1665795894e-2f;
    static final float EXP_P4 = 1.6666665459e-1f;
    static final float EXP_P5 = 5.0000001201e-1f;

    /**
     * e^x in float from fma, mul, add and exact conversions only (Cephes' expf: n = round(x·log2 e), r = x − n·ln 2 in
     * two parts, a degree-7 polynomial, times 2^n), within 2 ulp of {@link Math#exp} on [−87.3, 88.3]; x is clamped
     * to that range. Unlike {@link Math#exp} or the Vector API's EXP, the same operations give the same bits in
     * every implementation and JIT state.
     */
    static float exp(float x0) {
        float x = Math.min(Math.max(x0, EXP_LO), EXP_HI);
        float n = Math.fma(x, LOG2E, ROUND) - ROUND;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float y = Math.fma(r, EXP_P0, EXP_P1);
        y = Math.fma(y, r, EXP_P2);
        y = Math.fma(y, r, EXP_P3);
        y = Math.fma(y, r, EXP_P4);
        y = Math.fma(y, r, EXP_P5);
        y = Math.fma(y, r * r, r) + 1f;
        return y * Float.intBitsToFloat(((int) n + 127) << 23);
    }

    /** In place over {@code s[off .. off+n)}: softmax with {@link #exp}, the sum sequential in index order. */
    static void softmaxRowExact(float[] s, int off, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, s[off + i]);
        }
        for (int i = 0; i < n; i++) {
            s[off + i] = exp(s[off + i] - m);
        }
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += s[off + i];
        }
        float inv = 1f / sum;
        for (int i = 0; i < n; i++) {
            s[off + i] *= inv;
        }
    }
}
