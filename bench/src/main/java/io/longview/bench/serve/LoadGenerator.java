package io.longview.bench.serve;

import io.longview.core.io.AtomicFiles;
import io.longview.serve.LongviewServer;
import io.longview.serve.ServeConfig;
import io.longview.store.RocksSequenceStore;
import io.longview.store.SequenceStore;
import io.longview.store.StoreOptions;
import io.longview.synth.RandomWorld;
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
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code longview bench serve}: a closed-loop load generator for {@code POST /v1/rank}. Each of N client threads sends
 * its next request as soon as the previous one is answered (so the offered load follows the server's speed and
 * latency is not hidden by a queue), over {@link HttpClient} (HTTP/1.1, keep-alive). For every (candidates, clients)
 * cell it warms up, then measures for a fixed time: throughput, end-to-end p50/p99/max latency (HdrHistogram) and
 * errors (anything but a 200; must be 0).
 *
 * <p>Against a running server ({@link Config#url}) the requests rank random ids in {@code 1..items} for random users in
 * {@code 1..users}, which must exist in its catalog. Without a URL it builds its own world first: a temporary store
 * filled by {@link RandomWorld#generate}, a random checkpoint (or the one given), and a server on a free port whose
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
     * @param serverWarmup   the warm-up of the server it starts ({@link ServeConfig#warmup()}); it waits for it
     * @param deadlineMs     the rank deadline of the server it starts ({@link ServeConfig#deadlineMs()})
     * @param soak           one long cell (the first candidate and client counts for {@code measure}) sampling the
     *                       server's memory every {@code sampleEvery}, instead of the table
     * @param reloadEvery    in a soak, {@code POST /admin/reload} this often (null: never)
     * @param sampleEvery    in a soak, how often memory is sampled
     * @param token          bearer token sent with every request (null: none)
     */
    public record Config(String url, Path checkpoint, List<Integer> candidates, List<Integer> clients, Duration warmup,
                         Duration measure, int users, int items, int eventsPerUser, int engineThreads, long seed,
                         Duration serverWarmup, int deadlineMs, boolean soak, Duration reloadEvery, Duration sampleEvery,
                         String token) {
        /** The table mode with the server's default warm-up (10 s) and deadline (500 ms), no token. */
        public Config(String url, Path checkpoint, List<Integer> candidates, List<Integer> clients, Duration warmup,
                      Duration measure, int users, int items, int eventsPerUser, int engineThreads, long seed) {
            this(url, checkpoint, candidates, clients, warmup, measure, users, items, eventsPerUser, engineThreads, seed,
                    Duration.ofSeconds(10), 500, false, null, Duration.ofSeconds(10), null);
        }

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
                      double maxMs, ServerTime serverMs, long shed) {
        /** Answered (200) requests per second. */
        public double throughput() {
            return requests / seconds;
        }

        /** Shed (503: deadline or full queue) over all requests sent in the window. */
        public double shedRate() {
            return requests + shed == 0 ? 0 : (double) shed / (requests + shed);
        }
    }

    /** Mean milliseconds per rank request inside the server, from the deltas of its metrics over a cell. */
    public record ServerTime(double storeRead, double selection, double forward) {
        static final ServerTime NONE = new ServerTime(Double.NaN, Double.NaN, Double.NaN);
    }

    /**
     * The first requests a freshly started server answered (after its {@code /readyz} turned 200), one at a time, in
     * ms; null against a running server.
     */
    public record ColdStart(double warmupMs, int warmupRounds, List<Double> firstMs) {
    }

    /** One memory sample of the serving process: RSS (VmRSS), heap used, direct + mapped buffers, all in MiB. */
    public record MemorySample(double atSeconds, double rssMiB, double heapMiB, double buffersMiB, long requests, long reloads) {
    }

    /** All cells, and where they were measured. */
    public record Result(String target, List<Row> rows, ColdStart coldStart, List<MemorySample> memory) {
        public Result(String target, List<Row> rows) {
            this(target, rows, null, List.of());
        }
        public long errors() {
            return rows.stream().mapToLong(Row::errors).sum();
        }

        /** A Markdown table. */
        public String markdown() {
            StringBuilder sb = new StringBuilder();
            sb.append("POST /v1/rank, closed loop, against ").append(target).append('\n').append('\n');
            sb.append("| candidates | clients | answered | req/s | candidates/s | p50 ms | p99 ms | max ms | shed | shed rate | errors "
                    + "| server: store read ms | selection ms | forward ms |\n");
            sb.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Row r : rows) {
                sb.append(String.format(Locale.ROOT, "| %d | %d | %,d | %.1f | %,.0f | %.1f | %.1f | %.1f | %,d | %.1f %% | %d | %.2f | %.1f | %.1f |%n",
                        r.candidates, r.clients, r.requests, r.throughput(), r.throughput() * r.candidates, r.p50Ms, r.p99Ms, r.maxMs,
                        r.shed, 100 * r.shedRate(), r.errors, r.serverMs.storeRead(), r.serverMs.selection(), r.serverMs.forward()));
            }
            sb.append("\nLatency is end to end (client send to full answer) of the answered (200) requests; shed: 503 answers\n"
                    + "(deadline or full queue); the server columns are its mean time per rank request in the cell (from /metrics),\n"
                    + "the rest is queueing, HTTP and JSON.\n");
            if (coldStart != null && !rows.isEmpty()) {
                List<Double> f = coldStart.firstMs();
                double steady = rows.getFirst().p50Ms;
                double worst = f.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
                sb.append(String.format(Locale.ROOT, "%nCold start: warm-up %.0f ms (%d rounds) before /readyz 200; the first %d requests "
                                + "(%d candidates, one at a time) took %s ms: worst %.1f ms = %.2f × the steady p50 (%.1f ms, first row)%n",
                        coldStart.warmupMs(), coldStart.warmupRounds(), f.size(), rows.getFirst().candidates,
                        f.stream().map(x -> String.format(Locale.ROOT, "%.1f", x)).toList(), worst, worst / steady, steady));
            }
            if (!memory.isEmpty()) {
                sb.append("\n| t s | requests | reloads | RSS MiB | heap used MiB | direct+mapped MiB |\n|---:|---:|---:|---:|---:|---:|\n");
                for (MemorySample m : memory) {
                    sb.append(String.format(Locale.ROOT, "| %.0f | %,d | %d | %.1f | %.1f | %.1f |%n", m.atSeconds, m.requests, m.reloads,
                            m.rssMiB, m.heapMiB, m.buffersMiB));
                }
                sb.append(drift()).append('\n');
            }
            return sb.toString();
        }

        /**
         * RSS drift of a soak: the last sample minus the first sample taken after a quarter of the run (start-up and
         * JIT growth excluded), the range of that second part, and the heap and buffer change over it.
         */
        public String drift() {
            if (memory.size() < 2) {
                return "drift: fewer than 2 samples";
            }
            int from = memory.size() / 4;
            MemorySample a = memory.get(from);
            MemorySample b = memory.getLast();
            double lo = memory.subList(from, memory.size()).stream().mapToDouble(MemorySample::rssMiB).min().orElseThrow();
            double hi = memory.subList(from, memory.size()).stream().mapToDouble(MemorySample::rssMiB).max().orElseThrow();
            return String.format(Locale.ROOT, "drift from t=%.0f s to t=%.0f s: RSS %+.1f MiB (%+.1f %%; range %.1f..%.1f MiB), "
                            + "heap used %+.1f MiB, direct+mapped %+.1f MiB; %,d requests, %d reloads", a.atSeconds, b.atSeconds,
                    b.rssMiB - a.rssMiB, 100 * (b.rssMiB - a.rssMiB) / a.rssMiB, lo, hi, b.heapMiB - a.heapMiB,
                    b.buffersMiB - a.buffersMiB, b.requests, b.reloads);
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
            RandomWorld.generate(config.users(), config.items(), config.eventsPerUser(), config.seed(), store.catalog()::putAll, store::append);
            Path checkpoint = config.checkpoint() != null ? config.checkpoint()
                    : RandomWorld.writeRandomCheckpoint(dir.resolve("random.lvck"), config.seed(), "bench");
            log.printf(Locale.ROOT, "world: %d users × %d events, %d items, in %.1f s; checkpoint %s%n", config.users(),
                    config.eventsPerUser(), config.items(), (System.nanoTime() - t0) / 1e9, checkpoint);
            int maxClients = config.clients().stream().mapToInt(Integer::intValue).max().orElseThrow();
            int maxCandidates = config.candidates().stream().mapToInt(Integer::intValue).max().orElseThrow();
            ServeConfig sc = ServeConfig.defaults(checkpoint).withPort(0).withRankConcurrency(Math.max(2, Math.min(maxClients,
                            Runtime.getRuntime().availableProcessors()))).withRankQueue(maxClients)
                    .withEngineThreads(config.engineThreads()).withMaxCandidates(Math.max(2000, maxCandidates))
                    .withWarmup(config.serverWarmup()).withDeadlineMs(config.deadlineMs());
            try (LongviewServer server = LongviewServer.start(sc, store)) {
                if (!server.awaitWarm(config.serverWarmup().plusSeconds(60))) {
                    throw new IllegalStateException("the server's warm-up did not end");
                }
                ColdStart cold = coldStart(config, server);
                String target = server.url() + " (in-process, " + sc.rankConcurrency() + " rank slots, " + sc.engineThreads()
                        + " engine threads, deadline " + sc.deadlineMs() + " ms, warm-up ≤ " + sc.warmup().toMillis() + " ms)";
                if (config.soak()) {
                    return soak(config, target, server.url(), log);
                }
                Result r = measureAll(config, target, server.url(), log);
                return new Result(r.target(), r.rows(), cold, List.of());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        } finally {
            deleteTree(dir);
        }
    }

    private static Result measureAll(Config config, String url, java.io.PrintStream log) {
        if (config.soak()) {
            return soak(config, url, url, log);
        }
        return measureAll(config, url, url, log);
    }

    /** The first 10 requests after ready, one at a time, first candidate count. */
    private static ColdStart coldStart(Config config, LongviewServer server) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI rank = URI.create(server.url() + "/v1/rank");
        List<byte[]> bodies = bodies(config, config.candidates().getFirst(), 10);
        // as a load balancer would: probe /readyz first (this also opens the connection and loads the client's classes)
        try {
            client.send(HttpRequest.newBuilder(URI.create(server.url() + "/readyz")).build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        List<Double> ms = new ArrayList<>();
        for (byte[] b : bodies) {
            long t0 = System.nanoTime();
            int status = send(client, rank, b, config.token());
            ms.add((System.nanoTime() - t0) / 1e6);
            if (status != 200) {
                throw new IllegalStateException("a cold-start request got " + status);
            }
        }
        var w = server.warmUp();
        return new ColdStart(w == null ? 0 : w.millis(), w == null ? 0 : w.rounds(), List.copyOf(ms));
    }

    private static int send(HttpClient client, URI uri, byte[] body, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Content-Type", "application/json").timeout(Duration.ofMinutes(5))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray()).statusCode();
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * A soak: one cell for {@code measure} while another thread reloads the model every {@code reloadEvery} and this
     * thread samples the serving process's memory every {@code sampleEvery}. Memory is sampled only for a server in
     * this process ({@code /proc/self/status}, the memory beans); against a URL the samples stay empty.
     */
    private static Result soak(Config config, String target, String url, java.io.PrintStream log) {
        boolean local = config.url() == null;
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        URI rank = URI.create(url.replaceAll("/+$", "") + "/v1/rank");
        URI reload = URI.create(url.replaceAll("/+$", "") + "/admin/reload");
        int n = config.candidates().getFirst();
        int clients = config.clients().getFirst();
        List<byte[]> bodies = bodies(config, n, 64);
        List<MemorySample> samples = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicLong reloads = new AtomicLong();
        AtomicLong failedReloads = new AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        long start = System.nanoTime();
        Thread sampler = Thread.ofPlatform().name("bench-soak-sampler").start(() -> {
            long nextSample = start;
            long nextReload = config.reloadEvery() == null ? Long.MAX_VALUE : start + config.reloadEvery().toNanos();
            while (!done.get()) {
                long now = System.nanoTime();
                if (now >= nextReload) {
                    int st = send(client, reload, new byte[0], config.token());
                    if (st == 200) {
                        reloads.incrementAndGet();
                    } else {
                        failedReloads.incrementAndGet();
                        log.println("reload failed: " + st);
                    }
                    nextReload += config.reloadEvery().toNanos();
                }
                if (now >= nextSample && local) {
                    MemorySample m = sample((now - start) / 1e9, SOAK_REQUESTS.get(), reloads.get());
                    samples.add(m);
                    log.printf(Locale.ROOT, "t=%.0f s: %,d requests, %d reloads, RSS %.1f MiB, heap %.1f MiB, buffers %.1f MiB%n",
                            m.atSeconds(), m.requests(), m.reloads(), m.rssMiB(), m.heapMiB(), m.buffersMiB());
                    nextSample += config.sampleEvery().toNanos();
                }
                try {
                    Thread.sleep(Math.max(1, Math.min(200, (Math.min(nextSample, nextReload) - System.nanoTime()) / 1_000_000)));
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        SOAK_REQUESTS.set(0);
        Row r;
        try {
            r = cell(client, rank, bodies, clients, Duration.ZERO, config.measure(), config.token(), SOAK_REQUESTS);
        } finally {
            done.set(true);
            try {
                sampler.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (local) {
            samples.add(sample((System.nanoTime() - start) / 1e9, SOAK_REQUESTS.get(), reloads.get()));
        }
        Row row = new Row(n, clients, r.requests, r.errors + failedReloads.get(), r.seconds, r.p50Ms, r.p99Ms, r.maxMs,
                ServerTime.NONE, r.shed);
        return new Result(target + ", soak for " + config.measure().toSeconds() + " s"
                + (config.reloadEvery() == null ? "" : ", reload every " + config.reloadEvery().toSeconds() + " s"),
                List.of(row), null, List.copyOf(samples));
    }

    private static final AtomicLong SOAK_REQUESTS = new AtomicLong();

    /** Memory of this process: VmRSS from /proc/self/status (NaN where there is none), heap used, buffer pools. */
    static MemorySample sample(double atSeconds, long requests, long reloads) {
        double rss = Double.NaN;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0; // kB
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: RSS stays NaN
        }
        double heap = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
        double buffers = 0;
        for (java.lang.management.BufferPoolMXBean b : java.lang.management.ManagementFactory.getPlatformMXBeans(
                java.lang.management.BufferPoolMXBean.class)) {
            buffers += b.getMemoryUsed() / 1048576.0;
        }
        return new MemorySample(atSeconds, rss, heap, buffers, requests, reloads);
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
                Row r = cell(client, rank, bodies, c, config.warmup(), config.measure(), config.token(), new AtomicLong());
                Row row = new Row(n, c, r.requests, r.errors, r.seconds, r.p50Ms, r.p99Ms, r.maxMs, serverTime(before, scrape(client, metrics)), r.shed);
                log.printf(Locale.ROOT, "%d candidates, %d clients: %,d answered, %.1f req/s, p50 %.1f ms, p99 %.1f ms, %,d shed (%.1f %%), %d errors%n",
                        n, c, row.requests(), row.throughput(), row.p50Ms(), row.p99Ms(), row.shed(), 100 * row.shedRate(), row.errors());
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
            sb.append("{\"user_id\":").append(RandomWorld.FIRST_ID + rnd.nextInt(config.users())).append(",\"candidates\":[");
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(RandomWorld.FIRST_ID + rnd.nextInt(config.items()));
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
    private static Row cell(HttpClient client, URI uri, List<byte[]> bodies, int clients, Duration warmup, Duration measure,
                            String token, AtomicLong answered) {
        long measureStart = System.nanoTime() + warmup.toNanos();
        long end = measureStart + measure.toNanos();
        AtomicLong errors = new AtomicLong();
        AtomicLong shed = new AtomicLong();
        AtomicLong lastAnswer = new AtomicLong(measureStart);
        Histogram[] hist = new Histogram[clients];
        Thread[] threads = new Thread[clients];
        for (int t = 0; t < clients; t++) {
            Histogram h = hist[t] = new Histogram(3_600_000_000L, 3); // microseconds, up to 1 h
            int id = t;
            threads[t] = Thread.ofPlatform().name("bench-client-" + t).start(() -> {
                int next = id * 7;
                long sent = 0;
                // every client gets at least one measured request, however slow the server
                while (System.nanoTime() < end || sent == 0) {
                    long t0 = System.nanoTime();
                    int status = send(client, uri, bodies.get(next++ % bodies.size()), token);
                    if (Thread.currentThread().isInterrupted()) {
                        return;
                    }
                    long t1 = System.nanoTime();
                    if (t0 >= measureStart) {
                        sent++;
                        lastAnswer.accumulateAndGet(t1, Math::max);
                        if (status == 200) {
                            // latency of answered requests only: a shed request's wait is its deadline by design
                            h.recordValue(Math.min(h.getHighestTrackableValue(), Math.max(1, (t1 - t0) / 1000)));
                            answered.incrementAndGet();
                        } else if (status == 503) {
                            shed.incrementAndGet();
                        }
                    }
                    if (status != 200 && status != 503) {
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
                all.getValueAtPercentile(99) / 1e3, all.getMaxValue() / 1e3, ServerTime.NONE, shed.get());
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
        try {
            AtomicFiles.deleteRecursively(dir);
        } catch (IOException e) {
            // best effort: a temp dir
        }
    }
}
