package io.longview.kernels.engine;

import io.longview.kernels.VectorKernels;

import java.util.Locale;
import java.util.SplittableRandom;

/** Thread CPU time per kernel of one candidate's encoder at T = 192, d 64 (a scratch profile, not a test; CPU time, so a loaded machine disturbs it less). */
public final class EncoderProfile {
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();
    private EncoderProfile() {
    }

    public static void main(String[] args) {
        int t = 192, d = 64, f = 32;
        SplittableRandom rnd = new SplittableRandom(1);
        float[] x = new float[t * d], q = new float[t * d], k = new float[t * d], v = new float[t * d], att = new float[t * d];
        float[] w = new float[d * d], w1 = new float[d * f], hid = new float[t * f];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian() * 0.1f;
        }
        for (int i = 0; i < w1.length; i++) {
            w1[i] = (float) rnd.nextGaussian() * 0.1f;
        }
        VectorKernels.matmul(x, 0, t, d, w, 0, d, q, 0);
        VectorKernels.matmul(x, 0, t, d, w, 0, d, k, 0);
        VectorKernels.matmul(x, 0, t, d, w, 0, d, v, 0);
        float[] scratch = new float[VectorKernels.attentionScratch(t, d)];
        for (int round = 0; round < 6; round++) {
            int reps = 2000;
            long a = CPU.getCurrentThreadCpuTime();
            for (int i = 0; i < reps; i++) {
                VectorKernels.matmul(x, 0, t, d, w, 0, d, q, 0);
            }
            long b = CPU.getCurrentThreadCpuTime();
            for (int i = 0; i < reps; i++) {
                VectorKernels.causalAttention(q, k, v, t, d, 0.125f, att, scratch);
            }
            long c = CPU.getCurrentThreadCpuTime();
            for (int i = 0; i < reps; i++) {
                VectorKernels.matmul(x, 0, t, d, w1, 0, f, hid, 0);
            }
            long e = CPU.getCurrentThreadCpuTime();
            for (int i = 0; i < reps; i++) {
                System.arraycopy(q, 0, x, 0, x.length);
                VectorKernels.addLayerNorm(x, 0, att, 0, t, d, 1e-5f);
            }
            long g = CPU.getCurrentThreadCpuTime();
            double mm = (b - a) / 1e3 / reps, at = (c - b) / 1e3 / reps, mf = (e - c) / 1e3 / reps, ln = (g - e) / 1e3 / reps;
            System.out.printf(Locale.ROOT, "matmul 192x64x64 %6.1f us (%5.1f GF/s)  attention %6.1f us (%5.1f GF/s)  matmul 192x64x32 %6.1f us  addLN %6.1f us%n",
                    mm, 2.0 * t * d * d / mm / 1e3, at, 2.0 * t * t * d / at / 1e3, mf, ln);
        }
    }
}
