package io.longview.data.io;

import io.longview.core.model.Event;

import java.nio.file.Path;
import java.util.Iterator;

/**
 * A stream of events read from somewhere (a file, a generator); close it when done. Readers of files throw
 * {@link io.longview.core.io.InputException} naming the file and line of a bad row, from {@link #hasNext()} or
 * {@link #next()}: a source never returns an invalid event and never skips a bad row.
 *
 * <p>Open a file with {@link EventSources#open(Path)}, which picks the reader by the file name.
 */
public interface EventSource extends Iterator<Event>, AutoCloseable {
    /** Bytes read so far, for progress (0 when unknown). For a compressed file: compressed bytes. */
    default long bytesRead() {
        return 0;
    }

    /** The file being read, or null for a source that is not a file. */
    default Path file() {
        return null;
    }

    /** The 1-based line of the event last returned by {@link #next()}, or 0 when unknown or none yet. */
    default long line() {
        return 0;
    }

    /**
     * A user error at the event last returned by {@link #next()}: {@code FILE:LINE: reason} (Parquet: {@code FILE: row
     * R: reason}), for checks that callers make on a valid event (e.g. an item without an embedding).
     */
    default io.longview.core.io.InputException error(String reason) {
        return new io.longview.core.io.InputException(file(), line(), reason);
    }

    @Override
    void close();
}
