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
 */
public final class CsvEventReader implements EventSource {
    /** The required header columns. */
    public static final List<String> COLUMNS = List.of(EventFields.USER, EventFields.ITEM, EventFields.TIMESTAMP,
            EventFields.ACTION, EventFields.SURFACE);

    private final CsvRecordReader csv;
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
        csv = CsvRecordReader.open(file, "an event log with header " + EventLogWriter.HEADER);
        try {
            csv.requireHeader(COLUMNS);
        } catch (RuntimeException e) {
            csv.close();
            throw e;
        }
    }

    @Override
    public boolean hasNext() {
        if (pending == null && !done) {
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

    private Event parse() {
        csv.requireFieldCount(COLUMNS.size());
        long user = csv.longField(0, EventFields.USER);
        long item = csv.longField(1, EventFields.ITEM);
        long ts = csv.longField(2, EventFields.TIMESTAMP);
        try {
            EventFields.timestamp(ts);
        } catch (IllegalArgumentException e) {
            throw csv.error(e.getMessage());
        }
        byte action;
        try {
            action = EventFields.action(csv.field(3));
        } catch (IllegalArgumentException e) {
            throw csv.error(e.getMessage());
        }
        byte surface;
        try {
            surface = EventFields.surface(csv.field(4));
        } catch (IllegalArgumentException e) {
            throw csv.error(e.getMessage());
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
