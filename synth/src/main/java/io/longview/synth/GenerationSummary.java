package io.longview.synth;

import io.longview.data.io.DatasetManifest;

import java.nio.file.Path;
import java.util.Locale;

/**
 * What {@link WorldGenerator#generate} wrote.
 *
 * @param dir        the dataset directory (committed)
 * @param manifest   its {@code dataset.json}
 * @param statistics ground-truth counts of the world (impressions by topic class, lifelong-only impressions, …)
 * @param bytes      total size of the files written
 * @param seconds    wall time of the generation
 */
public record GenerationSummary(Path dir, DatasetManifest manifest, WorldStatistics statistics, long bytes, double seconds) {
    /** A few lines for a terminal. */
    public String format() {
        return String.format(Locale.ROOT, "wrote %s to %s: %,d users, %,d items, %,d events, %.1f MB in %.1f s (snapshot %s)%n",
                manifest.name(), dir, manifest.users(), manifest.items(), manifest.events(), bytes / 1e6, seconds, manifest.snapshotId())
                + statistics.format();
    }
}
