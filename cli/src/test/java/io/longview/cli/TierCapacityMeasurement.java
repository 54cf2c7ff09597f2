package io.longview.cli;

import io.longview.core.model.Event;
import io.longview.data.io.DatasetLayout;
import io.longview.data.io.EventSource;
import io.longview.data.io.EventSources;
import io.longview.kafka.InProcessKafka;
import io.longview.kafka.StreamsTier;
import io.longview.kafka.TierSequenceStore;
import io.longview.serve.LongviewServer;
import io.longview.serve.ServeConfig;
import io.longview.synth.RandomWorld;
import io.longview.store.RocksSequenceStore;
import io.longview.store.SequenceStore;
import io.longview.store.StoreDescriptor;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The capacity rows of {@code kafka/README.md}, measured (not a unit test: it runs only when
 * {@code -Dlongview.kafka.capacity=DATASET} names a dataset directory, e.g. from {@code longview generate --users 2000},
 * and takes minutes). On an in-process KRaft broker:
 * <ol>
 *   <li>{@code longview ingest --dataset} into an embedded store: its bytes per user and events/s, for comparison;</li>
 *   <li>every event of the dataset is produced to an 8-partition topic (JSON, key = user id);</li>
 *   <li>one {@code longview serve --kafka} instance (a child JVM, {@code -XX:ActiveProcessorCount=2}) consumes it all:
 *       events/s from its start to every offset committed; then its state directory's bytes per user, and the
 *       changelog topic read back whole: records and bytes as written, and the latest value per key (what compaction
 *       keeps), plus the broker's on-disk size of the changelog;</li>
 *   <li>{@code longview bench serve --url} against that instance alone (it owns every user: no forwarding);</li>
 *   <li>a second instance (in this JVM) joins with an empty state directory: it restores its partitions from the
 *       changelog (records/s, and events/s of the events those partitions hold);</li>
 *   <li>{@code longview bench serve --url} against the first instance again: now the users of the second one (about
 *       half) are forwarded to it.</li>
 * </ol>
 * Everything shares this machine's cores (broker, instances, load generator), so the rates are lower bounds.
 */
@EnabledIfSystemProperty(named = "longview.kafka.capacity", matches = ".+")
class TierCapacityMeasurement {
    private static final String TOPIC = "events";
    private static final String APP = "tier-capacity";
    private static final int PARTITIONS = Integer.getInteger("longview.kafka.capacity.partitions", 8);
    private static final String BENCH_DURATION = System.getProperty("longview.kafka.capacity.duration", "10s");
    private static final Map<String, String> STREAMS = Map.of(
            StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "1000",
            StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG, "1000000000");

