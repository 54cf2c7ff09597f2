package io.longview.data.io;

import io.longview.core.io.InputException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a CSV file with a header line, one record per line: the shared base of every CSV reader here (event log,
 * item file, MovieLens). Fields are separated by commas and trimmed; a field may be enclosed in double quotes (then
 * it may hold commas, and {@code ""} stands for one quote), but not span lines. Blank lines are skipped. Gzip input
 * is recognised by its magic bytes. Every problem is an {@link InputException} naming the file and the 1-based line.
 *
 * <pre>{@code
 * try (CsvRecordReader csv = CsvRecordReader.open(file, "what this file is")) {
 *     csv.requireHeader(List.of("a", "b"));
 *     while (csv.next()) {
 *         long a = csv.longField(0, "a");
 *     }
 * }
 * }</pre>
 */
public final class CsvRecordReader implements AutoCloseable {
    private final TextLineReader lines;
    private final List<String> header;
    private final long headerLine;
    private final ArrayList<String> fields = new ArrayList<>();

    private CsvRecordReader(TextLineReader lines, String description) {
        this.lines = lines;
        String h;
        do {
            h = lines.readLine();
        } while (h != null && h.isBlank());
        if (h == null) {
            throw new InputException(lines.file(), 0, "empty file, expected " + description + " starting with a header line");
        }
        this.headerLine = lines.line();
        split(h);
        this.header = List.copyOf(fields);
        fields.clear();
    }

    /**
     * Opens a file and reads its header line.
     *
     * @param description what the file should be, for the message when it is empty (e.g.
     *                    {@code "an event log with header user_id,item_id,timestamp_ms,action,surface"})
     */
    public static CsvRecordReader open(Path file, String description) {
        TextLineReader lines = new TextLineReader(file);
        try {
            return new CsvRecordReader(lines, description);
        } catch (RuntimeException e) {
            lines.close();
            throw e;
        }
    }

    /** The header's column names as written (trimmed). */
    public List<String> header() {
        return header;
    }

    /** The 1-based line of the header (1 unless blank lines precede it). */
    public long headerLine() {
        return headerLine;
    }

    /**
     * Checks that the header is exactly {@code expected} (case-insensitive).
     *
     * @throws InputException on the header's line naming both headers
     */
    public void requireHeader(List<String> expected) {
        boolean ok = header.size() == expected.size();
        for (int i = 0; ok && i < header.size(); i++) {
            ok = header.get(i).equalsIgnoreCase(expected.get(i));
        }
        if (!ok) {
            throw new InputException(lines.file(), headerLine, "header is '" + String.join(",", header) + "', expected '"
                    + String.join(",", expected) + "'" + (header.size() == 1 && !expected.isEmpty() ? " (is the file comma-separated?)" : ""));
        }
    }

    /** The index of column {@code name} in the header (case-insensitive), or -1. */
    public int column(String name) {
        for (int i = 0; i < header.size(); i++) {
            if (header.get(i).toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return i;
            }
        }
        return -1;
    }

    /** Advances to the next non-blank record; false at the end of the file. */
    public boolean next() {
        String s;
        do {
            s = lines.readLine();
            if (s == null) {
                fields.clear();
                return false;
            }
        } while (s.isBlank());
        fields.clear();
        split(s);
        return true;
    }

    /** Fields of the current record. */
    public int fieldCount() {
        return fields.size();
    }

    /** Field {@code i} of the current record, trimmed (quotes removed). */
    public String field(int i) {
        return fields.get(i);
    }

    /**
     * Checks that the current record has {@code n} fields.
     *
     * @throws InputException naming both counts and the header
     */
    public void requireFieldCount(int n) {
        if (fields.size() != n) {
            throw error("row has " + fields.size() + (fields.size() == 1 ? " column" : " columns") + ", expected " + n
                    + " (" + String.join(",", header) + ")");
        }
    }

