package io.longview.parquet;

import io.longview.core.io.InputException;
import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParquetEventWriterTest {
    @TempDir
    Path dir;

    private static final List<String> COLUMNS = List.of("user_id", "item_id", "timestamp_ms", "action", "surface");

    @Test
    void writtenEventsReadBackByName() {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            events.add(new Event(i % 37, 1000 + i % 101, 1_700_000_000_000L + i * 7L, (byte) (1 << (i % Actions.COUNT)), (byte) (i % 16)));
        }
        Path file = dir.resolve("events.parquet");
        try (ParquetEventWriter w = new ParquetEventWriter(file)) {
            events.forEach(w::write);
            assertThat(w.count()).isEqualTo(5000);
        }
        List<Event> back = new ArrayList<>();
        try (ParquetRowReader r = ParquetRowReader.open(file, COLUMNS, COLUMNS, "")) {
            assertThat(r.kind(0)).isEqualTo(ParquetRowReader.Kind.INTEGER);
            assertThat(r.kind(3)).isEqualTo(ParquetRowReader.Kind.STRING);
            assertThat(r.kind(4)).isEqualTo(ParquetRowReader.Kind.INTEGER);
            while (r.next()) {
                back.add(new Event(r.getLong(0), r.getLong(1), r.getLong(2), Actions.parse(r.getString(3)), (byte) r.getLong(4)));
                assertThat(r.row()).isEqualTo(back.size());
            }
            assertThat(r.bytesRead()).isPositive();
        }
        assertThat(back).isEqualTo(events);
    }

    @Test
    void directoryOfPartsInNameOrderAndOptionalColumns() throws Exception {
        Path parts = Files.createDirectories(dir.resolve("log"));
        try (ParquetEventWriter w = new ParquetEventWriter(parts.resolve("part-00001.parquet"))) {
            w.write(new Event(2, 20, 1_700_000_000_002L, Actions.SAVE, (byte) 0));
        }
        try (ParquetEventWriter w = new ParquetEventWriter(parts.resolve("part-00000.parquet"))) {
            w.write(new Event(1, 10, 1_700_000_000_001L, Actions.CLICK, (byte) 0));
        }
        Files.writeString(parts.resolve("_SUCCESS"), "");
        try (ParquetRowReader r = ParquetRowReader.open(parts, List.of("USER_ID", "extra"), List.of("USER_ID"), "")) {
            assertThat(r.present(1)).isFalse();
            assertThat(r.fileColumnName(0)).isEqualTo("user_id");
            assertThat(r.next()).isTrue();
            assertThat(r.getLong(0)).isEqualTo(1);
            assertThat(r.isNull(1)).isTrue();
            assertThat(r.next()).isTrue();
            assertThat(r.getLong(0)).isEqualTo(2);
            assertThat(r.row()).isEqualTo(1);
            assertThat(r.file().getFileName().toString()).isEqualTo("part-00001.parquet");
            assertThat(r.next()).isFalse();
        }
    }

    @Test
    void nullsTimestampsAndBadFilesAreNamed() throws Exception {
        MessageType schema = Types.buildMessage()
                .optional(PrimitiveTypeName.INT64).named("user")
                .required(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS)).named("ts")
                .required(PrimitiveTypeName.DOUBLE).named("score")
                .named("raw");
        Path file = dir.resolve("raw.parquet");
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file)).withConf(new PlainParquetConfiguration())
                .withType(schema).withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
            SimpleGroupFactory f = new SimpleGroupFactory(schema);
            w.write(f.newGroup().append("user", 7L).append("ts", 1_700_000_000_000_000L).append("score", 0.5));
            w.write(f.newGroup().append("ts", 1_700_000_000_000_001L).append("score", 0.5));
        }
        try (ParquetRowReader r = ParquetRowReader.open(file, List.of("user", "ts"), List.of("user", "ts"), "")) {
            assertThat(r.timeUnit(1)).isEqualTo(TimeUnit.MICROSECONDS);
            assertThat(r.next()).isTrue();
            assertThat(r.getLong(0)).isEqualTo(7);
            assertThat(r.next()).isTrue();
            assertThat(r.isNull(0)).isTrue();
            assertThat(r.error(0, "is null").getMessage()).isEqualTo(file + ": row 2, column 'user': is null");
        }
        assertThatThrownBy(() -> ParquetRowReader.open(file, List.of("score"), List.of("score"), ""))
                .isInstanceOf(InputException.class).hasMessageContaining("column 'score' is DOUBLE");
        assertThatThrownBy(() -> ParquetRowReader.open(file, List.of("user_id"), List.of("user_id"), "; map names with --columns"))
                .isInstanceOf(InputException.class)
                .hasMessage(file + ": no column 'user_id' (the file has user, ts, score); map names with --columns");
        Path notParquet = Files.writeString(dir.resolve("x.parquet"), "user,ts\n1,2\n");
        assertThatThrownBy(() -> ParquetRowReader.open(notParquet, List.of("user"), List.of(), ""))
                .isInstanceOf(InputException.class).hasMessageContaining("not a readable Parquet file");
        assertThatThrownBy(() -> ParquetRowReader.open(Files.createDirectories(dir.resolve("empty")), List.of("user"), List.of(), ""))
                .isInstanceOf(InputException.class).hasMessageContaining("has no *.parquet file");
    }
}
