package dev.nucleon.nn;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Device;
import dev.nucleon.core.Tensor;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** {@link Module#summary(int...)}: a dry forward pass watched by a {@link ForwardHooks hook}, then the Keras-style table. */
final class Summary {

    private Summary() {
    }

    /** The table for {@code root}, output shapes from a pass on zeros of {@code inputShape} (none when empty). */
    @SuppressWarnings("try") // the no-grad scope is used only for its effect
    static String of(Module root, int... inputShape) {
        Map<Module, int[]> shapes = new IdentityHashMap<>();
        List<Module> order = new ArrayList<>();
        if (inputShape.length > 0) {
            Device device = root.device();
            Map<Module, Boolean> modes = new java.util.LinkedHashMap<>();
            root.namedModules().values().forEach(m -> modes.put(m, m.isTraining()));
            ForwardHooks.ForwardHook record = (m, x, compute) -> {
                Tensor y = compute.get();
                if (!shapes.containsKey(m)) { // in the order modules first return
                    shapes.put(m, y.shape());
                    order.add(m);
                }
                return y;
            };
            try (var scope = Autograd.noGrad()) {
                root.eval();
                ForwardHooks.with(record, () -> root.forward(Tensor.zeros(inputShape).to(device)));
            } finally {
                modes.forEach((m, mode) -> m.train(mode)); // parents before children: each ends in its own mode
            }
        }
        return render(root, shapes, order);
    }

    private record Row(String layer, String shape, String params) {
    }

    static String render(Module root, Map<Module, int[]> shapes, List<Module> callOrder) {
        Map<String, Module> named = root.namedModules();
        Map<Module, String> names = new IdentityHashMap<>();
        named.forEach((name, m) -> names.put(m, name));
        List<Module> listed = new ArrayList<>();
        for (Module m : callOrder) {
            if (names.containsKey(m) && isLayer(m, root)) {
                listed.add(m);
            }
        }
        for (Module m : named.values()) {
            if (isLayer(m, root) && !shapes.containsKey(m)) {
                listed.add(m);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Module m : listed) {
            String name = names.get(m);
            String layer = (name.isEmpty() ? "(root)" : name) + " (" + m.typeName() + ")";
            int[] shape = shapes.get(m);
            rows.add(new Row(layer, shape == null ? "-" : shapeText(shape),
                    ParameterCount.withSeparators(m.localParameterElements())));
        }
        int w1 = "Layer (type)".length();
        int w2 = "Output Shape".length();
        int w3 = "Param #".length();
        for (Row r : rows) {
            w1 = Math.max(w1, r.layer.length());
            w2 = Math.max(w2, r.shape.length());
            w3 = Math.max(w3, r.params.length());
        }
        w1 += 4;
        w2 += 4;
        int width = 1 + w1 + w2 + w3;
        ParameterCount count = root.parameterCount();
        StringBuilder sb = new StringBuilder();
        sb.append("Model: \"").append(root.typeName()).append("\"\n");
        sb.append("_".repeat(width)).append('\n');
        sb.append(line("Layer (type)", "Output Shape", "Param #", w1, w2)).append('\n');
        sb.append("=".repeat(width)).append('\n');
        for (Row r : rows) {
            sb.append(line(r.layer, r.shape, r.params, w1, w2)).append('\n');
        }
        sb.append("=".repeat(width)).append('\n');
        sb.append(count).append('\n');
        sb.append("_".repeat(width)).append('\n');
        return sb.toString();
    }

    /** A row of the table: modules without children, and any module holding its own parameters or buffers. */
    private static boolean isLayer(Module m, Module root) {
        return (m.children().isEmpty() && m != root) || m.localParameterElements() > 0
                || (m == root && m.children().isEmpty());
    }

    private static String line(String a, String b, String c, int w1, int w2) {
        return " " + pad(a, w1) + pad(b, w2) + c;
    }

    private static String pad(String s, int w) {
        return s + " ".repeat(Math.max(1, w - s.length()));
    }

    /** (None, C, H, W): the batch axis is left open, as Keras prints it. */
    static String shapeText(int[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int d = 0; d < shape.length; d++) {
            if (d > 0) {
                sb.append(", ");
            }
            sb.append(d == 0 ? "None" : String.valueOf(shape[d]));
        }
        return sb.append(')').toString();
    }
}
