package io.longview.cli;

import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.io.InputException;
import io.longview.train.TrainerConfig;
import io.longview.train.ablation.AblationBudget;
import io.longview.train.ablation.AblationData;
import io.longview.train.ablation.AblationLadder;
import io.longview.train.ablation.AblationResult;
import io.longview.train.ablation.AblationRow;
import io.longview.train.ablation.AblationRunner;
import io.longview.train.report.AblationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code longview ablate}: the ablation ladder of DESIGN §5 on one dataset — every row trained from the same seed on
 * the same examples and evaluated on the same evaluation split — with the table printed and {@code report.md} /
 * {@code report.html} (loss and metric plots) written into the run folder, plus each row's checkpoints.
 */
@Command(name = "ablate", mixinStandardHelpOptions = true,
        description = {"Train and evaluate the ablation ladder (no-sequence, RT only, RT + NAL in-batch, RT + NAL impressions,",
                "V2, LL random, LL most recent) on one dataset with the same data and seed; print the table and write",
                "report.md and report.html into the run folder."})
final class AblateCommand implements Callable<Integer> {
    @Option(names = "--dataset", required = true, description = "the dataset directory (events, items, dataset.json)")
    Path dataset;

    @Option(names = "--examples", description = "nearest-neighbour examples already built for this dataset with its default settings (default <dataset>/examples): "
            + "train.lvx + eval.lvx, or the shard directories train/ + eval/ of examples --engine spark; rebuilt into the run folder when absent or different")
    Path examples;

    @Option(names = "--run", description = "the run folder (default runs/ablate-<dataset name>-<UTC time>)")
    Path run;

    @Option(names = "--rows", split = ",", description = "rows to run, in ladder order (default: all): ${DEFAULT-VALUE}",
            defaultValue = "no-sequence,rt-only,rt-nal-inbatch,rt-nal-imp,v2,ll-random,ll-most-recent")
    List<String> rows;

    @Option(names = "--heads", split = ",", defaultValue = "click,save,hide",
            description = "the model's heads, a subset of click,save,hide (default ${DEFAULT-VALUE}); drop one the log never has")
    List<String> heads;

    @Option(names = "--seed", description = "the seed of every row: initial weights and example order (default ${DEFAULT-VALUE})", defaultValue = "1")
    long seed;

    @Option(names = "--seeds", split = ",", paramLabel = "S,S,…",
            description = "run the whole ladder once per seed on the same examples (into <run>/seed-<s>) and report every cell as mean ± std over the seeds; replaces --seed")
    List<Long> seeds;

    @Option(names = "--max-train-examples", description = "train on the first whole requests of train.lvx up to this many examples; 0: all (default ${DEFAULT-VALUE})", defaultValue = "0")
    int maxTrainExamples;

    @Option(names = "--max-steps", description = "optimizer steps per row at most; 0: no cap (default ${DEFAULT-VALUE})", defaultValue = "0")
    int maxSteps;

    @Option(names = "--epochs", description = "passes over the training examples (default ${DEFAULT-VALUE})", defaultValue = "1")
    int epochs;

    @Option(names = "--batch-size", description = "examples per step (default ${DEFAULT-VALUE})", defaultValue = "256")
    int batchSize;

    @Option(names = "--lr", description = "peak learning rate (default ${DEFAULT-VALUE})", defaultValue = "1e-3")
    float learningRate;

    @Option(names = "--warmup", description = "warm-up steps (default ${DEFAULT-VALUE})", defaultValue = "100")
    int warmup;

    @Option(names = "--eval-every", description = "evaluate every this many steps for the curves; 0: after each epoch (default ${DEFAULT-VALUE})", defaultValue = "0")
    int evalEvery;

    @Option(names = "--eval-fraction", description = "evaluate on this fixed sample of the evaluation requests, the same for every row (default ${DEFAULT-VALUE}: all)", defaultValue = "1")
    double evalFraction;

    @Option(names = "--engine", description = "what computes the gradients: java (the fused Vector API trainer) or djl (DJL/PyTorch autograd, the reference) (default ${DEFAULT-VALUE})", defaultValue = "java")
    String engine;

    @Option(names = "--threads", description = "threads of the java engine; 0: every available processor (default ${DEFAULT-VALUE}); a seed and a thread count give bit-identical checkpoints", defaultValue = "0")
    int threads;

    @Option(names = "--log-every", description = "a training progress line every this many steps; 0: none (default ${DEFAULT-VALUE})", defaultValue = "50")
    int logEvery;

    @Option(names = "--item-features", description = {"none, or stats: every row also takes the candidates' point-in-time item",
            "statistics as dense features (examples built with them; see 'examples --item-features') (default ${DEFAULT-VALUE})"},
            defaultValue = "none")
    String itemFeatures;

