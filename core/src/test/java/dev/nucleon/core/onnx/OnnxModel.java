package dev.nucleon.core.onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds a one-node ONNX model ({@code ModelProto}, IR version 8, default-domain opset 17) in memory,
 * so that ONNX Runtime can serve as an independent reference for one operator at a time.
 *
 * <pre>{@code
 * byte[] model = OnnxModel.node("Conv")
 *         .input("X", 1, 1, 4, 4)                 // graph input, float, fixed shape
 *         .initializer("W", weights, 1, 1, 3, 3)  // constant, stored in the model
 *         .ints("pads", 1, 1, 1, 1)
 *         .output("Y")                            // shape left for ONNX Runtime to infer
 *         .toBytes();
 * }</pre>
 * The node's inputs are in the order {@link #input}, {@link #initializer} and {@link #absentInput} are
 * called; {@link #absentInput} writes the empty name ONNX uses for an omitted optional input.
 *
 * <p>Field numbers follow {@code onnx/onnx.proto}:
 * ModelProto {ir_version=1, producer_name=2, graph=7, opset_import=8};
 * OperatorSetIdProto {domain=1, version=2};
 * GraphProto {node=1, name=2, initializer=5, input=11, output=12};
 * NodeProto {input=1, output=2, name=3, op_type=4, attribute=5, domain=7};
 * AttributeProto {name=1, f=2, i=3, s=4, floats=7, ints=8, type=20};
 * TensorProto {dims=1, data_type=2, float_data=4 (packed), int64_data=7 (packed), name=8, raw_data=9};
 * ValueInfoProto {name=1, type=2}; TypeProto {tensor_type=1}; TypeProto.Tensor {elem_type=1, shape=2};
 * TensorShapeProto {dim=1}; TensorShapeProto.Dimension {dim_value=1, dim_param=2}.
 */
final class OnnxModel {

    static final long IR_VERSION = 8;
    static final long DEFAULT_OPSET = 17;
    static final String PRODUCER = "nucleon-tests";

    /** {@code TensorProto.DataType}. */
    static final int FLOAT = 1;
    static final int INT64 = 7;

    /** {@code AttributeProto.AttributeType}. */
    static final int ATTR_FLOAT = 1;
    static final int ATTR_INT = 2;
    static final int ATTR_STRING = 3;
    static final int ATTR_FLOATS = 6;
    static final int ATTR_INTS = 7;

    /** How float initializers are stored: the typed {@code float_data} field or little-endian {@code raw_data}. */
    enum TensorEncoding { FLOAT_DATA, RAW_DATA }

    private final String opType;
    private String domain = "";
    private long opset = DEFAULT_OPSET;
    private TensorEncoding encoding = TensorEncoding.RAW_DATA;
    private final List<String> nodeInputs = new ArrayList<>();
    private final List<ProtoWriter> graphInputs = new ArrayList<>();
    private final List<ProtoWriter> initializers = new ArrayList<>();
    private final List<ProtoWriter> attributes = new ArrayList<>();
    private final List<String> attributeNames = new ArrayList<>();
    private final List<String> inputNames = new ArrayList<>();
    private String outputName;
    private long[] outputShape;

    private OnnxModel(String opType) {
        this.opType = opType;
    }

    /** A model holding one node of the given operator type (e.g. {@code "Conv"}). */
    static OnnxModel node(String opType) {
        if (opType == null || opType.isEmpty()) {
            throw new IllegalArgumentException("onnx: op type must be non-empty");
        }
        return new OnnxModel(opType);
    }

    /** Default-domain opset version to import (17 unless set). */
    OnnxModel opset(long version) {
        this.opset = version;
        return this;
    }

    /** Operator domain of the node; "" (the default) is the standard ONNX domain. */
    OnnxModel domain(String domain) {
        this.domain = domain;
        return this;
    }

    /** How float initializers are written (raw little-endian bytes unless set). */
    OnnxModel tensorEncoding(TensorEncoding encoding) {
        this.encoding = encoding;
        return this;
    }

    // ---------------------------------------------------------------- inputs and outputs

    /** A float graph input of fixed shape, fed at run time; also the node's next input. */
    OnnxModel input(String name, int... shape) {
        requireNewName(name);
        graphInputs.add(valueInfo(name, toLongs(shape)));
        nodeInputs.add(name);
        inputNames.add(name);
        return this;
    }

    /** A float constant stored in the model (row-major {@code data}); also the node's next input. */
    OnnxModel initializer(String name, float[] data, int... shape) {
        requireNewName(name);
        long[] dims = toLongs(shape);
        if (data.length != numel(dims)) {
            throw new IllegalArgumentException("onnx: initializer '" + name + "' has " + data.length
                    + " values, shape " + Arrays.toString(shape) + " needs " + numel(dims));
        }
        ProtoWriter t = new ProtoWriter();
        t.packedVarints(1, dims);                   // dims
        t.varint(2, FLOAT);                         // data_type
        if (encoding == TensorEncoding.FLOAT_DATA) {
            t.packedFloats(4, data);                // float_data
        } else {
            ByteBuffer raw = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
            raw.asFloatBuffer().put(data);
            t.bytes(9, raw.array());                // raw_data
        }
        t.string(8, name);                          // name
        initializers.add(t);
        nodeInputs.add(name);
        return this;
    }

    /** An int64 constant stored in the model (for shape-like inputs); also the node's next input. */
    OnnxModel initializerInt64(String name, long[] data, int... shape) {
        requireNewName(name);
        long[] dims = toLongs(shape);
        if (data.length != numel(dims)) {
            throw new IllegalArgumentException("onnx: initializer '" + name + "' has " + data.length
                    + " values, shape " + Arrays.toString(shape) + " needs " + numel(dims));
        }
        ProtoWriter t = new ProtoWriter();
        t.packedVarints(1, dims);
        t.varint(2, INT64);
        t.packedVarints(7, data);                   // int64_data
        t.string(8, name);
        initializers.add(t);
        nodeInputs.add(name);
        return this;
    }

    /** An omitted optional input (the empty name), keeping later inputs in their positions. */
    OnnxModel absentInput() {
        nodeInputs.add("");
        return this;
    }

    /** The node's single output, shape left unknown (ONNX Runtime infers it). */
    OnnxModel output(String name) {
        return output(name, (int[]) null);
    }

    /** The node's single output with a declared shape (ONNX Runtime checks it). */
    OnnxModel output(String name, int... shape) {
        if (outputName != null) {
            throw new IllegalStateException("onnx: this builder writes one output; already have '" + outputName + "'");
        }
        requireNewName(name);
        this.outputName = name;
        this.outputShape = shape == null ? null : toLongs(shape);
        return this;
    }

    /** Names of the graph inputs that must be fed at run time, in order. */
    List<String> inputNames() {
        return List.copyOf(inputNames);
    }

    String outputName() {
        return outputName;
    }

    String opType() {
        return opType;
    }

    // ---------------------------------------------------------------- attributes

    /** INT attribute. */
    OnnxModel attr(String name, long value) {
        ProtoWriter a = attribute(name, ATTR_INT);
        a.varint(3, value);
        return this;
    }

    /** FLOAT attribute. */
    OnnxModel attr(String name, float value) {
        ProtoWriter a = attribute(name, ATTR_FLOAT);
        a.float32(2, value);
        return this;
    }

    /** STRING attribute (UTF-8 bytes). */
    OnnxModel attr(String name, String value) {
        ProtoWriter a = attribute(name, ATTR_STRING);
        a.string(4, value);
        return this;
    }

    /** INTS attribute. Written unpacked, as {@code repeated int64 ints = 8} is declared in proto2. */
    OnnxModel ints(String name, long... values) {
        ProtoWriter a = attribute(name, ATTR_INTS);
        a.repeatedVarints(8, values);
        return this;
    }

    /** INTS attribute from ints. */
    OnnxModel ints(String name, int... values) {
        return ints(name, Arrays.stream(values).asLongStream().toArray());
    }

    /** FLOATS attribute. Written unpacked, as {@code repeated float floats = 7} is declared in proto2. */
    OnnxModel floats(String name, float... values) {
        ProtoWriter a = attribute(name, ATTR_FLOATS);
        a.repeatedFloats(7, values);
        return this;
    }

    private ProtoWriter attribute(String name, int type) {
        if (attributeNames.contains(name)) {
            throw new IllegalArgumentException("onnx: attribute '" + name + "' set twice on " + opType);
        }
        attributeNames.add(name);
        ProtoWriter a = new ProtoWriter();
        a.string(1, name);
        a.varint(20, type);
        attributes.add(a);
        return a;
    }

    // ---------------------------------------------------------------- serialisation

    /** The serialised {@code ModelProto}. */
    byte[] toBytes() {
        if (outputName == null) {
            throw new IllegalStateException("onnx: " + opType + " model has no output; call output(name)");
        }
        ProtoWriter node = new ProtoWriter();
        for (String in : nodeInputs) {
            node.string(1, in);
        }
        node.string(2, outputName);
        node.string(3, opType.toLowerCase() + "_0");
        node.string(4, opType);
        for (ProtoWriter a : attributes) {
            node.message(5, a);
        }
        if (!domain.isEmpty()) {
            node.string(7, domain);
        }

        ProtoWriter graph = new ProtoWriter();
        graph.message(1, node);
        graph.string(2, "nucleon_" + opType.toLowerCase());
        for (ProtoWriter t : initializers) {
            graph.message(5, t);
        }
        for (ProtoWriter vi : graphInputs) {
            graph.message(11, vi);
        }
        graph.message(12, valueInfo(outputName, outputShape));

        ProtoWriter opsetId = new ProtoWriter();
        opsetId.string(1, "");
        opsetId.varint(2, opset);

        ProtoWriter model = new ProtoWriter();
        model.varint(1, IR_VERSION);
        model.string(2, PRODUCER);
        model.message(7, graph);
        model.message(8, opsetId);
        return model.toByteArray();
    }

    /** Writes the model to a file, for inspection with Netron or {@code onnx.checker}. */
    void writeTo(Path file) throws IOException {
        Files.write(file, toBytes());
    }

    /** {@code ValueInfoProto} of a float tensor; {@code shape == null} leaves the shape unknown. */
    private static ProtoWriter valueInfo(String name, long[] shape) {
        ProtoWriter tensorType = new ProtoWriter();
        tensorType.varint(1, FLOAT);                    // elem_type
        if (shape != null) {
            ProtoWriter shapeProto = new ProtoWriter();
            for (long d : shape) {
                shapeProto.message(1, new ProtoWriter().varint(1, d));   // dim { dim_value }
            }
            tensorType.message(2, shapeProto);          // shape
        }
        ProtoWriter type = new ProtoWriter();
        type.message(1, tensorType);                    // tensor_type
        ProtoWriter vi = new ProtoWriter();
        vi.string(1, name);
        vi.message(2, type);
        return vi;
    }

    private void requireNewName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("onnx: value names must be non-empty (use absentInput() for an omitted input)");
        }
        if (nodeInputs.contains(name) || name.equals(outputName)) {
            throw new IllegalArgumentException("onnx: value name '" + name + "' used twice in the " + opType + " model");
        }
    }

    static long[] toLongs(int[] a) {
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            if (a[i] < 0) {
                throw new IllegalArgumentException("onnx: negative dimension in " + Arrays.toString(a));
            }
            r[i] = a[i];
        }
        return r;
    }

    static long numel(long[] dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }
}
