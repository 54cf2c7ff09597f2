package io.longview.cli;

import io.longview.core.io.InputException;
import io.longview.serve.AccessPolicy;

import io.longview.bench.RankBenchmark;
import io.longview.bench.serve.LoadGenerator;
import io.longview.bench.store.StoreBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code longview bench …}: benchmarks whose numbers go into the README and the issue notes. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.", subcommands = {BenchCommand.Store.class, BenchCommand.Serve.class, BenchCommand.Rank.class, BenchCommand.Train.class})
final class BenchCommand {

    @Command(name = "store", mixinStandardHelpOptions = true,
            description = {"Sequence store: ingest rate (events/s, fsync on and off) and p50/p99 latency of reading one",
                    "16k-token user, on a temporary store."})
    static final class Store implements Callable<Integer> {
        @Option(names = "--seed", defaultValue = "1", description = "seed (default ${DEFAULT-VALUE})")
        long seed;

        @Override
        public Integer call() {
            StoreBenchmark.Result r = StoreBenchmark.run(StoreBenchmark.Config.defaults().withSeed(seed));
            System.out.println(r);
            return 0;
        }
    }

    @Command(name = "rank", mixinStandardHelpOptions = true,
            description = {"Ranking latency, side by side on one synthetic request (a 16k-token user, N candidates):",
                    "(a) naive DJL/libtorch (history copied per candidate), (b) DJL/libtorch de-duplicated,",
                    "(c) ONNX Runtime on the exported model, (d) the fused RankingEngine. Prints p50/p99, ratios to (d)",
                    "and the encoder's GFLOP/s against a GEMM peak measured in the same run. See bench/README.md."})
    static final class Rank implements Callable<Integer> {
        @Option(names = "--candidates", split = ",", defaultValue = "128,256,512,1024",
                description = "candidate counts N (default ${DEFAULT-VALUE})")
        List<Integer> candidates;

        @Option(names = "--history", defaultValue = "16000", description = "lifelong tokens of the user (default ${DEFAULT-VALUE}); +100 realtime, +100 impressions")
        int history;

        @Option(names = "--realtime", defaultValue = "100", description = "realtime tokens (default ${DEFAULT-VALUE})")
        int realtime;

        @Option(names = "--impressions", defaultValue = "100", description = "impression tokens (default ${DEFAULT-VALUE})")
        int impressions;

        @Option(names = "--iterations", defaultValue = "50", description = "measured iterations per path and N, at most (default ${DEFAULT-VALUE})")
        int iterations;

        @Option(names = "--warmup", defaultValue = "5", description = "warm-up iterations per path and N (default ${DEFAULT-VALUE}; path a: 1)")
        int warmup;

        @Option(names = "--naive-iterations", defaultValue = "5", description = "measured iterations of path (a), at most (default ${DEFAULT-VALUE})")
        int naiveIterations;

        @Option(names = "--cell-seconds", defaultValue = "30", description = "time budget per path and N; at least 2 iterations run (default ${DEFAULT-VALUE})")
        double cellSeconds;

        @Option(names = "--threads", description = "threads of every path (default: available processors)")
        Integer threads;

        @Option(names = "--paths", split = ",", defaultValue = "a,b,c,d", description = "paths to run (default ${DEFAULT-VALUE})")
        List<String> paths;

        @Option(names = "--checkpoint", description = "a checkpoint (.lvck); default: the default model with seeded random weights")
        Path checkpoint;

        @Option(names = "--seed", defaultValue = "1", description = "seed of the request and the random weights (default ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--out", description = "also write the report: .json for JSON, anything else Markdown")
        Path out;

