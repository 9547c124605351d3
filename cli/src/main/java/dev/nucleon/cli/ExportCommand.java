package dev.nucleon.cli;

import dev.nucleon.nn.io.SafeTensors;
import dev.nucleon.nn.onnx.OnnxExporter;
import dev.nucleon.segmentation.inference.Predictor;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.Callable;

import dev.nucleon.core.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code nucleon export --model FILE|PRESET [--base B] [--up tc|us] --onnx OUT.onnx [--size H]}: writes the network
 * in inference mode as an ONNX model (opset 17; input {@code input} (N, C, H, W) with symbolic N, H, W; output
 * {@code output}). A preset gets fresh weights (seed 42). The file is written atomically.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export a model file or a preset (fresh seeded weights) to ONNX (opset 17, dynamic N/H/W).")
final class ExportCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE|PRESET",
            description = "A model file (nucleon train's output) or a preset name (see nucleon summary).")
    String model;

    @Option(names = "--base", paramLabel = "B", description = "Preset: filters of the first level.")
    Integer base;

    @Option(names = "--up", paramLabel = "tc|us", description = "unet-plus up-sampling: tc or us.")
    String up;

    @Option(names = "--onnx", required = true, paramLabel = "OUT.onnx", description = "The ONNX file to write.")
    Path onnx;

    @Option(names = "--size", paramLabel = "H", defaultValue = "256",
            description = "Height = width of the example input the graph is traced on (default ${DEFAULT-VALUE}).")
    int size;

    @Override
    public Integer call() throws Exception {
        if (size < 1) {
            throw new ParameterException(spec.commandLine(), "--size must be >= 1, got " + size);
        }
        ModelSource src;
        try {
            src = ModelSource.resolve(model, base, up);
        } catch (ModelSource.BadOption e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Random r = new Random(1);
        float[] v = new float[src.inChannels * size * size];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat();
        }
        OnnxExporter.export(src.model, Tensor.of(v, 1, src.inChannels, size, size), onnx);
        PrintWriter out = spec.commandLine().getOut();
        out.println("Wrote " + onnx + " (" + src.label + ", ONNX opset " + OnnxExporter.OPSET + ", input (N, "
                + src.inChannels + ", H, W), " + Files.size(onnx) + " bytes)");
        Path file = Path.of(model);
        String colour = Files.isRegularFile(file)
                ? SafeTensors.read(file).metadata().get(Predictor.META_COLOUR_MODEL) : null;
        if (colour != null) { // the pair is two networks: say so rather than leave colour images to the wrong one
            out.println("Note: " + model + " hands colour images to its colour model " + colour.trim()
                    + ", a separate network not in this graph: export it with --model "
                    + file.resolveSibling(colour.trim()));
        }
        out.flush();
        return 0;
    }
}
