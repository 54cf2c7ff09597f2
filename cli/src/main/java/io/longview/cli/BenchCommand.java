package io.longview.cli;

import io.longview.store.StoreBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code longview bench …}: benchmarks whose numbers go into the README and the issue notes. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.", subcommands = {BenchCommand.Store.class})
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
}
