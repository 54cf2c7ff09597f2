package io.longview.train;

import io.longview.core.checkpoint.ModelConfig;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import io.longview.core.checkpoint.CheckpointWriter;
import io.longview.core.checkpoint.Provenance;
import io.longview.core.eval.HeadMetrics;
import io.longview.core.io.AtomicFiles;
import io.longview.core.io.InputException;
import io.longview.examples.ExampleHeader;
import io.longview.examples.RequestRecord;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The training loop: AdamW with {@link WarmupCosineSchedule}, examples (request, candidate) shuffled per epoch from
 * {@code seed}, the loss of {@link Losses} (weighted BCE + w_NAL · NAL), with a progress line, periodic evaluation,
 * early stopping, resumable checkpoints, a non-finite-loss stop and the optional V1 time-window mask.
 *
 * <p><b>Optimizer.</b> {@link #train} runs AdamW on the host ({@code β1 0.9, β2 0.999, ε 1e-8}, bias-corrected,
 * decoupled decay {@code w ← w − lr·(m̂/(√v̂ + ε) + λ·w)} on every parameter) over float arrays copied from the
 * gradients, so that its moments are plain Java arrays that a checkpoint saves and a resume restores bit for bit
 * (DJL's {@code Adam} keeps its moments private). Arithmetic is float32 per element in a fixed order: the update
 * is deterministic. {@link #step(Batch, Optimizer)} keeps the DJL-optimizer path for callers that want it.
 *
 * <p><b>Engines.</b> The gradients come from {@link TrainerConfig#engine()}: {@link TrainingEngine#JAVA} (the fused
 * {@link io.longview.train.fused.FusedTransAct} on a host copy of the weights, {@link TrainerConfig#effectiveThreads()}
 * threads; its step takes the untrimmed batch, it skips padding itself) or {@link TrainingEngine#DJL} (autograd over
 * {@link TransActModel#forward} on the trimmed batch). Everything else here — AdamW, the schedule, the state, the
 * checkpoints, evaluation — is the same code for both; the checkpoints' provenance names the engine.
 *
 * <p><b>Progress.</b> Every {@code logEverySteps} steps one line on the log stream (stderr by default):
 * {@code step 120/900 epoch 1/3 loss 0.4213 (avg 0.4502) 1,234 ex/s lr 9.8e-04}.
 *
 * <p><b>Evaluation and early stopping.</b> With an evaluation file, the {@link Evaluator} scores it every
 * {@code evalEverySteps} steps (or at each epoch end) and the report's {@link TrainingReport#history()} gets the
 * per-head metrics. The best evaluation by {@code earlyStopMetric} is kept: its weights in memory and, with a run
 * folder and a sequence model, as {@code best.lvck}. After {@code earlyStopPatience} evaluations without
 * improvement the run stops, and (patience &gt; 0) the best weights are restored into the model.
 *
 * <p><b>Checkpoints and resume.</b> With a run folder, {@code trainer.state} (weights, AdamW moments, step, epoch,
 * position in the epoch, loss sums, early-stopping state) is written every {@code checkpointEverySteps} steps and at
 * the end, with {@code last.lvck} beside it for a sequence model. {@link #resume(Path)} restores it; the next
 * {@link #train} then continues exactly where the saved run was: the epoch order is replayed from the seed (the
 * shuffles are cumulative, so replaying them reproduces the random state), the time-window mask draws from
 * {@code (seed, step)}, so a run of N steps, saved, resumed and trained one more step has the same weights bit for
 * bit as a run of N + 1 steps (a test checks it). Not restored: the evaluation history and wall-clock figures of
 * the run before the resume; the best weights in memory (the best metric value and step are; best.lvck stays on disk).
 *
 * <p><b>Non-finite loss.</b> A NaN or infinite loss stops training with an {@link IllegalStateException} naming the
 * step, each loss part and the learning rate; nothing is updated with that batch.
 *
 * <p><b>Reading.</b> {@link #train(Path, Path, Path)} streams the example file (or a directory of shard files)
 * through {@link ExampleStream}: a prefetch thread, a seeded shuffle buffer of
 * {@link ExampleStream#DEFAULT_BUFFER_REQUESTS} whole requests, a new order each epoch from (seed, epoch); memory does
 * not grow with the file. The {@code List<RequestRecord>} overloads keep the whole-file shuffle of examples held in
 * memory (tests, ablation subsets). DJL's PyTorch engine allows one
 * {@link GradientCollector} at a time per JVM: run one trainer at a time.
 */
public final class Trainer {
    /** The resumable state's file name in a run folder. */
    public static final String STATE_FILE = "trainer.state";
    private static final int STATE_MAGIC = 0x4C565453;          // "LVTS"
    private static final int STATE_VERSION = 1;
    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPS = 1e-8f;

    private final TransActModel model;
    private final TrainerConfig config;
    private PrintStream log = System.err;
    private int stepsTaken;
    private final Map<String, float[]> m1 = new LinkedHashMap<>();
    private final Map<String, float[]> m2 = new LinkedHashMap<>();
    private io.longview.train.fused.FusedTransAct fused;      // the Java engine while train() runs, else null
    private Map<String, float[]> hostWeights;                // the Java engine's copy of the model's weights
    private long flops;                                      // GEMM-family flops of the Java engine's steps so far
    private State resumed;
    private ExampleHeader header;                            // of the data being trained on: checkpoint settings
    private Path dataPath;                                   // the example file or shard directory streamed now, or null
    private Path buildSummary;                               // examples.json of that data (its time range), or null
    private String codeVersion = codeVersionOfThisBuild();
    private double evalFraction = 1.0;
    private Evaluator.Evaluation lastEvaluation;
    private int lastEvaluationStep = -1;

    /** Where a saved run was. */
    private record State(int step, int epoch, int stepInEpoch, double epochSum, long epochCount, List<Double> epochLoss,
                         double sinceEvalSum, long sinceEvalCount, double bestValue, int bestStep, int badEvals,
                         int total, int batchSize) {
    }

    public Trainer(TransActModel model, TrainerConfig config) {
        this.model = model;
        this.config = config;
    }

    /** Sends progress lines to {@code out} instead of stderr ({@code null}: none); returns this trainer. */
    public Trainer withLog(PrintStream out) {
        this.log = out;
        return this;
    }

    /**
     * Evaluates on a fixed sample of the evaluation file's requests ({@link Evaluator#evaluate(Path, double)}) instead
     * of all of them; returns this trainer.
     */
    public Trainer withEvalFraction(double fraction) {
        Evaluator.checkFraction(fraction);
        this.evalFraction = fraction;
        return this;
    }

    /** Records {@code version} as the checkpoints' code version (default: {@link #codeVersionOfThisBuild()}). */
    public Trainer withCodeVersion(String version) {
        this.codeVersion = version;
        return this;
    }

    /**
     * The code version recorded in checkpoints: the system property {@code longview.codeVersion} (the launcher sets
     * {@code git describe --always --dirty}), else the jar's implementation version, else {@code unknown}.
     */
    public static String codeVersionOfThisBuild() {
        String v = System.getProperty("longview.codeVersion");
        if (v == null || v.isBlank()) {
            v = Trainer.class.getPackage().getImplementationVersion();
        }
        return v == null || v.isBlank() ? "unknown" : v;
    }

    /** The scores and labels of the newest evaluation of {@link #train}, or null; see {@link #lastEvaluationStep()}. */
    public Evaluator.Evaluation lastEvaluation() {
        return lastEvaluation;
    }

    /** The step at which {@link #lastEvaluation()} ran (−1: none). */
    public int lastEvaluationStep() {
        return lastEvaluationStep;
    }

    /** Optimizer steps taken so far (including those of a resumed run). */
    public int stepsTaken() {
        return stepsTaken;
    }

    /** Trains on every example of {@code exampleFile} (an {@code examples} module file, e.g. {@code train.lvx}). */
    public TrainingReport train(Path exampleFile) {
        return train(exampleFile, null, null);
    }

    /**
     * Trains on {@code exampleFile}, evaluating on {@code evalFile} (null: no evaluation, no early stopping) and
     * writing checkpoints to {@code runDir} (null: none).
     */
    public TrainingReport train(Path exampleFile, Path evalFile, Path runDir) {
        ExampleStream stream = ExampleStream.open(exampleFile, ExampleStream.DEFAULT_BUFFER_REQUESTS, config.seed());
        this.dataPath = exampleFile;
        try {
            return train(null, stream, stream.header(), evalFile, runDir, exampleFile.getFileName().toString());
        } finally {
            this.dataPath = null;
        }
    }

    /** Trains on every candidate of {@code records}, which were read under {@code header}; no evaluation or checkpoints. */
    public TrainingReport train(List<RequestRecord> records, ExampleHeader header) {
        return train(records, header, null, null, "in-memory");
    }

    /**
     * Trains on every candidate of {@code records} (read under {@code header}, e.g. the first requests of a file),
     * evaluating on {@code evalFile} (null: none) and writing checkpoints to {@code runDir} (null: none).
     */
    public TrainingReport train(List<RequestRecord> records, ExampleHeader header, Path evalFile, Path runDir) {
        return train(records, header, evalFile, runDir, "in-memory");
    }

    /**
     * Restores the state saved in {@code runDir} ({@value #STATE_FILE}) into the model and this trainer: the next
     * {@link #train} continues the saved run. The trainer's config must be the saved run's (same seed, batch size,
     * epochs, schedule) for the continuation to be exact; the example count and batch size are checked.
     *
     * @return this trainer
     */
    public Trainer resume(Path runDir) {
        Path file = runDir.resolve(STATE_FILE);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != STATE_MAGIC || in.readInt() != STATE_VERSION) {
                throw new IllegalArgumentException(file + " is not a trainer state of version " + STATE_VERSION);
            }
            long seed = in.readLong();
            if (seed != config.seed()) {
                throw new IllegalArgumentException(file + " was trained with seed " + seed + ", this trainer has " + config.seed());
            }
            int step = in.readInt();
            int epoch = in.readInt();
            int stepInEpoch = in.readInt();
            double epochSum = in.readDouble();
            long epochCount = in.readLong();
            int nEpochs = in.readInt();
            List<Double> epochLoss = new ArrayList<>();
            for (int i = 0; i < nEpochs; i++) {
                epochLoss.add(in.readDouble());
            }
            double sinceSum = in.readDouble();
            long sinceCount = in.readLong();
            double bestValue = in.readDouble();
            int bestStep = in.readInt();
            int badEvals = in.readInt();
            int total = in.readInt();
            int batchSize = in.readInt();
            int nParams = in.readInt();
            for (int p = 0; p < nParams; p++) {
                String name = in.readUTF();
                int len = in.readInt();
                float[] w = readFloats(in, len);
                float[] a = readFloats(in, len);
                float[] b = readFloats(in, len);
                model.setParameter(name, w);
                m1.put(name, a);
                m2.put(name, b);
            }
            if (nParams != model.parameters().size()) {
                throw new IllegalArgumentException(file + " holds " + nParams + " parameters, the model has " + model.parameters().size());
            }
            stepsTaken = step;
            hostWeights = null;
            resumed = new State(step, epoch, stepInEpoch, epochSum, epochCount, epochLoss, sinceSum, sinceCount,
                    bestValue, bestStep, badEvals, total, batchSize);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read trainer state " + file, e);
        }
        return this;
    }

    private TrainingReport train(List<RequestRecord> records, ExampleHeader header, Path evalFile, Path runDir, String dataName) {
        return train(records, null, header, evalFile, runDir, dataName);
    }

    /**
     * The loop over either {@code records} in memory (examples shuffled whole-file, Fisher–Yates cumulative over
     * epochs) or {@code stream} (a file or directory of shards read per epoch through {@link ExampleStream}'s bounded
     * shuffle buffer; memory independent of the file size). Exactly one of them is non-null.
     */
    private TrainingReport train(List<RequestRecord> records, ExampleStream stream, ExampleHeader header, Path evalFile,
                                 Path runDir, String dataName) {
        hostWeights = null;
        try {
            return loop(records, stream, header, evalFile, runDir, dataName);
        } finally {
            close();
        }
    }

    /**
     * One optimizer step on {@code batch} with this trainer's engine and host AdamW at learning rate {@code lr} (for
     * benchmarks and tests; {@link #train} runs the same step); returns the loss before the update. Call
     * {@link #close()} when done with the Java engine.
     *
     * @throws IllegalStateException when the loss is not finite (nothing is updated then)
     */
    public float trainStep(Batch batch, float lr) {
        boolean java = config.engine() == TrainingEngine.JAVA;
        float loss = forwardBackward(java ? batch : batch.trimmed(), lr, java);
        adamW(lr, java);
        stepsTaken++;
        return loss;
    }

    /** Stops the Java engine's threads (a later step starts them again); {@link #train} calls it when it ends. */
    public void close() {
        if (fused != null) {
            fused.close();
            fused = null;
        }
        hostWeights = null;
    }

    private TrainingReport loop(List<RequestRecord> records, ExampleStream stream, ExampleHeader header, Path evalFile,
                                Path runDir, String dataName) {
        long start = System.nanoTime();
        this.header = header;
        Path dataFile = dataPath != null ? dataPath : dataName.endsWith(".lvx") ? Path.of(dataName) : evalFile;
        this.buildSummary = dataFile == null ? null : dataFile.resolveSibling(io.longview.examples.ExampleFormat.SUMMARY_FILE);
        List<Double> stepLoss = new ArrayList<>();
        long evalNanos = 0;
        ModelConfig mc = model.config();
        Path itemFile = dataFile == null ? null : io.longview.examples.ItemFeatureFile.beside(dataFile);
        io.longview.examples.ItemFeatureFile.Table itemTable = itemFile == null ? null : io.longview.examples.ItemFeatureFile.read(itemFile);
        ExampleBatcher batcher = new ExampleBatcher(mc, header, itemTable);
        int total = 0;
        if (stream != null) {
            if (stream.examples() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(stream.examples() + " examples in " + dataName + ", at most " + Integer.MAX_VALUE);
            }
            total = (int) stream.examples();
        } else {
            for (RequestRecord r : records) {
                total += r.candidateCount();
            }
        }
        long[] order = new long[stream != null ? 0 : total]; // (request index << 32) | candidate
        int k = 0;
        for (int i = 0; stream == null && i < records.size(); i++) {
            for (int j = 0; j < records.get(i).candidateCount(); j++) {
                order[k++] = (long) i << 32 | j;
            }
        }
        int bs = config.batchSize();
        int stepsPerEpoch = (total + bs - 1) / bs;
        int totalSteps = Math.max(1, stepsPerEpoch * config.epochs());
        WarmupCosineSchedule schedule = new WarmupCosineSchedule(config.learningRate(),
                Math.min(config.warmupSteps(), totalSteps), totalSteps, config.minLrFactor());
        int maxNeg = mc.trainsNextAction() ? mc.nal().maxNegatives() : 0;
        Batch full = Batch.allocate(mc, bs, maxNeg);
        SplittableRandom rng = new SplittableRandom(config.seed());
        String metric = evalFile == null ? null : metricName();
        Evaluator evaluator = evalFile == null ? null : new Evaluator(model, bs, config.engine(), config.effectiveThreads());

        State s = resumed;
        resumed = null;
        if (s != null && (s.total() != total || s.batchSize() != bs)) {
            throw new IllegalArgumentException("the saved run had " + s.total() + " examples in batches of " + s.batchSize()
                    + "; this one has " + total + " in batches of " + bs + ": not the same run");
        }
        List<Double> epochLoss = s == null ? new ArrayList<>() : new ArrayList<>(s.epochLoss());
        List<TrainingReport.EvalPoint> history = new ArrayList<>();
        double bestValue = s == null ? Double.NEGATIVE_INFINITY : s.bestValue();
        int bestStep = s == null ? -1 : s.bestStep();
        int badEvals = s == null ? 0 : s.badEvals();
        double sinceSum = s == null ? 0 : s.sinceEvalSum();
        long sinceCount = s == null ? 0 : s.sinceEvalCount();
        Map<String, float[]> bestWeights = null;
        boolean stoppedEarly = false;
        boolean stopped = false;
        long seen = 0;
        long lastLogNs = System.nanoTime();
        long lastLogSeen = 0;
        int startEpoch = s == null ? 0 : s.epoch();
        for (int epoch = 0; epoch < config.epochs() && !stopped; epoch++) {
            for (int i = order.length - 1; i > 0; i--) {   // Fisher–Yates, cumulative over epochs (in memory)
                int j = rng.nextInt(i + 1);
                long t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            if (epoch < startEpoch) {
                continue;                                  // replayed shuffle of an epoch the saved run finished
            }
            boolean resumedEpoch = s != null && epoch == s.epoch();
            double sum = resumedEpoch ? s.epochSum() : 0;
            long count = resumedEpoch ? s.epochCount() : 0;
            int firstStep = resumedEpoch ? s.stepInEpoch() : 0;
            // a stream's epoch order depends on (seed, epoch) only: a resumed epoch skips the examples already taken
            ExampleStream.Epoch examples = stream == null ? null : stream.epoch(epoch);
            for (long skip = (long) firstStep * bs; examples != null && skip > 0 && examples.hasNext(); skip--) {
                examples.next();
            }
            for (int si = firstStep; si < stepsPerEpoch; si++) {
                if (config.maxSteps() > 0 && stepsTaken >= config.maxSteps()) {
                    stopped = true;
                    if (runDir != null) {
                        saveState(runDir, new State(stepsTaken, epoch, si, sum, count, epochLoss, sinceSum, sinceCount,
                                bestValue, bestStep, badEvals, total, bs), dataName);
                    }
                    break;
                }
                int from = si * bs;
                int n = Math.min(bs, total - from);
                Batch batch = n == bs ? full : Batch.allocate(mc, n, maxNeg);
                SplittableRandom maskRng = config.timeWindowMask()
                        ? new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + stepsTaken) : null;
                for (int row = 0; row < n; row++) {
                    RequestRecord r;
                    int cand;
                    if (examples != null) {
                        if (!examples.hasNext()) {
                            throw new InputException(stream.files().getFirst(), 0, "the example files hold fewer examples than their"
                                    + " footers count (" + total + "): was a shard replaced during training?");
                        }
                        ExampleStream.Example x = examples.next();
                        r = x.record();
                        cand = x.candidate();
                    } else {
                        long o = order[from + row];
                        r = records.get((int) (o >>> 32));
                        cand = (int) o;
                    }
                    batcher.put(batch, row, r, cand);
                    if (maskRng != null) {
                        TimeWindowMask.apply(batch, row, r, cand, mc, TimeWindowMask.drawWindowMs(maskRng));
                    }
                }
                float lr = schedule.getNewValue(stepsTaken + 1);
                boolean java = config.engine() == TrainingEngine.JAVA;
                float loss = forwardBackward(java ? batch : batch.trimmed(), lr, java);
                adamW(lr, java);
                stepsTaken++;
                stepLoss.add((double) loss);
                sum += (double) loss * n;
                count += n;
                sinceSum += (double) loss * n;
                sinceCount += n;
                seen += n;
                if (log != null && config.logEverySteps() > 0 && stepsTaken % config.logEverySteps() == 0) {
                    long now = System.nanoTime();
                    double rate = (seen - lastLogSeen) / Math.max((now - lastLogNs) / 1e9, 1e-9);
                    log.printf(Locale.ROOT, "step %d/%d  epoch %d/%d  loss %.4f (epoch avg %.4f)  %,.0f ex/s  lr %.2e%n",
                            stepsTaken, totalSteps, epoch + 1, config.epochs(), loss, sum / count, rate, lr);
                    lastLogNs = now;
                    lastLogSeen = seen;
                }
                boolean epochEnd = si == stepsPerEpoch - 1;
                boolean evalNow = evaluator != null && (config.evalEverySteps() > 0
                        ? stepsTaken % config.evalEverySteps() == 0 : epochEnd);
                if (evalNow) {
                    long evalStart = System.nanoTime();
                    Evaluator.Evaluation ev = evaluator.evaluate(evalFile, evalFraction);
                    evalNanos += System.nanoTime() - evalStart;
                    lastEvaluation = ev;
                    lastEvaluationStep = stepsTaken;
                    history.add(new TrainingReport.EvalPoint(stepsTaken, epoch,
                            sinceCount == 0 ? Double.NaN : sinceSum / sinceCount, ev.heads()));
                    sinceSum = 0;
                    sinceCount = 0;
                    double value = metricValue(ev.heads(), metric);
                    if (log != null) {
                        log.printf(Locale.ROOT, "eval at step %d: %s = %.4f (best %.4f)%n%s", stepsTaken, metric, value,
                                Math.max(value, bestValue), ev.describe());
                    }
                    if (value > bestValue) {
                        bestValue = value;
                        bestStep = stepsTaken;
                        badEvals = 0;
                        bestWeights = new LinkedHashMap<>();
                        for (String name : model.parameters().keySet()) {
                            bestWeights.put(name, model.parameterValues(name));
                        }
                        if (runDir != null) {
                            writeCheckpoint(runDir.resolve("best.lvck"), dataName, metric + "=" + value);
                        }
                    } else if (config.earlyStopPatience() > 0 && ++badEvals >= config.earlyStopPatience()) {
                        stoppedEarly = true;
                        stopped = true;
                    }
                }
                int next = epochEnd ? 0 : si + 1;
                int nextEpoch = epochEnd ? epoch + 1 : epoch;
                if (epochEnd) {
                    epochLoss.add(count == 0 ? Double.NaN : sum / count);
                }
                boolean last = stopped || (epochEnd && nextEpoch == config.epochs());
                if (runDir != null && (last || config.checkpointEverySteps() > 0
                        && stepsTaken % config.checkpointEverySteps() == 0)) {
                    saveState(runDir, new State(stepsTaken, nextEpoch, next, epochEnd ? 0 : sum, epochEnd ? 0 : count,
                            epochLoss, sinceSum, sinceCount, bestValue, bestStep, badEvals, total, bs), dataName);
                }
                if (stopped) {
                    break;
                }
            }
            if (examples != null) {
                examples.close();                          // stops its prefetch thread when the epoch was left early
            }
        }
        if (stoppedEarly && bestWeights != null) {
            bestWeights.forEach(model::setParameter);
            hostWeights = null;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double trainSeconds = seconds - evalNanos / 1e9;
        return new TrainingReport(stepsTaken, seen, epochLoss, seconds, seen / Math.max(trainSeconds, 1e-9), history, metric,
                bestStep, bestStep < 0 ? Double.NaN : bestValue, stoppedEarly, stepLoss);
    }

    /** The configured metric, or the default: {@code save:hit3} when there is a save head, else the first head's AUC. */
    String metricName() {
        if (config.earlyStopMetric() != null) {
            String head = config.earlyStopMetric().substring(0, config.earlyStopMetric().indexOf(':'));
            if (!model.config().heads().contains(head)) {
                throw new IllegalArgumentException("early-stop metric " + config.earlyStopMetric() + " names no head of "
                        + model.config().heads());
            }
            return config.earlyStopMetric();
        }
        return model.config().heads().contains("save") ? "save:hit3" : model.config().heads().get(0) + ":auc";
    }

    private static double metricValue(Map<String, HeadMetrics> heads, String metric) {
        int c = metric.indexOf(':');
        HeadMetrics m = heads.get(metric.substring(0, c));
        double v = switch (metric.substring(c + 1)) {
            case "auc" -> m.auc();
            case "gauc" -> m.gauc();
            default -> m.hitAt3();
        };
        return Double.isNaN(v) ? Double.NEGATIVE_INFINITY : v;
    }

    /**
     * One optimizer step on {@code batch} with a DJL optimizer; returns the batch's loss before the update.
     *
     * @throws IllegalStateException when the loss is not finite (nothing is updated then)
     */
    public float step(Batch batch, Optimizer optimizer) {
        float value = forwardBackward(batch, Float.NaN, false);
        stepsTaken++;
        for (Map.Entry<String, NDArray> p : model.parameters().entrySet()) {
            // getGradient() returns a new handle in the model's manager: close it, or every step leaks one per parameter
            try (NDArray g = p.getValue().getGradient()) {
                optimizer.update(p.getKey(), p.getValue(), g);
                g.subi(g);                                 // PyTorch accumulates gradients: zero them for the next step
            }
        }
        return value;
    }

    /**
     * Forward, loss and backward; the gradients are left on the parameters (DJL) or in the Java engine's buffers.
     * {@code lr} only names the rate in errors.
     */
    private float forwardBackward(Batch batch, float lr, boolean java) {
        ModelConfig mc = model.config();
        if (mc.trainsNextAction() && mc.nal().negatives() == io.longview.core.checkpoint.NalNegatives.IN_BATCH) {
            InBatchNegatives.fill(batch);
        }
        if (java) {
            if (fused == null) {
                fused = new io.longview.train.fused.FusedTransAct(model.config(), config.effectiveThreads());
            }
            if (hostWeights == null) {
                hostWeights = new LinkedHashMap<>();
                for (String name : model.parameters().keySet()) {
                    hostWeights.put(name, model.parameterValues(name));
                }
            }
            io.longview.train.fused.FusedTransAct.Step s = fused.forwardBackward(hostWeights, batch);
            flops += s.flops();
            checkFinite(s.loss(), s.bce(), mc.trainsNextAction() ? s.nal() : null, lr);
            return s.loss();
        }
        try (NDManager step = model.manager().newSubManager();
             GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            ForwardOutput out = model.forward(step, batch);
            // the same ops as Losses.total, with the parts kept for the error message
            NDArray bce = Losses.weightedBce(step, out.logits(), batch, mc.headWeights());
            NDArray nal = null;
            NDArray loss = bce;
            if (mc.trainsNextAction() && out.encoderOutput() != null) {
                nal = Losses.nextAction(step, out.encoderOutput(), model.parameters().get("P"), batch);
                loss = bce.add(nal.mul(Scalars.of(step, (float) mc.nal().weight())));
            }
            float value = loss.getFloat();
            if (!Float.isFinite(value)) {
                checkFinite(value, bce.getFloat(), nal == null ? null : nal.getFloat(), lr);
            }
            gc.backward(loss);
            return value;
        }
    }

    /** Throws when {@code value} is not finite, naming the step, the loss parts and the rate. */
    private void checkFinite(float value, float bce, Float nal, float lr) {
        if (!Float.isFinite(value)) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "loss is %s at step %d (bce: %s%s); %s or check the input (a NaN/Inf feature or embedding); "
                            + "nothing was updated with this batch",
                    value, stepsTaken + 1, bce, nal == null ? "" : ", nal: " + nal,
                    Float.isNaN(lr) ? "lower the learning rate"
                            : "lower the learning rate (now " + String.format(Locale.ROOT, "%.3g", lr) + ")"));
        }
    }

    /** Floating-point operations of the Java engine's matrix products in this trainer's steps so far (0 for DJL). */
    public long javaEngineFlops() {
        return flops;
    }

    /** Host AdamW on every parameter with the gradients left by {@link #forwardBackward}; the step is {@code stepsTaken + 1}. */
    private void adamW(float lr, boolean java) {
        int t = stepsTaken + 1;
        float c1 = (float) (1 - Math.pow(BETA1, t));
        float c2 = (float) (1 - Math.pow(BETA2, t));
        float wd = config.weightDecay();
        for (String name : new ArrayList<>(model.parameters().keySet())) {
            float[] g;
            float[] w;
            if (java) {
                g = fused.gradients().get(name);
                w = hostWeights.get(name);                 // updated in place, then copied into the model
            } else {
                NDArray p = model.parameters().get(name);
                try (NDArray grad = p.getGradient()) {
                    g = grad.toFloatArray();
                }
                w = p.toFloatArray();
            }
            float[] a = m1.computeIfAbsent(name, x -> new float[w.length]);
            float[] b = m2.computeIfAbsent(name, x -> new float[w.length]);
            for (int i = 0; i < w.length; i++) {
                a[i] = BETA1 * a[i] + (1 - BETA1) * g[i];
                b[i] = BETA2 * b[i] + (1 - BETA2) * g[i] * g[i];
                float mHat = a[i] / c1;
                float vHat = b[i] / c2;
                w[i] -= lr * (mHat / ((float) Math.sqrt(vHat) + EPS) + wd * w[i]);
            }
            model.setParameter(name, w);                   // a fresh leaf: its gradient starts at zero
        }
    }

    private void saveState(Path runDir, State s, String dataName) {
        // atomically and durably: a crash mid-save leaves the previous state (and no temporary file)
        AtomicFiles.write(runDir.resolve(STATE_FILE), stream -> {
            DataOutputStream out = new DataOutputStream(stream);
            out.writeInt(STATE_MAGIC);
            out.writeInt(STATE_VERSION);
            out.writeLong(config.seed());
            out.writeInt(s.step());
            out.writeInt(s.epoch());
            out.writeInt(s.stepInEpoch());
            out.writeDouble(s.epochSum());
            out.writeLong(s.epochCount());
            out.writeInt(s.epochLoss().size());
            for (double d : s.epochLoss()) {
                out.writeDouble(d);
            }
            out.writeDouble(s.sinceEvalSum());
            out.writeLong(s.sinceEvalCount());
            out.writeDouble(s.bestValue());
            out.writeInt(s.bestStep());
            out.writeInt(s.badEvals());
            out.writeInt(s.total());
            out.writeInt(s.batchSize());
            out.writeInt(model.parameters().size());
            for (String name : model.parameters().keySet()) {
                float[] w = model.parameterValues(name);
                out.writeUTF(name);
                out.writeInt(w.length);
                writeFloats(out, w);
                writeFloats(out, m1.getOrDefault(name, new float[w.length]));
                writeFloats(out, m2.getOrDefault(name, new float[w.length]));
            }
            out.flush();
        });
        writeCheckpoint(runDir.resolve("last.lvck"), dataName, null);
    }

    /**
     * Writes the model as a serving checkpoint: the example header's selection (with the budgets of the parts this
     * model drops set to 0), quantizer clip and snapshot id, the loss's head weights and NAL settings, the dense
     * features of {@link io.longview.core.model.DenseFeatures}; the provenance names the data snapshot, the seed,
     * the code version and the steps.
     */
    private void writeCheckpoint(Path file, String dataName, String note) {
        CheckpointWriter.write(checkpoint(dataName, note), file);
    }

    /** The model as a serving checkpoint of the data last trained on (see {@link #writeCheckpoint}). */
    public io.longview.core.checkpoint.Checkpoint checkpoint() {
        return checkpoint("in-memory", null);
    }

    private io.longview.core.checkpoint.Checkpoint checkpoint(String dataName, String note) {
        // serving must select what the examples held (their budgets, the parts this model reads) and dequantize alike
        ModelConfig served = header == null ? model.config() : model.config().withDataSelection(header.selection())
                .toBuilder().quantizerClip(header.quantizerClip()).build();
        String snapshot = header == null ? dataName : header.snapshotId();
        Provenance p = new Provenance(snapshot, config.seed(), codeVersion, Instant.now(), stepsTaken,
                Map.of("lr", Float.toString(config.learningRate()), "batch_size", Integer.toString(config.batchSize()),
                        "data", dataName, "engine", config.engine() == TrainingEngine.JAVA
                                ? "java/" + config.effectiveThreads() + " threads" : "djl"));
        if (note != null) {
            p = p.withNote("selected_by", note);
        }
        // the time range of the data (examples.json beside the example file): what a retention or erasure audit asks
        if (buildSummary != null && java.nio.file.Files.isRegularFile(buildSummary)) {
            io.longview.examples.BuildSummary b = io.longview.examples.BuildSummary.read(buildSummary);
            if (b.firstEventMs() != null && b.lastEventMs() != null) {
                p = p.withNote("data_from", Instant.ofEpochMilli(b.firstEventMs()).toString())
                        .withNote("data_to", Instant.ofEpochMilli(b.lastEventMs()).toString());
            }
        }
        return CheckpointExport.toCheckpoint(model, served, p);
    }

    private static void writeFloats(DataOutputStream out, float[] v) throws IOException {
        for (float f : v) {
            out.writeInt(Float.floatToRawIntBits(f));
        }
    }

    private static float[] readFloats(DataInputStream in, int n) throws IOException {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = Float.intBitsToFloat(in.readInt());
        }
        return v;
    }
}
