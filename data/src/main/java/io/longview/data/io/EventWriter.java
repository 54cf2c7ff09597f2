package io.longview.data.io;

import io.longview.core.model.Event;
import io.longview.parquet.ParquetEventWriter;

import java.nio.file.Path;

/**
 * Writes an event log, rows in the order given: the CSV of DESIGN §1 ({@link EventLogWriter}, gzip for {@code .gz})
 * or Parquet ({@link ParquetEventWriter#SCHEMA}). {@link #open} picks the format by the file name.
 */
public interface EventWriter extends AutoCloseable {
    /** Appends one event. */
    void write(Event e);

    /** Events written so far. */
    long count();

    /** Completes the file (the Parquet footer); the file is valid only after this. */
    @Override
    void close();

    /** A writer for {@code file}: {@code *.parquet} → Parquet, anything else → CSV ({@code *.gz}: gzip). */
    static EventWriter open(Path file) {
        if (FileFormat.of(file) != FileFormat.PARQUET) {
            return new EventLogWriter(file);
        }
        ParquetEventWriter w = new ParquetEventWriter(file);
        return new EventWriter() {
            @Override
            public void write(Event e) {
                w.write(e);
            }

            @Override
            public long count() {
                return w.count();
            }

            @Override
            public void close() {
                w.close();
            }
        };
    }
}
