package dev.nucleon.nn.onnx;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.backend.ConvGeometry;
import dev.nucleon.core.backend.Epilogue;
import dev.nucleon.core.Op;
import dev.nucleon.core.backend.PoolGeometry;
import dev.nucleon.core.Shape;
import dev.nucleon.core.Tensor;
import dev.nucleon.core.backend.UnaryOp;
import dev.nucleon.core.backend.UpsampleMode;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.io.AtomicFileWriter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exports a {@link Module} in inference mode to an ONNX model (opset {@value #OPSET}, or the first opset that has
 * every node used, e.g. 20 for GELU; no dependencies).
 *
 * <p>The graph is traced: the module runs forward once on an example input while an {@link Autograd.OpObserver}
 * sees every op as its typed {@link Op} record and writes the ONNX node that record describes — convolutions with
 * their geometry (and fused activation), batch norm, the activations of the {@link UnaryOp} table (each row names
 * its ONNX node), pooling, up-sampling, softmax, concat with its axis, pad and the broadcast arithmetic. An op whose
 * inputs all come from outside the traced graph (weights, running statistics, constants derived from them) is not
 * written: its inputs are stored as initializers where a graph op reads them, named after the module's parameters
 * and buffers. Anything else fails with a message naming the op. Control flow and padding must not depend on the
 * input's size beyond what the traced shapes show (a {@code Conv2d} with 'same' padding and stride &gt; 1 pads by
 * the traced size's parity).
 *
 * <p>The model has one input {@code input} (N, C, H, W) with symbolic N, H and W and one output {@code output};
 * weights are initializers (raw little-endian floats).
 */
public final class OnnxExporter {

    /** The ONNX opset the exported models declare, unless a node needs a later one (see {@link UnaryOp.Onnx}). */
    public static final int OPSET = 17;
    private static final int IR_VERSION = 8;
    private static final int FLOAT = 1;
    private static final int INT64 = 7;

    private OnnxExporter() {
    }

    /**
     * {@return serialised ONNX model of {@code module} (which must be in eval mode) traced on {@code example}}
     *
     * @param module  the model, in eval mode
     * @param example an input (N, C, H, W) to trace the forward pass on (its values do not matter)
     * @throws IllegalStateException when the module is in training mode
     * @throws IllegalArgumentException when {@code example} is not (N, C, H, W)
     * @throws UnsupportedOperationException when the model uses an op ONNX export does not know (naming it)
     */
    public static byte[] export(Module module, Tensor example) {
        if (module.isTraining()) {
            throw new IllegalStateException("ONNX export: put the module in eval mode first (module.eval())");
        }
        if (example.rank() != 4) {
            throw new IllegalArgumentException("ONNX export: example input must be (N, C, H, W), got " + Shape.str(example.shape()));
        }
        Tracer t = new Tracer(module);
        t.names.put(example, "input");
        t.traced.add(example);
        Tensor y;
        try (var noGrad = Autograd.noGrad(); var observed = Autograd.observe(t::onOp)) {
            y = module.forward(example);
        }
        ProtoWriter graph = new ProtoWriter();
        t.node("Identity", new String[] {t.name(y)}, new String[] {"output"}, null);
        for (ProtoWriter n : t.nodes) {
            graph.message(1, n);
        }
        graph.string(2, "nucleon");
        for (ProtoWriter init : t.initializers) {
            graph.message(5, init);
        }
        graph.message(11, valueInfo("input", new Object[] {"N", example.shape()[1], "H", "W"}));
        int[] ys = y.shape();
        Object[] outDims = new Object[ys.length];
        for (int i = 0; i < ys.length; i++) {
            outDims[i] = i == 0 ? "N" : ys.length == 4 && i >= 2 ? "out_" + (i == 2 ? "H" : "W") : (Object) ys[i];
        }
        graph.message(12, valueInfo("output", outDims));
        ProtoWriter model = new ProtoWriter();
        model.int64(1, IR_VERSION);
        model.string(2, "nucleon");
        model.message(7, graph);
        model.message(8, new ProtoWriter().string(1, "").int64(2, t.opset));
        return model.toByteArray();
    }

    /**
     * Writes {@link #export} to {@code path} atomically ({@link AtomicFileWriter}: a temporary file in the same folder,
     * synced, then renamed), readable as a new file is: rw-r--r--, or the permissions of the file it replaces.
     *
     * @param module  the model, in eval mode
     * @param example an input (N, C, H, W) to trace the forward pass on
     * @param path    the target {@code .onnx} file
     * @throws IOException when the file cannot be written (the target is then unchanged)
     */
    public static void export(Module module, Tensor example, Path path) throws IOException {
        byte[] bytes = export(module, example);
        AtomicFileWriter.write(path, tmp -> Files.write(tmp, bytes));
    }

    private static ProtoWriter valueInfo(String name, Object[] dims) {
        ProtoWriter shape = new ProtoWriter();
        for (Object d : dims) {
            ProtoWriter dim = new ProtoWriter();
            if (d instanceof String s) {
                dim.string(2, s);
            } else {
                dim.int64(1, (Integer) d);
            }
            shape.message(1, dim);
        }
        ProtoWriter tensorType = new ProtoWriter().int64(1, FLOAT).message(2, shape);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
    }

    private static final class Tracer {
        /** Every tensor the graph reads, by ONNX name: traced values and initializers. */
        final Map<Tensor, String> names = new IdentityHashMap<>();
        /** The traced values: the input and the outputs of the ops written so far. */
        final java.util.Set<Tensor> traced = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        /** The module's parameters and buffers, by tensor: their initializer names. */
        final Map<Tensor, String> stateNames = new IdentityHashMap<>();
        final List<ProtoWriter> nodes = new ArrayList<>();
        final List<ProtoWriter> initializers = new ArrayList<>();
        final java.util.Set<String> initNames = new java.util.HashSet<>();
        int opset = OPSET;
        int counter;

        Tracer(Module root) {
            root.namedParameters().forEach((n, p) -> stateNames.put(p.value(), n));
            root.namedBuffers().forEach((n, b) -> stateNames.put(b.value(), n));
        }

        /** The name of a tensor the graph reads: a traced tensor's, else an initializer's (created on first use). */
        String name(Tensor t) {
            String n = names.get(t);
            if (n == null) {
                String state = stateNames.get(t);
                n = constant(state != null ? state : "const_" + counter++, t.toArray(), t.shape());
                names.put(t, n);
            }
            return n;
        }

        String fresh(String base) {
            return base + "_" + counter++;
        }

        String constant(String name, float[] v, int[] shape) {
            if (initNames.add(name)) {
                ProtoWriter init = new ProtoWriter();
                for (int d : shape) {
                    init.int64(1, d);
                }
                init.int64(2, FLOAT);
                init.string(8, name);
                init.bytes(9, ProtoWriter.rawFloats(v));
                initializers.add(init);
            }
            return name;
        }

        String constantInt64(String name, long[] v) {
            if (initNames.add(name)) {
                ByteBuffer raw = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                for (long x : v) {
                    raw.putLong(x);
                }
                initializers.add(new ProtoWriter().int64(1, v.length).int64(2, INT64).string(8, name).bytes(9, raw.array()));
            }
            return name;
        }

        void node(String op, String[] in, String[] out, ProtoWriter[] attrs) {
            ProtoWriter n = new ProtoWriter();
            for (String i : in) {
                n.string(1, i);
            }
            for (String o : out) {
                n.string(2, o);
            }
            n.string(3, out[0] + "_" + op);
            n.string(4, op);
            if (attrs != null) {
                for (ProtoWriter a : attrs) {
                    n.message(5, a);
                }
            }
            nodes.add(n);
        }

        static ProtoWriter ints(String name, int... v) {
            ProtoWriter a = new ProtoWriter().string(1, name);
            for (int x : v) {
                a.int64(8, x);
            }
            return a.int64(20, 7);
        }

        static ProtoWriter intAttr(String name, long v) {
            return new ProtoWriter().string(1, name).int64(3, v).int64(20, 2);
        }

        static ProtoWriter floatAttr(String name, float v) {
            return new ProtoWriter().string(1, name).float32(2, v).int64(20, 1);
        }

        static ProtoWriter stringAttr(String name, String v) {
            return new ProtoWriter().string(1, name).string(4, v).int64(20, 3);
        }

        /** One traced op: written as its ONNX node(s) when it reads the traced graph, skipped when it is constant. */
        void onOp(Op op, Tensor output, Tensor[] inputs) {
            boolean readsGraph = false;
            for (Tensor t : inputs) {
                readsGraph |= t != null && traced.contains(t);
            }
            if (!readsGraph) {
                return; // a constant (e.g. 1/sqrt(running variance + eps)): its result is stored if the graph reads it
            }
            String out = fresh(op.name());
            emit(op, inputs, out);
            names.put(output, out);
            traced.add(output);
        }

        void emit(Op op, Tensor[] inputs, String out) {
            String[] o = {out};
            String x = name(inputs[0]);
            if (op instanceof Op.Unary u) {
                unary(u.op(), u.p1(), u.p2(), x, out);
            } else if (op instanceof Op.Binary b) {
                String onnx = switch (b.op()) {
                    case ADD -> "Add";
                    case SUB -> "Sub";
                    case MUL -> "Mul";
                    case DIV -> "Div";
                    default -> throw unsupported(op);
                };
                node(onnx, new String[] {x, name(inputs[1])}, o, null);
            } else if (op instanceof Op.Conv2d c) {
                ConvGeometry g = c.geometry();
                String conv = c.epilogue().isNone() ? out : fresh("conv2d");
                node("Conv", weights(x, inputs), new String[] {conv}, new ProtoWriter[] {
                    ints("kernel_shape", g.kernelH(), g.kernelW()), ints("strides", g.strideH(), g.strideW()),
                    ints("dilations", g.dilationH(), g.dilationW()), intAttr("group", g.groups()),
                    ints("pads", g.padH(), g.padW(), g.padH(), g.padW())});
                epilogue(c.epilogue(), conv, out);
            } else if (op instanceof Op.ConvTranspose2d c) {
                ConvGeometry g = c.geometry();
                String conv = c.epilogue().isNone() ? out : fresh("conv_transpose2d");
                node("ConvTranspose", weights(x, inputs), new String[] {conv}, new ProtoWriter[] {
                    ints("kernel_shape", g.kernelH(), g.kernelW()), ints("strides", g.strideH(), g.strideW()),
                    ints("dilations", g.dilationH(), g.dilationW()), intAttr("group", g.groups()),
                    ints("pads", g.padH(), g.padW(), g.padH(), g.padW()),
                    ints("output_padding", c.outputPadH(), c.outputPadW())});
                epilogue(c.epilogue(), conv, out);
            } else if (op instanceof Op.BatchNorm2d bn) {
                if (bn.training()) {
                    throw unsupported(op);
                }
                int c = inputs[0].shape()[1];
                String scale = inputs[3] != null ? name(inputs[3]) : constant(fresh("ones"), filled(c, 1f), new int[] {c});
                String shift = inputs[4] != null ? name(inputs[4]) : constant(fresh("zeros"), filled(c, 0f), new int[] {c});
                node("BatchNormalization", new String[] {x, scale, shift, name(inputs[1]), name(inputs[2])}, o,
                        new ProtoWriter[] {floatAttr("epsilon", bn.eps())});
            } else if (op instanceof Op.MaxPool2d p) {
                PoolGeometry g = p.geometry();
                node("MaxPool", new String[] {x}, o, new ProtoWriter[] {ints("kernel_shape", g.kernelH(), g.kernelW()),
                    ints("strides", g.strideH(), g.strideW()), ints("pads", g.padH(), g.padW(), g.padH(), g.padW())});
            } else if (op instanceof Op.AvgPool2d p) {
                PoolGeometry g = p.geometry();
                node("AveragePool", new String[] {x}, o, new ProtoWriter[] {ints("kernel_shape", g.kernelH(), g.kernelW()),
                    ints("strides", g.strideH(), g.strideW()), ints("pads", g.padH(), g.padW(), g.padH(), g.padW()),
                    intAttr("count_include_pad", g.countIncludePad() ? 1 : 0)});
            } else if (op instanceof Op.Upsample u) {
                float f = u.factor();
                String scales = constant("scales_" + u.factor(), new float[] {1f, 1f, f, f}, new int[] {4});
                ProtoWriter[] attrs = u.mode() == UpsampleMode.NEAREST
                        ? new ProtoWriter[] {stringAttr("mode", "nearest"),
                            stringAttr("coordinate_transformation_mode", "asymmetric"), stringAttr("nearest_mode", "floor")}
                        : new ProtoWriter[] {stringAttr("mode", "linear"),
                            stringAttr("coordinate_transformation_mode", "half_pixel")};
                node("Resize", new String[] {x, "", scales}, o, attrs);
            } else if (op instanceof Op.Softmax sm) {
                node(sm.log() ? "LogSoftmax" : "Softmax", new String[] {x}, o, new ProtoWriter[] {intAttr("axis", sm.axis())});
            } else if (op instanceof Op.Concat c) {
                String[] in = new String[inputs.length];
                for (int i = 0; i < inputs.length; i++) {
                    in[i] = name(inputs[i]);
                }
                node("Concat", in, o, new ProtoWriter[] {intAttr("axis", c.axis())});
            } else if (op instanceof Op.Pad p) {
                int rank = p.before().length;
                long[] pads = new long[2 * rank];
                for (int d = 0; d < rank; d++) {
                    pads[d] = p.before()[d];
                    pads[rank + d] = p.after()[d];
                }
                String padsName = constantInt64(fresh("pads"), pads);
                String value = constant(fresh("pad_value"), new float[] {p.value()}, new int[0]);
                node("Pad", new String[] {x, padsName, value}, o, new ProtoWriter[] {stringAttr("mode", "constant")});
            } else {
                throw unsupported(op);
            }
        }

        /** Conv inputs: x, the weight and the bias when present. */
        String[] weights(String x, Tensor[] inputs) {
            List<String> in = new ArrayList<>(List.of(x, name(inputs[1])));
            if (inputs[2] != null) {
                in.add(name(inputs[2]));
            }
            return in.toArray(new String[0]);
        }

        /** The activation a convolution applied as its epilogue, as the node after it (none for NONE). */
        void epilogue(Epilogue e, String conv, String out) {
            if (!e.isNone()) {
                unary(e.op(), e.p1(), 0f, conv, out);
            }
        }

        /** The ONNX node of a row of the {@link UnaryOp} table, as the row's {@link UnaryOp#onnx()} says. */
        void unary(UnaryOp op, float p1, float p2, String in, String out) {
            UnaryOp.Onnx onnx = op.onnx();
            if (onnx == null) {
                throw new UnsupportedOperationException("ONNX export: unary op " + op.label() + " has no ONNX node");
            }
            opset = Math.max(opset, onnx.sinceOpset());
            List<String> ins = new ArrayList<>(List.of(in));
            float[] parameters = {p1, p2};
            for (int i = 0; i < onnx.parameterInputs(); i++) {
                ins.add(constant(fresh(op.label() + "_p" + (i + 1)), new float[] {parameters[i]}, new int[0]));
            }
            List<ProtoWriter> attrs = new ArrayList<>();
            if (onnx.p1Attribute() != null) {
                attrs.add(floatAttr(onnx.p1Attribute(), p1));
            }
            onnx.attributes().forEach((k, v) -> attrs.add(stringAttr(k, v)));
            node(onnx.op(), ins.toArray(new String[0]), new String[] {out}, attrs.toArray(new ProtoWriter[0]));
        }

        static float[] filled(int n, float v) {
            float[] a = new float[n];
            java.util.Arrays.fill(a, v);
            return a;
        }

        static UnsupportedOperationException unsupported(Op op) {
            return new UnsupportedOperationException("ONNX export: op '" + op.name() + "' is not supported (supported: "
                    + "conv2d, conv_transpose2d, batch_norm2d in eval mode, the activations and elementwise functions of "
                    + "UnaryOp that name an ONNX node, max/avg pooling, upsample, softmax, log_softmax, concat, pad, "
                    + "add, sub, mul, div)");
        }
    }
}
