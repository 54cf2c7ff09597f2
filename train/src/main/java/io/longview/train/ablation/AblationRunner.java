package io.longview.train.ablation;

import ai.djl.training.optimizer.Optimizer;
import io.longview.core.eval.HeadMetrics;
import io.longview.core.select.SelectionRule;
import io.longview.examples.ExampleHeader;
import io.longview.examples.ExampleReader;
import io.longview.examples.RequestRecord;
import io.longview.train.Batch;
import io.longview.train.Evaluator;
import io.longview.train.ExampleBatcher;
import io.longview.train.NalMode;
import io.longview.train.Trainer;
import io.longview.train.TrainerConfig;
import io.longview.train.TransActModel;
import io.longview.train.WarmupCosineSchedule;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains and evaluates the rows of an ablation ladder (DESIGN §5) on identical data and seed.
 *
 * <p>Every row: a fresh {@link TransActModel} initialized from {@code seed}; the training examples of its selection
 * rule's {@code train.lvx} (capped by {@link AblationBudget#maxTrainExamples}, whole requests, file order); the same
 * per-epoch shuffle from {@code seed} (the example files of the different rules hold the same requests and candidates,
 * so every row sees the same order); AdamW with {@link WarmupCosineSchedule} over the (capped) step count; one
 * {@link Trainer#step} per batch, each loss recorded; {@link Evaluator} on {@code eval.lvx} every
 * {@link AblationBudget#evalEverySteps} steps (or after each epoch) and at the end. The lifts are
 * {@link HeadMetrics#hitAt3LiftOver} the {@link AblationLadder#NO_SEQUENCE} row when it is among the rows.
 *
 * <p>The rows run one after the other (one gradient collector per JVM). A progress line is printed per row start,
 * per evaluation and per row end.
 */
public final class AblationRunner {
    private final PrintStream progress;
    private final String codeVersion;

    /**
     * @param progress    where progress lines go
     * @param codeVersion recorded in the result's provenance (e.g. {@code git describe --always --dirty})
     */
    public AblationRunner(PrintStream progress, String codeVersion) {
        this.progress = progress;
        this.codeVersion = codeVersion == null ? "unknown" : codeVersion;
    }

    /** {@link #run(AblationData, Path, List, long, AblationBudget)} of a dataset directory, progress to stdout. */
    public static AblationResult run(Path datasetDir, Path runDir, List<AblationRow> rows, long seed, AblationBudget budget) {
        return new AblationRunner(System.out, defaultCodeVersion()).run(AblationData.fromDataset(datasetDir), runDir, rows, seed, budget);
    }

    /** The code version: system property {@code longview.codeVersion}, else this jar's implementation version, else {@code unknown}. */
    public static String defaultCodeVersion() {
        String v = System.getProperty("longview.codeVersion");
        if (v == null) {
            v = AblationRunner.class.getPackage().getImplementationVersion();
        }
        return v == null ? "unknown" : v;
    }

    /**
     * Builds the example sets the rows need (into {@code runDir} unless prebuilt), then trains and evaluates each row.
     *
     * @throws IllegalArgumentException when rows is empty, names repeat, or the rows' heads differ
     */
    public AblationResult run(AblationData data, Path runDir, List<AblationRow> rows, long seed, AblationBudget budget) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no ablation rows");
        }
        List<String> heads = rows.get(0).model().heads();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (AblationRow r : rows) {
            if (!r.model().heads().equals(heads)) {
                throw new IllegalArgumentException("row " + r.name() + " has heads " + r.model().heads() + ", expected " + heads);
            }
            if (!names.add(r.name())) {
                throw new IllegalArgumentException("row " + r.name() + " appears twice");
            }
        }
        try {
            Files.createDirectories(runDir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<SelectionRule, Path> dirs = new EnumMap<>(SelectionRule.class);
        for (AblationRow r : rows) {
            dirs.computeIfAbsent(r.selectionRule(), rule -> data.examplesFor(rule, runDir, progress));
        }
        String snapshot;
        try (ExampleReader reader = ExampleReader.open(dirs.values().iterator().next().resolve("train.lvx"))) {
            snapshot = reader.header().snapshotId();
        }
        List<AblationResult.RowResult> results = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            AblationRow row = rows.get(i);
            progress.printf(Locale.ROOT, "[ablation %d/%d] %s (%s): training on %s%n", i + 1, rows.size(), row.name(),
                    row.label(), dirs.get(row.selectionRule()));
            results.add(runRow(row, dirs.get(row.selectionRule()), seed, budget));
        }
        String baseline = null;
        AblationResult.RowResult base = null;
        for (AblationResult.RowResult r : results) {
            if (r.name().equals(AblationLadder.NO_SEQUENCE)) {
                baseline = r.name();
                base = r;
            }
        }
        List<AblationResult.RowResult> withLift = new ArrayList<>();
        for (AblationResult.RowResult r : results) {
            Map<String, Double> lift = new LinkedHashMap<>();
            for (String h : heads) {
                lift.put(h, base == null ? Double.NaN : r.metrics().get(h).hitAt3LiftOver(base.metrics().get(h)));
            }
            withLift.add(new AblationResult.RowResult(r.name(), r.label(), r.selectionRule(), r.examplesDir(), r.metrics(),
                    lift, r.stepLoss(), r.history(), r.trainExamples(), r.seconds()));
        }
        List<String> settings = new ArrayList<>();
        settings.add("budget: " + budget.describe());
        settings.add("rows: " + rows.stream().map(AblationRow::name).toList());
        AblationRow first = rows.get(0);
        settings.add(String.format(Locale.ROOT, "model: d_emb %d, d_model %d, d_ff %d, layers %d, T %d, mlp %s, cross %d, heads %s",
                first.model().dEmb(), first.model().dModel(), first.model().dFf(), first.model().layers(), first.model().seqLen(),
                first.model().mlp(), first.model().crossLayers(), heads));
        dirs.forEach((rule, dir) -> settings.add("examples " + rule + ": " + dir));
        return new AblationResult(seed, snapshot, codeVersion, settings, heads, baseline, withLift);
    }

    private AblationResult.RowResult runRow(AblationRow row, Path examplesDir, long seed, AblationBudget budget) {
        long start = System.nanoTime();
        List<RequestRecord> records = new ArrayList<>();
        ExampleHeader header;
        long total = 0;
        try (ExampleReader r = ExampleReader.open(examplesDir.resolve("train.lvx"))) {
            header = r.header();
            while (r.hasNext() && (budget.maxTrainExamples() == 0 || total < budget.maxTrainExamples())) {
                RequestRecord rec = r.next();
                records.add(rec);
                total += rec.candidateCount();
            }
        }
        int n = Math.toIntExact(total);
        long[] order = new long[n];                               // (request index << 32) | candidate
        int k = 0;
        for (int i = 0; i < records.size(); i++) {
            for (int j = 0; j < records.get(i).candidateCount(); j++) {
                order[k++] = (long) i << 32 | j;
            }
        }
        TrainerConfig tc = budget.trainer().withSeed(seed).withLoss(row.loss());
        int bs = tc.batchSize();
        int stepsPerEpoch = (n + bs - 1) / bs;
        int planned = Math.max(1, stepsPerEpoch * tc.epochs());
        if (budget.maxSteps() > 0) {
            planned = Math.min(planned, budget.maxSteps());
        }
        Path evalFile = examplesDir.resolve("eval.lvx");
        List<Double> losses = new ArrayList<>();
        List<AblationResult.EvalPoint> history = new ArrayList<>();
        Map<String, HeadMetrics> last;
        try (TransActModel model = new TransActModel(row.model(), seed)) {
            Trainer trainer = new Trainer(model, tc);
            Evaluator evaluator = new Evaluator(model, budget.evalBatchSize());
            Optimizer adamW = Optimizer.adamW()
                    .optLearningRateTracker(new WarmupCosineSchedule(tc.learningRate(), Math.min(tc.warmupSteps(), planned),
                            planned, tc.minLrFactor()))
                    .optWeightDecays(tc.weightDecay())
                    .build();
            int maxNeg = row.loss().nalMode() == NalMode.OFF ? 0 : row.loss().maxNegatives();
            ExampleBatcher batcher = new ExampleBatcher(row.model(), header);
            SplittableRandom rng = new SplittableRandom(seed);
            int steps = 0;
            int lastEval = -1;
            training:
            for (int epoch = 0; epoch < tc.epochs(); epoch++) {
                for (int i = n - 1; i > 0; i--) {                 // Fisher–Yates, as the Trainer does
                    int j = rng.nextInt(i + 1);
                    long t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
                for (int from = 0; from < n; from += bs) {
                    if (steps >= planned) {
                        break training;
                    }
                    int m = Math.min(bs, n - from);
                    Batch batch = Batch.allocate(row.model(), m, maxNeg);
                    for (int b = 0; b < m; b++) {
                        long o = order[from + b];
                        batcher.put(batch, b, records.get((int) (o >>> 32)), (int) o);
                    }
                    losses.add((double) trainer.step(batch, adamW));
                    steps++;
                    if (budget.evalEverySteps() > 0 && steps % budget.evalEverySteps() == 0 && steps < planned) {
                        history.add(evaluate(evaluator, evalFile, row, steps));
                        lastEval = steps;
                    }
                }
                if (budget.evalEverySteps() == 0 && steps < planned) {
                    history.add(evaluate(evaluator, evalFile, row, steps));
                    lastEval = steps;
                }
            }
            if (lastEval != steps) {
                history.add(evaluate(evaluator, evalFile, row, steps));
            }
            last = history.get(history.size() - 1).metrics();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        StringBuilder line = new StringBuilder();
        last.forEach((h, m) -> line.append(String.format(Locale.ROOT, "  %s auc %.4f gauc %.4f hit@3 %.4f", h, m.auc(), m.gauc(), m.hitAt3())));
        progress.printf(Locale.ROOT, "[ablation] %s done: %d steps, final loss %.4f, %.1f s;%s%n", row.name(), losses.size(),
                losses.isEmpty() ? Double.NaN : losses.get(losses.size() - 1), seconds, line);
        return new AblationResult.RowResult(row.name(), row.label(), row.selectionRule().name(), examplesDir.toString(), last,
                Map.of(), losses, history, total, seconds);
    }

    private AblationResult.EvalPoint evaluate(Evaluator evaluator, Path evalFile, AblationRow row, int steps) {
        long t0 = System.nanoTime();
        Evaluator.Evaluation e = evaluator.evaluate(evalFile);
        progress.printf(Locale.ROOT, "[ablation] %s step %d: eval %d examples (%.1f s)%n", row.name(), steps, e.examples(),
                (System.nanoTime() - t0) / 1e9);
        return new AblationResult.EvalPoint(steps, e.heads());
    }

    /** The lifelong selection rule recorded in an example file's header. */
    static SelectionRule ruleOf(Path exampleFile) {
        try (ExampleReader r = ExampleReader.open(exampleFile)) {
            return r.header().selection().lifelongRule();
        }
    }
}
