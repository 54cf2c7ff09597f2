package io.longview.bench.jmh;

import org.openjdk.jmh.annotations.Fork;

/** {@link KernelBenchmarks} on the scalar reference implementation ({@code -Dlongview.kernels=scalar}). */
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dlongview.kernels=scalar", "-Xmx2g"})
public class ScalarKernelsBench extends KernelBenchmarks {
}
