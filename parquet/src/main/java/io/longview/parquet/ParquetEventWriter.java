package io.longview.parquet;

import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes the event log of DESIGN §1 as one Parquet file, in the order given, with the schema {@link #SCHEMA}:
 * <pre>
 * message event {
 *   required int64 user_id;
 *   required int64 item_id;
 *   required int64 timestamp_ms;          epoch milliseconds (a plain integer, as in the CSV log)
 *   required binary action (STRING);      click | save | hide | impression
 *   required int32 surface;               0..15
 * }
 * </pre>
 * Zstandard-compressed, row groups of {@link #ROW_GROUP_BYTES}. Spark, DuckDB, pandas and this project's readers
 * read it by column name. Memory: one row group being encoded. The file is complete only after {@link #close()};
 * callers write into a temporary directory and rename ({@code AtomicDirectory}).
 */
public final class ParquetEventWriter implements AutoCloseable {
    /** The Parquet schema of the event log. */
    public static final MessageType SCHEMA = Types.buildMessage()
            .required(PrimitiveTypeName.INT64).named("user_id")
            .required(PrimitiveTypeName.INT64).named("item_id")
            .required(PrimitiveTypeName.INT64).named("timestamp_ms")
            .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("action")
            .required(PrimitiveTypeName.INT32).named("surface")
            .named("event");

    /** Target row-group size (uncompressed bytes buffered before a row group is flushed). */
    public static final int ROW_GROUP_BYTES = 64 << 20;

    private static final Binary[] ACTION_NAMES = new Binary[1 << Actions.COUNT];

    static {
        for (int i = 0; i < Actions.COUNT; i++) {
            ACTION_NAMES[1 << i] = Binary.fromConstantByteArray(Actions.name(1 << i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private final Path file;
    private final ParquetWriter<Event> writer;
    private long count;

    /**
     * Creates (or replaces) {@code file}.
     *
     * @throws UncheckedIOException when it cannot be created
     */
    public ParquetEventWriter(Path file) {
        this.file = file;
        try {
            writer = new Builder(new LocalOutputFile(file))
                    .withConf(new PlainParquetConfiguration())
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                    .withCompressionCodec(CompressionCodecName.ZSTD)
                    .withRowGroupSize((long) ROW_GROUP_BYTES)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Appends one event. */
    public void write(Event e) {
        try {
            writer.write(e);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write " + file + ": " + ex.getMessage(), ex);
        }
        count++;
    }

    /** Events written so far. */
    public long count() {
        return count;
    }

    /** Flushes the last row group and writes the footer. */
    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static final class Builder extends ParquetWriter.Builder<Event, Builder> {
        Builder(LocalOutputFile file) {
            super(file);
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<Event> getWriteSupport(Configuration conf) {
            return new EventWriteSupport();
        }

        @Override
        protected WriteSupport<Event> getWriteSupport(ParquetConfiguration conf) {
            return new EventWriteSupport();
        }
    }

    /** Turns an event into the five fields of {@link #SCHEMA}. */
    private static final class EventWriteSupport extends WriteSupport<Event> {
        private RecordConsumer out;

        @Override
        public WriteContext init(Configuration configuration) {
            return new WriteContext(SCHEMA, Map.of("longview.schema", "event-log/1"));
        }

        @Override
        public WriteContext init(ParquetConfiguration configuration) {
            return new WriteContext(SCHEMA, Map.of("longview.schema", "event-log/1"));
        }

        @Override
        public String getName() {
            return "longview";
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            this.out = recordConsumer;
        }

        @Override
        public void write(Event e) {
            out.startMessage();
            out.startField("user_id", 0);
            out.addLong(e.userId());
            out.endField("user_id", 0);
            out.startField("item_id", 1);
            out.addLong(e.itemId());
            out.endField("item_id", 1);
            out.startField("timestamp_ms", 2);
            out.addLong(e.timestampMs());
            out.endField("timestamp_ms", 2);
            out.startField("action", 3);
            out.addBinary(ACTION_NAMES[e.action() & 0xff]);
            out.endField("action", 3);
            out.startField("surface", 4);
            out.addInteger(e.surface());
            out.endField("surface", 4);
            out.endMessage();
        }
    }
}
