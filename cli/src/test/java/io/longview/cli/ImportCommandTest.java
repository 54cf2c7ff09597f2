package io.longview.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.longview.core.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.longview.cli.TinyInputs.ITEMS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code longview import csv|jsonl|movielens}: good input gives a dataset directory; bad input gives status 2, one line
 * naming file, line and the offending value, and no output at all (no directory, no hidden partial sibling).
 */
class ImportCommandTest {
    @TempDir
    Path tmp;

    @Test
    void goodCsvWritesDataset() throws IOException {
        Path events = TinyInputs.writeEventsCsv(tmp.resolve("in/events.csv"), TinyInputs.EVENTS);
        Path items = TinyInputs.writeItemsCsv(tmp.resolve("in/items.csv"), ITEMS);
        Path out = tmp.resolve("work/ds");

        CliRun r = CliRun.of("import", "csv", "--events", events.toString(), "--items", items.toString(), "--out", out.toString()).ok();

        assertThat(r.out()).contains("users 2", "items 4", "events 5");
        assertThat(out.resolve("events.csv")).exists();
        assertThat(out.resolve("items.csv")).exists();
        JsonNode m = new ObjectMapper().readTree(out.resolve("dataset.json").toFile());
        assertThat(m.get("users").asLong()).isEqualTo(2);
        assertThat(m.get("events").asLong()).isEqualTo(5);
        // the canonical log holds the input rows (header + 5)
        assertThat(Files.readAllLines(out.resolve("events.csv"))).hasSize(1 + TinyInputs.EVENTS.size());
    }

    /** Events file rows, item file rows, which file is bad, the line, and what the message must name. */
    record BadCase(String name, List<String> eventRows, List<String> itemRows, boolean itemFileBad, int line,
                   List<String> mentions) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<String> goodItems() {
        List<String> rows = new ArrayList<>();
        for (long id : ITEMS) {
            rows.add(TinyInputs.itemRow(id, 32));
        }
        return rows;
    }

