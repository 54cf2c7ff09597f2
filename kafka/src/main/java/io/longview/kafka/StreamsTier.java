package io.longview.kafka;

import io.longview.core.io.InputException;
import io.longview.core.model.Event;
import io.longview.core.model.ItemEmbeddings;
import io.longview.core.model.Quantizer;
import io.longview.core.model.SequenceLimits;
import io.longview.core.model.Token;
import io.longview.core.model.UserSequences;
import io.longview.store.UserRecords;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One instance of the partitioned tier: a Kafka Streams application whose state store holds the users' sequences
 * of the partitions it owns, in the embedded store's own records ({@link UserRecords}: the same {@code UserState}
 * update, {@code StoreDescriptor} encoding and keys), so the store's changelog topic carries exactly those records
 * and a lost instance's partitions are rebuilt from it by Kafka Streams. Partitioned by user id: the events topic is
 * keyed by the user id in decimal, and the tier's tasks are that topic's partitions.
 *
 * <p>Events are decoded as {@link KafkaEventIngest} does; a poison record goes to the dead-letter topic with the
 * same headers. A record is applied in its own update (each user's events in partition order), so a redelivered
 * record after a crash changes nothing (the update is idempotent), under at-least-once processing.
 *
 * <p>The item catalog is a shared input ({@link ItemEmbeddings}, the same on every instance: the deployment reads it
 * from one shared item file), quantized with the store's default clip.
 */
public final class StreamsTier implements AutoCloseable {
    /** The state store's name (its changelog topic is {@code <application-id>-user-records-changelog}). */
    public static final String STORE = "user-records";

    /**
     * One instance's settings.
     *
     * @param bootstrap         Kafka bootstrap servers
     * @param topic             the events topic
     * @param applicationId     the Streams application id (all instances of one tier share it)
     * @param stateDir          where this instance keeps its state stores
     * @param standbyReplicas   {@code num.standby.replicas}: warm copies of each store on other instances
     * @param applicationServer this instance's {@code host:port} for forwarded queries, or null
     * @param deadLetterTopic   where poison records go
     */
    public record Config(String bootstrap, String topic, String applicationId, Path stateDir, int standbyReplicas,
                         String applicationServer, String deadLetterTopic) {
        public Config {
            if (standbyReplicas < 0) {
                throw new IllegalArgumentException("standby replicas must be ≥ 0, got " + standbyReplicas);
            }
        }
    }

    private final KafkaStreams streams;
    private final SequenceLimits limits;
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong erased = new AtomicLong();

    /**
     * Builds the instance (not started).
     *
     * @param extra further Streams/client properties (e.g. commit interval); may be empty
     */
    public StreamsTier(Config config, ItemEmbeddings catalog, SequenceLimits limits, int chunkCapacity,
                       Map<String, Object> extra) {
        this.limits = limits;
        Properties p = new Properties();
        p.putAll(extra);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
        if (config.applicationServer() != null) {
            p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, config.applicationServer());
        }
        streams = new KafkaStreams(topology(config, catalog, limits, chunkCapacity), p);
    }

    private Topology topology(Config config, ItemEmbeddings catalog, SequenceLimits limits, int chunkCapacity) {
        Quantizer quantizer = new Quantizer(Quantizer.DEFAULT_CLIP);
        Topology t = new Topology();
        t.addSource("events", new ByteArrayDeserializer(), new ByteArrayDeserializer(), config.topic());
        t.addProcessor("apply", () -> new Apply(catalog, quantizer, limits, chunkCapacity), "events");
        // cached: a user's record is rewritten by every event; the cache sends only its last value per commit interval
        // (or eviction) to RocksDB and the changelog. Uncached, the changelog took one ~10 KB record per event
        // (kafka/README.md, capacity). A crash loses only uncommitted work, which is replayed (idempotently).
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.Bytes(), Serdes.ByteArray())
                        .withCachingEnabled(), "apply");
        t.addSink("dead-letters", config.deadLetterTopic(), new ByteArraySerializer(), new ByteArraySerializer(), "apply");
        return t;
    }

    /** Applies each event to its user's records in the state store; forwards poison to the dead-letter sink. */
    private final class Apply implements Processor<byte[], byte[], byte[], byte[]> {
        private final ItemEmbeddings catalog;
        private final Quantizer quantizer;
        private final SequenceLimits limits;
        private final int chunkCapacity;
        private final Map<Long, byte[]> quantized = new HashMap<>();
        private ProcessorContext<byte[], byte[]> context;
        private UserRecords.Records store;

        Apply(ItemEmbeddings catalog, Quantizer quantizer, SequenceLimits limits, int chunkCapacity) {
            this.catalog = catalog;
            this.quantizer = quantizer;
            this.limits = limits;
            this.chunkCapacity = chunkCapacity;
        }

        @Override
        public void init(ProcessorContext<byte[], byte[]> ctx) {
            context = ctx;
            KeyValueStore<Bytes, byte[]> kv = ctx.getStateStore(STORE);
            store = new UserRecords.Records() {
                @Override
                public byte[] get(byte[] key) {
                    return kv.get(Bytes.wrap(key));
                }

                @Override
                public void put(byte[] key, byte[] value) {
                    kv.put(Bytes.wrap(key), value);
                }

                @Override
                public void delete(byte[] key) {
                    kv.delete(Bytes.wrap(key));
                }
            };
        }

        @Override
        public void process(Record<byte[], byte[]> r) {
            RecordMetadata m = context.recordMetadata().orElseThrow();
            records.incrementAndGet();
            String reason;
            if (r.value() == null && r.key() != null) {
                // a tombstone keyed by a user id: erase the user. Deleting its records here writes tombstones to the
                // changelog, so an instance that restores the partition later does not bring the user back.
                String key = new String(r.key(), StandardCharsets.UTF_8);
                try {
                    UserRecords.erase(Long.parseLong(key.strip()), limits, store);
                    erased.incrementAndGet();
                    return;
                } catch (NumberFormatException notAUser) {
                    reason = m.topic() + "-" + m.partition() + ":" + m.offset() + ": tombstone with key '" + key
                            + "', expected a user id";
                }
            } else {
                reason = applyEvent(r, m);
                if (reason == null) {
                    return;
                }
            }
            deadLetter(r, m, reason);
        }

        /** Applies one event record; returns null, or why it is poison. */
        private String applyEvent(Record<byte[], byte[]> r, RecordMetadata m) {
            String reason;
            try {
                Event e = KafkaEventIngest.decode(m.topic(), m.partition(), m.offset(), r.key(), r.value());
                byte[] q = quantized.get(e.itemId());
                if (q == null && catalog.contains(e.itemId())) {
                    float[] v = new float[Token.EMBEDDING_DIM];
                    catalog.copy(e.itemId(), v, 0);
                    q = quantizer.quantize(v);
                    quantized.put(e.itemId(), q);
                }
                if (q == null) {
                    reason = m.topic() + "-" + m.partition() + ":" + m.offset() + ": item " + e.itemId()
                            + " has no embedding in the item catalog";
                } else {
                    applied.addAndGet(UserRecords.apply(e.userId(), List.of(e), Map.of(e.itemId(), q), limits,
                            chunkCapacity, store));
                    return null;
                }
            } catch (InputException ex) {
                reason = ex.getMessage();
            }
            return reason;
        }

        private void deadLetter(Record<byte[], byte[]> r, RecordMetadata m, String reason) {
            RecordHeaders h = new RecordHeaders(r.headers().toArray());
            h.add(KafkaEventIngest.REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
            h.add(KafkaEventIngest.TOPIC_HEADER, m.topic().getBytes(StandardCharsets.UTF_8));
            h.add(KafkaEventIngest.PARTITION_HEADER, Integer.toString(m.partition()).getBytes(StandardCharsets.UTF_8));
            h.add(KafkaEventIngest.OFFSET_HEADER, Long.toString(m.offset()).getBytes(StandardCharsets.UTF_8));
            context.forward(new Record<>(r.key(), r.value(), r.timestamp(), h), "dead-letters");
            deadLettered.incrementAndGet();
        }
    }

    /** Starts processing (joins the group; partitions are assigned by Kafka Streams). */
    public void start() {
        streams.start();
    }

    /** The Streams client, for its state and listeners. */
    public KafkaStreams streams() {
        return streams;
    }

    /** Where the user's partition is active now (host from {@code application.server}), from Streams' metadata. */
    public KeyQueryMetadata owner(long userId) {
        return streams.queryMetadataForKey(STORE, Long.toString(userId), new StringSerializer());
    }

    /**
     * The user's sequences from this instance's local state store (the user must be owned here: see
     * {@link #owner}; a user of a partition not held here reads as empty).
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while the store is not queryable
     *                                                                      (rebalancing, restoring)
     */
    public UserSequences readLocal(long userId) {
        ReadOnlyKeyValueStore<Bytes, byte[]> store = streams.store(
                StoreQueryParameters.fromNameAndType(STORE, QueryableStoreTypes.<Bytes, byte[]>keyValueStore()));
        return UserRecords.read(userId, limits, new UserRecords.Records() {
            @Override
            public byte[] get(byte[] key) {
                return store.get(Bytes.wrap(key));
            }

            @Override
            public void put(byte[] key, byte[] value) {
                throw new UnsupportedOperationException("read-only");
            }

            @Override
            public void delete(byte[] key) {
                throw new UnsupportedOperationException("read-only");
            }
        });
    }

    /** Records seen, events that changed a user, records dead-lettered, users erased (this instance, since it started). */
    public long[] counts() {
        return new long[] {records.get(), applied.get(), deadLettered.get(), erased.get()};
    }

    @Override
    public void close() {
        streams.close();
    }
}
