package dev.nucleon.benchmarks;

import dev.nucleon.core.backend.ConvGeometry;
import dev.nucleon.nn.onnx.ProtoWriter;


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
        ProtoWriter node = node("Conv", g, bias != null ? new String[] {"x", "w", "b"} : new String[] {"x", "w"});
        ProtoWriter graph = new ProtoWriter()
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
        ProtoWriter node = node("ConvTranspose", g, new String[] {"x", "w"});
        int extraH = g.height() + 2 * g.padH() - g.dilationH() * (g.kernelH() - 1) - 1 - (g.outHeight() - 1) * g.strideH();
        int extraW = g.width() + 2 * g.padW() - g.dilationW() * (g.kernelW() - 1) - 1 - (g.outWidth() - 1) * g.strideW();
        node.message(5, ints("output_padding", extraH, extraW));
        ProtoWriter graph = new ProtoWriter()
                .message(1, node)
                .string(2, "conv_transpose")
                .message(5, tensor("w", g.weightShape(), w))
                .message(11, valueInfo("x", g.outputShape()))
                .message(12, valueInfo("y", g.inputShape()));
        return model(graph);
    }

    private static byte[] model(ProtoWriter graph) {
        ProtoWriter opset = new ProtoWriter().string(1, "").int64(2, 17);
        return new ProtoWriter()
                .int64(1, 8)                   // ir_version
                .string(2, "nucleon-benchmarks") // producer_name
                .message(7, graph)
                .message(8, opset)
                .toByteArray();
    }

    private static ProtoWriter node(String opType, ConvGeometry g, String[] inputs) {
        ProtoWriter node = new ProtoWriter();
        for (String input : inputs) {
            node.string(1, input);
        }
        node.string(2, "y").string(3, opType.toLowerCase()).string(4, opType)
                .message(5, ints("kernel_shape", g.kernelH(), g.kernelW()))
                .message(5, ints("strides", g.strideH(), g.strideW()))
                .message(5, ints("pads", g.padH(), g.padW(), g.padH(), g.padW()))
                .message(5, ints("dilations", g.dilationH(), g.dilationW()))
                .message(5, new ProtoWriter().string(1, "group").int64(20, ATTRIBUTE_INT).int64(3, g.groups()));
        return node;
    }

    private static ProtoWriter ints(String name, long... values) {
        ProtoWriter attribute = new ProtoWriter().string(1, name).int64(20, ATTRIBUTE_INTS);
        for (long v : values) {
            attribute.int64(8, v);
        }
        return attribute;
    }

    private static ProtoWriter tensor(String name, int[] shape, float[] values) {
        ProtoWriter tensor = new ProtoWriter();
        for (int d : shape) {
            tensor.int64(1, d);
        }
        return tensor.int64(2, FLOAT).string(8, name).bytes(9, ProtoWriter.rawFloats(values));
    }

    private static ProtoWriter valueInfo(String name, int[] shape) {
        ProtoWriter dims = new ProtoWriter();
        for (int d : shape) {
            dims.message(1, new ProtoWriter().int64(1, d));
        }
        ProtoWriter tensorType = new ProtoWriter().int64(1, FLOAT).message(2, dims);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
    }
}
