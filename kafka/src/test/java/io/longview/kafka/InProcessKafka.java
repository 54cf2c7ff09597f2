package io.longview.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A one-node KRaft cluster (combined broker + controller) in this JVM, from Kafka's own test kit: the one broker setup
 * of every Kafka test (this module's, and {@code cli}'s command-line tests through this module's test jar).
 */
public final class InProcessKafka implements AutoCloseable {
    private final KafkaClusterTestKit cluster;

    /** Formats and starts the cluster with its data under {@code dir}; returns once the broker is ready. */
    public InProcessKafka(Path dir) throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBaseDirectory(dir)
                .build();
        // one broker: the internal topics cannot have the default replication factor 3, or groups never get an assignment
        cluster = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "4")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
    }

    /** The {@code bootstrap.servers} of the cluster. */
    public String bootstrap() {
        return cluster.bootstrapServers();
    }

    /** Creates a topic with replication factor 1. */
    public void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        }
    }

    /** The log-end offset of each of the topic's {@code partitions} partitions. */
    public Map<TopicPartition, Long> endOffsets(String topic, int partitions) throws Exception {
        try (Admin admin = cluster.admin()) {
            Map<TopicPartition, OffsetSpec> ask = IntStream.range(0, partitions).boxed()
                    .collect(Collectors.toMap(p -> new TopicPartition(topic, p), p -> OffsetSpec.latest()));
            Map<TopicPartition, Long> out = new HashMap<>();
            admin.listOffsets(ask).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
            return out;
        }
    }

    /** The offsets the consumer group (for Kafka Streams: the application id) has committed, by partition. */
    public Map<TopicPartition, Long> committedOffsets(String group) throws Exception {
        try (Admin admin = cluster.admin()) {
            Map<TopicPartition, Long> out = new HashMap<>();
            Map<TopicPartition, OffsetAndMetadata> c = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            c.forEach((tp, o) -> {
                if (o != null) {
                    out.put(tp, o.offset());
                }
            });
            return out;
        }
    }

    /** The broker's log directories (each topic partition is a {@code <topic>-<partition>} directory in one of them). */
    public List<Path> logDirs() {
        return cluster.nodes().brokerNodes().values().stream().flatMap(n -> n.logDataDirectories().stream())
                .map(Path::of).toList();
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