        @Override
        public Integer call() {
            if (checkpoint != null && !Files.isRegularFile(checkpoint)) {
                throw new InputException(Cli.abs(checkpoint), 0, "no checkpoint file there");
            }
            RankBenchmark.Config config = new RankBenchmark.Config(candidates, history, realtime, impressions, iterations, warmup,
                    naiveIterations, threads == null ? Runtime.getRuntime().availableProcessors() : threads, paths, cellSeconds, seed,
                    checkpoint);
            RankBenchmark.Report report = RankBenchmark.run(config, System.err);
            System.out.println(report.markdown());
            if (out != null) {
                report.write(out);
                System.out.println("wrote " + Cli.abs(out));
            }
            return 0;
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Training throughput of the engines side by side in one run: the same batches of an example file",
                    "through each engine's step (forward, backward, host AdamW) per ladder row; steady-state examples/s,",
                    "the java step's GFLOP/s and the GEMM rate (VectorKernels.matmul) measured in the same run."})
    static final class Train implements Callable<Integer> {
        @Option(names = "--examples", defaultValue = "runs/quickstart/examples/train.lvx",
                description = "an example file (default ${DEFAULT-VALUE}, what quickstart builds)")
        Path examples;

        @Option(names = "--engines", split = ",", defaultValue = "java,djl", description = "engines (default ${DEFAULT-VALUE})")
        List<String> engines;

        @Option(names = "--rows", split = ",", defaultValue = "rt-only,v2", description = "ladder rows (default ${DEFAULT-VALUE})")
        List<String> rows;

        @Option(names = "--batch-size", defaultValue = "256", description = "examples per step (default ${DEFAULT-VALUE})")
        int batchSize;

        @Option(names = "--warmup", defaultValue = "3", description = "untimed steps per cell (default ${DEFAULT-VALUE})")
        int warmup;

        @Option(names = "--steps", defaultValue = "5", description = "timed steps per cell, at least (default ${DEFAULT-VALUE})")
        int steps;

        @Option(names = "--seconds", defaultValue = "10", description = "timed seconds per cell, at least (default ${DEFAULT-VALUE})")
        double seconds;

        @Option(names = "--threads", defaultValue = "0", description = "threads of the java engine and the GEMM rate; 0: all processors (default ${DEFAULT-VALUE})")
        int threads;

        @Option(names = "--seed", defaultValue = "1", description = "seed of the initial weights (default ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--out", description = "also write the report: .json for JSON, anything else Markdown")
        Path out;

        @Override
        public Integer call() {
            if (!Files.isRegularFile(examples)) {
                throw new InputException(Cli.abs(examples), 0, "no example file there (build one with longview quickstart --no-train or longview examples)");
            }
            for (String e : engines) {
                if (!e.equalsIgnoreCase("java") && !e.equalsIgnoreCase("djl")) {
                    throw new InputException("--engines " + String.join(",", engines) + ": expected java and/or djl");
                }
            }
            io.longview.bench.TrainBenchmark.Config config = Cli.fromOptions(() -> new io.longview.bench.TrainBenchmark.Config(
                    examples, engines, rows, batchSize, warmup, steps, seconds, threads, seed));
            Cli.fromOptions(() -> io.longview.train.ablation.AblationLadder.select(io.longview.core.checkpoint.ModelConfig.DEFAULT,
                    rows.toArray(String[]::new)));
            io.longview.bench.TrainBenchmark.Report report = io.longview.bench.TrainBenchmark.run(config, System.err);
            System.out.println(report.markdown());
            if (out != null) {
                report.write(out);
                System.out.println("wrote " + Cli.abs(out));
            }
            return 0;
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = {"HTTP serving: a closed-loop load generator for POST /v1/rank (N clients, each sending its next request",
                    "when the previous one is answered): throughput, p50/p99 end-to-end latency and errors per candidate count",
                    "and client count, as a Markdown table. Against --url, or a server it starts on a synthetic world."})
    static final class Serve implements Callable<Integer> {
        @Option(names = "--url", description = "a running server (http://host:port) whose catalog holds items 1..--items and users 1..--users; default: start one")
        String url;

        @Option(names = "--checkpoint", description = "checkpoint for the server it starts (default: random weights, default model)")
        Path checkpoint;

