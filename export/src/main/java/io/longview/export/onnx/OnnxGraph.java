package io.longview.export.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Accumulates the nodes, initializers, inputs and outputs of one ONNX graph and hands out unique value names. Each
 * {@link #op} call appends one node (nodes are therefore in topological order) and returns its output's name.
 */
final class OnnxGraph {
    private final List<ProtoWriter> nodes = new ArrayList<>();
    private final List<ProtoWriter> initializers = new ArrayList<>();
    private final List<ProtoWriter> inputs = new ArrayList<>();
    private final List<ProtoWriter> outputs = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private int counter;

    /** Declares a graph input. */
    String input(String name, int elemType, List<Object> dims, String doc) {
        claim(name);
        inputs.add(OnnxProto.valueInfo(name, elemType, dims, doc));
        return name;
    }

    /** Declares a graph output (an existing value). */
    void output(String name, int elemType, List<Object> dims, String doc) {
        outputs.add(OnnxProto.valueInfo(name, elemType, dims, doc));
    }

    /** A float32 initializer (a weight or a constant). */
    String floats(String name, long[] dims, float[] values) {
        claim(name);
        initializers.add(OnnxProto.floatTensor(name, dims, values));
        return name;
    }

    /** A float32 scalar constant. */
    String scalar(String name, float value) {
        return floats(name, new long[0], new float[]{value});
    }

    /** An int64 initializer. */
    String longs(String name, long[] dims, long[] values) {
        claim(name);
        initializers.add(OnnxProto.int64Tensor(name, dims, values));
        return name;
    }

    /** A 1-D int64 constant. */
    String longs(String name, long... values) {
        return longs(name, new long[]{values.length}, values);
    }

    /** One node with one output; returns the output's (fresh) name, derived from {@code hint}. */
    String op(String opType, String hint, List<ProtoWriter> attributes, String... in) {
        String out = fresh(hint);
        nodes.add(OnnxProto.node(opType, out, Arrays.asList(in), List.of(out), attributes));
        return out;
    }

    /** One node without attributes. */
    String op(String opType, String hint, String... in) {
        return op(opType, hint, List.of(), in);
    }

    /** Renames a value by an Identity node (e.g. to give the graph output a fixed name). */
    String identity(String in, String name) {
        claim(name);
        nodes.add(OnnxProto.node("Identity", name, List.of(in), List.of(name), List.of()));
        return name;
    }

    ProtoWriter build(String name, String doc) {
        return OnnxProto.graph(name, doc, nodes, initializers, inputs, outputs);
    }

    private String fresh(String hint) {
        String n;
        do {
            n = hint + "_" + counter++;
        } while (names.contains(n));
        names.add(n);
        return n;
    }

    private void claim(String name) {
        if (!names.add(name)) {
            throw new IllegalStateException("value name " + name + " used twice");
        }
    }
}
