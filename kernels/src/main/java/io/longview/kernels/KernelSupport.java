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

    float dot(float[] a, int aOff, float[] b, int bOff, int n);

    void dequantizeNormalize(byte[] q, int qOff, int rows, int dim, float[] out, int outOff);

    void scoreAll(float[] units, int rows, int dim, float[] candidates, int nCand, float[] scores);

    int topK(float[] scores, int off, int n, long[] timestamps, int k, int[] outIdx);

    void matmul(float[] x, int rows, int in, float[] w, int out, float[] y);

    void layerNorm(float[] x, int off, int n, float eps);

    void relu(float[] x, int off, int n);

    void maskedSoftmaxRow(float[] scores, int off, int n);
}
