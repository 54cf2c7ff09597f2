package io.longview.data.io;

import io.longview.core.io.InputException;
import io.longview.core.model.InMemoryItemEmbeddings;
import io.longview.core.testing.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The item-file readers: CSV round trip with the writer (bit-exact), JSON Lines, and every kind of bad input. */
class ItemFileReaderTest {
    @TempDir
    Path tmp;

    static String header() {
        return String.join(",", ItemFileReader.CSV_COLUMNS) + "\n";
    }

    static String csvRow(long id, int width, String value) {
        StringBuilder sb = new StringBuilder().append(id);
        for (int d = 0; d < width; d++) {
            sb.append(',').append(value);
        }
        return sb.append('\n').toString();
    }

    static String jsonRow(long id, int width, String value) {
        StringBuilder sb = new StringBuilder("{\"item_id\":" + id + ",\"embedding\":[");
        for (int d = 0; d < width; d++) {
            sb.append(d == 0 ? "" : ",").append(value);
        }
        return sb.append("]}\n").toString();
    }

    Path write(String name, String text) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void csvRoundTripIsBitExact() {
        long seed = Seeds.seed(21);
        SplittableRandom r = Seeds.random(seed);
        InMemoryItemEmbeddings in = new InMemoryItemEmbeddings();
        Path f = tmp.resolve("items.csv");
        try (ItemFileWriter w = new ItemFileWriter(f)) {
            for (int i = 0; i < 500; i++) {
                float[] e = new float[32];
                for (int d = 0; d < 32; d++) {
                    e[d] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(-8, 3)));
                }
                long id = r.nextLong();
                if (!in.contains(id)) {
                    in.put(id, e);
                    w.write(id, e);
                }
            }
        }
        InMemoryItemEmbeddings back = ItemFileReader.read(f);
        assertThat(back.size()).isEqualTo(in.size());
        for (long id : in.ids()) {
            assertThat(back.get(id)).as("seed %d item %d", seed, id).containsExactly(in.get(id));
        }
    }

    @Test
    void jsonLinesReads() throws IOException {
        Path f = write("items.jsonl", jsonRow(7, 32, "0.5") + "\n" + "{\"embedding\":[" + "1,".repeat(31) + "-2e-1],\"item_id\":\"8\"}\n");
        InMemoryItemEmbeddings e = ItemFileReader.read(f);
        assertThat(e.size()).isEqualTo(2);
        assertThat(e.get(7)[31]).isEqualTo(0.5f);
        assertThat(e.get(8)[0]).isEqualTo(1f);
        assertThat(e.get(8)[31]).isEqualTo(-0.2f);
    }

    private void assertCsvError(String text, String... fragments) throws IOException {
        Path f = write("bad-items.csv", text);
        assertThatThrownBy(() -> ItemFileReader.read(f)).isInstanceOf(InputException.class)
                .hasMessageContainingAll(fragments);
    }

    @Test
    void csvBadInput() throws IOException {
        String ok = csvRow(1, 32, "0.1");
        assertCsvError(header() + ok + csvRow(2, 31, "0.1"), "bad-items.csv:3: ", "embedding of item 2 has 31 values, expected 32");
        assertCsvError(header() + ok + csvRow(2, 33, "0.1"), "bad-items.csv:3: ", "has 33 values, expected 32");
        assertCsvError(header() + ok + csvRow(2, 32, "NaN"), "bad-items.csv:3: ", "value e0 of item 2 is NaN, expected a finite number");
        assertCsvError(header() + ok + csvRow(2, 32, "-Infinity"), "bad-items.csv:3: ", "is -Infinity, expected a finite number");
        assertCsvError(header() + ok + csvRow(2, 32, "1e39"), "bad-items.csv:3: ", "1e39 is beyond the float range");
        assertCsvError(header() + ok + csvRow(2, 32, "0.1f"), "bad-items.csv:3: ", "'0.1f' is not a number");
        assertCsvError(header() + ok + ok, "bad-items.csv:3: ", "duplicate item_id 1, first given on line 2");
        assertCsvError(header() + ok + "item9" + csvRow(0, 32, "0").substring(1), "bad-items.csv:3: ", "item_id 'item9' is not an integer");
        assertCsvError("", "bad-items.csv", "empty file", "item_id,e0,...,e31");
        assertCsvError(header(), "bad-items.csv", "no items");
        assertCsvError(ok, "bad-items.csv:1: ", "header is '1,0.1");
        assertCsvError("item_id,e0,e1\n", "bad-items.csv:1: ", "header has 2 embedding columns, expected 32");
    }

    private void assertJsonError(String text, String... fragments) throws IOException {
        Path f = write("bad-items.jsonl", text);
        assertThatThrownBy(() -> ItemFileReader.read(f)).isInstanceOf(InputException.class)
                .hasMessageContainingAll(fragments);
    }

    @Test
    void jsonBadInput() throws IOException {
        String ok = jsonRow(1, 32, "0.1");
        assertJsonError(ok + jsonRow(2, 31, "0.1"), "bad-items.jsonl:2: ", "embedding of item 2 has 31 values, expected 32");
        assertJsonError(ok + jsonRow(2, 32, "NaN"), "bad-items.jsonl:2: ", "non-finite value NaN at dimension 0");
        assertJsonError(ok + jsonRow(2, 32, "1e39"), "bad-items.jsonl:2: ", "beyond the float range");
        assertJsonError(ok + jsonRow(2, 32, "\"0.1\""), "bad-items.jsonl:2: ", "value 0 is \"0.1\", expected a number");
        assertJsonError(ok + ok, "bad-items.jsonl:2: ", "duplicate item_id 1, first given on line 1");
        assertJsonError(ok + "{\"item_id\":2,\"embedding\":[0.1,}\n", "bad-items.jsonl:2: ", "malformed JSON");
        assertJsonError(ok + "{\"item_id\":2}\n", "bad-items.jsonl:2: ", "missing field embedding for item 2");
        assertJsonError(ok + "{\"item_id\":2,\"embedding\":[],\"vec\":1}\n", "bad-items.jsonl:2: ", "unknown field \"vec\"");
        assertJsonError(ok + "{\"item_id\":\"x\",\"embedding\":[]}\n", "bad-items.jsonl:2: ", "item_id \"x\" is not an integer");
        assertJsonError("", "bad-items.jsonl", "empty file");
    }
}
