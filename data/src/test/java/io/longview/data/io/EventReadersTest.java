package io.longview.data.io;

import io.longview.core.io.InputException;
import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.testing.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The CSV and JSON Lines event readers: round trips with the writer, and every kind of bad input. */
class EventReadersTest {
    static final String H = EventLogWriter.HEADER + "\n";
    static final long T = 1_700_000_000_000L;

    @TempDir
    Path tmp;

    static List<Event> randomEvents(long seed, int n) {
        SplittableRandom r = Seeds.random(seed);
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Event.of(r.nextLong(1, 1_000), r.nextLong(-5, Long.MAX_VALUE), T + r.nextLong(0, 86_400_000L * 365),
                    1 << r.nextInt(4), r.nextInt(16)));
        }
        return out;
    }

    static List<Event> readAll(EventSource s) {
        List<Event> out = new ArrayList<>();
        try (s) {
            s.forEachRemaining(out::add);
        }
        return out;
    }

    Path write(String name, String text) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    static String jsonLine(Event e, boolean surfaceAsName) {
        return "{\"user_id\":" + e.userId() + ",\"item_id\":" + e.itemId() + ",\"timestamp_ms\":" + e.timestampMs()
                + ",\"action\":\"" + Actions.name(e.action()) + "\",\"surface\":"
                + (surfaceAsName && e.surface() < 4 ? "\"" + io.longview.core.model.Surfaces.name(e.surface()) + "\"" : e.surface()) + "}";
    }

    @ParameterizedTest
    @ValueSource(strings = {"events.csv", "events.csv.gz"})
    void csvRoundTripWithTheWriter(String name) {
        long seed = Seeds.seed(11);
        List<Event> events = randomEvents(seed, 2_000);
        Path f = tmp.resolve(name);
        try (EventLogWriter w = new EventLogWriter(f)) {
            events.forEach(w::write);
        }
        EventSource s = EventSources.open(f);
        assertThat(s).isInstanceOf(CsvEventReader.class);
        assertThat(readAll(s)).as("seed %d", seed).isEqualTo(events);
    }

    @ParameterizedTest
    @ValueSource(strings = {"events.jsonl", "events.ndjson.gz"})
    void jsonLinesRoundTrip(String name) throws IOException {
        long seed = Seeds.seed(12);
        List<Event> events = randomEvents(seed, 2_000);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < events.size(); i++) {
            sb.append(jsonLine(events.get(i), i % 2 == 0)).append('\n');
        }
        Path f = tmp.resolve(name);
        try (OutputStream os = name.endsWith(".gz") ? new GZIPOutputStream(Files.newOutputStream(f)) : Files.newOutputStream(f)) {
            os.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        }
        EventSource s = EventSources.open(f);
        assertThat(s).isInstanceOf(JsonLinesEventReader.class);
        assertThat(readAll(s)).as("seed %d", seed).isEqualTo(events);
    }

    @Test
    void csvAcceptsNamesCaseBlankLinesCrLfAndReportsLines() throws IOException {
        Path f = write("e.csv", "User_ID,item_id,timestamp_ms,action,surface\r\n1,2," + T + ",CLICK,search\r\n\r\n3,4," + (T + 1) + ", save , 7\r\n");
        try (EventSource s = EventSources.open(f)) {
            assertThat(s.next()).isEqualTo(Event.of(1, 2, T, Actions.CLICK, 1));
            assertThat(s.line()).isEqualTo(2);
            assertThat(s.next()).isEqualTo(Event.of(3, 4, T + 1, Actions.SAVE, 7));
            assertThat(s.line()).isEqualTo(4);
            assertThat(s.hasNext()).isFalse();
            assertThat(s.bytesRead()).isEqualTo(Files.size(f));
            assertThat(s.file()).isEqualTo(f);
        }
    }

    @Test
    void jsonAcceptsStringIdsAndSurfaceNames() throws IOException {
        Path f = write("e.jsonl", "{\"surface\":\"related\",\"action\":\"hide\",\"timestamp_ms\":\"" + T + "\",\"item_id\":\"18446744073709551\",\"user_id\":5}\n\n");
        assertThat(readAll(EventSources.open(f))).containsExactly(Event.of(5, 18446744073709551L, T, Actions.HIDE, 2));
    }

    /** A bad CSV row: the message names the file, the line and the value. */
    private void assertCsvError(String rows, int line, String... fragments) throws IOException {
        Path f = write("bad.csv", H + "1,2," + T + ",click,0\n" + rows);
        assertThatThrownBy(() -> readAll(EventSources.open(f)))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("bad.csv:" + line + ": ")
                .hasMessageContainingAll(fragments)
                .satisfies(e -> assertThat(((InputException) e).line()).isEqualTo(line));
    }

    @Test
    void csvBadRows() throws IOException {
        assertCsvError("1,2," + T + ",click\n", 3, "row has 4 columns, expected 5");
        assertCsvError("1,2," + T + ",click,0,9\n", 3, "row has 6 columns, expected 5");
        assertCsvError("\n\nabc,2," + T + ",click,0\n", 5, "user_id 'abc' is not an integer");
        assertCsvError("1,x7," + T + ",click,0\n", 3, "item_id 'x7' is not an integer");
        assertCsvError("1,,", 3, "row has 3 columns");
        assertCsvError("1,2,1.7e12,click,0\n", 3, "timestamp_ms '1.7e12' is not an integer");
        assertCsvError("1,2," + T + ",like,0\n", 3, "unknown action 'like'", "click, save, hide, impression");
        assertCsvError("1,2," + T + ",click,16\n", 3, "surface 16 out of range [0, 16)");
        assertCsvError("1,2," + T + ",click,-1\n", 3, "surface -1 out of range");
        assertCsvError("1,2," + T + ",click,feed\n", 3, "unknown surface 'feed'");
        assertCsvError("1,2,1700000000,click,0\n", 3, "timestamp 1700000000 ms out of range", "looks like epoch seconds");
        assertCsvError("1,2,1700000000000000,click,0\n", 3, "looks like epoch microseconds");
        assertCsvError("1,2,4102444800000,click,0\n", 3, "timestamp 4102444800000 ms out of range");
        assertCsvError("1,2,\"" + T + ",click,0\n", 3, "unterminated quoted field");
    }

    @Test
    void csvEmptyFileAndMissingHeader() throws IOException {
        Path empty = write("empty.csv", "");
        assertThatThrownBy(() -> EventSources.open(empty)).isInstanceOf(InputException.class)
                .hasMessageContainingAll("empty.csv", "empty file", "user_id,item_id,timestamp_ms,action,surface");
        Path noHeader = write("nohdr.csv", "1,2," + T + ",click,0\n");
        assertThatThrownBy(() -> EventSources.open(noHeader)).isInstanceOf(InputException.class)
                .hasMessageContainingAll("nohdr.csv:1: ", "header is '1,2," + T + ",click,0'", "expected 'user_id,item_id,timestamp_ms,action,surface'");
        Path tabs = write("tabs.csv", "user_id\titem_id\ttimestamp_ms\taction\tsurface\n");
        assertThatThrownBy(() -> EventSources.open(tabs)).isInstanceOf(InputException.class)
                .hasMessageContaining("is the file comma-separated?");
        assertThat(readAll(EventSources.open(write("only-header.csv", H)))).isEmpty();
    }

    private void assertJsonError(String row, String... fragments) throws IOException {
        Path f = write("bad.jsonl", jsonLine(Event.of(1, 2, T, 1, 0), false) + "\n" + row + "\n");
        assertThatThrownBy(() -> readAll(EventSources.open(f)))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("bad.jsonl:2: ")
                .hasMessageContainingAll(fragments);
    }

    @Test
    void jsonBadRows() throws IOException {
        String ok = "\"item_id\":2,\"timestamp_ms\":" + T + ",\"action\":\"click\",\"surface\":0";
        assertJsonError("{\"user_id\":1," + ok, "malformed JSON");
        assertJsonError("{\"user_id\":1 " + ok + "}", "malformed JSON");
        assertJsonError("[1,2,3]", "expected a JSON object per line");
        assertJsonError("{\"user_id\":\"bob\"," + ok + "}", "user_id \"bob\" is not an integer");
        assertJsonError("{\"user_id\":1.5," + ok + "}", "user_id is 1.5, expected an integer");
        assertJsonError("{\"user_id\":null," + ok + "}", "user_id is null, expected an integer");
        assertJsonError("{\"user_id\":99999999999999999999," + ok + "}", "99999999999999999999 does not fit a 64-bit integer");
        assertJsonError("{\"user_id\":1,\"item_id\":2,\"timestamp_ms\":" + T + ",\"action\":\"like\",\"surface\":0}", "unknown action 'like'");
        assertJsonError("{\"user_id\":1,\"item_id\":2,\"timestamp_ms\":" + T + ",\"action\":1,\"surface\":0}", "action is 1, expected a string");
        assertJsonError("{\"user_id\":1,\"item_id\":2,\"timestamp_ms\":" + T + ",\"action\":\"click\",\"surface\":16}", "surface 16 out of range [0, 16)");
        assertJsonError("{\"user_id\":1,\"item_id\":2,\"timestamp_ms\":" + T + ",\"action\":\"click\",\"surface\":\"feed\"}", "unknown surface 'feed'");
        assertJsonError("{\"user_id\":1,\"item_id\":2,\"timestamp_ms\":1700000000,\"action\":\"click\",\"surface\":0}", "timestamp 1700000000 ms out of range", "epoch seconds");
        assertJsonError("{\"user_id\":1,\"item_id\":2,\"timestamp\":" + T + ",\"action\":\"click\",\"surface\":0}", "unknown field \"timestamp\"");
        assertJsonError("{\"user_id\":1,\"item_id\":2,\"action\":\"click\"}", "missing field(s) timestamp_ms, surface");
        assertJsonError("{\"user_id\":1,\"user_id\":1," + ok + "}", "field \"user_id\" appears twice");
        assertJsonError("{\"user_id\":1," + ok + "} {}", "unexpected content after the JSON object");
    }

    @Test
    void jsonEmptyFile() throws IOException {
        Path f = write("empty.jsonl", "");
        assertThatThrownBy(() -> EventSources.open(f)).isInstanceOf(InputException.class)
                .hasMessageContainingAll("empty.jsonl", "empty file");
    }

    @Test
    void factoryChoosesByNameAndRefusesUnknownExtensions() throws IOException {
        Path f = write("events.txt", H);
        assertThatThrownBy(() -> EventSources.open(f)).isInstanceOf(InputException.class)
                .hasMessageContainingAll("events.txt", "expected .csv or .jsonl");
        assertThat(readAll(EventSources.open(f, FileFormat.CSV))).isEmpty();
        assertThatThrownBy(() -> EventSources.open(tmp.resolve("missing.csv"))).isInstanceOf(InputException.class)
                .hasMessageContainingAll("missing.csv", "no such file");
        Path notGz = write("fake.csv.gz", H);
        assertThatThrownBy(() -> EventSources.open(notGz)).isInstanceOf(InputException.class)
                .hasMessageContaining("not gzip-compressed");
    }

    @Test
    void gzipIsRecognisedByContentAndTruncationIsReported() throws IOException {
        List<Event> events = randomEvents(13, 5_000);
        Path gz = tmp.resolve("events.csv.gz");
        try (EventLogWriter w = new EventLogWriter(gz)) {
            events.forEach(w::write);
        }
        Path misnamed = tmp.resolve("misnamed.csv");
        Files.copy(gz, misnamed);
        assertThat(readAll(EventSources.open(misnamed))).isEqualTo(events);
        byte[] bytes = Files.readAllBytes(gz);
        Path cut = tmp.resolve("cut.csv.gz");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> readAll(EventSources.open(cut))).isInstanceOf(InputException.class)
                .hasMessageContainingAll("cut.csv.gz", "gzip");
    }

    @Test
    void notUtf8IsReported() throws IOException {
        Path f = tmp.resolve("latin1.csv");
        Files.write(f, (H + "1,2," + T + ",click,0\n").getBytes(StandardCharsets.UTF_8));
        Files.write(f, new byte[]{(byte) 0xff, (byte) 0xfe, '\n'}, java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> readAll(EventSources.open(f))).isInstanceOf(InputException.class)
                .hasMessageContainingAll("latin1.csv:3", "not UTF-8");
    }
}
