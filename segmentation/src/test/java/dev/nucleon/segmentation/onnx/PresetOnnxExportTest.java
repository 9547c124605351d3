package dev.nucleon.segmentation.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.nucleon.core.Autograd;
import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.layers.BatchNorm2d;
import dev.nucleon.nn.onnx.OnnxExporter;
import dev.nucleon.segmentation.networks.Presets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

    @ParameterizedTest
    @CsvSource({"unet,8,", "unet-bn,8,", "unet-plus,8,tc", "unet-plus,8,us", "unet-elu,8,", "unet-relu,8,",
            "unet-carving,8,", "unet-plusplus,8,", "resfcn,,", "simple-cnn,,", "resnet-fcn,,18"})
    void matchesOnnxRuntime(String preset, Integer base, String up) throws Exception {
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
        model.eval();
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
                        float[] want = ref.toArray();
                        double maxRef = 0;
                        double diff = 0;
                        for (int i = 0; i < want.length; i++) {
                            maxRef = Math.max(maxRef, Math.abs(want[i]));
                            diff = Math.max(diff, Math.abs(want[i] - got[i]));
                        }
                        double tol = 1e-4 * Math.max(1, maxRef);
                        assertTrue(diff <= tol, preset + " " + Arrays.toString(shapes[s]) + ": diff " + diff + " > " + tol);
                    }
                }
            }
        }
    }
}
