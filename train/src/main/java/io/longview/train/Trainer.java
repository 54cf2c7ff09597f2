package io.longview.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import io.longview.examples.ExampleHeader;
import io.longview.examples.ExampleReader;
import io.longview.examples.RequestRecord;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A minimal training loop: AdamW with {@link WarmupCosineSchedule}, examples (request, candidate) shuffled per epoch
 * from {@code seed}, the loss of {@link Losses#total}. Each step builds its arrays in a sub-manager of the model's
 * manager that it closes, so memory stays flat over a run.
 *
 * <p>The example file is read whole into memory (requests are compact byte records; a file of millions of
 * examples needs a streaming shuffle buffer instead, not written yet). DJL's PyTorch engine allows one
 * {@link GradientCollector} at a time per JVM: run one trainer at a time.
 */
public final class Trainer {
    private final TransActModel model;
    private final TrainerConfig config;
    private int stepsTaken;

    public Trainer(TransActModel model, TrainerConfig config) {
        if (config.loss().headWeights().size() != model.config().heads().size()) {
            throw new IllegalArgumentException("loss has " + config.loss().headWeights().size() + " head weights, model has "
                    + model.config().heads().size() + " heads");
        }
        this.model = model;
        this.config = config;
    }

    /** Trains on every example of {@code exampleFile} (an {@code examples} module file, e.g. {@code train.lvx}). */
    public TrainingReport train(Path exampleFile) {
        List<RequestRecord> records = new ArrayList<>();
        ExampleHeader header;
        try (ExampleReader r = ExampleReader.open(exampleFile)) {
            header = r.header();
            while (r.hasNext()) {
                records.add(r.next());
            }
        }
        return train(records, header);
    }

    /** Trains on every candidate of {@code records}, which were read under {@code header}. */
    public TrainingReport train(List<RequestRecord> records, ExampleHeader header) {
        long start = System.nanoTime();
        ExampleBatcher batcher = new ExampleBatcher(model.config(), header);
        int total = 0;
        for (RequestRecord r : records) {
            total += r.candidateCount();
        }
        long[] order = new long[total];                    // (request index << 32) | candidate
        int k = 0;
        for (int i = 0; i < records.size(); i++) {
            for (int j = 0; j < records.get(i).candidateCount(); j++) {
                order[k++] = (long) i << 32 | j;
            }
        }
        int bs = config.batchSize();
        int stepsPerEpoch = (total + bs - 1) / bs;
        int totalSteps = Math.max(1, stepsPerEpoch * config.epochs());
        Optimizer adamW = Optimizer.adamW()
                .optLearningRateTracker(new WarmupCosineSchedule(config.learningRate(),
                        Math.min(config.warmupSteps(), totalSteps), totalSteps, config.minLrFactor()))
                .optWeightDecays(config.weightDecay())
                .build();
        int maxNeg = config.loss().nalMode() == NalMode.OFF ? 0 : config.loss().maxNegatives();
        Batch full = Batch.allocate(model.config(), bs, maxNeg);
        SplittableRandom rng = new SplittableRandom(config.seed());
        List<Double> epochLoss = new ArrayList<>();
        int steps = 0;
        long seen = 0;
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            for (int i = total - 1; i > 0; i--) {          // Fisher–Yates
                int j = rng.nextInt(i + 1);
                long t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            double sum = 0;
            for (int from = 0; from < total; from += bs) {
                int n = Math.min(bs, total - from);
                Batch batch = n == bs ? full : Batch.allocate(model.config(), n, maxNeg);
                for (int row = 0; row < n; row++) {
                    long o = order[from + row];
                    batcher.put(batch, row, records.get((int) (o >>> 32)), (int) o);
                }
                sum += (double) step(batch, adamW) * n;
                steps++;
            }
            seen += total;
            epochLoss.add(total == 0 ? Double.NaN : sum / total);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new TrainingReport(steps, seen, epochLoss, seconds, seen / Math.max(seconds, 1e-9));
    }

    /**
     * One optimizer step on {@code batch}; returns the batch's loss before the update.
     *
     * @throws IllegalStateException when the loss is not finite (nothing is updated then)
     */
    public float step(Batch batch, Optimizer optimizer) {
        if (config.loss().nalMode() == NalMode.IN_BATCH) {
            InBatchNegatives.fill(batch);
        }
        float value;
        try (NDManager step = model.manager().newSubManager();
             GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            ForwardOutput out = model.forward(step, batch);
            NDArray loss = Losses.total(step, model, out, batch, config.loss());
            value = loss.getFloat();
            if (!Float.isFinite(value)) {
                throw new IllegalStateException("training loss is " + value + " before step " + (stepsTaken + 1)
                        + "; lower the learning rate or check the batch");
            }
            gc.backward(loss);
        }
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
}
