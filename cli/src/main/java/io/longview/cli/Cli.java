package io.longview.cli;

import io.longview.core.io.InputException;

import io.longview.core.io.Progress;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Small helpers shared by the commands: parsing times and durations, progress lines. */
final class Cli {
    private Cli() {
    }

    /**
     * Parses a point in time: epoch milliseconds, or an ISO-8601 instant ({@code 2024-10-01T00:00:00Z}) or date
     * ({@code 2024-10-01}, midnight UTC).
     */
    /**
     * Runs {@code build}, which turns option values into a configuration: an {@link IllegalArgumentException} from a
     * config's checks is then the user's mistake and becomes an {@link InputException} (exit 2, one line). Use it only
     * around such code, so that an IllegalArgumentException anywhere else keeps its stack trace (a bug).
     */
    static <T> T fromOptions(java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw new InputException(e.getMessage());
        }
    }

    /** Refuses an existing output without {@code --force}, before any work (the writers check again, as a bug guard). */
    static void refuseExisting(Path out, boolean force) {
        if (!force && java.nio.file.Files.exists(out)) {
            throw new InputException(abs(out), 0, "exists already (use --force to replace it)");
        }
    }

    static long parseTime(String text) {
        String s = text.trim();
        if (s.matches("\\d+")) {
            return Long.parseLong(s);
        }
        try {
            if (s.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return Instant.parse(s + "T00:00:00Z").toEpochMilli();
            }
            return Instant.parse(s).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new InputException("cannot read time '" + text + "': expected epoch ms, 2024-10-01 or 2024-10-01T12:00:00Z");
        }
    }

    /** Parses a duration: {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}, or plain milliseconds. */
    static long parseDurationMs(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.endsWith("ms")) {
                return Long.parseLong(s.substring(0, s.length() - 2));
            }
            char unit = s.charAt(s.length() - 1);
            if (Character.isDigit(unit)) {
                return Long.parseLong(s);
            }
            long v = Long.parseLong(s.substring(0, s.length() - 1));
            return switch (unit) {
                case 's' -> Duration.ofSeconds(v).toMillis();
                case 'm' -> Duration.ofMinutes(v).toMillis();
                case 'h' -> Duration.ofHours(v).toMillis();
                case 'd' -> Duration.ofDays(v).toMillis();
                default -> throw new NumberFormatException();
            };
        } catch (RuntimeException e) {
            throw new InputException("cannot read duration '" + text + "': expected e.g. 500ms, 30s, 10m, 2h, 1d");
        }
    }

    static String time(long epochMs) {
        return Instant.ofEpochMilli(epochMs).toString();
    }

    static Progress progress(String label, long total) {
        return new Progress(label, total);
    }

    static String size(long bytes) {
        if (bytes < 1 << 20) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        if (bytes < 1L << 30) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    }

    static Path abs(Path p) {
        return p.toAbsolutePath().normalize();
    }

    /** {@code --retention-days} as store options (refused when not positive). */
    static io.longview.store.StoreOptions withRetention(io.longview.store.StoreOptions o, Integer days) {
        if (days == null) {
            return o;
        }
        if (days <= 0) {
            throw new io.longview.core.io.InputException("--retention-days must be a positive number of days, got " + days);
        }
        return o.withRetention(java.time.Duration.ofDays(days));
    }
}
