package io.longview.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.longview.core.model.Event;
import io.longview.core.model.InMemoryItemEmbeddings;
import io.longview.core.model.SequenceLimits;
import io.longview.serve.LongviewServer;
import io.longview.serve.ServeConfig;
import io.longview.store.SequenceStore;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tier behind HTTP: two instances, each a {@link LongviewServer} over its {@link TierSequenceStore}. A rank request
 * sent to either instance is answered for every user: by the owner directly, or forwarded to it (one hop, with
 * {@code X-Longview-Served-By}); the answers are the single-process server's on the same events.
 */
class TierServingTest {
    static final int USERS = 60;
    static final int EVENTS = 3_000;

    @TempDir
    static Path dir;
    static InProcessKafka kafka;

    @BeforeAll
    static void start() throws Exception {
        kafka = new InProcessKafka(dir.resolve("kafka"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void everyInstanceAnswersForEveryUserForwardingToTheOwner() throws Exception {
        kafka.createTopic("serve-events", 4);
        kafka.createTopic("serve-events.dlq", 1);
        List<Event> events = KafkaEventIngestTest.randomEvents(EVENTS, USERS, 11);
        Path checkpoint = io.longview.synth.RandomWorld.writeRandomCheckpoint(dir.resolve("m.lvck"), 5, "tier-serve");
        ServeConfig base = ServeConfig.defaults(checkpoint).withEngineThreads(1).withWarmup(Duration.ZERO);
        try (SequenceStore reference = KafkaEventIngestTest.storeWithItems(dir.resolve("reference"));
             SequenceStore catalogA = KafkaEventIngestTest.storeWithItems(dir.resolve("catalog-a"));
             SequenceStore catalogB = KafkaEventIngestTest.storeWithItems(dir.resolve("catalog-b"))) {
            InMemoryItemEmbeddings items = new InMemoryItemEmbeddings();
            reference.catalog().forEachItem((id, v) -> items.put(id, v.clone()));
            reference.append(events);
            try (KafkaProducer<String, String> p = KafkaEventIngestTest.producer(kafka)) {
                for (Event e : events) {
                    p.send(new ProducerRecord<>("serve-events", Long.toString(e.userId()), KafkaEventIngestTest.json(e)));
                }
                p.flush();
            }
            int portA = freePort();
            int portB = freePort();
            StreamsTier a = tier("127.0.0.1:" + portA, dir.resolve("state-a"), items);
            StreamsTier b = tier("127.0.0.1:" + portB, dir.resolve("state-b"), items);
            a.start();
            b.start();
            StreamsTierTest.await("both instances to apply every event", Duration.ofSeconds(60),
                    () -> a.counts()[0] + b.counts()[0] >= EVENTS && a.streams().state() == KafkaStreams.State.RUNNING
                            && b.streams().state() == KafkaStreams.State.RUNNING);
            try (LongviewServer single = LongviewServer.start(base.withPort(0), reference);
                 LongviewServer sa = LongviewServer.start(base.withPort(portA),
                         new TierSequenceStore(a, new HostInfo("127.0.0.1", portA), catalogA));
                 LongviewServer sb = LongviewServer.start(base.withPort(portB),
                         new TierSequenceStore(b, new HostInfo("127.0.0.1", portB), catalogB))) {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                ObjectMapper json = new ObjectMapper();
                List<Double> local = new ArrayList<>();
                List<Double> forwarded = new ArrayList<>();
                int forwards = 0;
                for (int round = 0; round < 2; round++) { // the first round warms the JIT; the second is timed
                    for (long u = 1; u <= USERS; u++) {
                        String body = "{\"user_id\":" + u + ",\"request_time\":1700060000000,\"candidates\":[1,2,3,4,5,6,7,8]}";
                        JsonNode want = json.readTree(post(http, single.url(), body).body());
                        for (LongviewServer s : List.of(sa, sb)) {
                            long t0 = System.nanoTime();
                            HttpResponse<String> r = post(http, s.url(), body);
                            double ms = (System.nanoTime() - t0) / 1e6;
                            assertThat(r.statusCode()).as("user %d via %s: %s", u, s.url(), r.body()).isEqualTo(200);
                            JsonNode got = json.readTree(r.body());
                            assertThat(got.get("user_known")).isEqualTo(want.get("user_known"));
                            for (int i = 0; i < 8; i++) {
                                assertThat(got.get("results").get(i).get("item_id")).isEqualTo(want.get("results").get(i).get("item_id"));
                                assertThat(got.get("results").get(i).get("score").asDouble())
                                        .isCloseTo(want.get("results").get(i).get("score").asDouble(), org.assertj.core.data.Offset.offset(1e-5));
                            }
                            boolean viaOwner = r.headers().firstValue("X-Longview-Served-By").isPresent();
                            if (round == 1) {
                                (viaOwner ? forwarded : local).add(ms);
                            }
                            forwards += viaOwner ? 1 : 0;
                        }
                    }
                }
                // every user is owned by exactly one of the two: one of its two answers was forwarded
                assertThat(forwards).isEqualTo(2 * USERS);
                System.out.printf("tier serving: rank of 8 candidates over HTTP, median %.2f ms answered by the owner, %.2f ms "
                        + "forwarded to it (%d users)%n", median(local), median(forwarded), USERS);
            } finally {
                a.close();
                b.close();
            }
        }
    }

    static HttpResponse<String> post(HttpClient http, String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url + "/v1/rank")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length == 0 ? Double.NaN : a[a.length / 2];
    }

    static StreamsTier tier(String server, Path state, InMemoryItemEmbeddings items) {
        return new StreamsTier(new StreamsTier.Config(kafka.bootstrap(), "serve-events", "serve-tier", state, 0, server,
                "serve-events.dlq"), items, SequenceLimits.DEFAULT, io.longview.store.StoreDescriptor.DEFAULT_CHUNK_CAPACITY,
                Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100, "consumer.session.timeout.ms", 6000,
                        "consumer.heartbeat.interval.ms", 500));
    }
}
