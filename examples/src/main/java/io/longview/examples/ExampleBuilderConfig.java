package io.longview.examples;

import io.longview.core.model.Quantizer;
import io.longview.core.model.SequenceLimits;
import io.longview.core.select.SelectionConfig;
import io.longview.data.io.DatasetManifest;

import java.time.Duration;
import java.util.Map;

/**
 * Settings of the {@link ExampleBuilder}; {@link #DEFAULT} holds the defaults, the {@code with…} methods change one.
 *
 * @param selection         selection budgets and lifelong rule (default {@link SelectionConfig#DEFAULT}: 96, 32+32, 32, nearest)
 * @param limits            sequence limits for the replay (default {@link SequenceLimits#DEFAULT}: 100 / 16,000 / 100, fold 10 min)
 * @param quantizerClip     int8 quantization clip of token embeddings (default 0.65)
 * @param labelWindowMs     a candidate's labels are the user's explicit actions on it in {@code [t, t + window)} (default 10 min)
 * @param splitTimeMs       requests with {@code t < splitTimeMs} go to {@code train.lvx}, the others to {@code eval.lvx}
 *                          (default {@link Long#MAX_VALUE}: all train)
 * @param maxNegatives      NAL impression negatives per request: the newest S_imp tokens at t (default 16)
 * @param snapshotId        the dataset snapshot id recorded in the files (default {@code "unknown"})
 * @param maxEventsPerShard memory bound: events of one shard loaded at once, per thread (default 2,000,000, about
 *                          60 bytes of heap each); one user's events are never split, so a user with more is loaded whole
 * @param expectedEvents    the number of events if known (a manifest says), to partition into enough shards in one
 *                          pass; 0 for unknown (default)
 * @param threads           shards built in parallel; the output is the same for any number (default 1)
 * @param itemFeatures      {@link ItemFeatures#NONE} (default): the example files only; {@link ItemFeatures#STATS}: also
 *                          the point-in-time item statistics of every candidate ({@link ItemFeatureFile})
 */
