package io.longview.cli;

import io.longview.store.StoreBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code longview bench …}: benchmarks whose numbers go into the README and the issue notes. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.", subcommands = {BenchCommand.Store.class, BenchCommand.Serve.class})
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

        @Override
        public Integer call() {
            if (checkpoint != null && !Files.isRegularFile(checkpoint)) {
                throw new IllegalArgumentException("no checkpoint file at " + Cli.abs(checkpoint));
            }
            io.longview.serve.bench.LoadGenerator.Config config = new io.longview.serve.bench.LoadGenerator.Config(url, checkpoint,
                    candidates, clients, java.time.Duration.ofMillis(Cli.parseDurationMs(warmup)),
                    java.time.Duration.ofMillis(Cli.parseDurationMs(duration)), users, items, eventsPerUser,
                    engineThreads == null ? Runtime.getRuntime().availableProcessors() : engineThreads, seed);
            io.longview.serve.bench.LoadGenerator.Result r = io.longview.serve.bench.LoadGenerator.run(config, System.err);
            System.out.println(r.markdown());
            if (r.errors() > 0) {
                System.err.println("longview bench serve: " + r.errors() + " requests failed");
                return 1;
            }
            return 0;
        }
    }
}