    static Stream<Arguments> badCsvInputs() {
        List<String> nanItems = goodItems();
        nanItems.set(1, nanItems.get(1).replaceFirst(",[^,]+,", ",NaN,")); // item 101, e0 = NaN, line 3
        List<String> shortItems = goodItems();
        shortItems.set(2, TinyInputs.itemRow(102, 31));                     // item 102, line 4
        List<String> missingItem = goodItems();
        missingItem.remove(3);                                             // no item 103: its event is line 6
        return Stream.of(
                new BadCase("wrong column count", TinyInputs.eventsWithRowOnLine4("2,101,1700000003000,click"), goodItems(),
                        false, 4, List.of("4 columns", "expected 5")),
                new BadCase("unknown action", TinyInputs.eventsWithRowOnLine4("2,101,1700000003000,like,0"), goodItems(),
                        false, 4, List.of("'like'")),
                new BadCase("surface out of range", TinyInputs.eventsWithRowOnLine4("2,101,1700000003000,click,16"), goodItems(),
                        false, 4, List.of("surface 16")),
                new BadCase("timestamp in seconds", TinyInputs.eventsWithRowOnLine4("2,101,1700000003,click,0"), goodItems(),
                        false, 4, List.of("1700000003", "seconds")),
                new BadCase("NaN embedding value", TinyInputs.EVENTS, nanItems, true, 3, List.of("item 101", "NaN")),
                new BadCase("31 embedding values", TinyInputs.EVENTS, shortItems, true, 4, List.of("item 102", "31 values", "expected 32")),
                new BadCase("item without embedding", TinyInputs.EVENTS, missingItem, false, 6, List.of("item 103"))
        ).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCsvInputs")
    void badCsvInputLeavesNoOutput(BadCase c) throws IOException {
        Path events = TinyInputs.writeEventsCsv(tmp.resolve("in/events.csv"), c.eventRows());
        Path items = TinyInputs.writeItemsCsv(tmp.resolve("in/items.csv"), c.itemRows());
        Path out = Files.createDirectories(tmp.resolve("work")).resolve("ds");

        CliRun r = CliRun.of("import", "csv", "--events", events.toString(), "--items", items.toString(), "--out", out.toString());

        String message = r.userError();
        assertThat(message).startsWith((c.itemFileBad() ? items : events) + ":" + c.line() + ": ").contains(c.mentions());
        assertThat(r.out()).isEmpty();
        CliRun.assertNoOutput(out);
        assertThat(tmp.resolve("work")).isEmptyDirectory();
    }

    @Test
    void brokenJsonLineLeavesNoOutput() throws IOException {
        Path events = TinyInputs.write(tmp.resolve("in/events.jsonl"), List.of(
                "{\"user_id\":1,\"item_id\":100,\"timestamp_ms\":1700000000000,\"action\":\"impression\",\"surface\":\"home\"}",
                "{\"user_id\":1,\"item_id\":101,\"timestamp_ms\":1700000000000,\"action\":\"impression\",\"surface\":\"home\"}",
                "{\"user_id\":1,\"item_id\":100,\"timestamp_ms\":1700000001000,\"action\":\"click\",\"surface\":\"home\"",
                "{\"user_id\":2,\"item_id\":102,\"timestamp_ms\":1700000002000,\"action\":\"save\",\"surface\":\"search\"}"));
        Path items = TinyInputs.writeItemsCsv(tmp.resolve("in/items.csv"), ITEMS);
        Path out = Files.createDirectories(tmp.resolve("work")).resolve("ds");

        CliRun r = CliRun.of("import", "jsonl", "--events", events.toString(), "--items", items.toString(), "--out", out.toString());

        assertThat(r.userError()).startsWith(events + ":3: ").contains("malformed JSON");
        CliRun.assertNoOutput(out);
        assertThat(tmp.resolve("work")).isEmptyDirectory();
    }

    @Test
    void goodJsonLinesImport() throws IOException {
        Path events = TinyInputs.write(tmp.resolve("in/events.jsonl"), List.of(
                "{\"user_id\":1,\"item_id\":100,\"timestamp_ms\":1700000000000,\"action\":\"impression\",\"surface\":\"home\"}",
                "{\"user_id\":\"2\",\"item_id\":102,\"timestamp_ms\":1700000002000,\"action\":\"save\",\"surface\":1}"));
        Path items = TinyInputs.writeItemsCsv(tmp.resolve("in/items.csv"), ITEMS);
        Path out = tmp.resolve("work/ds");

        CliRun.of("import", "jsonl", "--events", events.toString(), "--items", items.toString(), "--out", out.toString()).ok();

        assertThat(Files.readAllLines(out.resolve("events.csv"))).containsExactly(TinyInputs.EVENTS_HEADER,
                "1,100,1700000000000,impression,0", "2,102,1700000002000,save,1");
    }

    @Test
    void existingOutputIsRefusedAndKept() throws IOException {
        Path events = TinyInputs.writeEventsCsv(tmp.resolve("in/events.csv"), TinyInputs.EVENTS);
        Path items = TinyInputs.writeItemsCsv(tmp.resolve("in/items.csv"), ITEMS);
        Path out = Files.createDirectories(tmp.resolve("work/ds"));
        Files.writeString(out.resolve("keep.txt"), "mine");

        CliRun r = CliRun.of("import", "csv", "--events", events.toString(), "--items", items.toString(), "--out", out.toString());

        assertThat(r.userError()).contains("exists already", "--force");
        assertThat(out.resolve("keep.txt")).hasContent("mine");
    }

    /** The MovieLens test sample (it learns embeddings); 60 users per its SAMPLE.md. */
    @Test
    void movieLensSmallImports() throws IOException {
        Path out = tmp.resolve("ml");

        CliRun r = CliRun.of("import", "movielens", TestData.movielensSample().toString(), "--out", out.toString()).ok();

        JsonNode m = new ObjectMapper().readTree(out.resolve("dataset.json").toFile());
        assertThat(m.get("users").asLong()).isEqualTo(60);
        assertThat(r.out()).contains("users 60");
        assertThat(out.resolve("items.csv")).exists();
        assertThat(Files.exists(out.resolve("events.csv")) || Files.exists(out.resolve("events.csv.gz"))).isTrue();
    }
}