    @Override
    public Integer call() {
        if (!Files.isDirectory(dataset)) {
            throw new InputException("no dataset directory " + dataset);
        }
        if (maxTrainExamples < 0 || maxSteps < 0 || evalEvery < 0 || logEvery < 0 || threads < 0) {
            throw new InputException("--max-train-examples, --max-steps, --eval-every, --log-every and --threads must be ≥ 0");
        }
        if (!engine.equalsIgnoreCase("java") && !engine.equalsIgnoreCase("djl")) {
            throw new InputException("--engine " + engine + ": expected java or djl");
        }
        io.longview.train.TrainingEngine trainingEngine = io.longview.train.TrainingEngine.parse(engine);
        if (heads.isEmpty() || heads.stream().distinct().count() != heads.size()
                || !ModelConfig.DEFAULT.heads().containsAll(heads)) {
            throw new io.longview.core.io.InputException("--heads " + String.join(",", heads) + ": expected distinct names among "
                    + String.join(",", ModelConfig.DEFAULT.heads()));
        }
        ModelConfig base = ModelConfig.DEFAULT.toBuilder().heads(heads).build();
        List<AblationRow> ladder = Cli.fromOptions(() -> AblationLadder.select(base, rows.toArray(String[]::new)));
        Path runDir = run != null ? run : Path.of("runs", "ablate-" + dataset.toAbsolutePath().normalize().getFileName() + "-"
                + LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        AblationBudget budget = Cli.fromOptions(() -> new AblationBudget(TrainerConfig.defaults()
                .withBatchSize(batchSize).withEpochs(epochs).withLearningRate(learningRate).withWarmupSteps(warmup).withLogEverySteps(logEvery)
                        .withEngine(trainingEngine).withThreads(threads),
                maxSteps, maxTrainExamples, evalEvery, 512, evalFraction));
        io.longview.examples.ItemFeatures items = switch (itemFeatures) {
            case "none" -> io.longview.examples.ItemFeatures.NONE;
            case "stats" -> io.longview.examples.ItemFeatures.STATS;
            default -> throw new InputException("--item-features " + itemFeatures + ": expected none or stats");
        };
        if (seeds != null && (seeds.isEmpty() || seeds.stream().distinct().count() != seeds.size())) {
            throw new InputException("--seeds " + seeds + ": expected distinct seeds, e.g. --seeds 1,2,3");
        }
        if (seeds == null || seeds.size() == 1) {
            AblationResult result = run(dataset, examples, runDir, ladder, seeds == null ? seed : seeds.get(0), budget, items, System.out);
            printSummary(result, runDir, System.out);
            return 0;
        }
        AblationData data = AblationData.fromDataset(dataset, examples != null ? examples : dataset.resolve("examples"), items);
        List<AblationResult> results = new AblationRunner(System.out, AblationRunner.defaultCodeVersion())
                .runSeeds(data, runDir, ladder, seeds, budget);
        List<Path> seedDirs = seeds.stream().map(s -> AblationRunner.seedDir(runDir, s)).toList();
        AblationReport.write(results, seedDirs, runDir, new PrintStream(java.io.OutputStream.nullOutputStream()));
        System.out.println();
        System.out.println(AblationReport.markdownTable(results));
        System.out.printf(Locale.ROOT, "%d seeds (%s); each cell mean ± std. peak JVM heap used %.0f MiB; process peak RSS %s%n",
                seeds.size(), seeds, peakHeapMiB(), peakRss());
        System.out.println("report: " + runDir.resolve(AblationReport.MARKDOWN) + " and " + runDir.resolve(AblationReport.HTML)
                + "; each seed's own in " + runDir.resolve("seed-<s>"));
        return 0;
    }

    /** Runs the ladder and writes the reports; shared with {@code quickstart}. */
    static AblationResult run(Path dataset, Path examples, Path runDir, List<AblationRow> ladder, long seed, AblationBudget budget,
                              PrintStream out) {
        return run(dataset, examples, runDir, ladder, seed, budget, io.longview.examples.ItemFeatures.NONE, out);
    }

    /** {@link #run(Path, Path, Path, List, long, AblationBudget, PrintStream)} with item features in every row. */
    static AblationResult run(Path dataset, Path examples, Path runDir, List<AblationRow> ladder, long seed, AblationBudget budget,
                              io.longview.examples.ItemFeatures itemFeatures, PrintStream out) {
        AblationData data = AblationData.fromDataset(dataset, examples != null ? examples : dataset.resolve("examples"), itemFeatures);
        AblationResult result = new AblationRunner(out, AblationRunner.defaultCodeVersion()).run(data, runDir, ladder, seed, budget);
        AblationReport.write(result, runDir, new PrintStream(java.io.OutputStream.nullOutputStream()));
        return result;
    }

    /** The table, the throughput and peak heap, and where the reports are. */
    static void printSummary(AblationResult result, Path runDir, PrintStream out) {
        out.println();
        out.println(AblationReport.markdownTable(result));
        for (AblationResult.RowResult r : result.rows()) {
            out.printf(Locale.ROOT, "  %-16s %,9d train examples  %,6.0f ex/s  %6.1f s  checkpoint %s%n", r.name(),
                    r.trainExamples(), r.examplesPerSecond(), r.seconds(), r.checkpoint());
        }
        out.printf(Locale.ROOT, "peak JVM heap used %.0f MiB; process peak RSS %s%n", peakHeapMiB(), peakRss());
        out.println("report: " + runDir.resolve(AblationReport.MARKDOWN) + " and " + runDir.resolve(AblationReport.HTML));
    }

    static double peakHeapMiB() {
        double peak = 0;
        for (var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak / (1024.0 * 1024);
    }

    /** VmHWM of /proc/self/status (the process's peak resident set, native memory of libtorch included), or "n/a". */
    static String peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, "%.0f MiB", kb / 1024.0);
                }
            }
        } catch (Exception e) {
            // not Linux: no figure
        }
        return "n/a";
    }
}
