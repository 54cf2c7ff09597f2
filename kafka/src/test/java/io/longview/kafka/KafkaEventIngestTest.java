package io.longview.kafka;

import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.Token;
import io.longview.store.RocksSequenceStore;
import io.longview.store.SequenceStore;
import io.longview.store.StoreOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link KafkaEventIngest} against an in-process KRaft broker. */
class KafkaEventIngestTest {
    private static final int ITEMS = 50;
    private static final long T0 = 1_700_000_000_000L;

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

    static SequenceStore storeWithItems(Path d) {
        SequenceStore s = RocksSequenceStore.open(d, StoreOptions.defaults().withSync(false));
        Random r = new Random(7);
        for (long item = 1; item <= ITEMS; item++) {
            float[] v = new float[Token.EMBEDDING_DIM];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) r.nextGaussian();
            }
            s.catalog().put(item, v);
        }
        return s;
    }

    static List<Event> randomEvents(int n, int users, long seed) {
        Random r = new Random(seed);
        byte[] actions = {1, 2, 4, 8};
        List<Event> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Event(1 + r.nextInt(users), 1 + r.nextInt(ITEMS), T0 + r.nextInt(50_000_000),
                    actions[r.nextInt(4)], (byte) r.nextInt(4)));
        }
        return out;
    }

    static String json(Event e) {
        return "{\"user_id\":" + e.userId() + ",\"item_id\":" + e.itemId() + ",\"timestamp_ms\":" + e.timestampMs()
                + ",\"action\":\"" + Actions.name(e.action()) + "\",\"surface\":" + e.surface() + "}";
    }

    static KafkaProducer<String, String> producer() {
        return producer(kafka);
    }

    static KafkaProducer<String, String> producer(InProcessKafka kafka) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new StringSerializer());
    }

    @Test
    void ingestsEventsDeadLettersPoisonAndReplaysChangeNothing(@TempDir Path tmp) throws Exception {
        kafka.createTopic("events", 4);
        kafka.createTopic("events.dlq", 1);
        List<Event> events = randomEvents(3_000, 40, 1);
        Map<String, String> poison = new TreeMap<>(Map.of(
                "broken json", "{\"user_id\":1,",
                "unknown action", "{\"user_id\":2,\"item_id\":3,\"timestamp_ms\":" + T0 + ",\"action\":\"like\",\"surface\":0}",
                "too wide", "{\"user_id\":123456789012345678901234567890,\"item_id\":3,\"timestamp_ms\":" + T0 + ",\"action\":\"click\",\"surface\":0}",
                "unknown item", "{\"user_id\":4,\"item_id\":999999,\"timestamp_ms\":" + T0 + ",\"action\":\"click\",\"surface\":0}"));
        try (KafkaProducer<String, String> p = producer()) {
            int i = 0;
            for (Event e : events) {
                p.send(new ProducerRecord<>("events", Long.toString(e.userId()), json(e)));
                if (++i % 1000 == 0) { // poison in the middle of the stream, not only at its end
                    for (var kv : poison.entrySet()) {
                        p.send(new ProducerRecord<>("events", null, kv.getValue())); // no key: any partition
                    }
                }
            }
            // a key that is not the event's user
            p.send(new ProducerRecord<>("events", "5", json(Event.of(1006, 1, T0, 1, 0)))).get();
        }
        int poisonCount = 3 * poison.size() + 1;

        try (SequenceStore store = storeWithItems(tmp.resolve("store"));
             SequenceStore reference = storeWithItems(tmp.resolve("reference"))) {
            reference.append(events);
            KafkaEventIngest.Counts c;
            try (KafkaEventIngest in = new KafkaEventIngest(KafkaEventIngest.Config.of(kafka.bootstrap(), "events")
                    .withMaxPollRecords(500), store, Map.of())) {
                c = in.run(Duration.ofSeconds(2));
            }
            assertThat(c.records()).isEqualTo(events.size() + poisonCount);
            assertThat(c.deadLettered()).isEqualTo(poisonCount);
            assertThat(c.applied() + c.unchanged()).isEqualTo(events.size());
            for (long u = 1; u <= 40; u++) {
                assertThat(store.read(u)).as("user %d", u).isEqualTo(reference.read(u));
            }
            assertThat(store.contains(1006)).as("the mis-keyed event is not applied").isFalse();

            // the same group again: every offset was committed, nothing is consumed
            try (KafkaEventIngest in = new KafkaEventIngest(KafkaEventIngest.Config.of(kafka.bootstrap(), "events"),
                    store, Map.of())) {
                assertThat(in.run(Duration.ofSeconds(2)).records()).isZero();
            }
            // a replay of the whole topic (a new group) changes nothing
            try (KafkaEventIngest in = new KafkaEventIngest(KafkaEventIngest.Config.of(kafka.bootstrap(), "events")
                    .withGroup("replay").withDeadLetterTopic("events.dlq.replay"), store, Map.of())) {
                KafkaEventIngest.Counts again = in.run(Duration.ofSeconds(2));
                assertThat(again.applied()).isZero();
                assertThat(again.unchanged()).isEqualTo(events.size());
            }
            for (long u = 1; u <= 40; u++) {
                assertThat(store.read(u)).as("user %d after replay", u).isEqualTo(reference.read(u));
            }
        }

        List<String> reasons = new ArrayList<>();
        try (KafkaConsumer<String, String> dlq = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap(), ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            dlq.subscribe(List.of("events.dlq"));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (reasons.size() < poisonCount && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : dlq.poll(Duration.ofMillis(200))) {
                    Header h = r.headers().lastHeader(KafkaEventIngest.REASON_HEADER);
                    assertThat(h).as("reason header on %s", r.value()).isNotNull();
                    assertThat(r.headers().lastHeader(KafkaEventIngest.OFFSET_HEADER)).isNotNull();
                    reasons.add(new String(h.value(), StandardCharsets.UTF_8));
                }
            }
        }
        assertThat(reasons).hasSize(poisonCount);
        assertThat(reasons).anyMatch(s -> s.contains("like"));
        assertThat(reasons).anyMatch(s -> s.contains("64-bit"));
        assertThat(reasons).anyMatch(s -> s.contains("999999") && s.contains("catalog"));
        assertThat(reasons).anyMatch(s -> s.contains("record key \"5\""));
        assertThat(reasons).allMatch(s -> s.contains("events-"));
    }
}
