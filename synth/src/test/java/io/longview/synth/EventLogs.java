package io.longview.synth;

import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.Surfaces;
import io.longview.data.io.EventLogWriter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Reads an event log back for tests: a strict, independent parser of the format {@link EventLogWriter} writes. */
final class EventLogs {
    private EventLogs() {
    }

    /** All events of {@code events.csv} or {@code events.csv.gz}, validated by {@link Event}'s constructor. */
    static List<Event> read(Path file) {
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String header = r.readLine();
            if (!EventLogWriter.HEADER.equals(header)) {
                throw new AssertionError(file + ": header " + header);
            }
            List<Event> out = new ArrayList<>();
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.split(",", -1);
                if (f.length != 5) {
                    throw new AssertionError(file + ": " + f.length + " fields in '" + line + "'");
                }
                out.add(Event.of(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Actions.parse(f[3]),
                        Surfaces.parse(f[4])));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
