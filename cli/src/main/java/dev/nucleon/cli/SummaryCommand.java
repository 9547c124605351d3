package dev.nucleon.cli;

import dev.nucleon.nn.ModelConfig;
import dev.nucleon.nn.Module;
import dev.nucleon.segmentation.networks.Presets;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nucleon summary PRESET [--base B] [--up tc|us] [--in-channels C] [--depth D] [--classes K] [--size H]}:
 * builds one of the papers' networks ({@link Presets}) and prints its Keras-style table — every layer with its
 * output shape for a (1, C, H, H) input and its weights — and the totals "Total params / Trainable params /
 * Non-trainable params" with thousands separators. {@code --size 0} skips the forward pass (shapes print as
 * "-"), for a count alone. Exit code 0 when printed; 2 (a usage error) for an unknown preset, an option the preset
 * does not take or refuses ({@code --base 0}), or an input size the network cannot handle (the message says why).
 */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = {"Print a network preset's layers, output shapes and weight counts (Keras-style).",
                "Presets: unet-bn (002), unet (004), unet-relu, unet-elu, unet-carving (000), unet-plusplus,"
                        + " unet-plus (004), resfcn (003), simple-cnn, resnet-fcn, mask-rcnn (001)."})
final class SummaryCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PRESET", completionCandidates = PresetNames.class,
            description = "The network: ${COMPLETION-CANDIDATES}.")
    String preset;

    @Option(names = "--list", description = "List the presets, one a line (name, paper, description), and exit.")
    boolean list;

    @Option(names = "--base", paramLabel = "B", description = "Filters of the first level (U-Net family).")
    Integer base;

    @Option(names = "--up", paramLabel = "tc|us",
            description = "unet-plus up-sampling: tc (transposed convolution, default) or us (repeat up-sampling).")
    String up;

    @Option(names = "--in-channels", paramLabel = "C", description = "Input channels (default: the paper's).")
    Integer inChannels;

    @Option(names = "--depth", paramLabel = "D",
            description = "resnet-fcn / mask-rcnn backbone depth (18, 34, 50, 101, 152; default 152 / 50);"
                    + " U-Net levels otherwise.")
    Integer depth;

    @Option(names = "--classes", paramLabel = "K", description = "Output classes, where the preset allows it.")
    Integer classes;

    @Option(names = "--size", paramLabel = "H",
            description = "Input height = width for the shapes (default: the paper's); 0 skips the forward pass.")
    Integer size;

    /** The preset names, for help and completion. */
    static final class PresetNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return new ArrayList<>(Presets.names()).iterator();
        }
    }

    @Override
    public Integer call() {
        if (list) {
            PrintWriter out = spec.commandLine().getOut();
            for (String name : Presets.names()) {
                Presets.Preset listed = Presets.get(name);
                out.println(name + " (paper " + listed.paper() + "): " + listed.description());
            }
            out.flush();
            return 0;
        }
        if (preset == null) {
            throw new ParameterException(spec.commandLine(), "give a PRESET, or --list to see them");
        }
        Presets.Preset p;
        ModelConfig config;
        Module net;
        Map<String, Object> options = new LinkedHashMap<>();
        put(options, Presets.IN_CHANNELS, inChannels);
        put(options, Presets.BASE, base);
        put(options, Presets.DEPTH, depth);
        put(options, Presets.UP, up);
        put(options, Presets.CLASSES, classes);
        try {
            p = Presets.get(preset);
            config = Presets.config(preset, options);
            net = Presets.build(config);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        int h = size == null ? p.size() : size;
        if (h < 0) {
            throw new ParameterException(spec.commandLine(), "--size must be >= 0, got " + h);
        }
        int c = p.inChannels(config);
        String table;
        try {
            table = h == 0 ? net.summary() : net.summary(1, c, h, h);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--size " + h + ": " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(p.name() + " (paper " + p.paper() + "): " + p.description());
        out.println("Options: " + (config.args().isEmpty() ? "defaults" : config.args().toString())
                + "; input " + (h == 0 ? "(None, " + c + ", H, W), no forward pass" : "(None, " + c + ", " + h + ", " + h + ")"));
        out.print(table);
        out.flush();
        return 0;
    }

    private static void put(Map<String, Object> options, String key, Object value) {
        if (value != null) {
            options.put(key, value);
        }
    }
}
