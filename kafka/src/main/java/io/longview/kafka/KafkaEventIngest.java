package io.longview.kafka;

import io.longview.core.io.InputException;
import io.longview.core.model.Event;
import io.longview.data.io.JsonLinesEventReader;
import io.longview.store.AppendResult;
import io.longview.store.SequenceStore;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Consumes events from a Kafka topic into a {@link SequenceStore}, as one member of a consumer group.
 *
 * <h2>Records</h2>
 * A record's value is one event-log JSON object, exactly what a line of the JSON Lines event log holds (parsed by
 * {@link JsonLinesEventReader#parse}, the one parser of that format); its key, when present, is the user id in
 * decimal (so Kafka's default partitioner keeps each user's events in one partition, in order).
 *
 * <h2>Delivery</h2>
 * Each poll's records are handled as one batch: the good events are appended to the store in one atomic, durable
 * {@link SequenceStore#append}; the poison records are written to the dead-letter topic and acknowledged by the
 * broker ({@code acks=all}); only then are the batch's offsets committed ({@code commitSync}). A crash anywhere
 * before the commit redelivers the batch, and a redelivered event changes nothing because appends are idempotent
 * (at-least-once delivery, exactly-once effect). A poison record may be dead-lettered twice in that case (same
 * source topic, partition and offset headers).
 *
 * <h2>Poison records</h2>
 * A record whose value is not UTF-8, not a valid event (broken JSON, a missing or unknown field, an unknown action,
 * a value out of range or too wide for a 64-bit integer), whose key is not the event's user id, or whose item has no
 * embedding in the store's catalog is not appended. It is copied (key and value untouched) to the dead-letter topic
 * with headers {@value #REASON_HEADER} (the reason, UTF-8), {@value #TOPIC_HEADER}, {@value #PARTITION_HEADER} and
 * {@value #OFFSET_HEADER}, and counted; the consumer goes on.
 *
 * <h2>Threads</h2>
 * {@link #run} runs on the calling thread (a Kafka consumer is single-threaded); {@link #stop} and the counters may be
 * called from any thread.
 */
public final class KafkaEventIngest implements AutoCloseable {
    /** Dead-letter header: why the record was refused. */
    public static final String REASON_HEADER = "longview.dlq.reason";
    /** Dead-letter header: the record's source topic. */
    public static final String TOPIC_HEADER = "longview.dlq.topic";
    /** Dead-letter header: the record's source partition (decimal). */
    public static final String PARTITION_HEADER = "longview.dlq.partition";
    /** Dead-letter header: the record's source offset (decimal). */
    public static final String OFFSET_HEADER = "longview.dlq.offset";

    /**
     * What to consume.
     *
     * @param bootstrap       Kafka bootstrap servers ({@code host:port,...})
     * @param topic           the events topic
     * @param group           the consumer group id (the store's members share the topic's partitions)
     * @param deadLetterTopic where poison records go
     * @param maxPollRecords  records per poll, hence per durable append at most
     */
    public record Config(String bootstrap, String topic, String group, String deadLetterTopic, int maxPollRecords) {
        public Config {
            for (String s : new String[] {bootstrap, topic, group, deadLetterTopic}) {
                if (s == null || s.isBlank()) {
                    throw new IllegalArgumentException("bootstrap, topic, group and dead-letter topic must be non-empty");
                }
            }
            if (deadLetterTopic.equals(topic)) {
                throw new IllegalArgumentException("the dead-letter topic must differ from the events topic " + topic);
            }
            if (maxPollRecords < 1) {
                throw new IllegalArgumentException("maxPollRecords must be ≥ 1, got " + maxPollRecords);
            }
        }

        /** Group {@code longview-ingest}, dead letters to {@code <topic>.dlq}, 5,000 records per poll. */
        public static Config of(String bootstrap, String topic) {
            return new Config(bootstrap, topic, "longview-ingest", topic + ".dlq", 5_000);
        }

        public Config withGroup(String g) {
            return new Config(bootstrap, topic, g, deadLetterTopic, maxPollRecords);
        }

        public Config withDeadLetterTopic(String t) {
            return new Config(bootstrap, topic, group, t, maxPollRecords);
        }

        public Config withMaxPollRecords(int n) {
            return new Config(bootstrap, topic, group, deadLetterTopic, n);
        }
    }

    /** Counts so far: records consumed, appended (changed / unchanged), dead-lettered, batches committed. */
    public record Counts(long records, long applied, long unchanged, long deadLettered, long commits) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT,
                    "%,d records: %,d events changed the store, %,d already there, %,d dead-lettered; %,d commits",
                    records, applied, unchanged, deadLettered, commits);
        }
    }

    private final Config config;
    private final SequenceStore store;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> deadLetters;
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong unchanged = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private volatile boolean stopping;

    /**
     * Connects a consumer (manual commits, {@code read_committed}, from the earliest offset for a new group) and the
     * dead-letter producer (idempotent, {@code acks=all}). Nothing is read until {@link #run}.
     *
     * @param extra further client properties (security, timeouts), applied to both clients; may be empty
     */
    public KafkaEventIngest(Config config, SequenceStore store, Map<String, Object> extra) {
        this.config = config;
        this.store = store;
        Properties c = new Properties();
        c.putAll(extra);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, config.group());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords());
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        Properties p = new Properties();
        p.putAll(extra);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.consumer = new KafkaConsumer<>(c);
        try {
            this.deadLetters = new KafkaProducer<>(p);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    /**
     * Subscribes and consumes until {@link #stop} is called, or (when {@code idleExit} is not null) until a poll
     * of that long returns no record after the group has an assignment. Every batch handled is committed before
     * this returns.
     *
     * @return the counts at the end
     * @throws io.longview.store.StoreException if the store cannot be written (nothing of that batch is committed)
     */
    public Counts run(Duration idleExit) {
        consumer.subscribe(List.of(config.topic()));
        Duration poll = Duration.ofMillis(200);
        long idleSince = System.nanoTime();
        while (!stopping) {
            ConsumerRecords<byte[], byte[]> batch = consumer.poll(poll);
            if (batch.isEmpty()) {
                if (idleExit != null && !consumer.assignment().isEmpty()
                        && System.nanoTime() - idleSince >= idleExit.toNanos()) {
                    break;
                }
                continue;
            }
            handle(batch);
            idleSince = System.nanoTime();
        }
        return counts();
    }

    /** Handles one poll: append the good events, dead-letter the rest, then commit. */
    private void handle(ConsumerRecords<byte[], byte[]> batch) {
        List<Event> events = new ArrayList<>(batch.count());
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : batch) {
            String reason;
            try {
                Event e = decode(r);
                reason = null;
                if (!store.catalog().contains(e.itemId())) {
                    reason = r.topic() + "-" + r.partition() + ":" + r.offset() + ": item " + e.itemId()
                            + " has no embedding in the store's catalog";
                } else {
                    events.add(e);
                }
            } catch (InputException e) {
                reason = e.getMessage();
            }
            if (reason != null) {
                sent.add(deadLetters.send(deadLetter(r, reason)));
            }
            offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        }
        AppendResult res = events.isEmpty() ? AppendResult.EMPTY : store.append(events);
        deadLetters.flush();
        for (Future<RecordMetadata> f : sent) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("cannot write to dead-letter topic " + config.deadLetterTopic()
                        + " (nothing of this batch is committed): " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while writing dead letters", e);
            }
        }
        consumer.commitSync(offsets);
        records.addAndGet(batch.count());
        applied.addAndGet(res.applied());
        unchanged.addAndGet(res.unchanged());
        deadLettered.addAndGet(sent.size());
        commits.incrementAndGet();
    }

    /**
     * The event a record holds.
     *
     * @throws InputException naming {@code topic-partition} and the offset, if it is not a valid event or its key
     *                        is not the event's user id
     */
    static Event decode(ConsumerRecord<byte[], byte[]> r) {
        return decode(r.topic(), r.partition(), r.offset(), r.key(), r.value());
    }

    /** {@link #decode(ConsumerRecord)} from a record's parts (Kafka Streams has no ConsumerRecord). */
    static Event decode(String topic, int partition, long offset, byte[] key, byte[] value) {
        Path where = Path.of(topic + "-" + partition);
        if (value == null) {
            throw new InputException(where, offset, "empty record (null value), expected an event JSON object");
        }
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            throw new InputException(where, offset, "value is not UTF-8 text");
        }
        Event e = JsonLinesEventReader.parse(json, where, offset);
        if (key != null) {
            String k = new String(key, StandardCharsets.UTF_8);
            if (!k.equals(Long.toString(e.userId()))) {
                throw new InputException(where, offset, "record key \"" + abbreviate(k)
                        + "\" is not the event's user_id " + e.userId() + " (key events by user id in decimal)");
            }
        }
        return e;
    }

    private ProducerRecord<byte[], byte[]> deadLetter(ConsumerRecord<byte[], byte[]> r, String reason) {
        RecordHeaders h = new RecordHeaders();
        r.headers().forEach(h::add);
        h.add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        h.add(TOPIC_HEADER, r.topic().getBytes(StandardCharsets.UTF_8));
        h.add(PARTITION_HEADER, Integer.toString(r.partition()).getBytes(StandardCharsets.UTF_8));
        h.add(OFFSET_HEADER, Long.toString(r.offset()).getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(config.deadLetterTopic(), null, r.key(), r.value(), h);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    /**
     * Asks {@link #run} to return after the batch in hand is committed (within one poll, 200 ms); callable from any
     * thread.
     */
    public void stop() {
        stopping = true;
    }

    /** The counts so far. */
    public Counts counts() {
        return new Counts(records.get(), applied.get(), unchanged.get(), deadLettered.get(), commits.get());
    }

    /** Closes both clients (leaving the group); the store is the caller's. */
    @Override
    public void close() {
        try {
            deadLetters.close();
        } finally {
            consumer.close();
        }
    }
}
