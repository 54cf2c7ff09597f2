package io.longview.data.io;

import io.longview.core.model.Actions;
import io.longview.core.model.Event;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Writes the CSV event log of DESIGN §1 with a header line:
 * <pre>
 * user_id,item_id,timestamp_ms,action,surface
 * 17,4211,1700000000000,click,0
 * </pre>
 * A path ending in {@code .gz} is gzip-compressed. Streaming: nothing is held in memory.
 */
public final class EventLogWriter implements EventWriter {
    public static final String HEADER = "user_id,item_id,timestamp_ms,action,surface";

    private final BufferedWriter out;
    private final StringBuilder line = new StringBuilder(64);
    private long count;

    public EventLogWriter(Path file) {
        try {
            OutputStream os = Files.newOutputStream(file);
            if (file.getFileName().toString().endsWith(".gz")) {
                os = new GZIPOutputStream(os, 1 << 16);
            }
            out = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16);
            out.write(HEADER);
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void write(Event e) {
        line.setLength(0);
        line.append(e.userId()).append(',').append(e.itemId()).append(',').append(e.timestampMs()).append(',')
                .append(Actions.name(e.action())).append(',').append(e.surface()).append('\n');
        try {
            out.append(line);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        count++;
    }

    /** Events written so far. */
    @Override
    public long count() {
        return count;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
