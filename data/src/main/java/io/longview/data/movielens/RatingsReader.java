package io.longview.data.movielens;

import io.longview.core.model.Event;
import io.longview.data.io.CsvRecordReader;
import io.longview.data.io.TextLineReader;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Streams a MovieLens {@code ratings.csv} ({@code userId,movieId,rating,timestamp}, the format of ml-latest-small,
 * ml-latest, ml-20m, ml-25m and ml-32m; plain or gzip), or a {@code ratings.dat} ({@code UserID::MovieID::Rating::Timestamp}
 * without a header, the format of ml-1m and ml-10m). Checks every row: the column count, integer ids, a rating in
 * [0.5, 5] and a timestamp in epoch seconds within [1995-01-01, 2100-01-01) (a value in milliseconds is refused with
 * a hint). Errors are {@link io.longview.core.io.InputException}s naming the file, the line and the value.
 */
public final class RatingsReader implements Iterator<Rating>, AutoCloseable {
    /** The header of {@code ratings.csv}. */
    public static final List<String> COLUMNS = List.of("userId", "movieId", "rating", "timestamp");

    /** The field separator of the {@code .dat} formats. */
    static final String DAT_SEPARATOR = "::";

    private final CsvRecordReader csv;  // ratings.csv, else null
    private final TextLineReader dat;   // ratings.dat, else null
    private String[] datFields;
    private Rating pending;
    private boolean done;

    /** Opens {@code ratings.csv} or, by its name, {@code ratings.dat}. */
    public RatingsReader(Path file) {
        if (isDat(file)) {
            csv = null;
            dat = new TextLineReader(file, true);
            return;
        }
        dat = null;
        csv = CsvRecordReader.open(file, "a MovieLens ratings.csv with header userId,movieId,rating,timestamp");
        try {
            csv.requireHeader(COLUMNS);
        } catch (RuntimeException e) {
            csv.close();
            throw e;
        }
    }

    /** True for the {@code ::}-separated formats of ml-1m and ml-10m ({@code .dat}, plain or gzip). */
    static boolean isDat(Path file) {
        String n = file.getFileName().toString();
        return n.endsWith(".dat") || n.endsWith(".dat.gz");
    }

    /** The fields of a {@code .dat} line, exactly {@code count} of them. */
    static String[] datFields(TextLineReader in, String line, int count, String format) {
        String[] f = line.split(DAT_SEPARATOR, -1);
        if (f.length != count) {
            throw in.error("expected " + count + " fields separated by '::' (" + format + "), got " + f.length);
        }
        return f;
    }

    @Override
    public boolean hasNext() {
        while (pending == null && !done) {
            if (dat != null) {
                String line = dat.readLine();
                if (line == null) {
                    done = true;
                } else if (!line.isBlank()) {
                    datFields = datFields(dat, line, 4, "UserID::MovieID::Rating::Timestamp");
                    pending = parse();
                }
            } else if (csv.next()) {
                pending = parse();
            } else {
                done = true;
            }
        }
        return pending != null;
    }

    private String field(int i) {
        return dat != null ? datFields[i].trim() : csv.field(i);
    }

    private io.longview.core.io.InputException error(String reason) {
        return dat != null ? dat.error(reason) : csv.error(reason);
    }

    private long longField(int i, String name) {
        if (dat == null) {
            return csv.longField(i, name);
        }
        try {
            return Long.parseLong(field(i));
        } catch (NumberFormatException e) {
            throw error(name + " '" + field(i) + "' is not an integer");
        }
    }

    private double doubleField(int i, String name) {
        if (dat == null) {
            return csv.doubleField(i, name);
        }
        try {
            double v = Double.parseDouble(field(i));
            if (!Double.isFinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw error(name + " '" + field(i) + "' is not a number");
        }
    }

    @Override
    public Rating next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Rating r = pending;
        pending = null;
        return r;
    }

    private Rating parse() {
        if (csv != null) {
            csv.requireFieldCount(COLUMNS.size());
        }
        long user = longField(0, "userId");
        long movie = longField(1, "movieId");
        double rating = doubleField(2, "rating");
        if (rating < 0.5 || rating > 5.0) {
            throw error("rating " + field(2) + " out of range [0.5, 5]");
        }
        long ts = longField(3, "timestamp");
        long minS = Event.MIN_TIMESTAMP_MS / 1000;
        long maxS = Event.MAX_TIMESTAMP_MS / 1000;
        if (ts < minS || ts >= maxS) {
            String hint = ts / 1000 >= minS && ts / 1000 < maxS ? " (this looks like milliseconds; MovieLens timestamps are epoch seconds)" : "";
            throw error("timestamp " + ts + " out of range [" + minS + " (1995-01-01), " + maxS
                    + " (2100-01-01)) epoch seconds" + hint);
        }
        return new Rating(user, movie, rating, ts, dat != null ? dat.line() : csv.line());
    }

    /** File bytes consumed so far, for progress. */
    public long bytesRead() {
        return dat != null ? dat.bytesRead() : csv.bytesRead();
    }

    public Path file() {
        return dat != null ? dat.file() : csv.file();
    }

    @Override
    public void close() {
        if (dat != null) {
            dat.close();
        } else {
            csv.close();
        }
    }
}
