package io.longview.data.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.longview.core.io.InputException;
import io.longview.core.model.Event;

import java.io.IOException;
import java.nio.file.Path;
import java.util.NoSuchElementException;

/**
 * Reads the event log of DESIGN §1 as JSON Lines (plain or gzip), one object per line:
 * <pre>
 * {"user_id":17,"item_id":4211,"timestamp_ms":1700000000000,"action":"click","surface":0}
 * {"user_id":17,"item_id":977,"timestamp_ms":1700000000123,"action":"impression","surface":"home"}
 * </pre>
 * <ul>
 *   <li>All five fields are required, each once; any other field is an error (it catches typos such as
 *       {@code "timestamp"}).</li>
 *   <li>{@code user_id}, {@code item_id}, {@code timestamp_ms}: JSON integers, or strings holding one (for ids
 *       beyond 2^53 written by JavaScript tools). {@code timestamp_ms} is epoch milliseconds in
 *       [1995-01-01, 2100-01-01); epoch seconds are refused with a hint.</li>
 *   <li>{@code action}: a string {@code click|save|hide|impression}. {@code surface}: a number in [0, 16) or a name
 *       {@code home|search|related|other}.</li>
 *   <li>Blank lines are skipped; broken JSON, a non-object line or any bad value is an {@link InputException}
 *       naming the file, the 1-based line and the value.</li>
 * </ul>
 * Streaming: one line in memory at a time.
 *
 * <p>A raw log with other key names, extra keys, timestamps in seconds or other action names reads through an
 * {@link EventLogDialect} ({@link #JsonLinesEventReader(Path, EventLogDialect)}): unmapped keys are then ignored,
 * {@code surface} may be absent (0), and lines whose action maps to {@code skip} are dropped.
 */
public final class JsonLinesEventReader implements EventSource {
    static final JsonFactory JSON = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private final TextLineReader lines;
    private final EventLogDialect dialect;
    private final java.util.Map<String, String> fieldOfKey = new java.util.HashMap<>(); // the file's key → canonical field
    private String firstLine;
    private Event pending;
    private long pendingLine;
    private long line;
    private boolean done;

    /**
     * Opens a file.
     *
     * @throws InputException for a missing or empty file
     */
    public JsonLinesEventReader(Path file) {
        this(file, EventLogDialect.CANONICAL);
    }

    /**
     * Opens a raw log read through a dialect.
     *
     * @throws InputException for a missing or empty file
     */
    public JsonLinesEventReader(Path file, EventLogDialect dialect) {
        this.dialect = dialect;
        for (String f : EventLogDialect.FIELDS) {
            fieldOfKey.put(dialect.column(f), f);
        }
        lines = new TextLineReader(file);
        try {
            String first = lines.readLine();
            if (first == null) {
                throw new InputException(file, 0, "empty file, expected JSON Lines events such as "
                        + "{\"user_id\":1,\"item_id\":2,\"timestamp_ms\":1700000000000,\"action\":\"click\",\"surface\":0}");
            }
            firstLine = first;
        } catch (RuntimeException e) {
            lines.close();
            throw e;
        }
    }

