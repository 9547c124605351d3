package dev.nucleon.segmentation.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.nucleon.core.Autograd;
import dev.nucleon.core.Tensor;
import dev.nucleon.core.cpu.CpuBackend;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.layers.BatchNorm2d;
import dev.nucleon.nn.onnx.OnnxExporter;
import dev.nucleon.segmentation.inference.LayerFusion;
import dev.nucleon.segmentation.networks.Presets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exported presets (fresh seeded weights, eval mode) give ONNX Runtime the same output as our forward pass. */
class PresetOnnxExportTest {

    static Tensor random(long seed, int... shape) {
        Random r = new Random(seed);
        float[] v = new float[Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Tensor.of(v, shape);
    }

    /** (preset, base or null, up mode or resnet-fcn depth or null) of every network. */
    static Stream<Arguments> presets() {
        return Stream.of(Arguments.of("unet", 8, null), Arguments.of("unet-bn", 8, null),
                Arguments.of("unet-plus", 8, "tc"), Arguments.of("unet-plus", 8, "us"), Arguments.of("unet-elu", 8, null),
                Arguments.of("unet-relu", 8, null), Arguments.of("unet-carving", 8, null),
                Arguments.of("unet-plusplus", 8, null), Arguments.of("resfcn", null, null),
                Arguments.of("simple-cnn", null, null), Arguments.of("resnet-fcn", null, "18"));
    }

    /** A preset with fresh weights (seed 42) and non-trivial batch-norm statistics, in eval mode. */
    static Module build(String preset, Integer base, String up) {
        Map<String, Object> options = new HashMap<>();
        if (base != null) {
            options.put("base", base);
        }
        options.put("in_channels", 1);
        if (preset.equals("resnet-fcn")) {
            options.put("depth", Integer.parseInt(up));
        } else if (up != null) {
            options.put("up", up);
        }
        Module model = Presets.build(preset, options);
        model.initialize(42);
        for (Module m : model.namedModules().values()) {
            if (m instanceof BatchNorm2d b) {
                int c = b.runningMean().shape()[0];
                b.runningMean().assign(random(7, c));
                float[] v = random(8, c).toArray();
                for (int i = 0; i < v.length; i++) {
                    v[i] = 0.5f + Math.abs(v[i]);
                }
                b.runningVar().assign(Tensor.of(v, c));
            }
        }
        return model.eval();
    }

    @ParameterizedTest
    @MethodSource("presets")
    void matchesOnnxRuntime(String preset, Integer base, String up) throws Exception {
        checkAgainstOnnxRuntime(preset, build(preset, base, up));
    }

    /**
     * After the inference rewrites ({@link LayerFusion#forInference}: batch norm folded, activations fused,
     * up-sampling + 2×2 conv as a transposed conv, activations released once consumed) a preset computes what it
     * computed before, on a first pass and on a second one that reuses the released memory, and its export
     * (conv + activation nodes, ConvTranspose with output padding) still runs in ONNX Runtime to the same output.
     */
    @ParameterizedTest
    @MethodSource("presets")
    void inferenceRewritesKeepTheFunctionAndTheExport(String preset, Integer base, String up) throws Exception {
        Module plain = build(preset, base, up);
        Module fused = build(preset, base, up);
        LayerFusion.Report report = LayerFusion.forInference(fused);
        if (preset.startsWith("unet")) { // the residual networks apply their activations outside Sequentials
            assertTrue(report.activations() > 0, preset + ": no activation fused");
        }
        if (preset.equals("unet")) { // paper 004's: depth 5, so 4 up-samplings
            assertEquals(4, report.upsamplings(), preset + ": nearest up-sampling + 2×2 conv rewritten");
        }
        Tensor x = random(5, 2, 1, 64, 64);
        try (var g = Autograd.noGrad()) {
            float[] want = plain.forward(x).toArray();
            CpuBackend.INSTANCE.trimPool();
            assertClose(want, fused.forward(x).toArray(), 1e-5, preset + " fused vs plain");
            assertTrue(CpuBackend.INSTANCE.pooledFloats() > 0, preset + ": no intermediate activation handed back");
            assertClose(want, fused.forward(x).toArray(), 1e-5, preset + " fused vs plain, second pass (reused memory)");
        }
        checkAgainstOnnxRuntime(preset + " (fused)", fused);
    }

    private static void assertClose(float[] want, float[] got, double relative, String what) {
        double maxRef = 0;
        double diff = 0;
        for (int i = 0; i < want.length; i++) {
            maxRef = Math.max(maxRef, Math.abs(want[i]));
            diff = Math.max(diff, Math.abs(want[i] - got[i]));
        }
        double tol = relative * Math.max(1, maxRef);
        assertTrue(diff <= tol, what + ": diff " + diff + " > " + tol);
    }

    private static void checkAgainstOnnxRuntime(String preset, Module model) throws Exception {
        int[][] shapes = {{1, 1, 64, 64}, {2, 1, 96, 96}};
        byte[] bytes = OnnxExporter.export(model, random(1, shapes[0]));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(2);
            try (OrtSession session = env.createSession(bytes, so)) {
                for (int s = 0; s < shapes.length; s++) {
                    Tensor x = random(100 + s, shapes[s]);
                    Tensor ref;
                    try (var g = Autograd.noGrad()) {
                        ref = model.forward(x);
                    }
                    try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.toArray()),
                            Arrays.stream(shapes[s]).asLongStream().toArray());
                         OrtSession.Result result = session.run(Map.of("input", in))) {
                        OnnxTensor out = (OnnxTensor) result.get("output").get();
                        assertArrayEquals(Arrays.stream(ref.shape()).asLongStream().toArray(), out.getInfo().getShape());
                        FloatBuffer fb = out.getFloatBuffer();
                        float[] got = new float[fb.remaining()];
                        fb.get(got);
                        assertClose(ref.toArray(), got, 1e-4, preset + " " + Arrays.toString(shapes[s]));
                    }
                }
            }
        }
    }
}