    @TempDir
    Path dir;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() throws InterruptedException {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void measure() throws Exception {
        DatasetLayout layout = new DatasetLayout(Path.of(System.getProperty("longview.kafka.capacity")));
        Path noEvents = Files.writeString(dir.resolve("none.csv"), "user_id,item_id,timestamp_ms,action,surface\n");
        for (String c : List.of("catalog-a", "catalog-b")) {
            CliRun.of("ingest", "--events", noEvents.toString(), "--items", layout.items().toString(), "--store",
                    dir.resolve(c).toString(), "--no-fsync").ok();
        }
        Path checkpoint = RandomWorld.writeRandomCheckpoint(dir.resolve("model.lvck"), 5, "tier-capacity");
        Path embedded = dir.resolve("embedded");
        CliRun ingest = CliRun.of("ingest", "--dataset", layout.dir().toString(), "--store", embedded.toString(), "--no-fsync").ok();
        long embeddedBytes = du(embedded);
        int users;
        long maxUser;
        try (SequenceStore s = RocksSequenceStore.open(embedded)) {
            AtomicLong n = new AtomicLong();
            AtomicLong max = new AtomicLong();
            s.forEachUser(u -> {
                n.incrementAndGet();
                max.accumulateAndGet(u, Math::max);
            });
            users = (int) n.get();
            maxUser = max.get();
        }
        int items;
        try (SequenceStore s = RocksSequenceStore.open(dir.resolve("catalog-a"))) {
            items = Math.toIntExact(s.catalog().size());
        }
        say("embedded store (`longview ingest --dataset`): %s", ingest.out().lines().findFirst().orElse(""));
        say("embedded store on disk: %,d bytes = %,.0f bytes per user (%,d users)", embeddedBytes, (double) embeddedBytes / users, users);

        try (InProcessKafka kafka = new InProcessKafka(dir.resolve("kafka"))) {
            kafka.createTopic(TOPIC, PARTITIONS);
            kafka.createTopic(TOPIC + ".dlq", 1);
            AtomicLongArray perPartition = new AtomicLongArray(PARTITIONS);
            long events = 0;
            long p0 = System.nanoTime();
            try (KafkaProducer<String, String> p = TierCommandLineTest.producer(kafka);
                 EventSource src = EventSources.open(layout.events())) {
                while (src.hasNext()) {
                    Event e = src.next();
                    p.send(new ProducerRecord<>(TOPIC, Long.toString(e.userId()), TierCommandLineTest.json(e)), (m, ex) -> {
                        if (ex == null) {
                            perPartition.incrementAndGet(m.partition());
                        }
                    });
                    events++;
                }
                p.flush();
            }
            double produceSecs = (System.nanoTime() - p0) / 1e9;
            long acked = 0;
            for (int i = 0; i < PARTITIONS; i++) {
                acked += perPartition.get(i);
            }
            assertThat(acked).isEqualTo(events);
            say("produced %,d events to %d partitions (acks=all) in %.1f s: %,.0f events/s", events, PARTITIONS, produceSecs,
                    events / produceSecs);
            Map<TopicPartition, Long> end = kafka.endOffsets(TOPIC, PARTITIONS);

            // instance a, the real command, alone: it consumes everything
            int portA = TierCommandLineTest.freePort();
            int portB = TierCommandLineTest.freePort();
            long a0 = System.nanoTime();
            Process a = TierCommandLineTest.startServe(List.of("-Xmx1g", "-XX:ActiveProcessorCount=2"), dir.resolve("catalog-a"),
                    checkpoint, kafka, TOPIC, APP, portA, dir.resolve("state-a"), STREAMS, dir.resolve("a"));
            children.add(a);
            TierCommandLineTest.await("instance a to start", Duration.ofMinutes(2), () -> TierCommandLineTest.ready(portA));
            double startSecs = (System.nanoTime() - a0) / 1e9;
            TierCommandLineTest.await("instance a to apply every event", Duration.ofMinutes(60), () -> {
                sleep(1000);
                return TierCommandLineTest.committedAll(kafka, APP, end);
            });
            double ingestSecs = (System.nanoTime() - a0) / 1e9;
            say("one instance (`serve --kafka`, 2 processors) applied %,d events in %.1f s from its start (%.1f s to /readyz): "
                    + "%,.0f events/s", events, ingestSecs, startSecs, events / ingestSecs);
            say("instance a's resident memory after applying everything: %s (JVM -Xmx1g; RocksDB memtables and block cache "
                    + "are off-heap)", rss(a));
            long[] changelogBytes = changelog(kafka, users);

            String urlA = "http://127.0.0.1:" + portA;
            List<String> bench = List.of("bench", "serve", "--url", urlA, "--users", Long.toString(maxUser), "--items",
                    Integer.toString(items), "--candidates", "100", "--clients", "1,2,4", "--warmup", "3s", "--duration", BENCH_DURATION);
            CliRun alone = CliRun.of(bench.toArray(String[]::new)).ok();
            say("`longview %s` — instance a alone, no forwarding:%n%s", String.join(" ", bench), alone.out());

            // instance b joins with an empty state directory and restores its partitions from the changelog
            Restores restores = new Restores();
            String hostB = "127.0.0.1:" + portB;
            try (SequenceStore catalogB = RocksSequenceStore.open(dir.resolve("catalog-b"));
                 StreamsTier b = new StreamsTier(new StreamsTier.Config(kafka.bootstrap(), TOPIC, APP, dir.resolve("state-b"), 0,
                         hostB, TOPIC + ".dlq"), TierCommandLineTest.catalog(catalogB), catalogB.limits(),
                         StoreDescriptor.DEFAULT_CHUNK_CAPACITY, Map.copyOf(STREAMS))) {
                b.streams().setGlobalStateRestoreListener(restores);
                long b0 = System.nanoTime();
                b.start();
                try (LongviewServer serverB = LongviewServer.start(ServeConfig.defaults(checkpoint).withEngineThreads(1)
                        .withWarmup(Duration.ZERO).withPort(portB), new TierSequenceStore(b, HostInfo.buildFromEndpoint(hostB), catalogB))) {
                    TierCommandLineTest.await("instance b to take and restore partitions", Duration.ofMinutes(10), () ->
                            b.streams().state() == KafkaStreams.State.RUNNING && restores.done()
                                    && TierCommandLineTest.owners(b, (int) maxUser).contains(hostB));
                    double joinSecs = (System.nanoTime() - b0) / 1e9;
                    long restoredEvents = 0;
                    for (int part : restores.partitions) {
                        restoredEvents += perPartition.get(part);
                    }
                    long restoredBytes = 0;
                    for (int part : restores.partitions) {
                        restoredBytes += changelogBytes[part];
                    }
                    say("instance b (empty state) restored changelog partitions %s: %,d records, %,d bytes, in %.2f s "
                                    + "(%,.0f records/s, %,.1f MB/s), holding %,d events (%,.0f events/s); %.1f s from its start to "
                                    + "serving", restores.partitions, restores.records.get(), restoredBytes, restores.seconds(),
                            restores.records.get() / restores.seconds(), restoredBytes / 1e6 / restores.seconds(), restoredEvents,
                            restoredEvents / restores.seconds(), joinSecs);
                    interleaved(urlA, maxUser, items);
                    Set<Integer> onB = TierCommandLineTest.partitionsOf(b, hostB);
                    CliRun shared = CliRun.of(bench.toArray(String[]::new)).ok();
                    say("`longview %s` — instance a with b owning partitions %s of %d (their users forwarded to b):%n%s",
                            String.join(" ", bench), onB, PARTITIONS, shared.out());
                }
            }
            // a's state on disk once it stopped gracefully (SIGTERM: Streams flushes its stores' memtables on close)
            a.destroy();
            assertThat(a.waitFor(2, TimeUnit.MINUTES)).isTrue();
            long stateBytes = du(dir.resolve("state-a"));
            say("instance a's state directory after a graceful stop (it owned every partition until b joined): %,d bytes = "
                    + "%,.0f bytes per user", stateBytes, (double) stateBytes / users);
        }
    }

    /**
     * One client, 100 random candidates, random users, all sent to instance a for the bench duration: the requests a
     * answered itself and those it forwarded to b, side by side under the same load.
     */
    private static void interleaved(String urlA, long users, int items) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
        List<Double> local = new ArrayList<>();
        List<Double> forwarded = new ArrayList<>();
        long end = System.nanoTime() + Duration.ofMillis(Cli.parseDurationMs(BENCH_DURATION)).toNanos() * 2;
        int n = 0;
        while (System.nanoTime() < end) {
            StringBuilder body = new StringBuilder("{\"user_id\":").append(1 + rnd.nextLong(users))
                    .append(",\"request_time\":1735603200000,\"candidates\":[");
            for (int i = 0; i < 100; i++) {
                body.append(i == 0 ? "" : ",").append(1 + rnd.nextInt(items));
            }
            body.append("]}");
            long t0 = System.nanoTime();
            java.net.http.HttpResponse<Void> r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(urlA + "/v1/rank"))
                    .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(body.toString()))
                    .build(), java.net.http.HttpResponse.BodyHandlers.discarding());
            double ms = (System.nanoTime() - t0) / 1e6;
            assertThat(r.statusCode()).isEqualTo(200);
            if (n++ >= 20) { // the first ones warm the forwarding path
                (r.headers().firstValue("X-Longview-Served-By").isPresent() ? forwarded : local).add(ms);
            }
        }
        say("interleaved, 1 client, 100 candidates, all sent to a: answered by a %d requests, p50 %.1f ms, p99 %.1f ms; "
                        + "forwarded to b %d, p50 %.1f ms, p99 %.1f ms", local.size(), pct(local, 50), pct(local, 99),
                forwarded.size(), pct(forwarded, 50), pct(forwarded, 99));
    }

    private static double pct(List<Double> v, int p) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length == 0 ? Double.NaN : a[Math.min(a.length - 1, a.length * p / 100)];
    }

    /** Reads the changelog whole: records and bytes as written, the latest value per key, and the broker's files. */
    private static long[] changelog(InProcessKafka kafka, int users) throws Exception {
        String topic = APP + "-" + StreamsTier.STORE + "-changelog";
        Map<TopicPartition, Long> end = kafka.endOffsets(topic, PARTITIONS);
        long records = 0;
        long bytes = 0;
        long[] perPartition = new long[PARTITIONS];
        Map<ByteBuffer, Integer> latest = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap(),
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.assign(end.keySet());
            c.seekToBeginning(end.keySet());
            Set<TopicPartition> open = new HashSet<>(end.keySet());
            while (!open.isEmpty()) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofSeconds(1))) {
                    int size = r.key().length + (r.value() == null ? 0 : r.value().length);
                    records++;
                    bytes += size;
                    perPartition[r.partition()] += size;
                    if (r.value() == null) {
                        latest.remove(ByteBuffer.wrap(r.key()));
                    } else {
                        latest.put(ByteBuffer.wrap(r.key()), size);
                    }
                }
                open.removeIf(tp -> c.position(tp) >= end.get(tp));
            }
        }
        long kept = latest.values().stream().mapToLong(Integer::longValue).sum();
        long onDisk = 0;
        for (Path logDir : kafka.logDirs()) {
            try (Stream<Path> s = Files.list(logDir)) {
                for (Path p : s.filter(p -> p.getFileName().toString().startsWith(topic + "-")).toList()) {
                    try (Stream<Path> segments = Files.list(p)) {
                        for (Path seg : segments.filter(f -> f.toString().endsWith(".log")).toList()) {
                            onDisk += Files.size(seg); // the record batches; the indexes are preallocated (sparse) files
                        }
                    }
                }
            }
        }
        say("changelog %s: %,d records, %,d key+value bytes as written (%,.0f per user); latest value per key (what compaction "
                        + "keeps): %,d keys, %,d bytes = %,.0f bytes per user; broker segment files (.log) %,d bytes (%,.0f per user, before compaction)",
                topic, records, bytes, (double) bytes / users, latest.size(), kept, (double) kept / users, onDisk, (double) onDisk / users);
        return perPartition;
    }

    /** Changelog records restored, the partitions, and the span from the first restore start to the last end. */
    private static final class Restores implements StateRestoreListener {
        final AtomicLong records = new AtomicLong();
        final Set<Integer> partitions = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final AtomicLong started = new AtomicLong();
        final AtomicLong ended = new AtomicLong();
        volatile long first;
        volatile long last;

        @Override
        public void onRestoreStart(TopicPartition tp, String store, long start, long end) {
            if (first == 0) {
                first = System.nanoTime();
            }
            started.incrementAndGet();
            partitions.add(tp.partition());
        }

        @Override
        public void onBatchRestored(TopicPartition tp, String store, long batchEnd, long n) {
            records.addAndGet(n);
        }

        @Override
        public void onRestoreEnd(TopicPartition tp, String store, long total) {
            last = System.nanoTime();
            ended.incrementAndGet();
        }

        boolean done() {
            return started.get() > 0 && ended.get() == started.get();
        }

        double seconds() {
            return (last - first) / 1e9;
        }
    }

    private static long du(Path p) {
        for (int attempt = 0; ; attempt++) {
            try {
                return duOnce(p);
            } catch (UncheckedIOException moved) {
                if (attempt == 5) {
                    throw moved; // a directory RocksDB or the broker kept changing under the walk
                }
            }
        }
    }

    private static long duOnce(Path p) {
        try (Stream<Path> s = Files.walk(p)) {
            return s.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException gone) {
                    return 0; // a file RocksDB or the broker removed meanwhile
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The process's VmRSS from /proc (Linux), or "unknown". */
    private static String rss(Process p) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status")).stream()
                    .filter(l -> l.startsWith("VmRSS:")).map(l -> l.substring(6).strip()).findFirst().orElse("unknown");
        } catch (IOException notLinux) {
            return "unknown";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void say(String format, Object... args) {
        System.out.printf(Locale.ROOT, "capacity: " + format + "%n", args);
    }
}
