package io.longview.core.checkpoint;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedMap;
import java.util.regex.Pattern;

/**
 * The strict key=value text of a checkpoint's metadata block ({@link CheckpointFormat} documents the grammar).
 * Parsing errors are {@link IllegalArgumentException}s naming the line; the reader wraps them.
 */
final class MetadataText {
    static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.-]+");

    private MetadataText() {
    }

    /** Writes the entries in their order, one line each, after a comment line. */
    static String format(SequencedMap<String, String> entries) {
        StringBuilder sb = new StringBuilder("# longview checkpoint metadata, format version ").append(CheckpointFormat.VERSION).append('\n');
        for (Map.Entry<String, String> e : entries.entrySet()) {
            if (!KEY.matcher(e.getKey()).matches()) {
                throw new IllegalArgumentException("metadata key '" + e.getKey() + "' must match " + KEY.pattern());
            }
            sb.append(e.getKey()).append('=');
            String v = e.getValue();
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                switch (c) {
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    default -> sb.append(c);
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Parses the text; keys unique, values unescaped. */
    static SequencedMap<String, String> parse(String text) {
        SequencedMap<String, String> out = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int ln = 0; ln < lines.length; ln++) {
            String line = lines[ln];
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("metadata line " + (ln + 1) + " '" + line + "' has no '='");
            }
            String key = line.substring(0, eq);
            if (!KEY.matcher(key).matches()) {
                throw new IllegalArgumentException("metadata line " + (ln + 1) + ": key '" + key + "' must match " + KEY.pattern());
            }
            StringBuilder v = new StringBuilder();
            for (int i = eq + 1; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c == '\r') {
                    throw new IllegalArgumentException("metadata line " + (ln + 1) + " (" + key + ") holds a raw carriage return");
                }
                if (c != '\\') {
                    v.append(c);
                    continue;
                }
                char n = i + 1 < line.length() ? line.charAt(++i) : '?';
                switch (n) {
                    case '\\' -> v.append('\\');
                    case 'n' -> v.append('\n');
                    case 'r' -> v.append('\r');
                    case 't' -> v.append('\t');
                    default -> throw new IllegalArgumentException("metadata line " + (ln + 1) + " (" + key
                            + "): unknown escape '\\" + n + "', expected \\\\, \\n, \\r or \\t");
                }
            }
            if (out.putIfAbsent(key, v.toString()) != null) {
                throw new IllegalArgumentException("metadata line " + (ln + 1) + ": key '" + key + "' appears twice");
            }
        }
        return out;
    }
}
