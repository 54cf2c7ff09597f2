package io.longview.kernels;

/**
 * The kernels behind {@link VectorKernels}, one implementation per instruction set: {@link ScalarKernelSupport} (plain
 * Java, the reference) and {@code PanamaKernelSupport} (the Vector API), picked once by {@link KernelProvider}.
 * Arguments arrive already validated by the facade; implementations only {@code assert}. Contracts are those of the
 * facade's methods of the same name.
 */
interface KernelSupport {
    /** {@code "scalar"} or {@code "vector"}, the values of {@code -Dlongview.kernels}. */
    String name();

    void dequantizeNormalize(byte[] q, int qOff, int rows, int dim, float[] out, int outOff);

    void scoreAll(float[] units, int rows, int dim, float[] candidates, int nCand, float[] scores);

    int topK(float[] scores, int off, int n, long[] timestamps, int k, int[] outIdx);

    default void matmul(float[] x, int rows, int in, float[] w, int out, float[] y) {
        matmul(x, 0, rows, in, w, 0, out, y, 0);
    }

    void matmul(float[] x, int xOff, int rows, int in, float[] w, int wOff, int out, float[] y, int yOff);

    void matmulFma(float[] x, int xOff, int rows, int in, float[] w, int wOff, int out, float[] y, int yOff);

    void addLayerNorm(float[] x, int xOff, float[] y, int yOff, int rows, int n, float eps);

    void addRows(float[] dst, int dOff, float[] a, int aOff, float[] b, int bOff, int n);

    void sumRows(float[] dst, int dOff, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, float[] e, int eOff, int n);

    void maxRows(float[] x, int xOff, int rows, int n, float[] out, int outOff);

    void causalAttention(float[] q, float[] k, float[] v, int t, int d, float scale, float[] out, float[] scratch);

    void nearestScan(float[] packed, int rows, int dim, float[] cands, int cOff, int nCand, int k, float[] thresholds,
                     long[] buffers, int cap, int[] counts, float[] tileScratch);

    void layerNorm(float[] x, int off, int n, float eps);

    void relu(float[] x, int off, int n);

    void maskedSoftmaxRow(float[] scores, int off, int n);

    // ------------------------------------------------------------------ backward (training) kernels, see VectorKernels

    void addMatmulTransposeA(float[] x, int xOff, int rows, int in, float[] dy, int dyOff, int out, float[] dw, int dwOff);

    void addColumnSums(float[] dy, int dyOff, int rows, int n, float[] db, int dbOff);

    void reluBackward(float[] y, int yOff, float[] dy, int dyOff, int n);

}