    /**
     * Field {@code i} as a 64-bit integer.
     *
     * @throws InputException {@code "user_id 'abc' is not an integer"}
     */
    public long longField(int i, String name) {
        String s = fields.get(i);
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw error(name + " '" + s + "' is not an integer" + (s.isEmpty() ? " (empty field)" : ""));
        }
    }

    /**
     * Field {@code i} as a finite double (plain decimal or scientific notation).
     *
     * @throws InputException for text that is not a number, NaN, infinities and values beyond the double range
     */
    public double doubleField(int i, String name) {
        String s = fields.get(i);
        if (!isDecimal(s)) {
            if (isNonFiniteName(s)) {
                throw error(name + " is " + s + ", expected a finite number");
            }
            throw error(name + " '" + s + "' is not a number" + (s.isEmpty() ? " (empty field)" : ""));
        }
        double v = Double.parseDouble(s);
        if (!Double.isFinite(v)) {
            throw error(name + " " + s + " is not a finite number");
        }
        return v;
    }

    /**
     * Field {@code i} as a finite float.
     *
     * @throws InputException as {@link #doubleField}, and for values beyond the float range
     */
    public float floatField(int i, String name) {
        double d = doubleField(i, name);
        float f = (float) d;
        if (!Float.isFinite(f)) {
            throw error(name + " " + fields.get(i) + " is beyond the float range, expected a finite float");
        }
        return f;
    }

    /** An {@link InputException} at the current line. */
    public InputException error(String reason) {
        return lines.error(reason);
    }

    public Path file() {
        return lines.file();
    }

    /** The 1-based line of the current record. */
    public long line() {
        return lines.line();
    }

    /** File bytes consumed so far (compressed bytes for gzip input). */
    public long bytesRead() {
        return lines.bytesRead();
    }

    @Override
    public void close() {
        lines.close();
    }

    static boolean isNonFiniteName(String s) {
        String t = s.toLowerCase(Locale.ROOT);
        if (t.startsWith("+") || t.startsWith("-")) {
            t = t.substring(1);
        }
        return t.equals("nan") || t.equals("inf") || t.equals("infinity");
    }

    /** Optional sign, digits with at most one point, optional exponent: what JSON and CSV tools write. */
    static boolean isDecimal(String s) {
        int n = s.length();
        int i = 0;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int digits = 0;
        boolean point = false;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
            } else if (c == '.' && !point) {
                point = true;
            } else {
                break;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int exp = 0;
            for (; i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9'; i++) {
                exp++;
            }
            if (exp == 0) {
                return false;
            }
        }
        return i == n;
    }

    private void split(String s) {
        if (s.indexOf('"') < 0) {
            int start = 0;
            for (int i = s.indexOf(','); i >= 0; i = s.indexOf(',', start)) {
                fields.add(s.substring(start, i).trim());
                start = i + 1;
            }
            fields.add(s.substring(start).trim());
            return;
        }
        StringBuilder cur = new StringBuilder();
        int i = 0;
        int n = s.length();
        while (true) {
            while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                i++;
            }
            if (i < n && s.charAt(i) == '"') {
                int openedAt = i;
                i++;
                cur.setLength(0);
                while (true) {
                    if (i >= n) {
                        throw error("unterminated quoted field starting at column " + (openedAt + 1)
                                + " (quoted fields may not span lines)");
                    }
                    char c = s.charAt(i);
                    if (c == '"') {
                        if (i + 1 < n && s.charAt(i + 1) == '"') {
                            cur.append('"');
                            i += 2;
                        } else {
                            i++;
                            break;
                        }
                    } else {
                        cur.append(c);
                        i++;
                    }
                }
                while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                    i++;
                }
                if (i < n && s.charAt(i) != ',') {
                    throw error("unexpected text after the closing quote at column " + (i + 1) + ": '"
                            + s.substring(i, Math.min(n, i + 20)) + "'");
                }
                fields.add(cur.toString());
            } else {
                int comma = s.indexOf(',', i);
                int end = comma < 0 ? n : comma;
                String f = s.substring(i, end).trim();
                if (f.indexOf('"') >= 0) {
                    throw error("stray double quote in unquoted field '" + f + "'");
                }
                fields.add(f);
                i = end;
            }
            if (i >= n) {
                return;
            }
            i++; // the comma
            if (i == n) {
                fields.add("");
                return;
            }
        }
    }
}
