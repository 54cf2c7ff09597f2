package io.longview.bench.jmh;

import io.longview.bench.RandomCheckpoint;
import io.longview.bench.SyntheticRequest;
import io.longview.core.checkpoint.ModelConfig;
import io.longview.kernels.engine.EngineOptions;
import io.longview.kernels.engine.RankResult;
import io.longview.kernels.engine.RankingEngine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * {@link RankingEngine#rank} end to end (history preparation, selection, encoder, ranker) for one request: a user
 * with 16,000 lifelong + 100 realtime + 100 impression tokens and N candidates, default model with random weights.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class EngineBench {
    @Param({"512"})
    public int candidates;

    @Param({"2"})
    public int threads;

    private RankingEngine engine;
    private SyntheticRequest request;

    @Setup(Level.Trial)
    public void setUp() {
        engine = RankingEngine.of(RandomCheckpoint.of(ModelConfig.DEFAULT, 1), new EngineOptions(threads));
        request = SyntheticRequest.of(16_000, 100, 100, candidates, 1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
    }

    @Benchmark
    public RankResult rank() {
        return engine.rank(request.user(), request.requestTimeMs(), request.candidates(), request.n(), false);
    }
}
