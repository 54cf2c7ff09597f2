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
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            s += a[aOff + i] * b[bOff + i];
        }
        return s;
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
    public void matmul(float[] x, int rows, int in, float[] w, int out, float[] y) {
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                float s = 0f;
                for (int i = 0; i < in; i++) {
                    s += x[r * in + i] * w[i * out + o];
                }
                y[r * out + o] = s;
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
}
