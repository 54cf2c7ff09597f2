package io.longview.kernels;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A quick side-by-side timing of the scalar and Vector API kernels in one JVM (not JMH, not a test): the selection
 * step of a request (1,000 candidates × 16,000 tokens, d 32, K 96; scores in slices of candidates) and the encoder's
 * 192×64 @ 64×64 product. Prints the median of several runs. Run from the repository root after {@code install}:
 * <pre>
 * java --add-modules jdk.incubator.vector -cp kernels/target/classes:kernels/target/test-classes:$HOME/.m2/repository/io/longview/longview-core/0.1.0-SNAPSHOT/longview-core-0.1.0-SNAPSHOT.jar io.longview.kernels.KernelsBench
 * </pre>
 */
public final class KernelsBench {
    private static final int TOKENS = 16_000;
    private static final int CANDIDATES = 1_000;
    private static final int DIM = 32;
    private static final int K = 96;
    private static final int RUNS = 9;
    private static final int WARMUP = 4;
    private static volatile long sink;

    private KernelsBench() {
    }

    public static void main(String[] args) {
        SplittableRandom rnd = new SplittableRandom(1);
        byte[] q = new byte[TOKENS * DIM];       // (tokens, 32) int8
        for (int i = 0; i < q.length; i++) {
            q[i] = (byte) (rnd.nextInt(255) - 127);
        }
        long[] ts = new long[TOKENS];            // (tokens) newest first
        for (int i = 0; i < TOKENS; i++) {
            ts[i] = 1_700_000_000_000L - i * 1000L;
        }
        float[] cands = new float[CANDIDATES * DIM]; // (candidates, 32)
        for (int i = 0; i < cands.length; i++) {
            cands[i] = (float) rnd.nextGaussian();
        }
        float[] x = new float[192 * 64];         // (192, 64)
        float[] w = new float[64 * 64];          // (64, 64)
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian() * 0.1f;
        }
        KernelSupport[] impls = {new ScalarKernelSupport(), new PanamaKernelSupport()};
        System.out.printf(Locale.ROOT, "JDK %s, %d CPUs, vector species %s%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), PanamaKernelSupport.species());
        float[] units = new float[TOKENS * DIM];

        for (int slice : new int[]{64, 1000}) {
            float[] scores = new float[slice * TOKENS]; // (slice, tokens)
            int[] idx = new int[K];
            for (KernelSupport impl : impls) {
                impl.dequantizeNormalize(q, 0, TOKENS, DIM, units, 0);
                double[] scoreMs = new double[RUNS];
                double[] topMs = new double[RUNS];
                long[] split = new long[2]; // ns in scoreAll, ns in topK
                for (int run = -WARMUP; run < RUNS; run++) {
                    select(impl, units, cands, ts, slice, scores, idx, split);
                    if (run >= 0) {
                        scoreMs[run] = split[0] / 1e6;
                        topMs[run] = split[1] / 1e6;
                    }
                }
                double s = median(scoreMs), t = median(topMs);
                double flops = 2.0 * CANDIDATES * TOKENS * DIM;
                System.out.printf(Locale.ROOT, "%-6s select 1000x16000 K96 slice %4d: scoreAll %7.2f ms (%6.1f GFLOP/s)  topK %7.2f ms  total %7.2f ms%n",
                        impl.name(), slice, s, flops / s / 1e6, t, s + t);
            }
        }

        for (KernelSupport impl : impls) {
            double[] ms = new double[RUNS];
            for (int run = -WARMUP; run < RUNS; run++) {
                double v = dequantize(impl, q, units, 20);
                if (run >= 0) {
                    ms[run] = v;
                }
            }
            System.out.printf(Locale.ROOT, "%-6s dequantizeNormalize 16000x32: %7.3f ms%n", impl.name(), median(ms));
        }

        float[] y = new float[192 * 64];
        int reps = 2000;
        for (KernelSupport impl : impls) {
            double[] ms = new double[RUNS];
            for (int run = -WARMUP; run < RUNS; run++) {
                double v = matmul(impl, x, w, y, reps);
                if (run >= 0) {
                    ms[run] = v;
                }
            }
            double per = median(ms); // ms per product
            System.out.printf(Locale.ROOT, "%-6s matmul 192x64 @ 64x64: %8.2f us  (%6.1f GFLOP/s)%n", impl.name(), per * 1e3,
                    2.0 * 192 * 64 * 64 / per / 1e6);
        }
    }

    // each timed step is its own method, entered once per run, so that C2 compiles it whole rather than only as an
    // on-stack replacement of main (which here lost the Vector API intrinsics and ran 30x slower)

    /** One request's selection: candidates in slices, scoreAll then topK per candidate; split[0..1] ← ns. */
    private static void select(KernelSupport impl, float[] units, float[] cands, long[] ts, int slice, float[] scores, int[] idx,
                               long[] split) {
        long tScore = 0, tTop = 0;
        float[] part = new float[slice * DIM];
        for (int c0 = 0; c0 < CANDIDATES; c0 += slice) {
            int n = Math.min(slice, CANDIDATES - c0);
            System.arraycopy(cands, c0 * DIM, part, 0, n * DIM);
            long t0 = System.nanoTime();
            impl.scoreAll(units, TOKENS, DIM, part, n, scores);
            long t1 = System.nanoTime();
            for (int c = 0; c < n; c++) {
                sink += impl.topK(scores, c * TOKENS, TOKENS, ts, K, idx) + idx[0];
            }
            tTop += System.nanoTime() - t1;
            tScore += t1 - t0;
        }
        split[0] = tScore;
        split[1] = tTop;
    }

    /** ms per call. */
    private static double dequantize(KernelSupport impl, byte[] q, float[] units, int reps) {
        long t0 = System.nanoTime();
        for (int rep = 0; rep < reps; rep++) {
            impl.dequantizeNormalize(q, 0, TOKENS, DIM, units, 0);
        }
        return (System.nanoTime() - t0) / 1e6 / reps;
    }

    /** ms per product. */
    private static double matmul(KernelSupport impl, float[] x, float[] w, float[] y, int reps) {
        long t0 = System.nanoTime();
        for (int rep = 0; rep < reps; rep++) {
            impl.matmul(x, 192, 64, w, 64, y);
        }
        sink += Float.floatToIntBits(y[7]);
        return (System.nanoTime() - t0) / 1e6 / reps;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
