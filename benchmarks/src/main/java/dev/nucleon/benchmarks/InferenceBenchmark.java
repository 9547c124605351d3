package dev.nucleon.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.nucleon.core.Autograd;
import dev.nucleon.core.Device;
import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.onnx.OnnxExporter;
import dev.nucleon.segmentation.inference.LayerFusion;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Per-patch inference of every network preset (fresh weights, seed 42, eval mode) on a (batch, C, size, size)
 * input: Nucleon's forward under no-grad on {@code backend}, with the inference rewrites the {@code Predictor} applies ({@link LayerFusion}: batch norm
 * folded, activations fused, up-sampling + 2×2 conv as one transposed conv), and ONNX Runtime (CPU, intra-op
 * threads = {@code threads}, all graph optimisations) running the ONNX export of the same weights before those
 * rewrites (the graph {@code nucleon export} writes), in the same run. The score is milliseconds per forward pass of {@code batch}
 * patches (divide by {@code batch} for ms per patch; the report tool does). Before measuring, the ORT state checks
 * that both give the same output.
 *
 * <p>{@code model} is a {@link ModelSpec}: {@code PRESET} or {@code PRESET:B}; the default list is
 * {@link ModelSpec#ALL}: every preset, with B = 16 and 8 where paper 004 varies it. {@code backend=cuda} measures
 * Nucleon on the GPU, the input upload and output download included (the ORT peer stays on the CPU); without a
 * usable CUDA backend the setup fails with "CUDA unavailable: …" and JMH goes on with the next combination.
 * <pre>java -jar benchmarks/target/benchmarks.jar Inference -f 1 -wi 2 -i 3 -p model=unet:16,unet:8 -p batch=1</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class InferenceBenchmark {

    @Param({"unet-bn:64", "unet:16", "unet:8", "unet-relu:16", "unet-elu:16", "unet-carving:16", "unet-plusplus:16",
            "unet-plusplus:8", "unet-plus:16", "unet-plus:8", "resfcn", "simple-cnn", "resnet-fcn"})
    public String model;

    @Param({"1", "16"})
    public int batch;

    @Param({"256"})
    public int size;

    @Param({"2"})
    public int threads;

    /** cpu or cuda (see the class comment). */
    @Param({"cpu"})
    public String backend;

    Module network;
    Device device;
    Tensor input;
    float[] data;
    int[] shape;

    @Setup
    public void setUp() {
        device = BackendChoice.select(backend, threads);
        ModelSpec spec = ModelSpec.parse(model);
        network = spec.build(BenchmarkInputs.WEIGHT_SEED);
        LayerFusion.forInference(network);
        shape = new int[] {batch, spec.inChannels(), size, size};
        data = BenchmarkInputs.uniform(BenchmarkInputs.INPUT_SEED, batch * spec.inChannels() * size * size);
        input = Tensor.of(data, shape);
        network.to(device);
    }

    @Benchmark
    public Tensor nucleon() {
        try (var g = Autograd.noGrad()) {
            if (device.isCpu()) {
                return network.forward(input);
            }
            return network.forward(input.to(device)).to(Device.CPU);
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
            Tensor ref = bench.nucleon();
            // the graph a user exports: the same weights before Nucleon's inference rewrites (ORT runs its own)
            Module exported = ModelSpec.parse(bench.model).build(BenchmarkInputs.WEIGHT_SEED);
            exported.eval();
            // traced on one patch (the graph's N is symbolic): the trace keeps every activation it sees, which at
            // batch 16 of unet-bn:64 or resnet-fcn is more than a 6 GiB heap
            int[] one = bench.shape.clone();
            one[0] = 1;
            byte[] onnx = OnnxExporter.export(exported, Tensor.of(java.util.Arrays.copyOf(bench.data, bench.data.length / bench.batch), one));
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
                throw new IllegalStateException("ONNX Runtime and Nucleon disagree on " + bench.model + ": max |difference| "
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
