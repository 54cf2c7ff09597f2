package io.longview.data.io;

import io.longview.core.io.InputException;
import io.longview.core.model.Event;

import java.nio.file.Path;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Reads the CSV event log of DESIGN §1 (plain or gzip):
 * <pre>
 * user_id,item_id,timestamp_ms,action,surface
 * 17,4211,1700000000000,click,0
 * 17,977,1700000000123,impression,home
 * </pre>
 * <ul>
 *   <li>The header line is required and must name exactly these five columns in this order (case-insensitive).</li>
 *   <li>{@code user_id}, {@code item_id}: 64-bit integers. {@code timestamp_ms}: epoch milliseconds in
 *       [1995-01-01, 2100-01-01) ({@link Event#checkTimestamp}); epoch seconds are refused with a hint.</li>
 *   <li>{@code action}: {@code click|save|hide|impression} (case-insensitive). {@code surface}: a number in [0, 16)
 *       or one of {@code home|search|related|other}.</li>
 *   <li>Blank lines are skipped; anything else that does not match is an {@link InputException} naming the file,
 *       the 1-based line and the offending value.</li>
 * </ul>
 * Streaming: one line in memory at a time. Rows are returned in file order.
 *
 * <p>A raw log with other column names, extra columns, timestamps in seconds or other action names reads through an
 * {@link EventLogDialect} ({@link #CsvEventReader(Path, EventLogDialect)}): columns are then looked up by name,
 * unmapped ones are ignored, {@code surface} may be absent (0), and rows whose action maps to {@code skip} are
 * dropped.
 */
public final class CsvEventReader implements EventSource {
    /** The required header columns. */
    public static final List<String> COLUMNS = List.of(EventFields.USER, EventFields.ITEM, EventFields.TIMESTAMP,
            EventFields.ACTION, EventFields.SURFACE);

    private final CsvRecordReader csv;
    private final EventLogDialect dialect;
    private final int[] index = new int[5]; // column of user, item, timestamp, action, surface (-1: absent)
    private final int fieldCount;
    private Event pending;
    private long pendingLine;
    private long line;
    private boolean done;

    /**
     * Opens a file and checks its header.
     *
     * @throws InputException for a missing or empty file or a wrong header
     */
    public CsvEventReader(Path file) {
        this(file, EventLogDialect.CANONICAL);
    }

    /**
     * Opens a raw log read through a dialect, and finds its columns.
     *
     * @throws InputException for a missing or empty file, or a header without a required column
     */
    public CsvEventReader(Path file, EventLogDialect dialect) {
        this.dialect = dialect;
        csv = CsvRecordReader.open(file, "an event log with header " + EventLogWriter.HEADER);
        try {
            if (dialect.strict()) {
                csv.requireHeader(COLUMNS);
                for (int i = 0; i < index.length; i++) {
                    index[i] = i;
                }
                fieldCount = COLUMNS.size();
            } else {
                StringBuilder missing = new StringBuilder();
                for (int i = 0; i < index.length; i++) {
                    String name = dialect.column(COLUMNS.get(i));
                    index[i] = csv.column(name);
                    if (index[i] < 0 && i < 4) {
                        missing.append(missing.isEmpty() ? "" : ", ").append(COLUMNS.get(i)).append(" (column '").append(name).append("')");
                    }
                }
                if (!missing.isEmpty()) {
                    throw new InputException(file, csv.headerLine(), "header is '" + String.join(",", csv.header())
                            + "', it has no " + missing + "; map the file's names with --columns field=name,...");
                }
                fieldCount = csv.header().size();
            }
        } catch (RuntimeException e) {
            csv.close();
            throw e;
        }
    }

    @Override
    public boolean hasNext() {
        while (pending == null && !done) {
            if (csv.next()) {
                pending = parse();
                pendingLine = csv.line();
            } else {
                done = true;
            }
        }
        return pending != null;
    }

    @Override
    public Event next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Event e = pending;
        pending = null;
        line = pendingLine;
        return e;
    }

    /** The event of the current row, or null for a row the dialect skips. */
    private Event parse() {
        csv.requireFieldCount(fieldCount);
        byte action;
        try {
            action = dialect.action(csv.field(index[3]));
        } catch (IllegalArgumentException e) {
            throw csv.error(e.getMessage());
        }
        if (action == EventLogDialect.SKIP) {
            return null;
        }
        long user = csv.longField(index[0], EventFields.USER);
        long item = csv.longField(index[1], EventFields.ITEM);
        long ts;
        try {
            ts = dialect.timestampMs(csv.longField(index[2], EventFields.TIMESTAMP));
        } catch (IllegalArgumentException e) {
            throw csv.error(e.getMessage());
        }
        byte surface = 0;
        if (index[4] >= 0) {
            try {
                surface = EventFields.surface(csv.field(index[4]));
            } catch (IllegalArgumentException e) {
                throw csv.error(e.getMessage());
            }
        }
        return new Event(user, item, ts, action, surface);
    }

    @Override
    public long bytesRead() {
        return csv.bytesRead();
    }

    @Override
    public Path file() {
        return csv.file();
    }

    @Override
    public long line() {
        return line;
    }

    @Override
    public void close() {
        csv.close();
    }
}
