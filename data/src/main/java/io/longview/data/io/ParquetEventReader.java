package io.longview.data.io;

import io.longview.core.io.InputException;
import io.longview.core.model.Event;
import io.longview.parquet.ParquetRowReader;
import io.longview.parquet.ParquetRowReader.Kind;

import java.nio.file.Path;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;

/**
 * Reads an event log in Parquet: one file, or a directory of part files (Spark's output), through
 * {@link ParquetRowReader} (parquet-java). What {@code generate --format parquet} writes
 * ({@link io.longview.parquet.ParquetEventWriter#SCHEMA}) reads as is; a raw log reads through the same
 * {@link EventLogDialect} as CSV and JSON Lines.
 *
 * <ul>
 *   <li><b>Columns</b> by name (the dialect's names; exact, else case-insensitive). Other columns are ignored.
 *       {@code user_id}, {@code item_id}, {@code timestamp_ms} and {@code action} are required; {@code surface} is
 *       required for the canonical log and optional (0) with a {@code --columns} mapping, as in CSV.</li>
 *   <li><b>Types.</b> Ids and the timestamp: INT32/INT64, or strings holding integers. An INT64 {@code TIMESTAMP}
 *       column (millis, micros or nanos) is converted to epoch milliseconds whatever {@code --timestamp-unit} says;
 *       a plain integer is in the dialect's unit. {@code action}: a string (the dialect's action names). {@code
 *       surface}: a number in [0, 16) or a name.</li>
 *   <li><b>Errors</b>: a null, a value of the wrong type, an unknown action or surface, an out-of-range timestamp:
 *       an {@link InputException} {@code FILE: row R, column 'C': …} naming the part file, the 1-based row within it
 *       and the file's column; a missing column or an unsupported column type names the file and the column.</li>
 * </ul>
 * Streaming: one row group in memory. {@link #line()} is the row within the current file.
 */
public final class ParquetEventReader implements EventSource {
    private static final int USER = 0;
    private static final int ITEM = 1;
    private static final int TIME = 2;
    private static final int ACTION = 3;
    private static final int SURFACE = 4;

    private final ParquetRowReader rows;
    private final EventLogDialect dialect;
    private Event pending;
    private long pendingRow;
    private Path pendingFile;
    private long row;
    private Path file;

    /** Opens a Parquet file or directory read through a dialect ({@link EventLogDialect#CANONICAL}: the canonical names). */
    public ParquetEventReader(Path fileOrDir, EventLogDialect dialect) {
        this.dialect = dialect;
        List<String> columns = EventLogDialect.FIELDS.stream().map(dialect::column).toList();
        List<String> required = dialect.strict() ? columns : columns.subList(0, SURFACE);
        rows = ParquetRowReader.open(fileOrDir, columns, required,
                dialect.strict() ? "; map the file's names with --columns field=name,..." : " (mapped with --columns)");
        try {
            rows.requireColumns();
        } catch (RuntimeException e) {
            rows.close();
            throw e;
        }
        file = rows.file();
    }

    @Override
    public boolean hasNext() {
        while (pending == null) {
            if (!rows.next()) {
                return false;
            }
            pending = parse();
            pendingRow = rows.row();
            pendingFile = rows.file();
        }
        return true;
    }

    @Override
    public Event next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Event e = pending;
        pending = null;
        row = pendingRow;
        file = pendingFile;
        return e;
    }

    /** The event of the current row, or null for a row the dialect skips. */
    private Event parse() {
        byte action;
        try {
            action = dialect.action(string(ACTION));
        } catch (IllegalArgumentException e) {
            throw rows.error(ACTION, e.getMessage());
        }
        if (action == EventLogDialect.SKIP) {
            return null;
        }
        long user = integer(USER);
        long item = integer(ITEM);
        long ts;
        try {
            TimeUnit unit = rows.timeUnit(TIME);
            ts = unit != null ? EventFields.timestamp(unit.toMillis(integer(TIME))) : dialect.timestampMs(integer(TIME));
        } catch (IllegalArgumentException e) {
            throw rows.error(TIME, e.getMessage());
        }
        byte surface = 0;
        if (rows.present(SURFACE)) {
            notNull(SURFACE);
            try {
                surface = rows.kind(SURFACE) == Kind.INTEGER ? EventFields.surface(rows.getLong(SURFACE))
                        : EventFields.surface(rows.getString(SURFACE));
            } catch (IllegalArgumentException e) {
                throw rows.error(SURFACE, e.getMessage());
            }
        }
        return new Event(user, item, ts, action, surface);
    }

    private void notNull(int i) {
        if (rows.isNull(i)) {
            throw rows.error(i, "null, but " + EventLogDialect.FIELDS.get(i) + " needs a value");
        }
    }

    private String string(int i) {
        notNull(i);
        if (rows.kind(i) != Kind.STRING) {
            throw rows.error(i, rows.text(i) + " is a number (" + rows.typeName(i) + "), but "
                    + EventLogDialect.FIELDS.get(i) + " is a name: click, save, hide, impression or a name of the action map");
        }
        return rows.getString(i);
    }

    private long integer(int i) {
        notNull(i);
        if (rows.kind(i) == Kind.INTEGER) {
            return rows.getLong(i);
        }
        String s = rows.getString(i);
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw rows.error(i, "'" + s + "' is not an integer (" + EventLogDialect.FIELDS.get(i) + ")");
        }
    }

    @Override
    public long bytesRead() {
        return rows.bytesRead();
    }

    /** The part file of the event last returned. */
    @Override
    public Path file() {
        return file;
    }

    /** The 1-based row, within {@link #file()}, of the event last returned. */
    @Override
    public long line() {
        return row;
    }

    @Override
    public InputException error(String reason) {
        return new InputException(file, 0, "row " + row + ": " + reason);
    }

    @Override
    public void close() {
        rows.close();
    }
}
