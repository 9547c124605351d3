package dev.nucleon.nn.onnx;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Epilogue;
import dev.nucleon.core.Shape;
import dev.nucleon.core.Tensor;
import dev.nucleon.core.UpsampleMode;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.Parameter;
import dev.nucleon.nn.io.AtomicFileWriter;
import dev.nucleon.nn.layers.BatchNorm2d;
import dev.nucleon.nn.layers.Conv2d;
import dev.nucleon.nn.layers.ConvTranspose2d;
import dev.nucleon.nn.layers.Dropout;
import dev.nucleon.nn.layers.ElementwiseActivation;
import dev.nucleon.nn.layers.Identity;
import dev.nucleon.nn.layers.MaxPool2d;
import dev.nucleon.nn.layers.AvgPool2d;
import dev.nucleon.nn.layers.Softmax;
import dev.nucleon.nn.layers.Upsample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exports a {@link Module} in inference mode to an ONNX model (opset 17, no dependencies).
 *
 * <p>The graph is traced: the module runs forward once on an example input while a {@link dev.nucleon.nn.ForwardHooks.ForwardHook}
 * turns each known layer (Conv2d, ConvTranspose2d, BatchNorm2d, ReLU, LeakyReLU, ELU, Sigmoid, Softmax, MaxPool2d,
 * AvgPool2d, Upsample, Dropout, Identity) into ONNX nodes, and an {@link Autograd.OpObserver} captures the core
 * ops a network does in its own code between layers (concat → Concat; add/sub/mul/div → Add/Sub/Mul/Div, with
 * tensors not produced by the graph stored as constants). Anything else fails with a message naming the op.
 * Control flow must not depend on the input's size beyond what the traced shapes show.
 *
 * <p>The model has one input {@code input} (N, C, H, W) with symbolic N, H and W and one output {@code output};
 * weights are initializers (raw little-endian floats) named after the module's parameters and buffers.
 */
public final class OnnxExporter {

