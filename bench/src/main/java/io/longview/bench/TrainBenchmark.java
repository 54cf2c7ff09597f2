package io.longview.bench;

import io.longview.core.checkpoint.ModelConfig;
import io.longview.examples.ExampleHeader;
import io.longview.examples.ExampleReader;
import io.longview.examples.RequestRecord;
import io.longview.kernels.VectorKernels;
import io.longview.train.Batch;
import io.longview.train.ExampleBatcher;
import io.longview.train.Trainer;
import io.longview.train.TrainerConfig;
import io.longview.train.TrainingEngine;
import io.longview.train.TransActModel;
import io.longview.train.ablation.AblationLadder;
import io.longview.train.ablation.AblationRow;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Training throughput of the engines side by side in one run ({@code longview bench train}): for each ladder row
 * (e.g. {@code rt-only}, {@code v2}) the same batches of the same example file, from the same initial weights,
 * through {@link Trainer#trainStep} (forward, backward and the host AdamW) of each engine. A few warm-up steps per
 * engine, then timed steps, interleaved between the engines (the one with the least measured time goes next, so a
 * change in the machine's load hits all alike), until each engine has both a step count and a minimum measured time:
 * steady-state examples/s. For the Java engine
 * also its GFLOP/s (the multiply-adds its matrix products issue, padding and the masked half of attention excluded,
 * over the step's wall time) beside the GEMM rate of {@link VectorKernels#matmul} measured in the same run
 * ({@link GemmPeak}, same thread count).
 *
 * @see Report#json()
 */
public final class TrainBenchmark {
    private TrainBenchmark() {
    }

    /**
     * @param examples    an example file ({@code train.lvx})
     * @param engines     {@code java}, {@code djl}
     * @param rows        ladder rows ({@link AblationLadder})
     * @param batchSize   examples per step
     * @param warmupSteps untimed steps per cell
     * @param steps       timed steps per cell, at least
     * @param minSeconds  measured seconds per cell, at least (more steps are run until reached, reusing the batches)
     * @param threads     threads of the Java engine (0: all processors); DJL uses its own intra-op pool
     * @param seed        initial weights
     */
    public record Config(Path examples, List<String> engines, List<String> rows, int batchSize, int warmupSteps, int steps,
                         double minSeconds, int threads, long seed) {
        public Config {
            engines = List.copyOf(engines);
            rows = List.copyOf(rows);
            if (batchSize < 1 || warmupSteps < 0 || steps < 1 || minSeconds < 0 || threads < 0) {
                throw new IllegalArgumentException("batch size ≥ 1, warm-up ≥ 0, steps ≥ 1, seconds ≥ 0, threads ≥ 0; got "
                        + batchSize + ", " + warmupSteps + ", " + steps + ", " + minSeconds + ", " + threads);
            }
            for (String e : engines) {
                TrainingEngine.parse(e);
            }
        }
    }

    /** One (engine, row): timed steps, examples, seconds; gflops only for the Java engine (else NaN). */
    public record Cell(String engine, String row, int steps, long examples, double seconds, double examplesPerSecond,
                       double gflops, double meanTokens, double firstLoss, double lastLoss) {
    }

    /** Every cell and the GEMM rate of the same run. */
    public record Report(Config config, String cpu, int threads, GemmPeak gemm, List<Cell> cells) {
        Cell cell(String engine, String row) {
            return cells.stream().filter(c -> c.engine().equals(engine) && c.row().equals(row)).findFirst().orElse(null);
        }

        /** A Markdown table: per row and engine, examples/s, the ratio java / djl, GFLOP/s and the GEMM rate. */
        public String markdown() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "train throughput on %s, %d threads, batch %d, kernels %s; GEMM (matmul 64³) %.1f GFLOP/s%n%n",
                    cpu, threads, config.batchSize(), gemm.impl(), gemm.gflops()));
            sb.append("| row | engine | steps | mean tokens | examples/s | java ÷ djl | GFLOP/s | % of GEMM | loss first → last |\n");
            sb.append("|---|---|---:|---:|---:|---:|---:|---:|---|\n");
            for (Cell c : cells) {
                Cell djl = cell("djl", c.row());
                String ratio = c.engine().equals("java") && djl != null
                        ? String.format(Locale.ROOT, "%.1f×", c.examplesPerSecond() / djl.examplesPerSecond()) : "";
                sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %.1f | %,.0f | %s | %s | %s | %.4f → %.4f |%n", c.row(),
                        c.engine(), c.steps(), c.meanTokens(), c.examplesPerSecond(), ratio,
                        Double.isNaN(c.gflops()) ? "" : String.format(Locale.ROOT, "%.1f", c.gflops()),
                        Double.isNaN(c.gflops()) ? "" : String.format(Locale.ROOT, "%.0f %%", 100 * c.gflops() / gemm.gflops()),
                        c.firstLoss(), c.lastLoss()));
            }
            return sb.toString();
        }

        /** {@code {"cpu":…, "threads":…, "gemm_gflops":…, "cells":[{"engine":"java","row":"v2","examples_per_s":…,"gflops":…,"gemm_gflops":…},…]}}. */
        public String json() {
            StringBuilder sb = new StringBuilder("{\n");
            sb.append(String.format(Locale.ROOT, "  \"cpu\": \"%s\", \"threads\": %d, \"batch_size\": %d, \"kernels\": \"%s\", \"gemm_gflops\": %.2f,%n",
                    cpu.replace("\"", "'"), threads, config.batchSize(), gemm.impl(), gemm.gflops()));
            sb.append("  \"cells\": [\n");
            for (int i = 0; i < cells.size(); i++) {
                Cell c = cells.get(i);
                Cell djl = cell("djl", c.row());
                sb.append(String.format(Locale.ROOT, "    {\"engine\": \"%s\", \"row\": \"%s\", \"examples_per_s\": %.2f, \"gflops\": %s, "
                                + "\"gemm_gflops\": %.2f, \"ratio_vs_djl\": %s, \"steps\": %d, \"examples\": %d, \"seconds\": %.3f, "
                                + "\"mean_tokens\": %.2f, \"first_loss\": %.5f, \"last_loss\": %.5f}%s%n",
                        c.engine(), c.row(), c.examplesPerSecond(),
                        Double.isNaN(c.gflops()) ? "null" : String.format(Locale.ROOT, "%.3f", c.gflops()), gemm.gflops(),
                        djl == null ? "null" : String.format(Locale.ROOT, "%.3f", c.examplesPerSecond() / djl.examplesPerSecond()),
                        c.steps(), c.examples(), c.seconds(), c.meanTokens(), c.firstLoss(), c.lastLoss(),
                        i + 1 < cells.size() ? "," : ""));
            }
            return sb.append("  ]\n}\n").toString();
        }

        /** Writes {@link #json()} for a {@code .json} file, else {@link #markdown()} (temp sibling, then a rename). */
        public void write(Path file) {
            try {
                Path abs = file.toAbsolutePath();
                if (abs.getParent() != null) {
                    Files.createDirectories(abs.getParent());
                }
                Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
                Files.writeString(tmp, file.toString().endsWith(".json") ? json() : markdown());
                Files.move(tmp, abs, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** Runs every (row, engine) cell, rows in the given order, engines side by side per row. */
    public static Report run(Config c, PrintStream log) {
        int threads = c.threads() > 0 ? c.threads() : Runtime.getRuntime().availableProcessors();
        ModelConfig base = ModelConfig.DEFAULT;
        List<AblationRow> rows = AblationLadder.select(base, c.rows().toArray(String[]::new));
        int need = c.batchSize() * Math.max(1, c.warmupSteps() + c.steps());
        List<RequestRecord> records = new ArrayList<>();
        ExampleHeader header;
        long examples = 0;
        try (ExampleReader r = ExampleReader.open(c.examples())) {
            header = r.header();
            while (r.hasNext() && examples < need) {
                RequestRecord rec = r.next();
                records.add(rec);
                examples += rec.candidateCount();
            }
        }
        if (examples < c.batchSize()) {
            throw new IllegalArgumentException(c.examples() + " holds " + examples + " examples, fewer than one batch of " + c.batchSize());
        }
        log.printf(Locale.ROOT, "bench train: %,d examples of %s; GEMM rate (%d threads)…%n", examples, c.examples(), threads);
        GemmPeak gemm = GemmPeak.measure(threads, 2000);
        log.printf(Locale.ROOT, "GEMM %.1f GFLOP/s (%s)%n", gemm.gflops(), gemm.impl());
        List<Cell> cells = new ArrayList<>();
        for (AblationRow row : rows) {
            ModelConfig mc = row.model().withDataSelection(header.selection());
            int maxNeg = mc.trainsNextAction() ? mc.nal().maxNegatives() : 0;
            List<Batch> batches = batches(mc, header, records, c.batchSize(), maxNeg);
            double tokens = 0;
            for (Batch b : batches) {
                for (int len : b.lengths()) {
                    tokens += len;
                }
            }
            double meanTokens = tokens / ((double) batches.size() * c.batchSize());
            // every engine of the row at once, its timed steps interleaved with the others' (always the engine with the
            // least measured time steps next), so that a change in the machine's load hits every engine alike
            int ne = c.engines().size();
            TransActModel[] models = new TransActModel[ne];
            Trainer[] trainers = new Trainer[ne];
            TrainingEngine[] kinds = new TrainingEngine[ne];
            try {
                for (int k = 0; k < ne; k++) {
                    kinds[k] = TrainingEngine.parse(c.engines().get(k));
                    TrainerConfig tc = TrainerConfig.defaults().withBatchSize(c.batchSize())
                            .withSeed(c.seed()).withEngine(kinds[k]).withThreads(threads).withLogEverySteps(0);
                    models[k] = new TransActModel(mc, c.seed());
                    trainers[k] = new Trainer(models[k], tc);
                }
                float lr = TrainerConfig.defaults().learningRate();
                float[] first = new float[ne];
                float[] last = new float[ne];
                java.util.Arrays.fill(first, Float.NaN);
                for (int k = 0; k < ne; k++) {
                    for (int i = 0; i < c.warmupSteps(); i++) {
                        float l = trainers[k].trainStep(batches.get(i % batches.size()), lr);
                        first[k] = Float.isNaN(first[k]) ? l : first[k];
                    }
                }
                long[] flops0 = new long[ne];
                long[] nanos = new long[ne];
                int[] steps = new int[ne];
                long[] seen = new long[ne];
                for (int k = 0; k < ne; k++) {
                    flops0[k] = trainers[k].javaEngineFlops();
                }
                while (true) {
                    int k = -1;
                    for (int j = 0; j < ne; j++) {
                        boolean needs = steps[j] < c.steps() || nanos[j] / 1e9 < c.minSeconds();
                        if (needs && (k < 0 || nanos[j] < nanos[k])) {
                            k = j;
                        }
                    }
                    if (k < 0) {
                        break;
                    }
                    Batch b = batches.get((c.warmupSteps() + steps[k]) % batches.size());
                    long t0 = System.nanoTime();
                    last[k] = trainers[k].trainStep(b, lr);
                    nanos[k] += System.nanoTime() - t0;
                    first[k] = Float.isNaN(first[k]) ? last[k] : first[k];
                    seen[k] += b.size();
                    steps[k]++;
                }
                for (int k = 0; k < ne; k++) {
                    double seconds = nanos[k] / 1e9;
                    double gflops = kinds[k] == TrainingEngine.JAVA
                            ? (trainers[k].javaEngineFlops() - flops0[k]) / seconds / 1e9 : Double.NaN;
                    Cell cell = new Cell(kinds[k].label(), row.name(), steps[k], seen[k], seconds, seen[k] / seconds, gflops,
                            meanTokens, first[k], last[k]);
                    cells.add(cell);
                    log.printf(Locale.ROOT, "%s %s: %d steps, %,.0f examples/s%s%n", row.name(), kinds[k].label(), steps[k],
                            cell.examplesPerSecond(), Double.isNaN(gflops) ? "" : String.format(Locale.ROOT, ", %.1f GFLOP/s", gflops));
                }
            } finally {
                for (int k = 0; k < ne; k++) {
                    if (trainers[k] != null) {
                        trainers[k].close();
                    }
                    if (models[k] != null) {
                        models[k].close();
                    }
                }
            }
        }
        return new Report(c, cpuName(), threads, gemm, cells);
    }

    /** The examples in file order, cut into full batches (the last partial batch is dropped). */
    static List<Batch> batches(ModelConfig mc, ExampleHeader header, List<RequestRecord> records, int batchSize, int maxNeg) {
        ExampleBatcher batcher = new ExampleBatcher(mc, header);
        List<Batch> out = new ArrayList<>();
        Batch b = Batch.allocate(mc, batchSize, maxNeg);
        int row = 0;
        for (RequestRecord r : records) {
            for (int j = 0; j < r.candidateCount(); j++) {
                batcher.put(b, row++, r, j);
                if (row == batchSize) {
                    out.add(b);
                    b = Batch.allocate(mc, batchSize, maxNeg);
                    row = 0;
                }
            }
        }
        return out;
    }

    /** {@code Model name} of /proc/cpuinfo, or the OS architecture. */
    static String cpuName() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }
}
