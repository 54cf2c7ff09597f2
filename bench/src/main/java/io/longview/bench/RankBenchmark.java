package io.longview.bench;

import io.longview.core.checkpoint.Checkpoint;
import io.longview.core.checkpoint.CheckpointReader;
import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.select.SelectionConfig;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code longview bench rank}: one run that scores the same synthetic request (one user with a lifelong history of
 * {@code history} tokens, +{@code realtime} realtime, +{@code impressions} impressions; N candidates) with four paths,
 * side by side, for each N:
 *
 * <ul>
 *   <li>(a) {@link NaiveDjlPath}: DJL/libtorch, history copied to every candidate, per-candidate torch selection;</li>
 *   <li>(b) {@link DedupDjlPath}: DJL/libtorch, history once, one scoring matmul, batched top-K, one forward;</li>
 *   <li>(c) {@link OnnxRuntimePath}: ONNX Runtime on the exported graph, fed by core's selection;</li>
 *   <li>(d) {@link EnginePath}: {@code RankingEngine.rank}, the fused engine.</li>
 * </ul>
 *
 * Per path and N: p50/p99 of the request latency (selection + model) over the measured iterations after warm-up, the
 * p50 of each stage, the ratio to (d), the achieved GFLOP/s of the encoder ({@link TransformerFlops} over the forward
 * stage's p50) against the GEMM throughput of this machine measured in the same run ({@link GemmPeak}), and the largest
 * difference of the path's scores from (d)'s (all paths compute the same model).
 *
 * <p>Each (path, N) cell stops early when it has used {@code cellSeconds} (at least {@value #MIN_ITERATIONS} measured iterations), and the
 * naive path runs at most {@code naiveIterations}: the default run stays around ten minutes on two cores.
 */
public final class RankBenchmark {
    /** Measured iterations of a cell even past its time budget. */
    static final int MIN_ITERATIONS = 2;

    private RankBenchmark() {
    }

    /**
     * @param candidates      the N to run, e.g. 128, 256, 512, 1024
     * @param history         |S_LL| of the synthetic user
     * @param realtime        |S_RT|
     * @param impressions     |S_imp|
     * @param iterations      measured iterations per cell (at most)
     * @param warmup          warm-up iterations per cell
     * @param naiveIterations measured iterations of path (a) at most (its warm-up is one iteration)
     * @param threads         threads of every path (engine workers, ORT intra-op, torch intra-op)
     * @param paths           which of a, b, c, d to run, in this order
     * @param cellSeconds     wall-time budget per cell
     * @param seed            seeds the request and the random weights
     * @param checkpoint      a checkpoint file, or null for random weights of {@link ModelConfig#DEFAULT}
     */
    public record Config(List<Integer> candidates, int history, int realtime, int impressions, int iterations, int warmup,
                         int naiveIterations, int threads, List<String> paths, double cellSeconds, long seed, Path checkpoint) {
        public Config {
            candidates = List.copyOf(candidates);
            paths = List.copyOf(paths);
            if (candidates.isEmpty() || candidates.stream().anyMatch(n -> n < 1)) {
                throw new IllegalArgumentException("candidates must be a non-empty list of numbers ≥ 1, got " + candidates);
            }
            if (history < 0 || realtime < 0 || impressions < 0) {
                throw new IllegalArgumentException("history sizes must be ≥ 0, got " + history + ", " + realtime + ", " + impressions);
            }
            if (iterations < 1 || warmup < 0 || naiveIterations < 1) {
                throw new IllegalArgumentException("iterations and naive iterations must be ≥ 1 and warmup ≥ 0, got "
                        + iterations + ", " + naiveIterations + ", " + warmup);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be ≥ 1, got " + threads);
            }
            for (String p : paths) {
                if (!List.of("a", "b", "c", "d").contains(p)) {
                    throw new IllegalArgumentException("unknown path '" + p + "', expected a subset of a,b,c,d");
                }
            }
            if (paths.isEmpty()) {
                throw new IllegalArgumentException("at least one path is needed (a,b,c,d)");
            }
            if (!(cellSeconds > 0)) {
                throw new IllegalArgumentException("cellSeconds must be > 0, got " + cellSeconds);
            }
        }

        public static Config defaults() {
            return new Config(List.of(128, 256, 512, 1024), 16_000, 100, 100, 50, 5, 5,
                    Runtime.getRuntime().availableProcessors(), List.of("a", "b", "c", "d"), 30, 1, null);
        }
    }

    /** One (path, N) result; times in milliseconds. */
    public record Cell(String path, int n, int iterations, double p50Ms, double p99Ms, double selectionP50Ms,
                       double forwardP50Ms, double transformerGflops, double maxDiffVsEngine) {
    }

    /** The whole run. */
    public record Report(Config config, ModelConfig model, int selectedLength, List<GemmPeak> peaks, List<Cell> cells,
                         Map<String, String> descriptions) {

        /** The cell of a path and N, or null. */
        public Cell cell(String path, int n) {
            return cells.stream().filter(c -> c.path().equals(path) && c.n() == n).findFirst().orElse(null);
        }

        /** The Markdown report: settings, peaks, the table. */
        public String markdown() {
            StringBuilder sb = new StringBuilder();
            Config c = config;
            sb.append(String.format(Locale.ROOT, "## bench rank%n%n"));
            sb.append(String.format(Locale.ROOT, "History %,d lifelong + %d realtime + %d impressions tokens; S_all %d tokens per candidate; "
                            + "model %s; %d thread(s); seed %d; %d cores, Java %s, kernels %s.%n%n",
                    c.history(), c.realtime(), c.impressions(), selectedLength,
                    c.checkpoint() == null ? "default config, random weights" : c.checkpoint().toString(), c.threads(), c.seed(),
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                    peaks.isEmpty() ? "?" : peaks.getFirst().impl()));
            for (GemmPeak p : peaks) {
                sb.append(String.format(Locale.ROOT, "GEMM peak (VectorKernels.matmul, 64×64 blocks), %d thread(s): %.1f GFLOP/s%n",
                        p.threads(), p.gflops()));
            }
            sb.append(System.lineSeparator());
            for (Map.Entry<String, String> e : descriptions.entrySet()) {
                sb.append(String.format(Locale.ROOT, "- (%s) %s%n", e.getKey(), e.getValue()));
            }
            sb.append(System.lineSeparator());
            sb.append("| path | N | iters | p50 ms | p99 ms | × (d) p50 | select p50 ms | model p50 ms | encoder GFLOP/s | % of peak | max |Δ| vs (d) |")
                    .append(System.lineSeparator());
            sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|").append(System.lineSeparator());
            double peak = peaks.isEmpty() ? Double.NaN : peaks.getLast().gflops();
            for (int n : c.candidates()) {
                Cell d = cell("d", n);
                for (String p : c.paths()) {
                    Cell x = cell(p, n);
                    if (x == null) {
                        continue;
                    }
                    sb.append(String.format(Locale.ROOT, "| (%s) | %d | %d | %.2f | %.2f | %s | %.2f | %.2f | %.1f | %.1f%% | %s |%n",
                            p, n, x.iterations(), x.p50Ms(), x.p99Ms(), d == null ? "–" : String.format(Locale.ROOT, "%.2f", x.p50Ms() / d.p50Ms()),
                            x.selectionP50Ms(), x.forwardP50Ms(), x.transformerGflops(), 100 * x.transformerGflops() / peak,
                            Double.isNaN(x.maxDiffVsEngine()) ? "–" : String.format(Locale.ROOT, "%.1e", x.maxDiffVsEngine())));
                }
            }
            return sb.toString();
        }

        /** The same as JSON. */
        public String json() {
            StringBuilder sb = new StringBuilder("{\n");
            Config c = config;
            sb.append(String.format(Locale.ROOT, "  \"history\": %d, \"realtime\": %d, \"impressions\": %d, \"selected_length\": %d,%n",
                    c.history(), c.realtime(), c.impressions(), selectedLength));
            sb.append(String.format(Locale.ROOT, "  \"threads\": %d, \"seed\": %d, \"checkpoint\": %s, \"cores\": %d, \"java\": \"%s\",%n",
                    c.threads(), c.seed(), c.checkpoint() == null ? "null" : "\"" + escape(c.checkpoint().toString()) + "\"",
                    Runtime.getRuntime().availableProcessors(), escape(System.getProperty("java.version"))));
            sb.append("  \"gemm_peaks\": [");
            for (int i = 0; i < peaks.size(); i++) {
                GemmPeak p = peaks.get(i);
                sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "{\"threads\": %d, \"gflops\": %.2f, \"kernels\": \"%s\"}",
                        p.threads(), p.gflops(), p.impl()));
            }
            sb.append("],\n  \"paths\": {");
            int i = 0;
            for (Map.Entry<String, String> e : descriptions.entrySet()) {
                sb.append(i++ == 0 ? "" : ", ").append('"').append(e.getKey()).append("\": \"").append(escape(e.getValue())).append('"');
            }
            sb.append("},\n  \"cells\": [\n");
            for (int k = 0; k < cells.size(); k++) {
                Cell x = cells.get(k);
                Cell d = cell("d", x.n());
                sb.append(String.format(Locale.ROOT, "    {\"path\": \"%s\", \"n\": %d, \"iterations\": %d, \"p50_ms\": %.4f, \"p99_ms\": %.4f, "
                                + "\"ratio_vs_d\": %s, \"selection_p50_ms\": %.4f, \"model_p50_ms\": %.4f, \"encoder_gflops\": %.3f, "
                                + "\"max_diff_vs_d\": %s}%s%n",
                        x.path(), x.n(), x.iterations(), x.p50Ms(), x.p99Ms(),
                        d == null ? "null" : String.format(Locale.ROOT, "%.4f", x.p50Ms() / d.p50Ms()), x.selectionP50Ms(),
                        x.forwardP50Ms(), x.transformerGflops(),
                        Double.isNaN(x.maxDiffVsEngine()) ? "null" : String.format(Locale.ROOT, "%.3e", x.maxDiffVsEngine()),
                        k + 1 < cells.size() ? "," : ""));
            }
            return sb.append("  ]\n}\n").toString();
        }

        /** Writes {@link #json()} for a {@code .json} file, else {@link #markdown()}. */
        public void write(Path file) {
            try {
                Path abs = file.toAbsolutePath();
                if (abs.getParent() != null) {
                    Files.createDirectories(abs.getParent());
                }
                Files.writeString(abs, file.toString().endsWith(".json") ? json() : markdown());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }

        private static String escape(String s) {
            return s.replace("\\", "\\\\").replace("\"", "\\\"");
        }
    }

    /** The checkpoint the configuration names, or random weights of the default configuration. */
    public static Checkpoint checkpoint(Config c) {
        return c.checkpoint() == null ? RandomCheckpoint.of(ModelConfig.DEFAULT, c.seed()) : CheckpointReader.read(c.checkpoint());
    }

    /** A path by its letter. */
    public static RankPath open(String id, Checkpoint ck, int threads) {
        return switch (id) {
            case "a" -> new NaiveDjlPath(ck, threads);
            case "b" -> new DedupDjlPath(ck, threads);
            case "c" -> new OnnxRuntimePath(ck, threads);
            case "d" -> new EnginePath(ck, threads);
            default -> throw new IllegalArgumentException("unknown path " + id);
        };
    }

    /** Runs the benchmark; progress lines go to {@code log}. */
    public static Report run(Config c, PrintStream log) {
        Checkpoint ck = checkpoint(c);
        int maxN = c.candidates().stream().mapToInt(Integer::intValue).max().orElseThrow();
        SyntheticRequest full = SyntheticRequest.of(c.history(), c.realtime(), c.impressions(), maxN, c.seed());
        int selected = ck.config().sequence() ? selectedLength(ck.config().selection(), c.history(), c.realtime(), c.impressions()) : 0;

        List<GemmPeak> peaks = new ArrayList<>();
        log.println("bench rank: measuring the GEMM peak ...");
        long peakMillis = Math.clamp((long) (c.cellSeconds() * 250), 20, 1000);
        peaks.add(GemmPeak.measure(1, peakMillis));
        if (c.threads() > 1) {
            peaks.add(GemmPeak.measure(c.threads(), peakMillis));
        }
        Map<String, String> descriptions = new LinkedHashMap<>();
        List<Cell> cells = new ArrayList<>();
        Map<String, float[]> scores = new LinkedHashMap<>();
        for (String id : c.paths()) {
            try (RankPath path = open(id, ck, c.threads())) {
                descriptions.put(id, path.description());
                for (int n : c.candidates()) {
                    SyntheticRequest r = full.withCandidates(n);
                    float[][] last = new float[1][];
                    cells.add(measure(path, r, c, ck.config(), selected, log, last));
                    scores.put(id + "/" + n, last[0]);
                }
            }
        }
        List<Cell> withDiffs = new ArrayList<>();
        for (Cell x : cells) {
            float[] d = scores.get("d/" + x.n());
            double diff = d == null ? Double.NaN : maxAbsDiff(scores.get(x.path() + "/" + x.n()), d);
            withDiffs.add(new Cell(x.path(), x.n(), x.iterations(), x.p50Ms(), x.p99Ms(), x.selectionP50Ms(), x.forwardP50Ms(),
                    x.transformerGflops(), diff));
        }
        return new Report(c, ck.config(), selected, peaks, withDiffs, descriptions);
    }

    /** Warm-up and measured iterations of one cell; {@code lastScores[0]} receives the scores of the last iteration. */
    private static Cell measure(RankPath path, SyntheticRequest r, Config c, ModelConfig model, int selected, PrintStream log,
                                float[][] lastScores) {
        boolean naive = path.id().equals("a");
        int warmup = naive ? Math.min(1, c.warmup()) : c.warmup();
        int iterations = naive ? Math.min(c.naiveIterations(), c.iterations()) : c.iterations();
        long budget = (long) (c.cellSeconds() * 1e9);
        long start = System.nanoTime();
        RankPath.StageNanos stages = new RankPath.StageNanos();
        for (int i = 0; i < warmup && System.nanoTime() - start < budget / 3; i++) {
            path.rank(r, stages);
        }
        Histogram total = new Histogram(3);
        Histogram selection = new Histogram(3);
        Histogram forward = new Histogram(3);
        int done = 0;
        while (done < iterations && (done < MIN_ITERATIONS || System.nanoTime() - start < budget)) {
            stages.clear();
            long t0 = System.nanoTime();
            lastScores[0] = path.rank(r, stages);
            long t = System.nanoTime() - t0;
            total.recordValue(t);
            selection.recordValue(Math.max(stages.selection, 0));
            forward.recordValue(Math.max(stages.forward, 1));
            done++;
        }
        double fwdNanos = forward.getValueAtPercentile(50);
        double gflops = r.n() * TransformerFlops.perCandidate(model, selected) / fwdNanos;
        Cell cell = new Cell(path.id(), r.n(), done, total.getValueAtPercentile(50) / 1e6, total.getValueAtPercentile(99) / 1e6,
                selection.getValueAtPercentile(50) / 1e6, fwdNanos / 1e6, gflops, Double.NaN);
        log.printf(Locale.ROOT, "bench rank: (%s) N=%d: p50 %.2f ms, p99 %.2f ms over %d iterations%n", path.id(), r.n(), cell.p50Ms(),
                cell.p99Ms(), done);
        return cell;
    }

    /** |S_all| of a candidate when every part is filled as far as the history allows (NEAREST and MOST_RECENT rules). */
    static int selectedLength(SelectionConfig s, int lifelong, int realtime, int impressions) {
        int recent = Math.min(s.recent(), realtime);
        return Math.min(s.kLifelong(), lifelong) + recent + Math.min(s.kRealtime(), realtime - recent) + Math.min(s.kImpressions(), impressions);
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        if (a == null || a.length != b.length) {
            return Double.POSITIVE_INFINITY;
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
