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
import io.longview.kafka.KafkaEventIngest;
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
        description = {"Ingest an event log and its items into the sequence store (embedded RocksDB), or consume events from Kafka (--kafka).",
                "The input is checked whole before anything is written; re-running an ingest is harmless (idempotent)."})
final class IngestCommand implements Callable<Integer> {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--dataset", description = "a dataset directory (from generate or import)")
        Path dataset;

        @ArgGroup(exclusive = false)
        Files2 files;

        @ArgGroup(exclusive = false)
        KafkaSource kafka;
    }

    /** {@code --kafka}: consume a topic instead of reading files (module {@code kafka}, {@link KafkaEventIngest}). */
    static final class KafkaSource {
        @Option(names = "--kafka", required = true, paramLabel = "BOOTSTRAP",
                description = "consume events from Kafka (host:port,...) as a consumer-group member, until Ctrl-C or --idle-exit; "
                        + "an event whose item is not in the store's catalog goes to the dead-letter topic")
        String bootstrap;

        @Option(names = "--topic", required = true, description = "the events topic (JSON event-log objects, key = user id)")
        String topic;

        @Option(names = "--group", description = "consumer group id (default ${DEFAULT-VALUE})", defaultValue = "longview-ingest")
        String group;

        @Option(names = "--dead-letter-topic", description = "where refused records go, with the reason in header "
                + KafkaEventIngest.REASON_HEADER + " (default: <topic>.dlq)")
        String deadLetterTopic;

        @Option(names = "--item-file", paramLabel = "FILE", description = "item embeddings (CSV or JSON Lines) to put into the store's catalog first")
        Path itemFile;

        @Option(names = "--idle-exit", paramLabel = "SECONDS", description = "return once no record arrived for this long (default: run until stopped)")
        Double idleExitSeconds;

        @Option(names = "--kafka-config", paramLabel = "KEY=VALUE", description = "a further Kafka client setting for the "
                + "consumer and the dead-letter producer, repeatable (e.g. security.protocol=SSL, client.id=...); not the "
                + "ones ingest sets itself (group, offsets, commits, acks, serializers)")
        java.util.Map<String, String> config = new java.util.LinkedHashMap<>();
    }

    /** Client settings {@link KafkaEventIngest} sets itself: its delivery guarantee depends on them. */
    private static final java.util.Set<String> SET_BY_INGEST = java.util.Set.of("bootstrap.servers", "group.id",
            "enable.auto.commit", "auto.offset.reset", "isolation.level", "max.poll.records", "key.deserializer",
            "value.deserializer", "acks", "enable.idempotence", "key.serializer", "value.serializer");

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
        storeOptions(); // option values first: nothing is read or written before they are known to be good
        if (batch < 1) {
            throw new InputException("--batch must be ≥ 1, got " + batch);
        }
        if (input.kafka != null) {
            return consumeKafka(input.kafka);
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
        try (SequenceStore s = RocksSequenceStore.open(store, storeOptions())) {
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

    /** {@code --kafka}: consumes until stopped (Ctrl-C: the batch in hand is committed first) or idle. */
    private int consumeKafka(KafkaSource k) {
        KafkaEventIngest.Config config = KafkaEventIngest.Config.of(k.bootstrap, k.topic).withGroup(k.group)
                .withMaxPollRecords(batch);
        if (k.deadLetterTopic != null) {
            config = config.withDeadLetterTopic(k.deadLetterTopic);
        }
        for (String key : k.config.keySet()) {
            if (SET_BY_INGEST.contains(key)) {
                throw new io.longview.core.io.InputException("--kafka-config " + key + ": ingest sets it itself (use --kafka, "
                        + "--group, --batch; offsets, commits and acks are what makes the delivery at-least-once)");
            }
        }
        if (k.idleExitSeconds != null && !(k.idleExitSeconds > 0)) {
            throw new io.longview.core.io.InputException("--idle-exit must be > 0 seconds, got " + k.idleExitSeconds);
        }
        java.time.Duration idle = k.idleExitSeconds == null ? null
                : java.time.Duration.ofMillis(Math.round(k.idleExitSeconds * 1000));
        InMemoryItemEmbeddings items = k.itemFile == null ? null : ItemFileReader.read(k.itemFile);
        long start = System.nanoTime();
        KafkaEventIngest.Counts counts;
        String stats;
        // Ctrl-C: stop after the batch in hand is committed, and close the store before the JVM exits
        java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<KafkaEventIngest> running = new java.util.concurrent.atomic.AtomicReference<>();
        Thread hook = new Thread(() -> {
            KafkaEventIngest r = running.get();
            if (r != null) {
                r.stop();
            }
            try {
                closed.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ingest-kafka-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            try (SequenceStore s = RocksSequenceStore.open(store, storeOptions());
                 KafkaEventIngest in = new KafkaEventIngest(config, s, java.util.Map.<String, Object>copyOf(k.config))) {
                if (items != null) {
                    putItems(s, items);
                }
                running.set(in);
                counts = in.run(idle);
                stats = s.stats().toString();
            }
        } finally {
            closed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waited for the latch released above
            }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "consumed %s from %s into %s in %.1f s%n%s%n", counts, k.topic, store, secs, stats);
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

    private StoreOptions storeOptions() {
        return Cli.withRetention(StoreOptions.defaults(), retentionDays).withSync(!noFsync);
    }
}
