package io.longview.data.io;

import io.longview.core.model.Event;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;

/**
 * Opens event logs: the factory that picks a reader by file name ({@link FileFormat#of}), so that callers (the
 * importer, the example builder, ingestion) handle CSV and JSON Lines, plain or gzip, and Parquet alike.
 */
public final class EventSources {
    private EventSources() {
    }

    /**
     * Opens an event log, choosing the reader by the file name: {@code .csv[.gz]} → {@link CsvEventReader},
     * {@code .jsonl[.gz]} / {@code .ndjson[.gz]} → {@link JsonLinesEventReader}, {@code .parquet} or a directory →
     * {@link ParquetEventReader}.
     *
     * @throws io.longview.core.io.InputException for an unknown extension, a missing or empty file, a bad header
     */
    public static EventSource open(Path file) {
        return open(file, FileFormat.of(file));
    }

    /** Opens an event log in the given format, whatever its name. */
    public static EventSource open(Path file, FileFormat format) {
        return open(file, format, EventLogDialect.CANONICAL);
    }

    /** Opens a raw event log in the given format, read through a dialect (other names, units, action names). */
    public static EventSource open(Path file, FileFormat format, EventLogDialect dialect) {
        return switch (format) {
            case CSV -> new CsvEventReader(file, dialect);
            case JSONL -> new JsonLinesEventReader(file, dialect);
            case PARQUET -> new ParquetEventReader(file, dialect);
        };
    }

    /** An in-memory source over a list (for tests and small generated logs). */
    public static EventSource of(List<Event> events) {
        Iterator<Event> it = events.iterator();
        return new EventSource() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Event next() {
                return it.next();
            }

            @Override
            public void close() {
            }
        };
    }
}
