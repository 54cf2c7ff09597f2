package io.longview.cli;

import io.longview.serve.LongviewServer;
import io.longview.core.io.InputException;
import io.longview.serve.AccessPolicy;
import io.longview.serve.ServeConfig;
import io.longview.store.RocksSequenceStore;
import io.longview.store.SequenceStore;
import io.longview.store.StoreOptions;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code longview serve}: the HTTP ranking service over a sequence store and a checkpoint, until interrupted. SIGTERM
 * (or Ctrl-C) drains it: requests in flight finish, new ones get 503, then the store is closed. The API is in
 * {@code serve/README.md} and at {@code GET /openapi.yaml}.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the ranking API over HTTP (POST /v1/rank, POST /v1/events, GET /v1/users/{id}/sequence,",
                "PUT /v1/items, POST /admin/reload, /healthz, /readyz, /metrics, /openapi.yaml) until interrupted."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--store", required = true, description = "store directory (from 'longview ingest')")
    Path store;

    @Option(names = "--create", description = "create an empty store when --store does not exist")
    boolean create;

    @Option(names = "--checkpoint", required = true, description = "checkpoint file (.lvck) to serve")
    Path checkpoint;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "interface to bind (default ${DEFAULT-VALUE}; 0.0.0.0 for all)")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "TCP port (default ${DEFAULT-VALUE}; 0 picks a free one)")
    int port;

    @Option(names = "--threads", defaultValue = "2", description = "rank requests computed at once (default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--queue", defaultValue = "16", description = "rank requests allowed to wait; beyond: 503 + Retry-After (default ${DEFAULT-VALUE})")
    int queue;

    @Option(names = "--engine-threads", description = "threads one request's candidates are spread over (default: available processors)")
    Integer engineThreads;

    @Option(names = "--max-candidates", defaultValue = "2000", description = "most candidates per rank request (default ${DEFAULT-VALUE})")
    int maxCandidates;

    @Option(names = "--max-events", defaultValue = "10000", description = "most events or items per write request (default ${DEFAULT-VALUE})")
    int maxEvents;

    @Option(names = "--max-body", defaultValue = "4194304", description = "largest request body in bytes (default ${DEFAULT-VALUE}: 4 MiB)")
    long maxBody;

    @Option(names = "--head-weights", defaultValue = "click=1,save=2,hide=-3",
            description = "blended score weights per head (default ${DEFAULT-VALUE}); heads not named weigh 0")
    String headWeights;

    @Option(names = "--drain-timeout", defaultValue = "30s", description = "how long shutdown waits for requests in flight (default ${DEFAULT-VALUE})")
    String drainTimeout;

    @Option(names = "--token-file", description = "file holding the bearer token (read once) that writes and /admin need, and reads "
            + "unless --public-reads; required to bind a non-loopback address")
    Path tokenFile;

    @Option(names = "--public-reads", description = "rank, sequence and metrics without a token (writes and /admin still need it)")
    boolean publicReads;

    @Option(names = "--model-dir", description = "the only directory /admin/reload may read checkpoints from (default: the --checkpoint's directory)")
    Path modelDir;

    @Option(names = "--retention-days", description = "drop tokens older than this many days (by their timestamp): older events are "
            + "not stored, and a pass every hour removes tokens that aged out (default: keep until the caps evict them)")
    Integer retentionDays;

    @Option(names = "--deadline-ms", defaultValue = "500", description = "a rank request's budget in ms: one that cannot start "
            + "within it gets 503 + Retry-After; a request's deadline_ms may lower it (default ${DEFAULT-VALUE})")
    int deadlineMs;

    @Option(names = "--warmup", defaultValue = "10s", description = "longest warm-up (synthetic rank requests) before /readyz "
            + "turns 200, and before a reloaded model is swapped in; 0 for none (default ${DEFAULT-VALUE})")
    String warmup;

    @Option(names = "--no-fsync", description = "acknowledge event writes once written to the OS (survives a process crash, not a power loss)")
    boolean noFsync;

    @ArgGroup(exclusive = false, heading = "Partitioned tier on Kafka Streams (kafka/README.md):%n")
    Tier tier;

    /** The options of an instance of the Kafka Streams tier. */
    static final class Tier {
        @Option(names = "--kafka", required = true, paramLabel = "BOOTSTRAP", description = "Kafka bootstrap servers: serve users' histories from a Kafka Streams tier instead of the store's own users")
        String bootstrap;

        @Option(names = "--topic", required = true, description = "the events topic (JSON events keyed by user id)")
        String topic;

        @Option(names = "--application-id", required = true, description = "the Kafka Streams application id, the same on every instance")
        String applicationId;

        @Option(names = "--state-dir", required = true, description = "this instance's state directory (restored from the changelog when empty)")
        Path stateDir;

        @Option(names = "--standby-replicas", defaultValue = "0", description = "warm standby copies of each partition's state (default ${DEFAULT-VALUE})")
        int standbyReplicas;

        @Option(names = "--advertised", paramLabel = "HOST:PORT", description = "where other instances reach this one (application.server); default --host:--port")
        String advertised;

        @Option(names = "--dead-letter-topic", description = "where poison records go (default <topic>.dlq)")
        String deadLetterTopic;

        @Option(names = "--kafka-config", paramLabel = "KEY=VALUE", description = "a further Kafka Streams or client setting, "
                + "repeatable (e.g. replication.factor=3, security.protocol=SSL, consumer.session.timeout.ms=10000, "
                + "acceptable.recovery.lag=...); not the ones the options above set")
        Map<String, String> config = new java.util.LinkedHashMap<>();
    }

    /** Streams settings that {@code --kafka-config} may not give: the options above own them. */
    private static final java.util.Set<String> OWNED_BY_OPTIONS = java.util.Set.of("bootstrap.servers", "application.id",
            "state.dir", "num.standby.replicas", "application.server");

    @Override
    public Integer call() throws InterruptedException {
        if (!Files.isRegularFile(checkpoint)) {
            throw new InputException(Cli.abs(checkpoint), 0, "no checkpoint file there");
        }
        if (!create && !Files.isDirectory(store)) {
            throw new InputException(Cli.abs(store), 0, "no store there (create one with 'longview ingest', or pass --create)");
        }
        if (modelDir != null && !Files.isDirectory(modelDir)) {
            throw new InputException(Cli.abs(modelDir), 0, "--model-dir is not a directory");
        }
        // option values the config refuses (a bad weight, an open network without a token, ...) are the user's to fix
        ServeConfig config = Cli.fromOptions(() -> {
            AccessPolicy access = new AccessPolicy(tokenFile == null ? null : AccessPolicy.digestOfTokenFile(tokenFile),
                    tokenFile == null || publicReads, modelDir == null ? null : Cli.abs(modelDir));
            return ServeConfig.defaults(checkpoint).withAccess(access).withHost(host).withPort(port).withRankConcurrency(threads)
                    .withRankQueue(queue).withEngineThreads(engineThreads == null ? Runtime.getRuntime().availableProcessors() : engineThreads)
                    .withMaxCandidates(maxCandidates).withMaxEvents(maxEvents).withMaxBodyBytes(maxBody)
                    .withHeadWeights(ServeConfig.parseHeadWeights(headWeights))
                    .withDrainTimeout(Duration.ofMillis(Cli.parseDurationMs(drainTimeout))).withDeadlineMs(deadlineMs)
                    .withWarmup(Duration.ofMillis(Cli.parseDurationMs(warmup)));
        });
        Map<String, Double> weights = config.headWeights();
        SequenceStore s = RocksSequenceStore.open(store, Cli.withRetention(StoreOptions.defaults(), retentionDays).withSync(!noFsync).withCreateIfMissing(create));
        LongviewServer server;
        io.longview.kafka.StreamsTier streams = null;
        try {
            SequenceStore histories = s;
            if (tier != null) {
                // the store holds the shared item catalog; histories come from this instance's partitions of the tier
                String self = tier.advertised != null ? tier.advertised : host + ":" + port;
                if (port == 0 || self.startsWith("0.0.0.0:") || self.startsWith("[::]:")) {
                    throw new InputException("--kafka needs an address other instances can reach: give --advertised HOST:PORT "
                            + "(and a fixed --port)");
                }
                for (String key : tier.config.keySet()) {
                    if (OWNED_BY_OPTIONS.contains(key)) {
                        throw new InputException("--kafka-config " + key + ": set by its own option (--kafka, --application-id, "
                                + "--state-dir, --standby-replicas, --advertised)");
                    }
                }
                int colon = self.lastIndexOf(':');
                io.longview.core.model.InMemoryItemEmbeddings items = new io.longview.core.model.InMemoryItemEmbeddings();
                s.catalog().forEachItem((id, v) -> items.put(id, v.clone()));
                streams = new io.longview.kafka.StreamsTier(new io.longview.kafka.StreamsTier.Config(tier.bootstrap, tier.topic,
                        tier.applicationId, tier.stateDir, tier.standbyReplicas, self,
                        tier.deadLetterTopic != null ? tier.deadLetterTopic : tier.topic + ".dlq"), items, s.limits(),
                        io.longview.store.StoreDescriptor.DEFAULT_CHUNK_CAPACITY, Map.<String, Object>copyOf(tier.config));
                streams.start();
                histories = new io.longview.kafka.TierSequenceStore(streams, new org.apache.kafka.streams.state.HostInfo(
                        self.substring(0, colon), Integer.parseInt(self.substring(colon + 1))), s);
            }
            server = LongviewServer.start(config, histories);
        } catch (RuntimeException e) {
            if (streams != null) {
                streams.close();
            }
            s.close();
            throw e;
        }
        io.longview.kafka.StreamsTier tierToClose = streams;
        Thread hook = Thread.ofPlatform().name("longview-serve-shutdown").unstarted(() -> {
            System.err.println("longview serve: shutting down (draining requests in flight)");
            try {
                server.close();
            } finally {
                if (tierToClose != null) {
                    tierToClose.close();
                }
                s.close();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.println("longview serve: " + server.url() + " (store " + Cli.abs(store) + ", "
                + server.service().currentModel() + ", head weights " + weights + ")");
        System.out.println("  API: " + server.url() + "/openapi.yaml   metrics: " + server.url() + "/metrics   stop: Ctrl-C / SIGTERM");
        server.awaitClosed();
        return 0;
    }
}
