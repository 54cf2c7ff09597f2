package io.longview.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.longview.core.model.SequenceLimits;
import io.longview.core.select.SelectionConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code examples.json}: what a build wrote and how fast (the provenance of the example files, plus their counts and
 * label rates so that nobody has to read a file to know them).
 *
 * @param formatVersion      {@link ExampleFormat#VERSION} of the files
 * @param builderVersion     {@link ExampleBuilder#BUILDER_VERSION}
 * @param snapshotId         the dataset snapshot
 * @param createdAt          when the build finished (ISO-8601 instant)
 * @param selection          K_LL, r, K_RT, K_imp, rule and maxLength
 * @param limits             the sequence limits of the replay
 * @param quantizerClip      int8 clip
 * @param maxNegatives       NAL negatives per request at most
 * @param labelWindowMs      label window
 * @param splitTimeMs        train/eval split time
 * @param events             events read
 * @param users              users with at least one event
 * @param shards             shards the events were partitioned into
 * @param threads            builder threads
 * @param train              the train file
 * @param eval               the eval file
 * @param seconds            wall time of the whole build
 * @param examplesPerSecond  candidates (both files) per second of wall time
 * @param eventsPerSecond    events per second of wall time
 * @param firstEventMs       the oldest event's time (epoch ms): with {@code lastEventMs}, the time range of the data
 *                           these files were built from (what a retention or erasure audit asks); null in files
 *                           written before it was recorded
 * @param lastEventMs        the newest event's time (epoch ms), or null
 * @param itemFeatures       the names of the item features written to {@link ItemFeatureFile#FILE_NAME} (core
 *                           {@code ItemStatistics#FEATURE_NAMES} for {@code --item-features stats}); empty for none
 */
public record BuildSummary(int formatVersion, String builderVersion, String snapshotId, String createdAt,
                           Selection selection, Limits limits, float quantizerClip, int maxNegatives,
                           long labelWindowMs, long splitTimeMs, long events, long users, int shards, int threads,
                           SideSummary train, SideSummary eval, double seconds, double examplesPerSecond, double eventsPerSecond,
                           Long firstEventMs, Long lastEventMs, java.util.List<String> itemFeatures) {
    public BuildSummary {
        itemFeatures = itemFeatures == null ? java.util.List.of() : java.util.List.copyOf(itemFeatures);
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The selection budgets (DESIGN §2); {@code lifelongRule} is nearest, most_recent or random. */
    public record Selection(int kLifelong, int recent, int kRealtime, int kImpressions, String lifelongRule, int maxLength) {
        static Selection of(SelectionConfig c) {
            return new Selection(c.kLifelong(), c.recent(), c.kRealtime(), c.kImpressions(),
                    c.lifelongRule().name().toLowerCase(Locale.ROOT), c.maxLength());
        }
    }

    /** The sequence limits of the replay (DESIGN §1). */
    public record Limits(int realtime, int lifelong, int impressions, long foldWindowMs) {
        static Limits of(SequenceLimits l) {
            return new Limits(l.realtime(), l.lifelong(), l.impressions(), l.foldWindowMs());
        }
    }

    /**
     * One example file.
     *
     * @param file       its name
     * @param requests   request records
     * @param examples   candidates
     * @param tokens     token-table entries
     * @param positives  per head name, positive candidates
     * @param labelRates per head name, the fraction of positive candidates
     * @param bytes      the file's size
     * @param bytesPerExample {@code bytes / examples} (0 without examples)
     */
    public record SideSummary(String file, long requests, long examples, long tokens, Map<String, Long> positives,
                              Map<String, Double> labelRates, long bytes, double bytesPerExample) {
        static SideSummary of(ExampleHeader.Side side, ExampleFooter f, long bytes) {
            Map<String, Long> pos = new LinkedHashMap<>();
            Map<String, Double> rates = new LinkedHashMap<>();
            for (int h = 0; h < ExampleFormat.HEADS.size(); h++) {
                pos.put(ExampleFormat.HEADS.get(h).name(), f.positives(h));
                rates.put(ExampleFormat.HEADS.get(h).name(), f.labelRate(h));
            }
            return new SideSummary(side.fileName(), f.requests(), f.candidates(), f.tokens(), pos, rates, bytes,
                    f.candidates() == 0 ? 0 : (double) bytes / f.candidates());
        }
    }

    /** Examples in both files. */
    public long examples() {
        return train.examples() + eval.examples();
    }

    public void write(Path file) {
        try {
            JSON.writeValue(file.toFile(), this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads an {@code examples.json}. */
    public static BuildSummary read(Path file) {
        try {
            return JSON.readValue(file.toFile(), BuildSummary.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
