package io.longview.data.io;

import io.longview.core.io.InputException;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The formats of the event log and the item file (DESIGN §1): two text formats, each optionally gzip-compressed, and
 * Parquet (event logs only).
 *
 * <pre>
 * CSV      *.csv, *.csv.gz                      a header line, then one record per line
 * JSONL    *.jsonl, *.ndjson (and their .gz)    one JSON object per line (JSON Lines)
 * PARQUET  *.parquet, or a directory            columns by name ({@link ParquetEventReader}); a directory: its *.parquet parts
 * </pre>
 */
public enum FileFormat {
    CSV,
    JSONL,
    PARQUET;

    /**
     * The format a file name implies.
     *
     * @throws InputException when the name has none of the extensions above
     */
    public static FileFormat of(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".parquet") || java.nio.file.Files.isDirectory(file)) {
            return PARQUET;
        }
        if (n.endsWith(".gz")) {
            n = n.substring(0, n.length() - 3);
        }
        if (n.endsWith(".csv")) {
            return CSV;
        }
        if (n.endsWith(".jsonl") || n.endsWith(".ndjson")) {
            return JSONL;
        }
        throw new InputException(file, 0, "cannot tell the format from the file name '" + file.getFileName()
                + "': expected .csv or .jsonl/.ndjson (optionally followed by .gz), .parquet, or name the format explicitly");
    }

    /** Parses {@code csv}, {@code jsonl} or {@code parquet} (case-insensitive; {@code ndjson} is accepted for JSONL). */
    public static FileFormat parse(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "csv" -> CSV;
            case "jsonl", "ndjson", "json-lines" -> JSONL;
            case "parquet" -> PARQUET;
            default -> throw new IllegalArgumentException("unknown format '" + name + "', expected csv, jsonl or parquet");
        };
    }
}
