package io.longview.data.io;

import io.longview.core.model.InMemoryItemEmbeddings;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files of a dataset directory, the unit that {@code generate} and {@code import} write and that {@code ingest}
 * and {@code examples} read:
 *
 * <pre>
 * DIR/events.csv      the event log of DESIGN §1: user_id,item_id,timestamp_ms,action,surface (or events.csv.gz,
 *                     or events.parquet: a Parquet file or a directory of part files, see {@link ParquetEventReader})
 * DIR/items.csv       item_id,e0..e31 (float content embeddings)
 * DIR/dataset.json    manifest: source, counts, time range, suggested split time, snapshot id, embedding provenance
 * </pre>
 *
 * @param dir the dataset directory
 */
public record DatasetLayout(Path dir) {
    public static final String EVENTS = "events.csv";
    public static final String EVENTS_GZ = "events.csv.gz";
    public static final String EVENTS_PARQUET = "events.parquet";
    public static final String ITEMS = "items.csv";
    public static final String MANIFEST = "dataset.json";

    /** The event log: {@code events.parquet} if present, else {@code events.csv.gz} if present, else {@code events.csv}. */
    public Path events() {
        Path parquet = dir.resolve(EVENTS_PARQUET);
        if (Files.exists(parquet)) {
            return parquet;
        }
        Path gz = dir.resolve(EVENTS_GZ);
        return Files.exists(gz) ? gz : dir.resolve(EVENTS);
    }

    public Path items() {
        return dir.resolve(ITEMS);
    }

    public Path manifest() {
        return dir.resolve(MANIFEST);
    }

    /** Opens the event log for reading ({@link CsvEventReader}, plain or gzip, or {@link ParquetEventReader}); close it when done. */
    public EventSource openEvents() {
        return EventSources.open(events());
    }

    /** Reads and checks the item file ({@link ItemFileReader}). */
    public InMemoryItemEmbeddings readItems() {
        return ItemFileReader.read(items(), FileFormat.CSV);
    }

    /** Reads and checks {@code dataset.json} ({@link DatasetManifest#read}). */
    public DatasetManifest readManifest() {
        return DatasetManifest.read(manifest());
    }
}
