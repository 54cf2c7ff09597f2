package io.longview.kernels.engine;

import io.longview.kernels.VectorKernels;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Thread CPU time per kernel of one candidate's encoder at T = 192, d 64, d_ff 32 (a scratch profile, not a test; CPU
 * time, so a loaded machine disturbs it less): the kernels run in turn, round after round, and the median round is
 * printed per kernel.
 */
public final class EncoderProfile {
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    private EncoderProfile() {
    }

    public static void main(String[] args) {
        int t = 192, d = 64, f = 32;
        SplittableRandom rnd = new SplittableRandom(1);
        float[] x = gauss(rnd, t * d, 1f), w = gauss(rnd, d * d, 0.1f), w1 = gauss(rnd, d * f, 0.1f), w3 = gauss(rnd, d * 3 * d, 0.1f);
        float[] q = new float[t * d], k = new float[t * d], v = new float[t * d], att = new float[t * d], hid = new float[t * f];
        float[] qkv = new float[t * 3 * d], xs = new float[t * d];
        VectorKernels.matmul(x, 0, t, d, w, 0, d, q, 0);
        VectorKernels.matmul(x, 0, t, d, w, 0, d, k, 0);
        VectorKernels.matmul(x, 0, t, d, w, 0, d, v, 0);
        float[] scratch = new float[VectorKernels.attentionScratch(t, d)];
        Map<String, Runnable> parts = new LinkedHashMap<>();
        parts.put("matmul 192x64x64", () -> VectorKernels.matmul(x, 0, t, d, w, 0, d, q, 0));
        parts.put("matmulFma 192x64x64", () -> VectorKernels.matmulFma(x, 0, t, d, w, 0, d, q, 0));
        parts.put("matmulFma 192x64x192 (Q|K|V)", () -> VectorKernels.matmulFma(x, 0, t, d, w3, 0, 3 * d, qkv, 0));
        parts.put("matmul FFN 64x32 + 32x64", () -> {
            VectorKernels.matmul(x, 0, t, d, w1, 0, f, hid, 0);
            VectorKernels.matmul(hid, 0, t, f, w1, 0, d, xs, 0);
        });
        parts.put("matmulFma FFN 64x32 + 32x64", () -> {
            VectorKernels.matmulFma(x, 0, t, d, w1, 0, f, hid, 0);
            VectorKernels.matmulFma(hid, 0, t, f, w1, 0, d, xs, 0);
        });
        parts.put("attention T 192", () -> VectorKernels.causalAttention(q, k, v, t, d, 0.125f, att, scratch));
        parts.put("addLayerNorm 192x64", () -> {
            System.arraycopy(q, 0, xs, 0, xs.length);
            VectorKernels.addLayerNorm(xs, 0, att, 0, t, d, 1e-5f);
        });
        int rounds = Integer.getInteger("profile.rounds", 15), reps = 500;
        Map<String, double[]> us = new LinkedHashMap<>();
        parts.keySet().forEach(n -> us.put(n, new double[rounds]));
        for (int round = -3; round < rounds; round++) {
            for (Map.Entry<String, Runnable> e : parts.entrySet()) {
                Runnable r = e.getValue();
                long a = CPU.getCurrentThreadCpuTime();
                for (int i = 0; i < reps; i++) {
                    r.run();
                }
                long b = CPU.getCurrentThreadCpuTime();
                if (round >= 0) {
                    us.get(e.getKey())[round] = (b - a) / 1e3 / reps;
                }
            }
        }
        us.forEach((n, a) -> {
            Arrays.sort(a);
            System.out.printf(Locale.ROOT, "%-32s median %7.1f us  (min %7.1f)%n", n, a[a.length / 2], a[0]);
        });
    }

    private static float[] gauss(SplittableRandom rnd, int n, float s) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian() * s;
        }
        return v;
    }
}
