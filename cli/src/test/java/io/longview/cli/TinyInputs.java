package io.longview.cli;

import io.longview.core.testing.Seeds;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Hand-written event logs and item files of a few lines, so that a test knows the line number of every row:
 * line 1 is the header, the first event is line 2.
 */
final class TinyInputs {
    static final String EVENTS_HEADER = "user_id,item_id,timestamp_ms,action,surface";
    static final String ITEMS_HEADER = "item_id," + IntStream.range(0, 32).mapToObj(d -> "e" + d).collect(Collectors.joining(","));
    static final long[] ITEMS = {100, 101, 102, 103};

    /** Five good events of users 1 and 2 over items 100..103: one request of user 1 and its click, then a save. */
    static final List<String> EVENTS = List.of(
            "1,100,1700000000000,impression,0",
            "1,101,1700000000000,impression,0",
            "1,100,1700000001000,click,0",
            "2,102,1700000002000,save,1",
            "2,103,1700000003000,hide,2");

    private TinyInputs() {
    }

    /** The five good events with {@code badRow} inserted after the second, so that it sits on line 4. */
    static List<String> eventsWithRowOnLine4(String badRow) {
        List<String> rows = new ArrayList<>(EVENTS);
        rows.add(2, badRow);
        return rows;
    }

    static Path writeEventsCsv(Path file, List<String> rows) {
        List<String> lines = new ArrayList<>();
        lines.add(EVENTS_HEADER);
        lines.addAll(rows);
        return write(file, lines);
    }

    /** One CSV item row of {@code values} seeded values. */
    static String itemRow(long itemId, int values) {
        SplittableRandom r = Seeds.random(itemId); // fixed per item: a row reads the same in every file
        StringBuilder sb = new StringBuilder().append(itemId);
        for (int d = 0; d < values; d++) {
            sb.append(',').append(String.format(Locale.ROOT, "%.5f", r.nextGaussian() * 0.25));
        }
        return sb.toString();
    }

    /** An item file with a good 32-value row for each of {@code itemIds}. */
    static Path writeItemsCsv(Path file, long... itemIds) {
        List<String> lines = new ArrayList<>();
        lines.add(ITEMS_HEADER);
        for (long id : itemIds) {
            lines.add(itemRow(id, 32));
        }
        return write(file, lines);
    }

    /** An item file of the given rows (after the header). */
    static Path writeItemsCsv(Path file, List<String> rows) {
        List<String> lines = new ArrayList<>();
        lines.add(ITEMS_HEADER);
        lines.addAll(rows);
        return write(file, lines);
    }

    static Path write(Path file, List<String> lines) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
