package io.longview.kernels.engine;

import io.longview.core.checkpoint.Checkpoint;
import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.model.UserSequences;
import io.longview.kernels.VectorKernels;

import java.util.Arrays;
import java.util.Locale;

/**
 * A quick latency check of the fused engine (not JMH, not a test): one user with a full history (16,000 lifelong,
 * 100 realtime, 100 impressions), a random default-shape checkpoint, N candidates, p50 / p99 over a few requests after
 * warm-up, for threads 1 and 2. Run from the repository root after {@code test-compile}:
 * <pre>
 * java --add-modules jdk.incubator.vector -cp kernels/target/classes:kernels/target/test-classes:$HOME/.m2/repository/io/longview/longview-core/0.1.0-SNAPSHOT/longview-core-0.1.0-SNAPSHOT.jar io.longview.kernels.engine.EngineBench [N ...]
 * </pre>
 * Add {@code -Dlongview.kernels=scalar} for the scalar kernels, {@code -Dbench.threads=1,2}, {@code -Dbench.requests=30};
 * {@code -Dbench.reference=true} times the former implementation (CandidateSelector + ScalarForward) instead.
 */
public final class EngineBench {
    private EngineBench() {
    }

    public static void main(String[] args) {
        int[] ns = args.length == 0 ? new int[]{128, 256, 512, 1024} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        int[] threads = Arrays.stream(System.getProperty("bench.threads", "1,2").split(",")).mapToInt(Integer::parseInt).toArray();
        int requests = Integer.getInteger("bench.requests", 30);
        Checkpoint ck = EngineFixtures.randomCheckpoint(ModelConfig.DEFAULT, 7);
        UserSequences user = EngineFixtures.user(12, 16_000, 100, 100, ck.config().surfaces());
        System.out.printf(Locale.ROOT, "JDK %s, %d CPUs, kernels %s; history 16000+100+100; %d requests per row%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), VectorKernels.implementation(), requests);
        if (Boolean.getBoolean("bench.reference")) { // the former implementation: CandidateSelector + ScalarForward per candidate
            for (int n : ns) {
                float[] cands = EngineFixtures.candidates(n, n, user);
                EngineFixtures.reference(ck, user, EngineFixtures.NOW, cands, n);
                long t0 = System.nanoTime();
                EngineFixtures.reference(ck, user, EngineFixtures.NOW, cands, n);
                System.out.printf(Locale.ROOT, "reference (CandidateSelector + ScalarForward, 1 thread)  N %5d: %8.2f ms%n", n,
                        (System.nanoTime() - t0) / 1e6);
            }
            return;
        }
        for (int t : threads) {
            try (RankingEngine engine = RankingEngine.of(ck, new EngineOptions(t))) {
                for (int n : ns) {
                    float[] cands = EngineFixtures.candidates(n, n, user);
                    run(engine, user, cands, n, Math.max(3, requests / 3)); // warm-up
                    double[] stats = run(engine, user, cands, n, requests);
                    System.out.printf(Locale.ROOT, "threads %d  N %5d: p50 %7.2f ms  p99 %7.2f ms  (selection %6.2f ms, forward %6.2f ms)  %8.0f cand/s  caller CPU p50 %7.2f ms%n",
                            t, n, stats[0], stats[1], stats[2], stats[3], n / stats[0] * 1e3, stats[4]);
                }
            }
        }
    }

    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    /** {p50, p99 (max for fewer than 100), mean selection, mean forward, median caller CPU} in ms. */
    private static double[] run(RankingEngine engine, UserSequences user, float[] cands, int n, int requests) {
        double[] ms = new double[requests];
        double[] cpu = new double[requests];
        double sel = 0, fwd = 0;
        for (int i = 0; i < requests; i++) {
            long c0 = CPU.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            RankResult r = engine.rank(user, EngineFixtures.NOW + i, cands, n, false);
            ms[i] = (System.nanoTime() - t0) / 1e6;
            cpu[i] = (CPU.getCurrentThreadCpuTime() - c0) / 1e6;
            sel += r.selectionNanos() / 1e6;
            fwd += r.forwardNanos() / 1e6;
        }
        Arrays.sort(ms);
        Arrays.sort(cpu);
        return new double[]{ms[requests / 2], ms[Math.min(requests - 1, (int) Math.ceil(requests * 0.99) - 1)], sel / requests, fwd / requests,
                cpu[requests / 2]};
    }
}
