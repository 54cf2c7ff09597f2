package io.longview.export.onnx;

import io.longview.core.io.LittleEndian;

import java.util.List;
import java.util.Map;

/**
 * The subset of {@code onnx.proto} (ONNX IR) that the exporter writes, as encoders of single messages. Field numbers
 * are those of the ONNX repository's {@code onnx/onnx.proto}:
 *
 * <pre>
 * ModelProto             ir_version 1 (int64), producer_name 2, producer_version 3, domain 4, model_version 5 (int64),
 *                        doc_string 6, graph 7 (GraphProto), opset_import 8 (OperatorSetIdProto),
 *                        metadata_props 14 (StringStringEntryProto)
 * OperatorSetIdProto     domain 1, version 2 (int64)
 * StringStringEntryProto key 1, value 2
 * GraphProto             node 1 (NodeProto), name 2, initializer 5 (TensorProto), doc_string 10,
 *                        input 11 (ValueInfoProto), output 12 (ValueInfoProto)
 * NodeProto              input 1, output 2, name 3, op_type 4, attribute 5 (AttributeProto), doc_string 6, domain 7
 * AttributeProto         name 1, f 2 (float), i 3 (int64), s 4 (bytes), t 5 (TensorProto), floats 7, ints 8,
 *                        type 20 (AttributeType: FLOAT 1, INT 2, STRING 3, TENSOR 4, FLOATS 6, INTS 7)
 * TensorProto            dims 1 (int64), data_type 2 (DataType: FLOAT 1, INT64 7, BOOL 9), name 8,
 *                        raw_data 9 (fixed width, little-endian), doc_string 12
 * ValueInfoProto         name 1, type 2 (TypeProto), doc_string 3
 * TypeProto              tensor_type 1 (TypeProto.Tensor: elem_type 1, shape 2 (TensorShapeProto))
 * TensorShapeProto       dim 1 (Dimension: dim_value 1 (int64), dim_param 2 (string))
 * </pre>
 */
final class OnnxProto {
    /** IR version 8 (ONNX 1.10+): what opset {@value #OPSET} models declare; ONNX Runtime 1.23 reads up to 11. */
    static final long IR_VERSION = 8;
    /** The default-domain operator set the graph is written against. */
    static final long OPSET = 17;

    static final int FLOAT = 1;
    static final int INT64 = 7;

    private static final int ATTR_FLOAT = 1;
    private static final int ATTR_INT = 2;
    private static final int ATTR_TENSOR = 4;
    private static final int ATTR_INTS = 7;

    private OnnxProto() {
    }

    /** A {@code TensorProto} of float32 values, raw little-endian. */
    static ProtoWriter floatTensor(String name, long[] dims, float[] values) {
        return tensor(name, dims, FLOAT, LittleEndian.ofFloats(values));
    }

    /** A {@code TensorProto} of int64 values, raw little-endian. */
    static ProtoWriter int64Tensor(String name, long[] dims, long[] values) {
        return tensor(name, dims, INT64, LittleEndian.ofLongs(values));
    }

    private static ProtoWriter tensor(String name, long[] dims, int dataType, byte[] raw) {
        ProtoWriter t = new ProtoWriter();
        for (long d : dims) {
            t.int64(1, d);
        }
        t.int64(2, dataType);
        t.string(8, name);
        t.bytes(9, raw);
        return t;
    }

    /**
     * A {@code ValueInfoProto} of a tensor; each dimension is a {@link Long} (fixed size) or a {@link String}
     * (a named dynamic dimension such as {@code "batch"}).
     */
    static ProtoWriter valueInfo(String name, int elemType, List<Object> dims, String doc) {
        ProtoWriter shape = new ProtoWriter();
        for (Object d : dims) {
            ProtoWriter dim = new ProtoWriter();
            switch (d) {
                case Long v -> dim.int64(1, v);
                case Integer v -> dim.int64(1, v);
                case String p -> dim.string(2, p);
                default -> throw new IllegalArgumentException("dimension " + d + " is neither a number nor a name");
            }
            shape.message(1, dim);
        }
        ProtoWriter tensorType = new ProtoWriter().int64(1, elemType).message(2, shape);
        ProtoWriter type = new ProtoWriter().message(1, tensorType);
        ProtoWriter v = new ProtoWriter().string(1, name).message(2, type);
        if (doc != null) {
            v.string(3, doc);
        }
        return v;
    }

    /** An {@code AttributeProto} of type INT. */
    static ProtoWriter intAttribute(String name, long value) {
        return new ProtoWriter().string(1, name).int64(3, value).int64(20, ATTR_INT);
    }

    /** An {@code AttributeProto} of type FLOAT. */
    static ProtoWriter floatAttribute(String name, float value) {
        return new ProtoWriter().string(1, name).float32(2, value).int64(20, ATTR_FLOAT);
    }

    /** An {@code AttributeProto} of type INTS. */
    static ProtoWriter intsAttribute(String name, long... values) {
        return new ProtoWriter().string(1, name).packedInt64(8, values).int64(20, ATTR_INTS);
    }

    /** An {@code AttributeProto} of type TENSOR (e.g. {@code Constant}'s value). */
    static ProtoWriter tensorAttribute(String name, ProtoWriter tensor) {
        return new ProtoWriter().string(1, name).message(5, tensor).int64(20, ATTR_TENSOR);
    }

    /** A {@code NodeProto} of the default domain. */
    static ProtoWriter node(String opType, String name, List<String> inputs, List<String> outputs, List<ProtoWriter> attributes) {
        ProtoWriter n = new ProtoWriter();
        for (String in : inputs) {
            n.string(1, in);
        }
        for (String out : outputs) {
            n.string(2, out);
        }
        n.string(3, name);
        n.string(4, opType);
        for (ProtoWriter a : attributes) {
            n.message(5, a);
        }
        return n;
    }

    /** A {@code GraphProto}. */
    static ProtoWriter graph(String name, String doc, List<ProtoWriter> nodes, List<ProtoWriter> initializers,
                             List<ProtoWriter> inputs, List<ProtoWriter> outputs) {
        ProtoWriter g = new ProtoWriter();
        for (ProtoWriter n : nodes) {
            g.message(1, n);
        }
        g.string(2, name);
        for (ProtoWriter t : initializers) {
            g.message(5, t);
        }
        if (doc != null) {
            g.string(10, doc);
        }
        for (ProtoWriter i : inputs) {
            g.message(11, i);
        }
        for (ProtoWriter o : outputs) {
            g.message(12, o);
        }
        return g;
    }

    /** A {@code ModelProto} importing the default domain at {@link #OPSET}. */
    static ProtoWriter model(ProtoWriter graph, String producerName, String producerVersion, String doc,
                             Map<String, String> metadata) {
        ProtoWriter m = new ProtoWriter();
        m.int64(1, IR_VERSION);
        m.string(2, producerName);
        m.string(3, producerVersion);
        m.string(4, "io.longview");
        m.int64(5, 1);
        if (doc != null) {
            m.string(6, doc);
        }
        m.message(7, graph);
        m.message(8, new ProtoWriter().string(1, "").int64(2, OPSET));
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            m.message(14, new ProtoWriter().string(1, e.getKey()).string(2, e.getValue()));
        }
        return m;
    }
}
