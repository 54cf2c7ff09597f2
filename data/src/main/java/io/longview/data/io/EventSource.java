package io.longview.data.io;

import io.longview.core.model.Event;

import java.util.Iterator;

/**
 * A stream of events read from somewhere (a file, a generator); close it when done. Readers of files throw
 * {@link io.longview.core.io.InputException} naming the file and line of a bad row.
 */
public interface EventSource extends Iterator<Event>, AutoCloseable {
    /** Bytes read so far, for progress (0 when unknown). */
    default long bytesRead() {
        return 0;
    }

    @Override
    void close();
}