public record ExampleBuilderConfig(SelectionConfig selection, SequenceLimits limits, float quantizerClip, long labelWindowMs,
                                   long splitTimeMs, int maxNegatives, String snapshotId, int maxEventsPerShard,
                                   long expectedEvents, int threads, ItemFeatures itemFeatures) {
    public static final long DEFAULT_LABEL_WINDOW_MS = Duration.ofMinutes(10).toMillis();
    /** The manifest parameter that suggests a label window. */
    public static final String MANIFEST_LABEL_WINDOW = "labelWindowMs";
    private static final long MAX_LABEL_WINDOW_MS = Duration.ofDays(3650).toMillis();
    public static final ExampleBuilderConfig DEFAULT = new ExampleBuilderConfig(SelectionConfig.DEFAULT, SequenceLimits.DEFAULT,
            Quantizer.DEFAULT_CLIP, DEFAULT_LABEL_WINDOW_MS, Long.MAX_VALUE, 16, "unknown", 2_000_000, 0, 1, ItemFeatures.NONE);

    public ExampleBuilderConfig {
        if (itemFeatures == null) {
            itemFeatures = ItemFeatures.NONE; // a configuration written before item features existed (JSON)
        }
        if (selection == null || limits == null || snapshotId == null) {
            throw new IllegalArgumentException("selection, limits and snapshotId must be set");
        }
        new Quantizer(quantizerClip); // checks the clip
        if (labelWindowMs < 1 || labelWindowMs > MAX_LABEL_WINDOW_MS) {
            throw new IllegalArgumentException("label window " + labelWindowMs + " ms, expected 1.." + MAX_LABEL_WINDOW_MS + " ms");
        }
        if (maxNegatives < 0 || maxNegatives > 1024) {
            throw new IllegalArgumentException("max negatives " + maxNegatives + ", expected 0..1024");
        }
        if (maxEventsPerShard < 1) {
            throw new IllegalArgumentException("max events per shard " + maxEventsPerShard + ", expected ≥ 1");
        }
        if (expectedEvents < 0) {
            throw new IllegalArgumentException("expected events " + expectedEvents + ", expected ≥ 0 (0: unknown)");
        }
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("threads " + threads + ", expected 1..256");
        }
        if (selection.maxLength() > ExampleFormat.MAX_TOKENS_PER_REQUEST) {
            throw new IllegalArgumentException("selection length " + selection.maxLength() + ", the example format holds at most "
                    + ExampleFormat.MAX_TOKENS_PER_REQUEST);
        }
    }

    /**
     * The defaults with what a dataset manifest says: its split time, snapshot id and event count, and the label
     * window from {@code parameters.labelWindowMs} when it suggests one.
     *
     * @throws IllegalArgumentException if the suggested label window is not a positive whole number of ms
     */
    public static ExampleBuilderConfig fromManifest(DatasetManifest m) {
        ExampleBuilderConfig c = DEFAULT.withSplitTimeMs(m.splitTimeMs()).withExpectedEvents(Math.max(0, m.events()));
        if (m.snapshotId() != null) {
            c = c.withSnapshotId(m.snapshotId());
        }
        Map<String, Object> p = m.parameters();
        Object w = p == null ? null : p.get(MANIFEST_LABEL_WINDOW);
        if (w != null) {
            long ms;
            try {
                ms = w instanceof Number n ? n.longValue() : Long.parseLong(w.toString().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("dataset manifest parameter " + MANIFEST_LABEL_WINDOW + " is '" + w
                        + "', expected a whole number of milliseconds");
            }
            c = c.withLabelWindowMs(ms);
        }
        return c;
    }

    public ExampleBuilderConfig withSelection(SelectionConfig v) {
        return new ExampleBuilderConfig(v, limits, quantizerClip, labelWindowMs, splitTimeMs, maxNegatives, snapshotId, maxEventsPerShard, expectedEvents, threads, itemFeatures);
    }

    public ExampleBuilderConfig withLimits(SequenceLimits v) {
        return new ExampleBuilderConfig(selection, v, quantizerClip, labelWindowMs, splitTimeMs, maxNegatives, snapshotId, maxEventsPerShard, expectedEvents, threads, itemFeatures);
    }

    public ExampleBuilderConfig withQuantizerClip(float v) {
        return new ExampleBuilderConfig(selection, limits, v, labelWindowMs, splitTimeMs, maxNegatives, snapshotId, maxEventsPerShard, expectedEvents, threads, itemFeatures);
    }

    public ExampleBuilderConfig withLabelWindowMs(long v) {
        return new ExampleBuilderConfig(selection, limits, quantizerClip, v, splitTimeMs, maxNegatives, snapshotId, maxEventsPerShard, expectedEvents, threads, itemFeatures);
    }

    public ExampleBuilderConfig withSplitTimeMs(long v) {
        return new ExampleBuilderConfig(selection, limits, quantizerClip, labelWindowMs, v, maxNegatives, snapshotId, maxEventsPerShard, expectedEvents, threads, itemFeatures);
    }

    public ExampleBuilderConfig withMaxNegatives(int v) {
        return new ExampleBuilderConfig(selection, limits, quantizerClip, labelWindowMs, splitTimeMs, v, snapshotId, maxEventsPerShard, expectedEvents, threads, itemFeatures);
    }

    public ExampleBuilderConfig withSnapshotId(String v) {
        return new ExampleBuilderConfig(selection, limits, quantizerClip, labelWindowMs, splitTimeMs, maxNegatives, v, maxEventsPerShard, expectedEvents, threads, itemFeatures);
    }

    public ExampleBuilderConfig withMaxEventsPerShard(int v) {
        return new ExampleBuilderConfig(selection, limits, quantizerClip, labelWindowMs, splitTimeMs, maxNegatives, snapshotId, v, expectedEvents, threads, itemFeatures);
    }

    public ExampleBuilderConfig withExpectedEvents(long v) {
        return new ExampleBuilderConfig(selection, limits, quantizerClip, labelWindowMs, splitTimeMs, maxNegatives, snapshotId, maxEventsPerShard, v, threads, itemFeatures);
    }

    public ExampleBuilderConfig withThreads(int v) {
        return new ExampleBuilderConfig(selection, limits, quantizerClip, labelWindowMs, splitTimeMs, maxNegatives, snapshotId, maxEventsPerShard, expectedEvents, v, itemFeatures);
    }

    public ExampleBuilderConfig withItemFeatures(ItemFeatures v) {
        return new ExampleBuilderConfig(selection, limits, quantizerClip, labelWindowMs, splitTimeMs, maxNegatives, snapshotId, maxEventsPerShard, expectedEvents, threads, v);
    }

    /** The header of the file for one side of the split. */
    public ExampleHeader header(ExampleHeader.Side side) {
        return ExampleHeader.of(side, selection, limits, quantizerClip, maxNegatives, labelWindowMs, splitTimeMs, snapshotId,
                ExampleBuilder.BUILDER_VERSION);
    }
}
