package io.longview.data.io;

import java.nio.file.Path;

/**
 * What an import wrote.
 *
 * @param dir      the dataset directory (complete: written through {@link AtomicDirectory})
 * @param manifest its {@code dataset.json}
 * @param seconds  wall time of the import
 */
public record ImportResult(Path dir, DatasetManifest manifest, double seconds) {
    /** The layout of {@link #dir()}. */
    public DatasetLayout layout() {
        return new DatasetLayout(dir);
    }
}
