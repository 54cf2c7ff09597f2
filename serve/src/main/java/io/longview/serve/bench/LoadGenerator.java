package io.longview.serve.bench;

import io.longview.serve.LongviewServer;
import io.longview.serve.ServeConfig;
import io.longview.store.RocksSequenceStore;
import io.longview.store.SequenceStore;
import io.longview.store.StoreOptions;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@code longview bench serve}: a closed-loop load generator for {@code POST /v1/rank}. Each of N client threads sends
 * its next request as soon as the previous one is answered (so the offered load follows the server's speed and
 * latency is not hidden by a queue), over {@link HttpClient} (HTTP/1.1, keep-alive). For every (candidates, clients)
 * cell it warms up, then measures for a fixed time: throughput, end-to-end p50/p99/max latency (HdrHistogram) and
 * errors (anything but a 200; must be 0).
 *
 * <p>Against a running server ({@link Config#url}) the requests rank random ids in {@code 1..items} for random users in
 * {@code 1..users}, which must exist in its catalog. Without a URL it builds its own world first: a temporary store
 * filled by {@link SyntheticWorld#fill}, a random checkpoint (or the one given), and a server on a free port whose
 * queue admits every client.
 */
public final class LoadGenerator {

    /**
     * @param url            a running server ({@code http://host:port}), or null to start one
     * @param checkpoint     the checkpoint for the server it starts, or null for a random one
     * @param candidates     candidates per request, one table block each
     * @param clients        concurrent clients, one row each
     * @param warmup         per cell, before measuring
     * @param measure        per cell
     * @param users          users in the world (and ids the requests pick from)
     * @param items          items in the world
     * @param eventsPerUser  history length per user of the world it builds
     * @param engineThreads  engine threads of the server it starts
     * @param seed           seeds the world and the requests
     */
    public record Config(String url, Path checkpoint, List<Integer> candidates, List<Integer> clients, Duration warmup,
                         Duration measure, int users, int items, int eventsPerUser, int engineThreads, long seed) {
        public Config {
            candidates = List.copyOf(candidates);
            clients = List.copyOf(clients);
            if (candidates.isEmpty() || clients.isEmpty()) {
                throw new IllegalArgumentException("need at least one candidate count and one client count");
            }
            for (int c : candidates) {
                if (c < 1) {
                    throw new IllegalArgumentException("candidates per request must be ≥ 1, got " + c);
                }
            }
            for (int c : clients) {
                if (c < 1) {
                    throw new IllegalArgumentException("clients must be ≥ 1, got " + c);
                }
            }
            if (users < 1 || items < 1 || eventsPerUser < 0 || engineThreads < 1) {
                throw new IllegalArgumentException("users, items and engine threads must be ≥ 1 and events per user ≥ 0, got "
                        + users + ", " + items + ", " + engineThreads + ", " + eventsPerUser);
            }
        }

        /**
         * 100 and 500 candidates × 1, 2, 4, 8 clients, 3 s warm-up + 12 s per cell (about 2 minutes for 8 cells); a
         * world of 200 users with 2,000 events each and 20,000 items.
         */
        public static Config defaults() {
            return new Config(null, null, List.of(100, 500), List.of(1, 2, 4, 8), Duration.ofSeconds(3), Duration.ofSeconds(12),
                    200, 20_000, 2000, Runtime.getRuntime().availableProcessors(), 1);
        }
    }

    /**
     * One measured cell.
     *
     * @param serverMs the server's own mean time per rank request in this cell (warm-up included), from its
     *                 {@code /metrics}: store read, selection, forward; NaN when the server exposes none
     */
    public record Row(int candidates, int clients, long requests, long errors, double seconds, double p50Ms, double p99Ms,
                      double maxMs, ServerTime serverMs) {
        public double throughput() {
            return requests / seconds;
        }
    }

    /** Mean milliseconds per rank request inside the server, from the deltas of its metrics over a cell. */
    public record ServerTime(double storeRead, double selection, double forward) {
        static final ServerTime NONE = new ServerTime(Double.NaN, Double.NaN, Double.NaN);
    }

    /** All cells, and where they were measured. */
    public record Result(String target, List<Row> rows) {
        public long errors() {
            return rows.stream().mapToLong(Row::errors).sum();
        }

        /** A Markdown table. */
        public String markdown() {
            StringBuilder sb = new StringBuilder();
            sb.append("POST /v1/rank, closed loop, against ").append(target).append('\n').append('\n');
            sb.append("| candidates | clients | requests | req/s | candidates/s | p50 ms | p99 ms | max ms | errors "
                    + "| server: store read ms | selection ms | forward ms |\n");
            sb.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Row r : rows) {
                sb.append(String.format(Locale.ROOT, "| %d | %d | %,d | %.1f | %,.0f | %.1f | %.1f | %.1f | %d | %.2f | %.1f | %.1f |%n",
                        r.candidates, r.clients, r.requests, r.throughput(), r.throughput() * r.candidates, r.p50Ms, r.p99Ms, r.maxMs,
                        r.errors, r.serverMs.storeRead(), r.serverMs.selection(), r.serverMs.forward()));
            }
            sb.append("\nLatency is end to end (client send to full answer); the server columns are its mean time per rank request in\n"
                    + "the cell (from /metrics), the rest is queueing, HTTP and JSON.\n");
            return sb.toString();
        }
    }

    private LoadGenerator() {
    }

    /** Runs the whole benchmark, printing progress lines to {@code log}. */
    public static Result run(Config config, java.io.PrintStream log) {
        if (config.url() != null) {
            return measureAll(config, config.url(), log);
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("longview-bench-serve");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (SequenceStore store = RocksSequenceStore.open(dir.resolve("store"), StoreOptions.defaults().withSync(false))) {
            long t0 = System.nanoTime();
            SyntheticWorld.fill(store, config.users(), config.items(), config.eventsPerUser(), config.seed());
            Path checkpoint = config.checkpoint() != null ? config.checkpoint()
                    : SyntheticWorld.writeRandomCheckpoint(dir.resolve("random.lvck"), config.seed(), "bench");
            log.printf(Locale.ROOT, "world: %d users × %d events, %d items, in %.1f s; checkpoint %s%n", config.users(),
                    config.eventsPerUser(), config.items(), (System.nanoTime() - t0) / 1e9, checkpoint);
            int maxClients = config.clients().stream().mapToInt(Integer::intValue).max().orElseThrow();
            int maxCandidates = config.candidates().stream().mapToInt(Integer::intValue).max().orElseThrow();
            ServeConfig sc = ServeConfig.defaults(checkpoint).withPort(0).withRankConcurrency(Math.max(2, Math.min(maxClients,
                            Runtime.getRuntime().availableProcessors()))).withRankQueue(maxClients)
                    .withEngineThreads(config.engineThreads()).withMaxCandidates(Math.max(2000, maxCandidates));
            try (LongviewServer server = LongviewServer.start(sc, store)) {
                return measureAll(config, server.url() + " (in-process, " + sc.rankConcurrency() + " rank slots, "
                        + sc.engineThreads() + " engine threads)", server.url(), log);
            }
        } finally {
            deleteTree(dir);
        }
    }

    private static Result measureAll(Config config, String url, java.io.PrintStream log) {
        return measureAll(config, url, url, log);
    }

    private static Result measureAll(Config config, String target, String url, java.io.PrintStream log) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        URI rank = URI.create(url.replaceAll("/+$", "") + "/v1/rank");
        URI metrics = URI.create(url.replaceAll("/+$", "") + "/metrics");
        List<Row> rows = new ArrayList<>();
        for (int n : config.candidates()) {
            List<byte[]> bodies = bodies(config, n, 64);
            for (int c : config.clients()) {
                double[] before = scrape(client, metrics);
                Row r = cell(client, rank, bodies, c, config.warmup(), config.measure());
                Row row = new Row(n, c, r.requests, r.errors, r.seconds, r.p50Ms, r.p99Ms, r.maxMs, serverTime(before, scrape(client, metrics)));
                log.printf(Locale.ROOT, "%d candidates, %d clients: %,d requests, %.1f req/s, p50 %.1f ms, p99 %.1f ms, %d errors%n",
                        n, c, row.requests(), row.throughput(), row.p50Ms(), row.p99Ms(), row.errors());
                rows.add(row);
            }
        }
        return new Result(target, rows);
    }

    /** Pre-built request bodies (so the clients spend no time on JSON): random user, n distinct random items. */
    private static List<byte[]> bodies(Config config, int n, int count) {
        SplittableRandom rnd = new SplittableRandom(config.seed() * 31 + n);
        List<byte[]> out = new ArrayList<>(count);
        for (int b = 0; b < count; b++) {
            StringBuilder sb = new StringBuilder(n * 8 + 64);
            sb.append("{\"user_id\":").append(SyntheticWorld.FIRST_ID + rnd.nextInt(config.users())).append(",\"candidates\":[");
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(SyntheticWorld.FIRST_ID + rnd.nextInt(config.items()));
            }
            sb.append("]}");
            out.add(sb.toString().getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * One cell: {@code clients} threads in one closed loop for {@code warmup + measure}; only requests sent after the
     * warm-up count (each client sends at least one), and the window ends when the last of them is answered.
     */
    private static Row cell(HttpClient client, URI uri, List<byte[]> bodies, int clients, Duration warmup, Duration measure) {
        long measureStart = System.nanoTime() + warmup.toNanos();
        long end = measureStart + measure.toNanos();
        AtomicLong errors = new AtomicLong();
        AtomicLong lastAnswer = new AtomicLong(measureStart);
        Histogram[] hist = new Histogram[clients];
        Thread[] threads = new Thread[clients];
        for (int t = 0; t < clients; t++) {
            Histogram h = hist[t] = new Histogram(3_600_000_000L, 3); // microseconds, up to 1 h
            int id = t;
            threads[t] = Thread.ofPlatform().name("bench-client-" + t).start(() -> {
                int next = id * 7;
                // every client gets at least one measured request, however slow the server
                while (System.nanoTime() < end || h.getTotalCount() == 0) {
                    HttpRequest req = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                            .timeout(Duration.ofMinutes(5))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(next++ % bodies.size()))).build();
                    long t0 = System.nanoTime();
                    boolean ok = false;
                    try {
                        ok = client.send(req, HttpResponse.BodyHandlers.ofByteArray()).statusCode() == 200;
                    } catch (IOException | RuntimeException e) {
                        ok = false;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    } finally {
                        long t1 = System.nanoTime();
                        if (t0 >= measureStart) {
                            h.recordValue(Math.min(h.getHighestTrackableValue(), Math.max(1, (t1 - t0) / 1000)));
                            lastAnswer.accumulateAndGet(t1, Math::max);
                        }
                    }
                    if (!ok) {
                        errors.incrementAndGet(); // warm-up errors count too: there must be none
                    }
                }
            });
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        Histogram all = new Histogram(3_600_000_000L, 3); // microseconds
        for (Histogram h : hist) {
            all.add(h);
        }
        double secs = Math.max(1e-9, (lastAnswer.get() - measureStart) / 1e9);
        return new Row(0, clients, all.getTotalCount(), errors.get(), secs, all.getValueAtPercentile(50) / 1e3,
                all.getValueAtPercentile(99) / 1e3, all.getMaxValue() / 1e3, ServerTime.NONE);
    }

    private static final String[] SERIES = {"longview_rank_selection_seconds_count", "longview_rank_store_read_seconds_sum",
            "longview_rank_selection_seconds_sum", "longview_rank_forward_seconds_sum"};

    /** The rank count and time sums from the server's /metrics, or null when it has none. */
    private static double[] scrape(HttpClient client, URI metrics) {
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return null;
            }
            double[] v = new double[SERIES.length];
            java.util.Arrays.fill(v, Double.NaN);
            for (String line : r.body().split("\n")) {
                for (int i = 0; i < SERIES.length; i++) {
                    if (line.startsWith(SERIES[i] + " ")) {
                        v[i] = Double.parseDouble(line.substring(SERIES[i].length() + 1).trim());
                    }
                }
            }
            return v;
        } catch (IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static ServerTime serverTime(double[] before, double[] after) {
        if (before == null || after == null) {
            return ServerTime.NONE;
        }
        double n = after[0] - before[0];
        if (!(n > 0)) {
            return ServerTime.NONE;
        }
        return new ServerTime((after[1] - before[1]) / n * 1e3, (after[2] - before[2]) / n * 1e3, (after[3] - before[3]) / n * 1e3);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: a temp dir
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }
}
