package io.longview.bench.jmh;

import org.openjdk.jmh.annotations.Fork;

/** {@link KernelBenchmarks} on the Vector API implementation. */
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dlongview.kernels=vector", "-Xmx2g"})
public class VectorKernelsBench extends KernelBenchmarks {
}
