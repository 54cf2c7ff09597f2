package io.longview.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

import java.nio.file.Path;
import java.util.List;

/** A one-node KRaft cluster (combined broker + controller) in this JVM, from Kafka's own test kit. */
final class InProcessKafka implements AutoCloseable {
    private final KafkaClusterTestKit cluster;

    InProcessKafka(Path dir) throws Exception {
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

    String bootstrap() {
        return cluster.bootstrapServers();
    }

    void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        }
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
