package dev.nucleon.nn.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.nucleon.core.Autograd;
import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exports a module, runs the ONNX model in ONNX Runtime and compares with our forward pass. */
public final class OrtCheck {

    private OrtCheck() {
    }

    public static Tensor random(long seed, int... shape) {
        Random r = new Random(seed);
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Tensor.of(v, shape);
    }

    /** Exports on the first shape, then checks every shape (dynamic N, H, W); returns the max abs diff seen. */
    public static double check(Module module, int[]... shapes) throws Exception {
        byte[] model = OnnxExporter.export(module, random(1, shapes[0]));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        double worst = 0;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(2);
            try (OrtSession session = env.createSession(model, options)) {
                for (int s = 0; s < shapes.length; s++) {
                    Tensor x = random(100 + s, shapes[s]);
                    Tensor ref;
                    try (var g = Autograd.noGrad()) {
                        ref = module.forward(x);
                    }
                    long[] ls = Arrays.stream(shapes[s]).asLongStream().toArray();
                    try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.toArray()), ls);
                         OrtSession.Result result = session.run(Map.of("input", in))) {
                        OnnxTensor out = (OnnxTensor) result.get("output").get();
                        long[] os = out.getInfo().getShape();
                        assertArrayEquals(Arrays.stream(ref.shape()).asLongStream().toArray(), os, "output shape");
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
                        assertTrue(diff <= tol, "shape " + Arrays.toString(shapes[s]) + ": max abs diff " + diff + " > " + tol);
                        worst = Math.max(worst, diff);
                    }
                }
            }
        }
        return worst;
    }
}