    @Override
    public boolean hasNext() {
        while (pending == null && !done) {
            String s;
            if (firstLine != null) {
                s = firstLine;
                firstLine = null;
            } else {
                s = lines.readLine();
            }
            if (s == null) {
                done = true;
            } else if (!s.isBlank()) {
                pending = parse(s, new Where(lines.file(), lines.line()));
                pendingLine = lines.line();
            }
            // a null pending after a non-blank line: a row the dialect skips
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

    /** Parses single objects in the canonical format (no file; its state is read-only, so shared by threads). */
    private static final JsonLinesEventReader CANONICAL = new JsonLinesEventReader(EventLogDialect.CANONICAL);

    private JsonLinesEventReader(EventLogDialect dialect) {
        this.dialect = dialect;
        for (String f : EventLogDialect.FIELDS) {
            fieldOfKey.put(dialect.column(f), f);
        }
        lines = null;
        done = true;
    }

    /**
     * Parses one canonical event-log JSON object (the format of the class comment) that did not come from a file,
     * such as a Kafka record's value: the one parser of the format, shared with the file reader. Thread-safe.
     *
     * @param json   the object's text
     * @param source what to name in errors (a file, or a pseudo-path such as {@code topic-partition})
     * @param record what to report as the line number (a line, or an offset)
     * @throws InputException for anything the file reader refuses, naming {@code source} and {@code record}
     */
    public static Event parse(String json, Path source, long record) {
        return CANONICAL.parse(json, new Where(source, record));
    }

    /** Where a parsed object came from, for error messages. */
    private record Where(Path file, long line) {
        InputException error(String reason) {
            return new InputException(file, line, reason);
        }
    }

    // `lines` is the object's origin here (it shadows the reader field of that name)
    private Event parse(String s, Where lines) {
        long user = 0;
        long item = 0;
        long ts = 0;
        byte action = 0;
        byte surface = 0;
        int seen = 0; // bit per field
        try (JsonParser p = JSON.createParser(s)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw lines.error("expected a JSON object per line, got: " + abbreviate(s));
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String name = p.currentName();
                p.nextToken();
                String field = fieldOfKey.get(name);
                if (field == null && !dialect.strict()) {
                    p.skipChildren(); // a key the mapping does not name
                    continue;
                }
                int bit = switch (field == null ? name : field) {
                    case EventFields.USER -> 1;
                    case EventFields.ITEM -> 2;
                    case EventFields.TIMESTAMP -> 4;
                    case EventFields.ACTION -> 8;
                    case EventFields.SURFACE -> 16;
                    default -> throw lines.error("unknown field \"" + name + "\", expected user_id, item_id, timestamp_ms, action, surface"
                            + (name.equals("timestamp") ? " (the field is timestamp_ms)" : ""));
                };
                if ((seen & bit) != 0) {
                    throw lines.error("field \"" + name + "\" appears twice");
                }
                seen |= bit;
                switch (bit) {
                    case 1 -> user = integer(p, name, lines);
                    case 2 -> item = integer(p, name, lines);
                    case 4 -> {
                        try {
                            ts = dialect.timestampMs(integer(p, name, lines));
                        } catch (IllegalArgumentException e) {
                            throw lines.error(e.getMessage());
                        }
                    }
                    case 8 -> {
                        if (p.currentToken() != JsonToken.VALUE_STRING) {
                            throw lines.error("action is " + valueText(p) + ", expected a string click|save|hide|impression");
                        }
                        try {
                            action = dialect.action(p.getText());
                        } catch (IllegalArgumentException e) {
                            throw lines.error(e.getMessage());
                        }
                    }
                    default -> surface = surface(p, lines);
                }
            }
            if (p.nextToken() != null) {
                throw lines.error("unexpected content after the JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new InputException(lines.file(), lines.line(), malformed(e), e);
        } catch (IOException e) {
            throw new InputException(lines.file(), lines.line(), "cannot parse: " + e.getMessage(), e);
        }
        if (!dialect.strict()) {
            seen |= 16; // surface is optional in a mapped log (0 when absent)
        }
        if (seen != 31) {
            StringBuilder missing = new StringBuilder();
            String[] names = {EventFields.USER, EventFields.ITEM, EventFields.TIMESTAMP, EventFields.ACTION, EventFields.SURFACE};
            for (int i = 0; i < names.length; i++) {
                if ((seen >> i & 1) == 0) {
                    missing.append(missing.isEmpty() ? "" : ", ").append(names[i]);
                }
            }
            throw lines.error("missing field(s) " + missing + "; every line needs user_id, item_id, timestamp_ms, action, surface");
        }
        return action == EventLogDialect.SKIP ? null : new Event(user, item, ts, action, surface);
    }

    private long integer(JsonParser p, String name, Where lines) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT) {
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw lines.error(name + " " + p.getText() + " does not fit a 64-bit integer");
            }
            return p.getLongValue();
        }
        if (t == JsonToken.VALUE_STRING) {
            String s = p.getText().trim();
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw lines.error(name + " \"" + p.getText() + "\" is not an integer");
            }
        }
        throw lines.error(name + " is " + valueText(p) + ", expected an integer");
    }

    private byte surface(JsonParser p, Where lines) throws IOException {
        JsonToken t = p.currentToken();
        try {
            if (t == JsonToken.VALUE_NUMBER_INT) {
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    throw lines.error("surface " + p.getText() + " out of range [0, 16)");
                }
                return EventFields.surface(p.getLongValue());
            }
            if (t == JsonToken.VALUE_STRING) {
                return EventFields.surface(p.getText());
            }
        } catch (IllegalArgumentException e) {
            throw lines.error(e.getMessage());
        }
        throw lines.error("surface is " + valueText(p) + ", expected a number in [0, 16) or home|search|related|other");
    }

    /** A short description of the current value for messages. */
    static String valueText(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            return "missing";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_NULL -> "null";
            case VALUE_STRING -> "\"" + p.getText() + "\"";
            default -> p.getText();
        };
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    @Override
    public long bytesRead() {
        return lines.bytesRead();
    }

    @Override
    public Path file() {
        return lines.file();
    }

    @Override
    public long line() {
        return line;
    }

    @Override
    public void close() {
        lines.close();
    }

    /**
     * "malformed JSON: …" for a parse error of one line: Jackson's reason without its own source position (which
     * counts within the one line it was given and would contradict the file's line number), plus the column.
     */
    static String malformed(JsonProcessingException e) {
        String reason = e.getOriginalMessage().replaceAll("\\s*\\(start marker at \\[Source:[^\\]]*\\]\\)", "");
        return "malformed JSON: " + reason + (e.getLocation() != null ? " (column " + e.getLocation().getColumnNr() + ")" : "");
    }
}
