package io.longview.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.longview.examples.ExampleBuilderConfig;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code longview examples --engine spark}: runs the spark module's {@code SparkExampleJob} in a child JVM on the
 * spark module's own classpath ({@code spark/target/classes}, {@code target/submit-lib}, {@code target/spark-lib}),
 * so that Spark (~200 MB of jars) never joins the CLI's classpath. The launcher builds that module when it sees
 * {@code --engine spark}; the child gets the CLI's configuration as JSON, so both engines use one configuration.
 */
final class SparkEngine {
    static final String MAIN = "io.longview.spark.SparkExampleJob";

    private SparkEngine() {
    }

    /** Builds the examples of {@code dataset} into {@code out} on Spark; returns the child's exit status. */
    static int run(Path dataset, Path out, ExampleBuilderConfig config, String master, Integer partitions, boolean force, boolean merge) {
        Path module = root().resolve("spark").resolve("target");
        Path classes = module.resolve("classes");
        if (!Files.isDirectory(classes.resolve("io/longview/spark")) || !Files.isDirectory(module.resolve("spark-lib"))) {
            throw new io.longview.core.io.InputException("the spark module is not built (" + module + "); build it with"
                    + " ./mvnw -B -q -pl spark -am package -DskipTests (./longview does so when it sees --engine spark)");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + Math.max(512, Runtime.getRuntime().maxMemory() >> 20) + "m");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(String.join(File.pathSeparator, classes.toString(), module.resolve("submit-lib") + File.separator + "*",
                module.resolve("spark-lib") + File.separator + "*"));
        cmd.add(MAIN);
        cmd.addAll(List.of("--master", master, "--dataset", dataset.toString(), "--out", out.toString()));
        try {
            cmd.addAll(List.of("--config", new ObjectMapper().writeValueAsString(config)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (partitions != null) {
            cmd.addAll(List.of("--partitions", partitions.toString()));
        }
        if (force) {
            cmd.add("--force");
        }
        if (merge) {
            cmd.add("--merge");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().putIfAbsent("SPARK_LOCAL_IP", "127.0.0.1");
        try {
            return pb.start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Spark job: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the Spark job ran", e);
        }
    }

    /** The repository root: {@code -Dlongview.root}, else three levels above the CLI's classes (cli/target/classes). */
    static Path root() {
        String p = System.getProperty("longview.root");
        if (p != null) {
            return Path.of(p);
        }
        try {
            return Path.of(SparkEngine.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent().getParent().getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