        @Option(names = "--candidates", split = ",", defaultValue = "100,500", description = "candidates per request (default ${DEFAULT-VALUE})")
        List<Integer> candidates;

        @Option(names = "--clients", split = ",", defaultValue = "1,2,4,8", description = "concurrent clients (default ${DEFAULT-VALUE})")
        List<Integer> clients;

        @Option(names = "--warmup", defaultValue = "3s", description = "warm-up per cell (default ${DEFAULT-VALUE})")
        String warmup;

        @Option(names = "--duration", defaultValue = "12s", description = "measurement per cell (default ${DEFAULT-VALUE})")
        String duration;

        @Option(names = "--users", defaultValue = "200", description = "users of the world (default ${DEFAULT-VALUE})")
        int users;

        @Option(names = "--items", defaultValue = "20000", description = "items of the world (default ${DEFAULT-VALUE})")
        int items;

        @Option(names = "--events-per-user", defaultValue = "2000", description = "history per user of the world it builds (default ${DEFAULT-VALUE})")
        int eventsPerUser;

        @Option(names = "--engine-threads", description = "engine threads of the server it starts (default: available processors)")
        Integer engineThreads;

        @Option(names = "--seed", defaultValue = "1", description = "seed (default ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--server-warmup", defaultValue = "10s", description = "warm-up of the server it starts, before /readyz (default ${DEFAULT-VALUE}; 0 for none)")
        String serverWarmup;

        @Option(names = "--deadline-ms", defaultValue = "500", description = "rank deadline of the server it starts (default ${DEFAULT-VALUE})")
        int deadlineMs;

        @Option(names = "--soak", description = "one long cell (first --candidates and --clients, for --duration) sampling the server's RSS, heap and buffers; implied by --reload-every")
        boolean soak;

        @Option(names = "--reload-every", description = "in a soak, POST /admin/reload this often (e.g. 60s)")
        String reloadEvery;

        @Option(names = "--sample-every", defaultValue = "10s", description = "in a soak, memory sampling interval (default ${DEFAULT-VALUE})")
        String sampleEvery;

        @Option(names = "--token-file", description = "bearer token to send (for a --url server started with --token-file)")
        Path tokenFile;

        @Override
        public Integer call() {
            if (checkpoint != null && !Files.isRegularFile(checkpoint)) {
                throw new InputException(Cli.abs(checkpoint), 0, "no checkpoint file there");
            }
            java.time.Duration reload = reloadEvery == null ? null : java.time.Duration.ofMillis(Cli.parseDurationMs(reloadEvery));
            String token = null;
            if (tokenFile != null) {
                // read once here; the generator sends it with every request
                Cli.fromOptions(() -> AccessPolicy.digestOfTokenFile(tokenFile)); // checks it (never prints it)
                try {
                    token = Files.readString(tokenFile).strip();
                } catch (java.io.IOException e) {
                    throw new InputException(tokenFile, 0, "cannot read the token file", e);
                }
            }
            String tokenText = token;
            LoadGenerator.Config config = Cli.fromOptions(() -> new LoadGenerator.Config(url, checkpoint,
                    candidates, clients, java.time.Duration.ofMillis(Cli.parseDurationMs(warmup)),
                    java.time.Duration.ofMillis(Cli.parseDurationMs(duration)), users, items, eventsPerUser,
                    engineThreads == null ? Runtime.getRuntime().availableProcessors() : engineThreads, seed,
                    java.time.Duration.ofMillis(Cli.parseDurationMs(serverWarmup)), deadlineMs, soak || reload != null, reload,
                    java.time.Duration.ofMillis(Cli.parseDurationMs(sampleEvery)), tokenText));
            LoadGenerator.Result r = LoadGenerator.run(config, System.err);
            System.out.println(r.markdown());
            if (r.errors() > 0) {
                System.err.println("longview bench serve: " + r.errors() + " requests failed");
                return 1;
            }
            return 0;
        }
    }
}
