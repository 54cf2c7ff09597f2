package io.longview.cli;

import io.longview.core.io.InputException;
import io.longview.core.io.Progress;
import io.longview.core.model.Event;
import io.longview.core.model.InMemoryItemEmbeddings;
import io.longview.core.model.Token;
import io.longview.data.io.DatasetLayout;
import io.longview.data.io.EventSource;
import io.longview.data.io.EventSources;
import io.longview.data.io.ItemFileReader;
import io.longview.store.AppendResult;
import io.longview.store.RocksSequenceStore;
import io.longview.store.SequenceStore;
import io.longview.store.StoreOptions;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code longview ingest}: an event log and its items into the sequence store.
 *
 * <p>Two passes: the first reads every event and checks it (format, ranges, an embedding for its item) without
 * touching the store, so bad input leaves the store as it was; the second writes the items into the catalog and
 * appends the events in batches, each batch durable when it returns. A crash in the second pass leaves a prefix of
 * the batches in the store; running the same ingest again completes it (appends are idempotent).
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Ingest an event log and its items into the sequence store (embedded RocksDB).",
                "The input is checked whole before anything is written; re-running an ingest is harmless (idempotent)."})
final class IngestCommand implements Callable<Integer> {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--dataset", description = "a dataset directory (from generate or import)")
        Path dataset;

        @ArgGroup(exclusive = false)
        Files2 files;
    }

    static final class Files2 {
        @Option(names = "--events", required = true, description = "an event log (CSV or JSON Lines, optionally .gz)")
        Path events;

        @Option(names = "--items", required = true, description = "its item embeddings (CSV or JSON Lines)")
        Path items;
    }

    @Option(names = "--store", description = "store directory, created if missing (default ${DEFAULT-VALUE})", defaultValue = "runs/store")
    Path store;

    @Option(names = "--batch", description = "events per durable append (default ${DEFAULT-VALUE})", defaultValue = "20000")
    int batch;

    @Option(names = "--retention-days", description = "drop tokens older than this many days (by their timestamp): older events are "
            + "not stored, and a pass every hour removes tokens that aged out (default: keep until the caps evict them)")
    Integer retentionDays;

    @Option(names = "--no-fsync", description = "acknowledge appends once written to the OS (survives a process crash, not a power loss)")
    boolean noFsync;

    @Override
    public Integer call() {
        if (batch < 1) {
            throw new InputException("--batch must be ≥ 1, got " + batch);
        }
        Path events;
        Path items;
        if (input.dataset != null) {
            DatasetLayout layout = new DatasetLayout(input.dataset);
            events = layout.events();
            items = layout.items();
        } else {
            events = input.files.events;
            items = input.files.items;
        }
        for (Path p : List.of(events, items)) {
            if (!Files.isRegularFile(p)) {
                throw new InputException(Cli.abs(p), 0, "no such file");
            }
        }
        InMemoryItemEmbeddings catalog = ItemFileReader.read(items);
        long total = validate(events, items, catalog);

        long start = System.nanoTime();
        AppendResult sum = AppendResult.EMPTY;
        long itemCount;
        String stats;
        try (SequenceStore s = RocksSequenceStore.open(store, Cli.withRetention(StoreOptions.defaults(), retentionDays).withSync(!noFsync))) {
            itemCount = putItems(s, catalog);
            List<Event> buffer = new ArrayList<>(batch);
            try (EventSource src = EventSources.open(events); Progress p = Cli.progress("ingest", total)) {
                while (src.hasNext()) {
                    buffer.add(src.next());
                    if (buffer.size() == batch || !src.hasNext()) {
                        sum = sum.plus(s.append(buffer));
                        p.advance(buffer.size());
                        buffer.clear();
                    }
                }
            }
            stats = s.stats().toString();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "ingested %,d events (%,d changed the store, %,d already there) and %,d items into %s in %.1f s: %,.0f events/s%n%s%n",
                sum.events(), sum.applied(), sum.unchanged(), itemCount, store, secs, sum.events() / secs, stats);
        return 0;
    }

    /** Writes the item file into the store's catalog, 10,000 items per write. */
    private static long putItems(SequenceStore s, InMemoryItemEmbeddings catalog) {
        long[] ids = catalog.ids();
        for (int from = 0; from < ids.length; from += 10_000) {
            int n = Math.min(10_000, ids.length - from);
            long[] chunk = new long[n];
            float[] flat = new float[n * Token.EMBEDDING_DIM];
            for (int i = 0; i < n; i++) {
                chunk[i] = ids[from + i];
                catalog.copy(chunk[i], flat, i * Token.EMBEDDING_DIM);
            }
            s.catalog().putAll(chunk, flat);
        }
        return ids.length;
    }

    /** The first pass: every event parses and has an item embedding. */
    private static long validate(Path events, Path items, InMemoryItemEmbeddings catalog) {
        long n = 0;
        try (EventSource src = EventSources.open(events); Progress p = Cli.progress("check", 0)) {
            while (src.hasNext()) {
                Event e = src.next();
                n++;
                if (!catalog.contains(e.itemId())) {
                    throw new InputException(events, src.line(), "item " + e.itemId() + " has no embedding in the item file "
                            + items.getFileName());
                }
                if ((n & 0xffff) == 0) {
                    p.advance(0x10000);
                }
            }
            p.advance(n & 0xffff);
        }
        return n;
    }
}
