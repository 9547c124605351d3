package dev.nucleon.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.nucleon.core.Autograd;
import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.onnx.OnnxExporter;
import dev.nucleon.segmentation.inference.BatchNormFolding;
import dev.nucleon.segmentation.networks.Presets;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Per-patch inference of a network preset (fresh weights, seed 42, eval mode, batch norm folded as the
 * {@code Predictor} runs it) on a (batch, C, size, size) input: Nucleon's forward under no-grad, and ONNX Runtime
 * (CPU, intra-op threads = {@code threads}, all graph optimisations) running the ONNX export of the same weights,
 * in the same run. The score is milliseconds per forward pass of {@code batch} patches (per patch at batch 1).
 * Before measuring, the ORT state checks that both give the same output.
 * <pre>java -jar benchmarks/target/benchmarks.jar Inference -f 1 -wi 2 -i 3 -p preset=unet -p base=16,8 -p batch=1</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class InferenceBenchmark {

    @Param({"unet"})
    public String preset;

    @Param({"16", "8"})
    public int base;

    /** unet-plus only: tc or us. */
    @Param({"tc"})
    public String up;

    @Param({"1"})
    public int batch;

    @Param({"256"})
    public int size;

    @Param({"2"})
    public int threads;

    Module model;
    Tensor input;
    float[] data;
    int[] shape;

    @Setup
    public void setUp() {
        CpuSettings.apply(threads, "vector");
        Map<String, Object> options = new HashMap<>();
        options.put(Presets.BASE, base);
        if (preset.equals(Presets.UNET_PLUS)) {
            options.put(Presets.UP, up);
        }
        var config = Presets.config(preset, options);
        model = Presets.build(config);
        model.initialize(42);
        model.eval();
        BatchNormFolding.fold(model);
        int c = Presets.get(preset).inChannels(config);
        shape = new int[] {batch, c, size, size};
        SplittableRandom random = new SplittableRandom(7);
        data = new float[batch * c * size * size];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextDouble();
        }
        input = Tensor.of(data, shape);
    }

    @Benchmark
    public Tensor nucleon() {
        try (var g = Autograd.noGrad()) {
            return model.forward(input);
        }
    }

    @Benchmark
    public Object onnxRuntime(OnnxRuntimePeer ort) throws OrtException {
        return ort.run();
    }

    /** An ONNX Runtime session on the exported graph, with pinned input and output tensors. */
    @State(Scope.Benchmark)
    public static class OnnxRuntimePeer {
        private OrtSession session;
        private OnnxTensor x;
        private OnnxTensor y;

        @Setup
        public void setUp(InferenceBenchmark bench) throws OrtException {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            byte[] onnx = OnnxExporter.export(bench.model, bench.input);
            Tensor ref;
            try (var g = Autograd.noGrad()) {
                ref = bench.model.forward(bench.input);
            }
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(bench.threads);
                options.setInterOpNumThreads(1);
                options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                session = env.createSession(onnx, options);
            }
            x = OnnxTensor.createTensor(env, direct(bench.data), toLongs(bench.shape));
            float[] want = ref.toArray();
            y = OnnxTensor.createTensor(env, direct(new float[want.length]), toLongs(ref.shape()));
            run();
            FloatBuffer got = y.getFloatBuffer();
            double scale = 1;
            double worst = 0;
            for (int i = 0; i < want.length; i++) {
                scale = Math.max(scale, Math.abs(want[i]));
                worst = Math.max(worst, Math.abs(want[i] - got.get(i)));
            }
            if (worst > 1e-4 * scale) {
                throw new IllegalStateException("ONNX Runtime and Nucleon disagree on " + bench.preset + ": max |difference| "
                        + worst + " at output scale " + scale);
            }
        }

        Object run() throws OrtException {
            session.run(Map.of("input", x), Map.of("output", y)).close();
            return y;
        }

        @TearDown
        public void tearDown() throws OrtException {
            x.close();
            y.close();
            session.close();
        }
    }

    private static FloatBuffer direct(float[] a) {
        FloatBuffer b = ByteBuffer.allocateDirect(4 * a.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
        b.put(a).rewind();
        return b;
    }

    private static long[] toLongs(int[] s) {
        long[] l = new long[s.length];
        for (int i = 0; i < s.length; i++) {
            l[i] = s[i];
        }
        return l;
    }
}
