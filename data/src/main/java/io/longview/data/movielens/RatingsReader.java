package io.longview.data.movielens;

import io.longview.core.model.Event;
import io.longview.data.io.CsvRecordReader;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Streams a MovieLens {@code ratings.csv} ({@code userId,movieId,rating,timestamp}, the format of ml-latest-small,
 * ml-latest, ml-20m, ml-25m and ml-32m; plain or gzip). Checks every row: the column count, integer ids, a rating in
 * [0.5, 5] and a timestamp in epoch seconds within [1995-01-01, 2100-01-01) (a value in milliseconds is refused with
 * a hint). Errors are {@link io.longview.core.io.InputException}s naming the file, the line and the value.
 */
public final class RatingsReader implements Iterator<Rating>, AutoCloseable {
    /** The header of {@code ratings.csv}. */
    public static final List<String> COLUMNS = List.of("userId", "movieId", "rating", "timestamp");

    private final CsvRecordReader csv;
    private Rating pending;
    private boolean done;

    public RatingsReader(Path file) {
        csv = CsvRecordReader.open(file, "a MovieLens ratings.csv with header userId,movieId,rating,timestamp");
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
            } else {
                done = true;
            }
        }
        return pending != null;
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
        csv.requireFieldCount(COLUMNS.size());
        long user = csv.longField(0, "userId");
        long movie = csv.longField(1, "movieId");
        double rating = csv.doubleField(2, "rating");
        if (rating < 0.5 || rating > 5.0) {
            throw csv.error("rating " + csv.field(2) + " out of range [0.5, 5]");
        }
        long ts = csv.longField(3, "timestamp");
        long minS = Event.MIN_TIMESTAMP_MS / 1000;
        long maxS = Event.MAX_TIMESTAMP_MS / 1000;
        if (ts < minS || ts >= maxS) {
            String hint = ts / 1000 >= minS && ts / 1000 < maxS ? " (this looks like milliseconds; MovieLens timestamps are epoch seconds)" : "";
            throw csv.error("timestamp " + ts + " out of range [" + minS + " (1995-01-01), " + maxS
                    + " (2100-01-01)) epoch seconds" + hint);
        }
        return new Rating(user, movie, rating, ts, csv.line());
    }

    /** File bytes consumed so far, for progress. */
    public long bytesRead() {
        return csv.bytesRead();
    }

    public Path file() {
        return csv.file();
    }

    @Override
    public void close() {
        csv.close();
    }
}
