package io.longview.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.InMemoryItemEmbeddings;
import io.longview.core.model.Token;
import io.longview.kafka.InProcessKafka;
import io.longview.kafka.StreamsTier;
import io.longview.kafka.TierSequenceStore;
import io.longview.serve.LongviewServer;
import io.longview.serve.ServeConfig;
import io.longview.synth.RandomWorld;
import io.longview.store.RocksSequenceStore;
import io.longview.store.SequenceStore;
import io.longview.store.StoreDescriptor;
import io.longview.store.StoreOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The partitioned tier from the command line, against an in-process KRaft broker (Kafka's test kit), with a real
 * hard kill:
 * <ol>
 *   <li>{@code longview serve --kafka …} runs in a <b>child JVM</b> (the real picocli command, {@link Main}); a second
 *       instance of the same application id runs in this JVM (the same {@link StreamsTier} + {@link LongviewServer}
 *       wiring, so that its state store can be read directly);</li>
 *   <li>events are produced ({@code acks=all}: acknowledged when the send's future completes) while the child is
 *       killed with SIGKILL ({@link ProcessHandle#destroyForcibly}) after it has processed and committed some of them:
 *       half of the second wave is produced before the kill, half after;</li>
 *   <li>{@code longview ingest --kafka …} (the real command, in this JVM) consumes the same topic into an embedded
 *       store: the reference, checked against the store fed the produced event list directly;</li>
 *   <li>after the rebalance the surviving instance owns every partition and holds exactly the reference's state for
 *       every user (every acknowledged event once: the update is idempotent, so one applied twice leaves no trace and
 *       one lost does), and ranks every user over HTTP as a single-process {@code serve} on the reference store;</li>
 *   <li>the child is started again with an <b>empty state directory</b> after every input offset is committed (so it
 *       cannot rebuild from the events topic): it takes partitions back, restores them from the changelog, and over
 *       HTTP every user's sequence (on its owner) and ranking (through either instance, forwarded to the owner)
 *       equal the reference's.</li>
 * </ol>
 */
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TierCommandLineTest {
    private static final int USERS = 150;
    private static final int ITEMS = 40;
    private static final int PARTITIONS = 4;
    private static final int FIRST_WAVE = 4_000;
    private static final int BATCHES = 20;
    private static final int BATCH = 200;
    private static final String TOPIC = "events";
    private static final String APP = "tier-cli";
    private static final long T0 = 1_700_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** The Streams settings of both instances: quick failure detection and commits, and no warm-up phase (below). */
    private static final Map<String, String> STREAMS = Map.of(
            StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "200",
            "consumer.session.timeout.ms", "6000",
            "consumer.heartbeat.interval.ms", "500",
            // a returning empty instance counts as caught up, so it gets active tasks at once and restores them (its
            // users answer 503 meanwhile) instead of warming up as a standby until a probing rebalance (≥ 1 min)
            StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG, "1000000000");

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) // a failure leaves the children's logs
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
    void aServeInstanceKilledHardMidIngestionLosesNothingAndComesBackFromTheChangelog() throws Exception {
        Path items = writeItems(dir.resolve("items.csv"));
        Path noEvents = Files.writeString(dir.resolve("none.csv"), "user_id,item_id,timestamp_ms,action,surface\n");
        Path checkpoint = RandomWorld.writeRandomCheckpoint(dir.resolve("model.lvck"), 5, "tier-cli");
        // each instance's catalog store: the shared item file, through the file ingest (its users are not used)
        for (String c : List.of("catalog-child", "catalog-here")) {
            CliRun.of("ingest", "--events", noEvents.toString(), "--items", items.toString(), "--store",
                    dir.resolve(c).toString(), "--no-fsync").ok();
        }
        List<Event> events = randomEvents(FIRST_WAVE + BATCHES * BATCH, 5);
        ServeConfig base = ServeConfig.defaults(checkpoint).withEngineThreads(1).withWarmup(Duration.ZERO);

        try (InProcessKafka kafka = new InProcessKafka(dir.resolve("kafka"))) {
            kafka.createTopic(TOPIC, PARTITIONS);
            kafka.createTopic(TOPIC + ".dlq", 1);
            int childPort = freePort();
            int herePort = freePort();
            String childHost = "127.0.0.1:" + childPort;
            String hereHost = "127.0.0.1:" + herePort;

            Process child = startServe(kafka, childPort, dir.resolve("state-child-1"), "child-1");
            try (SequenceStore catalogHere = RocksSequenceStore.open(dir.resolve("catalog-here"));
                 StreamsTier here = new StreamsTier(new StreamsTier.Config(kafka.bootstrap(), TOPIC, APP,
                         dir.resolve("state-here"), 0, hereHost, TOPIC + ".dlq"), catalog(catalogHere), catalogHere.limits(),
                         StoreDescriptor.DEFAULT_CHUNK_CAPACITY, Map.copyOf(STREAMS))) {
                here.start();
                try (LongviewServer hereServer = LongviewServer.start(base.withPort(herePort),
                        new TierSequenceStore(here, HostInfo.buildFromEndpoint(hereHost), catalogHere))) {
                    await("the child to serve and both instances to own partitions", Duration.ofSeconds(90), () ->
                            ready(childPort) && here.streams().state() == KafkaStreams.State.RUNNING
                                    && owners(here).containsAll(List.of(childHost, hereHost)));

                    // the first wave (and one poison record), all processed and committed
                    produce(kafka, events.subList(0, FIRST_WAVE));
                    try (KafkaProducer<String, String> p = producer(kafka)) {
                        p.send(new ProducerRecord<>(TOPIC, "1", "{not json")).get();
                    }
                    Map<TopicPartition, Long> firstWaveEnd = kafka.endOffsets(TOPIC, PARTITIONS);
                    await("the first wave to be committed", Duration.ofSeconds(60), () -> committedAll(kafka, firstWaveEnd));

                    // the second wave, in batches; the child is killed once it has committed some of it, half-way
                    Set<Integer> childPartitions = partitionsOf(here, childHost);
                    assertThat(childPartitions).isNotEmpty();
                    CountDownLatch killed = new CountDownLatch(1);
                    AtomicInteger acknowledged = new AtomicInteger(FIRST_WAVE);
                    AtomicReference<Throwable> producerFailure = new AtomicReference<>();
                    Thread producer = Thread.ofPlatform().name("second-wave").start(() -> {
                        try (KafkaProducer<String, String> p = producer(kafka)) {
                            for (int b = 0; b < BATCHES; b++) {
                                if (b == BATCHES / 2 && !killed.await(90, TimeUnit.SECONDS)) {
                                    throw new AssertionError("the child was not killed");
                                }
                                int from = FIRST_WAVE + b * BATCH;
                                List<Future<RecordMetadata>> acks = new ArrayList<>();
                                for (Event e : events.subList(from, from + BATCH)) {
                                    acks.add(p.send(new ProducerRecord<>(TOPIC, Long.toString(e.userId()), json(e))));
                                }
                                for (Future<RecordMetadata> a : acks) {
                                    a.get();
                                }
                                acknowledged.addAndGet(BATCH);
                                Thread.sleep(50);
                            }
                        } catch (Throwable t) {
                            producerFailure.set(t);
                        }
                    });
                    await("the child to commit some of the second wave", Duration.ofSeconds(60), () -> {
                        Map<TopicPartition, Long> c = committed(kafka);
                        return childPartitions.stream().anyMatch(p -> c.getOrDefault(new TopicPartition(TOPIC, p), 0L)
                                > firstWaveEnd.get(new TopicPartition(TOPIC, p)));
                    });
                    int acknowledgedAtKill = acknowledged.get();
                    child.toHandle().destroyForcibly(); // SIGKILL: no shutdown hook, no commit, no leaving the group
                    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
                    long killedAt = System.nanoTime();
                    killed.countDown();
                    assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
                    producer.join();
                    assertThat(producerFailure.get()).isNull();
                    assertThat(acknowledged.get()).isEqualTo(events.size());
                    assertThat(acknowledgedAtKill).isLessThan(events.size());

                    // the reference: the real `ingest --kafka` into an embedded store, checked against a direct append
                    Path referenceDir = dir.resolve("reference");
                    CliRun in = CliRun.of("ingest", "--kafka", kafka.bootstrap(), "--topic", TOPIC, "--group", "reference",
                            "--item-file", items.toString(), "--store", referenceDir.toString(), "--idle-exit", "2",
                            "--no-fsync", "--kafka-config", "client.id=reference-ingest").ok();
                    assertThat(in.out()).contains(String.format(java.util.Locale.ROOT, "%,d records:", events.size() + 1))
                            .contains("1 dead-lettered");
                    try (SequenceStore reference = RocksSequenceStore.open(referenceDir);
                         SequenceStore direct = RocksSequenceStore.open(dir.resolve("direct"), StoreOptions.defaults().withSync(false));
                         LongviewServer single = LongviewServer.start(base.withPort(0), reference)) {
                        reference.catalog().forEachItem((id, v) -> direct.catalog().put(id, v.clone()));
                        direct.append(events);
                        for (long u = 1; u <= USERS; u++) {
                            assertThat(reference.read(u)).as("user %d: ingest --kafka vs the events appended", u)
                                    .isEqualTo(direct.read(u));
                        }

                        // after the rebalance the instance here owns everything and holds the reference's state
                        Map<TopicPartition, Long> end = kafka.endOffsets(TOPIC, PARTITIONS);
                        await("this instance to take over every partition and commit every event", Duration.ofSeconds(90),
                                () -> here.streams().state() == KafkaStreams.State.RUNNING
                                        && owners(here).equals(Set.of(hereHost)) && committedAll(kafka, end));
                        double takeover = (System.nanoTime() - killedAt) / 1e9;
                        for (long u = 1; u <= USERS; u++) {
                            assertThat(here.readLocal(u)).as("user %d after the kill", u).isEqualTo(reference.read(u));
                        }
                        for (long u = 1; u <= USERS; u++) {
                            assertSameRanking(u, single.url(), hereServer.url(), false);
                        }

                        // the child again, with an empty state directory, after every input offset was committed
                        Path emptyState = dir.resolve("state-child-2");
                        long restartedAt = System.nanoTime();
                        child = startServe(kafka, childPort, emptyState, "child-2");
                        await("the restarted child to own partitions and answer for every user", Duration.ofSeconds(90),
                                () -> owners(here).contains(childHost) && everyUserAnswers(single.url(), childPort, herePort));
                        double comeback = (System.nanoTime() - restartedAt) / 1e9;
                        assertThat(committedAll(kafka, end)).as("no input offset moved: nothing to re-read from the topic").isTrue();
                        Set<Integer> restored = partitionsOf(here, childHost);
                        int local = 0;
                        for (long u = 1; u <= USERS; u++) {
                            boolean onChild = here.owner(u).activeHost().equals(HostInfo.buildFromEndpoint(childHost));
                            JsonNode want = get(single.url() + "/v1/users/" + u + "/sequence?limit=0");
                            JsonNode got = get("http://" + (onChild ? childHost : hereHost) + "/v1/users/" + u + "/sequence?limit=0");
                            assertThat(got).as("user %d's sequences on its owner (%s)", u, onChild ? "child" : "here").isEqualTo(want);
                            assertSameRanking(u, single.url(), "http://" + childHost, !onChild);
                            assertSameRanking(u, single.url(), hereServer.url(), onChild);
                            local += onChild ? 1 : 0;
                        }
                        assertThat(local).isPositive();
                        String childLog = Files.readString(dir.resolve("child-2.err"));
                        assertThat(childLog).as("the child's log").contains("Finished restoring changelog " + APP + "-"
                                + StreamsTier.STORE + "-changelog");
                        System.out.printf(java.util.Locale.ROOT, "tier from the command line: %,d events (%,d acknowledged when "
                                        + "the child was killed); this instance owned every partition and matched the reference "
                                        + "%.1f s after the kill; the child, restarted empty, restored partitions %s from the "
                                        + "changelog and answered for every user %.1f s after its start (%d of %d users on it)%n",
                                events.size(), acknowledgedAtKill, takeover, restored, comeback, local, USERS);
                        childLog.lines().filter(l -> l.contains("Finished restoring changelog")).forEach(l -> System.out.println("  child: " + l));
                    }
                }
            }
        }
    }

    /** {@code --kafka-config} may not set what the command sets itself: a user error naming the key, before anything starts. */
    @Test
    void kafkaConfigMayNotOverrideWhatTheCommandsSet() {
        Path checkpoint = RandomWorld.writeRandomCheckpoint(dir.resolve("m.lvck"), 5, "tier-cli");
        String error = CliRun.of("serve", "--store", dir.resolve("store").toString(), "--create", "--checkpoint",
                checkpoint.toString(), "--port", "18080", "--warmup", "0", "--kafka", "127.0.0.1:1", "--topic", TOPIC,
                "--application-id", APP, "--state-dir", dir.resolve("state").toString(),
                "--kafka-config", "commit.interval.ms=100", "--kafka-config", "application.id=other").userError();
        assertThat(error).contains("--kafka-config application.id: set by its own option");
        String ingestError = CliRun.of("ingest", "--kafka", "127.0.0.1:1", "--topic", TOPIC, "--store",
                dir.resolve("ingested").toString(), "--kafka-config", "enable.auto.commit=true").userError();
        assertThat(ingestError).contains("--kafka-config enable.auto.commit: ingest sets it itself");
    }

    /** {@code longview serve --kafka …} in a child JVM on this test's class path; stdout and stderr to files. */
    private Process startServe(InProcessKafka kafka, int port, Path stateDir, String name) throws Exception {
        Process p = startServe(List.of("-Xmx512m"), dir.resolve("catalog-child"), dir.resolve("model.lvck"), kafka, TOPIC, APP,
                port, stateDir, STREAMS, dir.resolve(name));
        children.add(p);
        return p;
    }

    /**
     * {@code longview serve --kafka BOOTSTRAP --topic T --application-id A --state-dir D --kafka-config …} in a child JVM
     * on this test's class path (Streams' restores and state changes logged at info), on 127.0.0.1:{@code port}, with
     * {@code --warmup 0 --engine-threads 1}; its stdout and stderr go to {@code logs}{@code .out} and {@code .err}.
     */
    static Process startServe(List<String> jvmOptions, Path catalogStore, Path checkpoint, InProcessKafka kafka, String topic,
                              String applicationId, int port, Path stateDir, Map<String, String> streams, Path logs)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                // the Kafka clients are at warn on the test class path: the changelog restores and state changes at info
                "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.streams.processor.internals.StoreChangelogReader=info",
                "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.streams.KafkaStreams=info"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--store", catalogStore.toString(), "--checkpoint", checkpoint.toString(),
                "--port", Integer.toString(port), "--warmup", "0", "--engine-threads", "1",
                "--kafka", kafka.bootstrap(), "--topic", topic, "--application-id", applicationId, "--state-dir", stateDir.toString()));
        streams.forEach((k, v) -> cmd.addAll(List.of("--kafka-config", k + "=" + v)));
        return new ProcessBuilder(cmd).redirectOutput(Path.of(logs + ".out").toFile())
                .redirectError(Path.of(logs + ".err").toFile()).start();
    }

    static boolean ready(int port) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception notYet) {
            return false;
        }
    }

    /** True when both instances answer 200 to a rank request for every user. */
    private boolean everyUserAnswers(String singleUrl, int childPort, int herePort) {
        try {
            for (long u = 1; u <= USERS; u++) {
                for (int port : List.of(childPort, herePort)) {
                    if (post("http://127.0.0.1:" + port, rankBody(u)).statusCode() != 200) {
                        return false;
                    }
                }
            }
            return true;
        } catch (Exception notYet) {
            return false;
        }
    }

    /** The instance at {@code url} ranks the user as the single-process server, answering itself or forwarding. */
    private static void assertSameRanking(long user, String singleUrl, String url, boolean forwarded) throws Exception {
        JsonNode want = JSON.readTree(post(singleUrl, rankBody(user)).body());
        HttpResponse<String> r = post(url, rankBody(user));
        assertThat(r.statusCode()).as("user %d via %s: %s", user, url, r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Longview-Served-By").isPresent()).as("user %d via %s forwarded", user, url)
                .isEqualTo(forwarded);
        JsonNode got = JSON.readTree(r.body());
        assertThat(got.get("user_known")).isEqualTo(want.get("user_known"));
        for (int i = 0; i < want.get("results").size(); i++) {
            assertThat(got.get("results").get(i).get("item_id")).isEqualTo(want.get("results").get(i).get("item_id"));
            // scores to 1e-5: two engine instances differ by ~1e-6 on the same history (kafka/README.md)
            assertThat(got.get("results").get(i).get("score").asDouble()).as("user %d via %s", user, url)
                    .isCloseTo(want.get("results").get(i).get("score").asDouble(), org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    private static String rankBody(long user) {
        return "{\"user_id\":" + user + ",\"request_time\":1700060000000,\"candidates\":[1,2,3,4,5,6,7,8]}";
    }

    private static HttpResponse<String> post(String url, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/rank")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", url, r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** The hosts (application.server) that own some user now, per Streams' metadata. */
    static Set<String> owners(StreamsTier any) {
        return owners(any, USERS);
    }

    /** The hosts (application.server) that own one of users 1..{@code users} now. */
    static Set<String> owners(StreamsTier any, int users) {
        Set<String> out = new HashSet<>();
        for (long u = 1; u <= users; u++) {
            HostInfo h = any.owner(u).activeHost();
            out.add(h.host() + ":" + h.port());
        }
        return out;
    }

    static Set<Integer> partitionsOf(StreamsTier any, String host) {
        Set<Integer> out = new java.util.TreeSet<>();
        for (long u = 1; u <= USERS; u++) {
            var m = any.owner(u);
            if ((m.activeHost().host() + ":" + m.activeHost().port()).equals(host)) {
                out.add(m.partition());
            }
        }
        return out;
    }

    private static Map<TopicPartition, Long> committed(InProcessKafka kafka) {
        return committed(kafka, APP);
    }

    static Map<TopicPartition, Long> committed(InProcessKafka kafka, String applicationId) {
        try {
            return kafka.committedOffsets(applicationId);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean committedAll(InProcessKafka kafka, Map<TopicPartition, Long> end) {
        return committedAll(kafka, APP, end);
    }

    /** True when the group has committed every partition's offset up to {@code end}. */
    static boolean committedAll(InProcessKafka kafka, String applicationId, Map<TopicPartition, Long> end) {
        Map<TopicPartition, Long> c = committed(kafka, applicationId);
        return end.entrySet().stream().allMatch(e -> e.getValue() == 0 || c.getOrDefault(e.getKey(), -1L) >= e.getValue());
    }

    static void await(String what, Duration limit, BooleanSupplier ok) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    private static void produce(InProcessKafka kafka, List<Event> events) throws Exception {
        try (KafkaProducer<String, String> p = producer(kafka)) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (Event e : events) {
                acks.add(p.send(new ProducerRecord<>(TOPIC, Long.toString(e.userId()), json(e))));
            }
            for (Future<RecordMetadata> a : acks) {
                a.get();
            }
        }
    }

    static KafkaProducer<String, String> producer(InProcessKafka kafka) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new StringSerializer());
    }

    static InMemoryItemEmbeddings catalog(SequenceStore s) {
        InMemoryItemEmbeddings items = new InMemoryItemEmbeddings();
        s.catalog().forEachItem((id, v) -> items.put(id, v.clone()));
        return items;
    }

    private static Path writeItems(Path file) throws Exception {
        Random r = new Random(7);
        StringBuilder b = new StringBuilder("item_id," + IntStream.range(0, Token.EMBEDDING_DIM).mapToObj(d -> "e" + d)
                .collect(Collectors.joining(",")) + "\n");
        for (int item = 1; item <= ITEMS; item++) {
            b.append(item);
            for (int d = 0; d < Token.EMBEDDING_DIM; d++) {
                b.append(',').append(String.format(java.util.Locale.ROOT, "%.4f", r.nextGaussian()));
            }
            b.append('\n');
        }
        return Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
    }

    private static List<Event> randomEvents(int n, long seed) {
        Random r = new Random(seed);
        byte[] actions = {1, 2, 4, 8};
        List<Event> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Event(1 + r.nextInt(USERS), 1 + r.nextInt(ITEMS), T0 + r.nextInt(50_000_000),
                    actions[r.nextInt(4)], (byte) r.nextInt(4)));
        }
        return out;
    }

    static String json(Event e) {
        return "{\"user_id\":" + e.userId() + ",\"item_id\":" + e.itemId() + ",\"timestamp_ms\":" + e.timestampMs()
                + ",\"action\":\"" + Actions.name(e.action()) + "\",\"surface\":" + e.surface() + "}";
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
