package dev.nucleon.benchmarks;

import dev.nucleon.core.ConvGeometry;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Serialised single-node ONNX models (ir_version 8, opset 17) for the convolution peers: a {@code Conv}
 * with the same geometry as a Nucleon {@link ConvGeometry}, and the {@code ConvTranspose} that computes
 * that convolution's backward-data pass. Weights (and bias) are graph initializers, so ONNX Runtime can
 * pre-pack them as it would for a real model; the graph input is {@code "x"}, the output {@code "y"}.
 *
 * <p>Field numbers are those of onnx.proto3 (ModelProto, GraphProto, NodeProto, AttributeProto,
 * TensorProto, ValueInfoProto, TypeProto).
 */
final class OnnxConvModel {

    private static final int FLOAT = 1;          // TensorProto.DataType.FLOAT
    private static final int ATTRIBUTE_INT = 2;  // AttributeProto.AttributeType.INT
    private static final int ATTRIBUTE_INTS = 7; // AttributeProto.AttributeType.INTS

    private OnnxConvModel() {
    }

    /** {@code y = Conv(x, w, bias)}: x (N, C_in, H, W) → y (N, C_out, H_out, W_out). */
    static byte[] conv(ConvGeometry g, float[] w, float[] bias) {
        ProtobufWriter node = node("Conv", g, bias != null ? new String[] {"x", "w", "b"} : new String[] {"x", "w"});
        ProtobufWriter graph = new ProtobufWriter()
                .message(1, node)
                .string(2, "conv")
                .message(5, tensor("w", g.weightShape(), w));
        if (bias != null) {
            graph.message(5, tensor("b", new int[] {g.outChannels()}, bias));
        }
        graph.message(11, valueInfo("x", g.inputShape()))
                .message(12, valueInfo("y", g.outputShape()));
        return model(graph);
    }

    /**
     * {@code y = ConvTranspose(x, w)} = the backward-data pass of conv {@code g}: x has g's output shape,
     * y has g's input shape. ONNX's ConvTranspose weight layout (C_in of the transpose, C_out/groups, kH, kW)
     * is exactly the conv's (C_out, C_in/groups, kH, kW), so the same array serves both.
     */
    static byte[] convTransposeOf(ConvGeometry g, float[] w) {
        ProtobufWriter node = node("ConvTranspose", g, new String[] {"x", "w"});
        int extraH = g.height() + 2 * g.padH() - g.dilationH() * (g.kernelH() - 1) - 1 - (g.outHeight() - 1) * g.strideH();
        int extraW = g.width() + 2 * g.padW() - g.dilationW() * (g.kernelW() - 1) - 1 - (g.outWidth() - 1) * g.strideW();
        node.message(5, ints("output_padding", extraH, extraW));
        ProtobufWriter graph = new ProtobufWriter()
                .message(1, node)
                .string(2, "conv_transpose")
                .message(5, tensor("w", g.weightShape(), w))
                .message(11, valueInfo("x", g.outputShape()))
                .message(12, valueInfo("y", g.inputShape()));
        return model(graph);
    }

    private static byte[] model(ProtobufWriter graph) {
        ProtobufWriter opset = new ProtobufWriter().string(1, "").varint(2, 17);
        return new ProtobufWriter()
                .varint(1, 8)                   // ir_version
                .string(2, "nucleon-benchmarks") // producer_name
                .message(7, graph)
                .message(8, opset)
                .toByteArray();
    }

    private static ProtobufWriter node(String opType, ConvGeometry g, String[] inputs) {
        ProtobufWriter node = new ProtobufWriter();
        for (String input : inputs) {
            node.string(1, input);
        }
        node.string(2, "y").string(3, opType.toLowerCase()).string(4, opType)
                .message(5, ints("kernel_shape", g.kernelH(), g.kernelW()))
                .message(5, ints("strides", g.strideH(), g.strideW()))
                .message(5, ints("pads", g.padH(), g.padW(), g.padH(), g.padW()))
                .message(5, ints("dilations", g.dilationH(), g.dilationW()))
                .message(5, new ProtobufWriter().string(1, "group").varint(20, ATTRIBUTE_INT).varint(3, g.groups()));
        return node;
    }

    private static ProtobufWriter ints(String name, long... values) {
        return new ProtobufWriter().string(1, name).varint(20, ATTRIBUTE_INTS).packedInt64(8, values);
    }

    private static ProtobufWriter tensor(String name, int[] shape, float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return new ProtobufWriter()
                .packedInt64(1, toLongs(shape))
                .varint(2, FLOAT)
                .string(8, name)
                .bytes(9, raw.array());
    }

    private static ProtobufWriter valueInfo(String name, int[] shape) {
        ProtobufWriter dims = new ProtobufWriter();
        for (int d : shape) {
            dims.message(1, new ProtobufWriter().varint(1, d));
        }
        ProtobufWriter tensorType = new ProtobufWriter().varint(1, FLOAT).message(2, dims);
        return new ProtobufWriter().string(1, name).message(2, new ProtobufWriter().message(1, tensorType));
    }

    private static long[] toLongs(int[] a) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }
}