    /** The ONNX opset the exported models declare. */
    public static final int OPSET = 17;
    private static final int IR_VERSION = 8;
    private static final int FLOAT = 1;

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
        Tensor y;
        try (var noGrad = Autograd.noGrad(); var observed = Autograd.observe(t::onOp)) {
            y = dev.nucleon.nn.ForwardHooks.with(t::around, () -> module.forward(example));
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
        model.message(8, new ProtoWriter().string(1, "").int64(2, OPSET));
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
        final Map<Tensor, String> names = new IdentityHashMap<>();
        final Map<Module, String> moduleNames = new IdentityHashMap<>();
        final List<ProtoWriter> nodes = new ArrayList<>();
        final List<ProtoWriter> initializers = new ArrayList<>();
        final java.util.Set<String> initNames = new java.util.HashSet<>();
        int inLayer;
        int counter;

        Tracer(Module root) {
            root.namedModules().forEach((n, m) -> moduleNames.put(m, n.isEmpty() ? "model" : n));
        }

        String name(Tensor t) {
            String n = names.get(t);
            if (n == null) {
                n = constant("const_" + counter++, t);
                names.put(t, n);
            }
            return n;
        }

        String fresh(String base) {
            return base + "_" + counter++;
        }

        String constant(String name, Tensor t) {
            float[] v = t.toArray();
            return constant(name, v, t.shape());
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

        String param(Module m, String local, Parameter p) {
            return constant(moduleNames.get(m) + "." + local, p.value());
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

        static boolean supported(Module m) {
            return m instanceof Conv2d || m instanceof ConvTranspose2d || m instanceof BatchNorm2d
                    || m instanceof ElementwiseActivation || m instanceof Softmax
                    || m instanceof MaxPool2d || m instanceof AvgPool2d || m instanceof Upsample || m instanceof Dropout
                    || m instanceof Identity;
        }

        Tensor around(Module m, Tensor x, java.util.function.Supplier<Tensor> compute) {
            if (inLayer > 0 || !supported(m)) {
                return compute.get();
            }
            String in = name(x);
            inLayer++;
            Tensor y;
            try {
                y = compute.get();
            } finally {
                inLayer--;
            }
            String out = fresh(moduleNames.getOrDefault(m, "layer"));
            emit(m, in, out);
            names.put(y, out);
            return y;
        }

        void emit(Module m, String in, String out) {
            Epilogue fused = m instanceof Conv2d c ? c.fusedActivation()
                    : m instanceof ConvTranspose2d t ? t.fusedActivation() : Epilogue.NONE;
            if (!fused.isNone()) { // conv, then the activation node the fusion replaced
                String conv = fresh(moduleNames.getOrDefault(m, "layer") + ".conv");
                emitLayer(m, in, conv);
                activation(fused, conv, out);
            } else {
                emitLayer(m, in, out);
            }
        }

        /** The ONNX node of an activation. */
        void activation(Epilogue f, String in, String out) {
            String[] i = {in};
            String[] o = {out};
            switch (f.op()) {
                case RELU -> node("Relu", i, o, null);
                case LEAKY_RELU -> node("LeakyRelu", i, o, new ProtoWriter[] {floatAttr("alpha", f.p1())});
                case ELU -> node("Elu", i, o, new ProtoWriter[] {floatAttr("alpha", f.p1())});
                case SIGMOID -> node("Sigmoid", i, o, null);
                case TANH -> node("Tanh", i, o, null);
                default -> throw new IllegalStateException("no ONNX node for activation " + f);
            }
        }

        void emitLayer(Module m, String in, String out) {
            String[] o = {out};
            if (m instanceof Conv2d c) {
                List<String> ins = new ArrayList<>(List.of(in, param(c, "weight", c.weight())));
                if (c.bias() != null) {
                    ins.add(param(c, "bias", c.bias()));
                }
                ProtoWriter pads = c.samePadding() ? stringAttr("auto_pad", "SAME_UPPER")
                        : ints("pads", c.padding(), c.padding(), c.padding(), c.padding());
                node("Conv", ins.toArray(new String[0]), o, new ProtoWriter[] {
                    ints("kernel_shape", c.kernel(), c.kernel()), ints("strides", c.stride(), c.stride()),
                    ints("dilations", c.dilation(), c.dilation()), intAttr("group", c.groups()), pads});
            } else if (m instanceof ConvTranspose2d c) {
                List<String> ins = new ArrayList<>(List.of(in, param(c, "weight", c.weight())));
                if (c.bias() != null) {
                    ins.add(param(c, "bias", c.bias()));
                }
                node("ConvTranspose", ins.toArray(new String[0]), o, new ProtoWriter[] {
                    ints("kernel_shape", c.kernel(), c.kernel()), ints("strides", c.stride(), c.stride()),
                    ints("dilations", c.dilation(), c.dilation()), intAttr("group", c.groups()),
                    ints("pads", c.padding(), c.padding(), c.padding(), c.padding()),
                    ints("output_padding", c.outputPadding(), c.outputPadding())});
            } else if (m instanceof BatchNorm2d b) {
                String prefix = moduleNames.get(b);
                node("BatchNormalization", new String[] {in, param(b, "weight", b.weight()), param(b, "bias", b.bias()),
                    constant(prefix + ".running_mean", b.runningMean().value()),
                    constant(prefix + ".running_var", b.runningVar().value())}, o,
                    new ProtoWriter[] {floatAttr("epsilon", b.eps())});
            } else if (m instanceof ElementwiseActivation a) {
                activation(a.epilogue(), in, out);
            } else if (m instanceof Softmax s) {
                node("Softmax", new String[] {in}, o, new ProtoWriter[] {intAttr("axis", s.dim())});
            } else if (m instanceof MaxPool2d p) {
                node("MaxPool", new String[] {in}, o, new ProtoWriter[] {ints("kernel_shape", p.kernel(), p.kernel()),
                    ints("strides", p.stride(), p.stride()), ints("pads", p.padding(), p.padding(), p.padding(), p.padding())});
            } else if (m instanceof AvgPool2d p) {
                node("AveragePool", new String[] {in}, o, new ProtoWriter[] {ints("kernel_shape", p.kernel(), p.kernel()),
                    ints("strides", p.stride(), p.stride()), ints("pads", p.padding(), p.padding(), p.padding(), p.padding()),
                    intAttr("count_include_pad", p.countIncludePad() ? 1 : 0)});
            } else if (m instanceof Upsample u) {
                float f = u.factor();
                String scales = constant("scales_" + u.factor(), new float[] {1f, 1f, f, f}, new int[] {4});
                ProtoWriter[] attrs = u.mode() == UpsampleMode.NEAREST
                        ? new ProtoWriter[] {stringAttr("mode", "nearest"),
                            stringAttr("coordinate_transformation_mode", "asymmetric"), stringAttr("nearest_mode", "floor")}
                        : new ProtoWriter[] {stringAttr("mode", "linear"),
                            stringAttr("coordinate_transformation_mode", "half_pixel")};
                node("Resize", new String[] {in, "", scales}, o, attrs);
            } else { // Dropout (eval), Identity
                node("Identity", new String[] {in}, o, null);
            }
        }

        void onOp(String op, Tensor output, Tensor[] inputs) {
            if (inLayer > 0) {
                return;
            }
            String onnx = switch (op) {
                case "add" -> "Add";
                case "sub" -> "Sub";
                case "mul" -> "Mul";
                case "div" -> "Div";
                case "concat" -> "Concat";
                default -> throw new UnsupportedOperationException("ONNX export: op '" + op
                        + "' outside a supported layer is not supported (layers: Conv2d, ConvTranspose2d, BatchNorm2d, "
                        + "activations, pooling, Upsample, Dropout, Identity; between layers: concat, add, sub, mul, div)");
            };
            String[] in = new String[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                in[i] = name(inputs[i]);
            }
            String out = fresh(op);
            if (onnx.equals("Concat")) {
                int axis = concatAxis(output, inputs);
                node("Concat", in, new String[] {out}, new ProtoWriter[] {intAttr("axis", axis)});
            } else {
                node(onnx, in, new String[] {out}, null);
            }
            names.put(output, out);
        }

        static int concatAxis(Tensor output, Tensor[] inputs) {
            int[] os = output.shape();
            for (int a = 0; a < os.length; a++) {
                int sum = 0;
                boolean othersEqual = true;
                for (Tensor t : inputs) {
                    sum += t.shape()[a];
                    for (int b = 0; b < os.length; b++) {
                        if (b != a && t.shape()[b] != os[b]) {
                            othersEqual = false;
                        }
                    }
                }
                boolean differs = false;
                for (Tensor t : inputs) {
                    differs |= t.shape()[a] != os[a];
                }
                if (sum == os[a] && othersEqual && (inputs.length == 1 || differs)) {
                    return a;
                }
            }
            return 1;
        }
    }
}
