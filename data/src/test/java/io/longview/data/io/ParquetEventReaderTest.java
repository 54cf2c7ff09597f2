package io.longview.data.io;

import io.longview.core.io.InputException;
import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.Surfaces;
import io.longview.parquet.ParquetEventWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parquet event logs: the canonical schema, raw logs through the same {@link EventLogDialect} as CSV, and bad rows named by file, row and column. */
class ParquetEventReaderTest {
    static final long S = 1_700_000_000L; // epoch seconds
    static final long MS = S * 1000;

    @TempDir
    Path tmp;

    /** A raw retail-shaped schema: other names, seconds, a string action, an extra column, no surface. */
    static final MessageType RETAIL = Types.buildMessage()
            .required(PrimitiveTypeName.INT64).named("user")
            .required(PrimitiveTypeName.INT32).named("item")
            .required(PrimitiveTypeName.INT32).named("category")
            .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("behaviour")
            .required(PrimitiveTypeName.INT64).named("timestamp")
            .named("retail");

    static Path write(Path file, MessageType schema, Consumer<Consumer<Group>> rows) throws IOException {
        SimpleGroupFactory f = new SimpleGroupFactory(schema);
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file)).withConf(new PlainParquetConfiguration())
                .withType(schema).withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
            rows.accept(g -> {
                try {
                    w.write(g);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
        return file;
    }

    static Group retail(MessageType schema, long user, int item, String behaviour, long ts) {
        return new SimpleGroupFactory(schema).newGroup().append("user", user).append("item", item).append("category", 3)
                .append("behaviour", behaviour).append("timestamp", ts);
    }

    @Test
    void canonicalFileReadsBackTheEventsWritten() {
        List<Event> events = List.of(new Event(1, 10, MS, Actions.IMPRESSION, (byte) 0),
                new Event(1, 10, MS + 5, Actions.CLICK, (byte) Surfaces.parse("search")),
                new Event(2, 11, MS + 9, Actions.HIDE, (byte) 15));
        Path f = tmp.resolve("events.parquet");
        try (EventWriter w = EventWriter.open(f)) {
            events.forEach(w::write);
        }
        assertThat(FileFormat.of(f)).isEqualTo(FileFormat.PARQUET);
        assertThat(RawLogImportTest.readAll(EventSources.open(f))).isEqualTo(events);
    }

    @Test
    void aRetailDirectoryReadsThroughTheCsvDialect() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("retail"));
        write(dir.resolve("part-00000.parquet"), RETAIL, out -> {
            out.accept(retail(RETAIL, 1, 10, "pv", S));
            out.accept(retail(RETAIL, 1, 10, "share", S + 1));
        });
        write(dir.resolve("part-00001.parquet"), RETAIL, out -> out.accept(retail(RETAIL, 2, 11, "BUY", S + 2)));
        Files.writeString(dir.resolve("_SUCCESS"), "");

        assertThat(FileFormat.of(dir)).isEqualTo(FileFormat.PARQUET);
        List<Event> events = RawLogImportTest.readAll(EventSources.open(dir, FileFormat.PARQUET, RawLogImportTest.RETAIL));

        assertThat(events).containsExactly(new Event(1, 10, MS, Actions.CLICK, (byte) 0), new Event(2, 11, MS + 2000, Actions.SAVE, (byte) 0));
    }

    @Test
    void timestampTypedColumnsAreConvertedToMilliseconds() throws IOException {
        MessageType schema = Types.buildMessage()
                .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("user_id")
                .required(PrimitiveTypeName.INT64).named("item_id")
                .required(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS)).named("ts")
                .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("action")
                .named("spark");
        Path f = write(tmp.resolve("ts.parquet"), schema, out -> out.accept(new SimpleGroupFactory(schema).newGroup()
                .append("user_id", "42").append("item_id", 7L).append("ts", MS * 1000 + 999).append("action", "save")));
        EventLogDialect d = EventLogDialect.parse("timestamp_ms=ts", null, null);
        assertThat(RawLogImportTest.readAll(EventSources.open(f, FileFormat.PARQUET, d)))
                .containsExactly(new Event(42, 7, MS, Actions.SAVE, (byte) 0));
    }

    /** A schema, row 2 (row 1 is {@link #goodRow}, bad only where the column's type or the dialect makes every row bad), the message's mentions. */
    record Bad(String name, MessageType schema, Consumer<Group> fill, EventLogDialect dialect, List<String> mentions) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Types.MessageTypeBuilder canonical(String without) {
        Types.MessageTypeBuilder b = Types.buildMessage();
        for (String c : List.of("user_id", "item_id", "timestamp_ms")) {
            if (!c.equals(without)) {
                b.required(PrimitiveTypeName.INT64).named(c);
            }
        }
        if (!"action".equals(without)) {
            b.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("action");
        }
        if (!"surface".equals(without)) {
            b.required(PrimitiveTypeName.INT32).named("surface");
        }
        return b;
    }

    static Consumer<Group> fill(String skip) {
        return g -> {
            for (String c : List.of("user_id", "item_id", "timestamp_ms")) {
                if (!c.equals(skip) && g.getType().containsField(c)) {
                    g.append(c, c.equals("timestamp_ms") ? MS : 5L);
                }
            }
            if (!"action".equals(skip) && g.getType().containsField("action")) {
                g.append("action", "click");
            }
            if (!"surface".equals(skip) && g.getType().containsField("surface")) {
                g.append("surface", 0);
            }
        };
    }

    static Stream<Bad> badInputs() {
        MessageType nullableUser = canonical("user_id").optional(PrimitiveTypeName.INT64).named("user_id").named("e");
        MessageType intAction = canonical("action").required(PrimitiveTypeName.INT32).named("action").named("e");
        MessageType stringItem = canonical("item_id").required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("item_id").named("e");
        MessageType doubleTime = canonical("timestamp_ms").required(PrimitiveTypeName.DOUBLE).named("timestamp_ms").named("e");
        MessageType noSurface = canonical("surface").named("e");
        MessageType canonical = canonical("-").named("e");
        EventLogDialect strict = EventLogDialect.CANONICAL;
        return Stream.of(
                new Bad("null user", nullableUser, fill("user_id"), strict, List.of("row 2, column 'user_id'", "null")),
                new Bad("numeric action", intAction, fill("action").andThen(g -> g.append("action", 1)), strict,
                        List.of("row 1, column 'action'", "a number")),
                new Bad("item not an integer", stringItem, fill("item_id").andThen(g -> g.append("item_id", "x17")), strict,
                        List.of("row 2, column 'item_id'", "'x17' is not an integer")),
                new Bad("timestamp in seconds", canonical, g -> g.append("user_id", 5L).append("item_id", 5L).append("timestamp_ms", S)
                        .append("action", "click").append("surface", 0), strict,
                        List.of("row 2, column 'timestamp_ms'", "1700000000", "seconds")),
                new Bad("timestamp out of range in seconds", canonical, g -> g.append("user_id", 5L).append("item_id", 5L)
                        .append("timestamp_ms", MS).append("action", "click").append("surface", 0), EventLogDialect.parse(null, "s", null),
                        List.of("row 1, column 'timestamp_ms'", "--timestamp-unit ms")),
                new Bad("surface out of range", canonical, fill("surface").andThen(g -> g.append("surface", 16)), strict,
                        List.of("row 2, column 'surface'", "surface 16")),
                new Bad("unknown action", canonical, fill("action").andThen(g -> g.append("action", "like")), strict,
                        List.of("row 2, column 'action'", "'like'")),
                new Bad("double timestamp", doubleTime, fill("timestamp_ms").andThen(g -> g.append("timestamp_ms", 1.0)), strict,
                        List.of("column 'timestamp_ms' is DOUBLE")),
                new Bad("no surface column", noSurface, fill("surface"), strict, List.of("no column 'surface'", "--columns")));
    }

    /** A valid row 1 in whatever types the schema gives the columns. */
    static Group goodRow(SimpleGroupFactory f, MessageType schema) {
        Group g = f.newGroup();
        for (org.apache.parquet.schema.Type t : schema.getFields()) {
            String c = t.getName();
            switch (t.asPrimitiveType().getPrimitiveTypeName()) {
                case INT64 -> g.append(c, c.equals("timestamp_ms") ? MS : 5L);
                case INT32 -> g.append(c, c.equals("action") ? 1 : 0);
                case DOUBLE -> g.append(c, 1.0);
                default -> g.append(c, c.equals("action") ? "click" : "5");
            }
        }
        return g;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badRowsNameFileRowAndColumn(Bad bad) throws IOException {
        Path f = tmp.resolve("bad.parquet");
        SimpleGroupFactory g = new SimpleGroupFactory(bad.schema());
        write(f, bad.schema(), out -> {
            out.accept(goodRow(g, bad.schema()));
            Group row2 = g.newGroup();
            bad.fill().accept(row2);
            out.accept(row2);
        });
        assertThatThrownBy(() -> RawLogImportTest.readAll(EventSources.open(f, FileFormat.PARQUET, bad.dialect())))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith(f.toString() + ": ")
                .satisfies(e -> assertThat(e.getMessage()).contains(bad.mentions()));
    }
}
