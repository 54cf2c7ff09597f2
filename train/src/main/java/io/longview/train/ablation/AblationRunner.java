package io.longview.train.ablation;

import io.longview.core.io.InputException;

import io.longview.core.eval.HeadMetrics;
import io.longview.core.select.SelectionRule;
import io.longview.examples.ExampleHeader;
import io.longview.examples.ExampleFormat;
import io.longview.examples.ExampleReader;
import io.longview.examples.ExampleSet;
import io.longview.examples.RequestRecord;
import io.longview.train.Evaluator;
import io.longview.train.Trainer;
import io.longview.train.TrainerConfig;
import io.longview.train.TransActModel;
import io.longview.train.TrainingReport;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains and evaluates the rows of an ablation ladder (DESIGN §5) on identical data and seed.
 *
 * <p>Every row: a fresh {@link TransActModel} initialized from {@code seed}; the training examples of its selection
 * rule's {@code train.lvx} (capped by {@link AblationBudget#maxTrainExamples}, whole requests, file order); the same
 * per-epoch shuffle from {@code seed} (the example files of the different rules hold the same requests and candidates,
 * so every row sees the same order); {@link Trainer#train} (host AdamW, warm-up and cosine decay, early stopping when
 * the budget's trainer config asks for it) with {@code eval.lvx} evaluated every {@link AblationBudget#evalEverySteps}
 * steps (or after each epoch) and at the end, and its checkpoints ({@code last.lvck}, {@code best.lvck},
 * {@code trainer.state}) in {@code runDir/rows/<row>}. The reported metrics are the last evaluation's, or the best
 * one's when early stopping restored the best weights. The lifts are
 * {@link HeadMetrics#hitAt3LiftOver} the {@link AblationLadder#NO_SEQUENCE} row when it is among the rows.
 *
 * <p>The rows run one after the other (one gradient collector per JVM). A progress line is printed per row start,
 * per evaluation and per row end.
 */
public final class AblationRunner {
    /**
     * The blend of the final ranking for {@link AblationResult.RowResult#blendedHitAt3()}: click 1, save 2, hide −3
     * (the serving default, {@code longview serve --head-weights}); heads not named weigh 0.
     */
    public static final Map<String, Double> BLEND_WEIGHTS = Map.of("click", 1.0, "save", 2.0, "hide", -3.0);

    private final PrintStream progress;
    private final String codeVersion;
    private PrintStream trainLog;

    /**
     * @param progress    where progress lines go
     * @param codeVersion recorded in the result's provenance (e.g. {@code git describe --always --dirty})
     */
    public AblationRunner(PrintStream progress, String codeVersion) {
        this.progress = progress;
        this.codeVersion = codeVersion == null ? "unknown" : codeVersion;
        this.trainLog = progress;
    }

    /** Where the trainer's per-step progress lines go ({@code null}: nowhere); by default the progress stream. */
    public AblationRunner withTrainLog(PrintStream log) {
        this.trainLog = log;
        return this;
    }

    /** {@link #run(AblationData, Path, List, long, AblationBudget)} of a dataset directory, progress to stdout. */
    public static AblationResult run(Path datasetDir, Path runDir, List<AblationRow> rows, long seed, AblationBudget budget) {
        return new AblationRunner(System.out, defaultCodeVersion()).run(AblationData.fromDataset(datasetDir), runDir, rows, seed, budget);
    }

    /** The code version: {@link Trainer#codeVersionOfThisBuild()}. */
    public static String defaultCodeVersion() {
        return Trainer.codeVersionOfThisBuild();
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
        Map<SelectionRule, Path> dirs = examples(data, runDir, rows);
        String snapshot;
        snapshot = new ExampleSet(dirs.values().iterator().next()).summary(ExampleHeader.Side.TRAIN).header().snapshotId();
        List<AblationResult.RowResult> results = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            AblationRow row = rows.get(i);
            progress.printf(Locale.ROOT, "[ablation %d/%d] %s (%s): training on %s%n", i + 1, rows.size(), row.name(),
                    row.label(), dirs.get(row.selectionRule()));
            results.add(runRow(row, dirs.get(row.selectionRule()), runDir.resolve("rows").resolve(row.name()), seed, budget));
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
                    lift, r.stepLoss(), r.history(), r.trainExamples(), r.seconds(), r.examplesPerSecond(), r.checkpoint(),
                    r.blendedHitAt3()));
        }
        List<String> settings = new ArrayList<>();
        settings.add("budget: " + budget.describe());
        settings.add("rows: " + rows.stream().map(AblationRow::name).toList());
        AblationRow first = rows.get(0);
        settings.add(String.format(Locale.ROOT, "model: d_emb %d, d_model %d, d_ff %d, layers %d, T %d, mlp %s, cross %d, heads %s",
                first.model().dEmb(), first.model().dModel(), first.model().dFf(), first.model().layers(), first.model().seqLength(),
                first.model().mlp(), first.model().crossLayers(), heads));
        dirs.forEach((rule, dir) -> settings.add("examples " + rule + ": " + dir));
        return new AblationResult(seed, snapshot, codeVersion, settings, heads, baseline, withLift);
    }

    /**
     * The ladder once per seed, on the same examples: the example sets are built (or found) once, in {@code runDir},
     * and seed {@code s} trains into {@code runDir/seed-<s>} ({@link #run} with that folder). One seed is exactly
     * {@link #run} into {@code runDir} itself.
     *
     * @return one result per seed, in the given order
     * @throws IllegalArgumentException when seeds is empty or repeats a seed, or as {@link #run}
     */
    public List<AblationResult> runSeeds(AblationData data, Path runDir, List<AblationRow> rows, List<Long> seeds,
                                         AblationBudget budget) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no ablation rows");
        }
        if (seeds.isEmpty() || seeds.stream().distinct().count() != seeds.size()) {
            throw new IllegalArgumentException("seeds must be distinct and at least one, got " + seeds);
        }
        if (seeds.size() == 1) {
            return List.of(run(data, runDir, rows, seeds.get(0), budget));
        }
        AblationData built = AblationData.ofExamples(examples(data, runDir, rows));
        List<AblationResult> results = new ArrayList<>();
        for (int i = 0; i < seeds.size(); i++) {
            long seed = seeds.get(i);
            progress.printf(Locale.ROOT, "[ablation] seed %d (%d of %d)%n", seed, i + 1, seeds.size());
            results.add(run(built, seedDir(runDir, seed), rows, seed, budget));
        }
        return results;
    }

    /** Where {@link #runSeeds} puts the run of one seed when there are several. */
    public static Path seedDir(Path runDir, long seed) {
        return runDir.resolve("seed-" + seed);
    }

    /** The example directory of every rule the rows need (built into {@code runDir} when absent), each checked. */
    private Map<SelectionRule, Path> examples(AblationData data, Path runDir, List<AblationRow> rows) {
        try {
            Files.createDirectories(runDir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<SelectionRule, Path> dirs = new EnumMap<>(SelectionRule.class);
        for (AblationRow r : rows) {
            dirs.computeIfAbsent(r.selectionRule(), rule -> data.examplesFor(rule, runDir, progress));
        }
        for (Path dir : dirs.values()) {
            checkLearnable(dir, rows.get(0).model().heads());
        }
        return dirs;
    }

    /**
     * Stops a run that could not learn or be evaluated: an example file without requests, or a model head without a
     * positive example in the training or the evaluation split (its loss would teach "never", its AUC and HIT@3 would
     * be undefined).
     *
     * @throws InputException naming the file, the head and the option that fixes it
     */
    public static void checkLearnable(Path examplesDir, List<String> heads) {
        for (ExampleHeader.Side side : ExampleHeader.Side.values()) {
            Path f = new ExampleSet(examplesDir).path(side); // a file, or a directory of shards
            ExampleReader.Summary s = ExampleSet.summary(f);
            String split = side == ExampleHeader.Side.TRAIN ? "training" : "evaluation";
            if (s.footer().requests() == 0) {
                throw new InputException(f, 0, "the " + split + " split has 0 requests: nothing to "
                        + (split.equals("training") ? "train on" : "evaluate") + ". A log without impression rows needs "
                        + "'import csv|jsonl --requests sessions'; otherwise move the split with --split-time (import or examples)");
            }
            List<ExampleFormat.LabelHead> fileHeads = s.header().heads();
            for (String head : heads) {
                for (int h = 0; h < fileHeads.size(); h++) {
                    if (fileHeads.get(h).name().equals(head) && s.footer().positives(h) == 0) {
                        List<String> others = heads.stream().filter(x -> !x.equals(head)).toList();
                        throw new InputException(f, 0, "head '" + head + "' has no positive example in the " + split
                                + " split (" + s.footer().candidates() + " examples): it cannot be learned or evaluated; "
                                + (others.isEmpty() ? "this log has no such action" : "drop it with --heads " + String.join(",", others))
                                + (split.equals("evaluation") ? ", or move the split with --split-time" : ""));
                    }
                }
            }
        }
    }

    private AblationResult.RowResult runRow(AblationRow row, Path examplesDir, Path rowDir, long seed, AblationBudget budget) {
        long start = System.nanoTime();
        // all examples: streamed by the trainer (bounded memory); a capped budget reads only its first requests
        List<RequestRecord> records = budget.maxTrainExamples() == 0 ? null : new ArrayList<>();
        ExampleHeader header = null;
        ExampleSet set = new ExampleSet(examplesDir); // train.lvx/eval.lvx, or the shard directories train/ and eval/
        Path trainFile = set.path(ExampleHeader.Side.TRAIN);
        long total = records == null ? ExampleSet.summary(trainFile).footer().candidates() : 0;
        try (ExampleSet.Records r = records == null ? null : ExampleSet.records(trainFile)) {
            header = r == null ? null : r.header();
            while (r != null && r.hasNext() && total < budget.maxTrainExamples()) {
                RequestRecord rec = r.next();
                records.add(rec);
                total += rec.candidateCount();
            }
        }
        TrainerConfig tc = budget.trainer().withSeed(seed).withMaxSteps(budget.maxSteps())
                .withEvalEverySteps(budget.evalEverySteps());
        Path evalFile = set.path(ExampleHeader.Side.EVAL);
        List<AblationResult.EvalPoint> history = new ArrayList<>();
        Map<String, HeadMetrics> last;
        Map<String, Double> blended = new LinkedHashMap<>();
        TrainingReport report;
        // the row's parts and loss, the example file's budgets for those parts; examples built with item features
        // widen the dense input by them (the checkpoint's dense feature names record them, so serving computes them)
        var modelConfig = row.model().withDataSelection(ExampleSet.summary(trainFile).header().selection());
        List<String> itemNames = io.longview.examples.ItemFeatureFile.namesBeside(examplesDir);
        if (!itemNames.isEmpty()) {
            List<String> dense = new ArrayList<>(modelConfig.denseFeatures());
            dense.addAll(itemNames);
            modelConfig = modelConfig.toBuilder().denseFeatures(dense).build();
        }
        try (TransActModel model = new TransActModel(modelConfig, seed)) {
            Trainer trainer = new Trainer(model, tc).withLog(trainLog).withCodeVersion(codeVersion)
                    .withEvalFraction(budget.evalFraction());
            report = records == null ? trainer.train(trainFile, evalFile, rowDir)
                    : trainer.train(records, header, evalFile, rowDir);
            for (TrainingReport.EvalPoint p : report.history()) {
                history.add(new AblationResult.EvalPoint(p.step(), p.heads()));
            }
            boolean current = !report.stoppedEarly() && trainer.lastEvaluationStep() == report.steps();
            // after early stopping the trainer restored the best weights: they are evaluated again for their scores
            Evaluator.Evaluation finalEval = current ? trainer.lastEvaluation()
                    : evaluate(model, evalFile, row, report.steps(), budget);
            if (!current && !report.stoppedEarly()) {
                history.add(new AblationResult.EvalPoint(report.steps(), finalEval.heads()));
            }
            last = finalEval.heads();
            for (String h : row.model().heads()) {
                blended.put(h, finalEval.blendedHitAt3(h, BLEND_WEIGHTS));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        StringBuilder line = new StringBuilder();
        last.forEach((h, m) -> line.append(String.format(Locale.ROOT, "  %s auc %s gauc %s hit@3 %s", h, m.aucText(), m.gaucText(), m.hitAt3Text())));
        List<Double> losses = report.stepLoss();
        progress.printf(Locale.ROOT, "[ablation] %s done: %d steps, %,.0f ex/s, final loss %.4f, %.1f s;%s%n", row.name(),
                losses.size(), report.examplesPerSecond(), losses.isEmpty() ? Double.NaN : losses.getLast(), seconds, line);
        return new AblationResult.RowResult(row.name(), row.label(), row.selectionRule().name(), examplesDir.toString(), last,
                Map.of(), losses, history, total, seconds, report.examplesPerSecond(),
                rowDir.resolve(report.stoppedEarly() ? "best.lvck" : "last.lvck").toString(), blended);
    }

    private Evaluator.Evaluation evaluate(TransActModel model, Path evalFile, AblationRow row, int steps, AblationBudget budget) {
        long t0 = System.nanoTime();
        Evaluator.Evaluation e = new Evaluator(model, budget.evalBatchSize(), budget.trainer().engine(),
                budget.trainer().effectiveThreads()).evaluate(evalFile, budget.evalFraction());
        progress.printf(Locale.ROOT, "[ablation] %s step %d: eval %d examples (%.1f s)%n", row.name(), steps, e.examples(),
                (System.nanoTime() - t0) / 1e9);
        return e;
    }

    /** The lifelong selection rule recorded in an example file's header. */
    static SelectionRule ruleOf(Path exampleFile) {
        return ExampleSet.summary(exampleFile).header().selection().lifelongRule();
    }
}
