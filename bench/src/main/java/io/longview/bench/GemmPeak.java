package io.longview.bench;

import io.longview.kernels.VectorKernels;

import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The machine's matrix-product throughput, measured in the same run as the ranking paths so that GFLOP/s figures are
 * compared to a reference taken under the same load: {@code kernels}' {@link VectorKernels#matmul} (the Vector API
 * kernel the engine uses) on {@code (64, 64) @ (64, 64)} blocks, each thread over its own cache-resident operands, for
 * a fixed wall time. Only the {@code kernels} module uses {@code jdk.incubator.vector} (DESIGN §7), so this is "the
 * peak of our best GEMM kernel", a lower bound of the hardware's FMA peak.
 *
 * @param threads   threads that ran at once
 * @param gflops    achieved GFLOP/s over all threads (2·64·64·64 flops per block product)
 * @param impl      the kernels implementation ("vector" or "scalar")
 */
public record GemmPeak(int threads, double gflops, String impl) {
    private static final int B = 64;

    /** Runs {@code threads} threads for {@code millis} ms (after a warm-up of the same length). */
    public static GemmPeak measure(int threads, long millis) {
        run(threads, millis); // warm-up: JIT and clocks
        return new GemmPeak(threads, run(threads, millis), VectorKernels.implementation());
    }

    private static double run(int threads, long millis) {
        AtomicLong blocks = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        long[] elapsed = new long[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                SplittableRandom rnd = new SplittableRandom(id);
                float[] x = new float[B * B];
                float[] w = new float[B * B];
                float[] y = new float[B * B];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) rnd.nextGaussian();
                    w[i] = (float) rnd.nextGaussian();
                }
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                long t0 = System.nanoTime();
                long deadline = t0 + millis * 1_000_000L;
                long count = 0;
                float sink = 0;
                while (System.nanoTime() < deadline) {
                    for (int r = 0; r < 16; r++) {
                        VectorKernels.matmul(x, B, B, w, B, y);
                        sink += y[r];
                    }
                    count += 16;
                }
                elapsed[id] = System.nanoTime() - t0;
                blocks.addAndGet(count + (sink == Float.MIN_VALUE ? 1 : 0));
                done.countDown();
            }, "gemm-peak-" + t);
            th.setDaemon(true);
            th.start();
        }
        start.countDown();
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        long maxNanos = 0;
        for (long e : elapsed) {
            maxNanos = Math.max(maxNanos, e);
        }
        return blocks.get() * 2.0 * B * B * B / maxNanos;
    }
}
