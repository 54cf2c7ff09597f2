package io.longview.cli;

import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.longview.data.io.EventWriter;
import io.longview.examples.ExampleFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code generate --format parquet} and {@code import parquet}: the Parquet log holds the same rows as the CSV one
 * (an import of it writes the generator's {@code events.csv} byte for byte), a dataset with {@code events.parquet}
 * builds the same examples, and a bad row stops the import with file, row and column, status 2 and no output.
 */
class ParquetCommandsTest {
    @TempDir
    Path tmp;

    @Test
    void generatedParquetImportsToTheSameLogAndExamples() throws IOException {
        Path csv = tmp.resolve("w-csv");
        Path parquet = tmp.resolve("w-parquet");
        CliRun.of("generate", "--users", "12", "--seed", "5", "--out", csv.toString(), "--threads", "2").ok();
        CliRun.of("generate", "--users", "12", "--seed", "5", "--out", parquet.toString(), "--threads", "2", "--format", "parquet").ok();
        assertThat(parquet.resolve("events.parquet")).exists();
        assertThat(parquet.resolve("events.csv")).doesNotExist();

        Path imported = tmp.resolve("imported");
        CliRun.of("import", "parquet", "--events", parquet.resolve("events.parquet").toString(), "--items", parquet.resolve("items.csv").toString(),
                "--out", imported.toString(), "--split-time", "2024-06-01").ok();
        assertThat(Files.mismatch(imported.resolve("events.csv"), csv.resolve("events.csv"))).isEqualTo(-1L);

        CliRun.of("examples", "--dataset", csv.toString(), "--out", tmp.resolve("ex-csv").toString()).ok();
        CliRun.of("examples", "--dataset", parquet.toString(), "--out", tmp.resolve("ex-parquet").toString()).ok();
        // the same examples: the files differ only in the snapshot id (it hashes the event file's bytes) and the CRC it changes
        String idCsv = new ObjectMapper().readTree(csv.resolve("dataset.json").toFile()).get("snapshotId").asText();
        String idParquet = new ObjectMapper().readTree(parquet.resolve("dataset.json").toFile()).get("snapshotId").asText();
        assertThat(idParquet).isNotEqualTo(idCsv);
        for (String f : new String[]{"train.lvx", "eval.lvx"}) {
            byte[] a = Files.readAllBytes(tmp.resolve("ex-csv").resolve(f));
            byte[] b = Files.readAllBytes(tmp.resolve("ex-parquet").resolve(f));
            assertThat(b.length).isEqualTo(a.length);
            int at = indexOf(b, idParquet.getBytes(StandardCharsets.US_ASCII));
            assertThat(at).isPositive();
            System.arraycopy(idCsv.getBytes(StandardCharsets.US_ASCII), 0, b, at, idCsv.length());
            assertThat(Arrays.mismatch(a, 0, a.length - ExampleFormat.FOOTER_LENGTH, b, 0, b.length - ExampleFormat.FOOTER_LENGTH))
                    .as(f).isEqualTo(-1);
        }
    }

    private static int indexOf(byte[] data, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= data.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (data[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void aBadRowStopsTheImportWithFileRowAndColumnAndNoOutput() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("log"));
        try (EventWriter w = EventWriter.open(dir.resolve("part-0.parquet"))) {
            w.write(new Event(1, 100, 1_700_000_000_000L, Actions.IMPRESSION, (byte) 0));
        }
        try (EventWriter w = EventWriter.open(dir.resolve("part-1.parquet"))) {
            w.write(new Event(1, 100, 1_700_000_001_000L, Actions.CLICK, (byte) 0));
            w.write(new Event(2, 101, 1_700_000_002_000L, Actions.CLICK, (byte) 0));
        }
        Path items = TinyInputs.writeItemsCsv(tmp.resolve("items.csv"), 100); // no item 101
        Path out = tmp.resolve("work/ds");

        String error = CliRun.of("import", "parquet", "--events", dir.toString(), "--items", items.toString(), "--out", out.toString()).userError();

        assertThat(error).isEqualTo(dir.resolve("part-1.parquet") + ": row 2: item 101 has no embedding in the item file items.csv");
        assertThat(out).doesNotExist();
        try (Stream<Path> s = Files.list(out.getParent())) {
            assertThat(s.toList()).isEmpty();
        }

        String missing = CliRun.of("import", "parquet", "--events", dir.toString(), "--items", items.toString(), "--out", out.toString(),
                "--columns", "user_id=user").userError();
        assertThat(missing).contains("part-0.parquet", "no column 'user'");
        assertThat(out).doesNotExist();
    }
}
