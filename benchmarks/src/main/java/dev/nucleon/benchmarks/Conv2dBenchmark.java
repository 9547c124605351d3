package dev.nucleon.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.nucleon.core.backend.ConvGeometry;
import dev.nucleon.core.cpu.conv.ConvKernels;
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
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * 3×3, stride 1, pad 1 convolution: Nucleon's forward, backward-data and backward-weight passes, and
 * ONNX Runtime (CPU, intra-op threads = {@code threads}) running the same forward {@code Conv} and, for
 * backward data, the equivalent {@code ConvTranspose}, in the same run.
 *
 * <p>{@code shape} is "N×C_in×H×W→C_out". GFLOP/s = each method's {@code :gflop} secondary result, with
 * {@link ConvGeometry#flops()} per call (the same count for every pass; "effective" flops, padding
 * included). ONNX Runtime lives in its own {@link State} so its threads and native library exist only in
 * the forks of the {@code onnxRuntime*} methods. Before measuring, the ORT state checks that ORT and
 * Nucleon agree on the outputs.
 * <pre>java -jar benchmarks/target/benchmarks.jar Conv2d -f 1 -wi 3 -i 5 -p threads=2</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class Conv2dBenchmark {

    @Param({"1x16x256x256->16", "8x64x128x128->64", "1x32x256x256->16", "1x128x64x64->64"})
    public String shape;

    @Param({"2"})
    public int threads;

    @Param({"vector"})
    public String kernel;

    ConvGeometry geometry;
    float[] x;
    float[] w;
    float[] bias;
    float[] y;
    float[] gy;
    float[] gx;
    float[] gw;

    @Setup
    public void setUp() {
        CpuSettings.apply(threads, kernel);
        geometry = parse(shape);
        SplittableRandom random = new SplittableRandom(7);
        x = random(random, geometry.inputShape());
        w = random(random, geometry.weightShape());
        bias = random(random, new int[] {geometry.outChannels()});
        gy = random(random, geometry.outputShape());
        y = new float[gy.length];
        gx = new float[x.length];
        gw = new float[w.length];
    }

    @Benchmark
    public float[] forward(GigaflopCounter counter) {
        ConvKernels.forward(geometry, x, w, bias, y);
        counter.gflop += geometry.flops() * 1e-9;
        return y;
    }

    @Benchmark
    public float[] backwardData(GigaflopCounter counter) {
        ConvKernels.backwardData(geometry, gy, w, gx);
        counter.gflop += geometry.flops() * 1e-9;
        return gx;
    }

    @Benchmark
    public float[] backwardWeight(GigaflopCounter counter) {
        ConvKernels.backwardWeight(geometry, x, gy, gw);
        counter.gflop += geometry.flops() * 1e-9;
        return gw;
    }

    @Benchmark
    public Object onnxRuntimeForward(OnnxRuntimePeer ort, GigaflopCounter counter) throws OrtException {
        counter.gflop += geometry.flops() * 1e-9;
        return ort.runForward();
    }

    @Benchmark
    public Object onnxRuntimeBackwardData(OnnxRuntimePeer ort, GigaflopCounter counter) throws OrtException {
        counter.gflop += geometry.flops() * 1e-9;
        return ort.runBackwardData();
    }

    /** ONNX Runtime sessions for the same convolution, with pre-allocated ("pinned") input and output tensors. */
    @State(Scope.Benchmark)
    public static class OnnxRuntimePeer {

        private OrtEnvironment env;
        private OrtSession conv;
        private OrtSession convTranspose;
        private OnnxTensor x;
        private OnnxTensor y;
        private OnnxTensor gy;
        private OnnxTensor gx;

        @Setup
        public void setUp(Conv2dBenchmark bench) throws OrtException {
            ConvGeometry g = bench.geometry;
            env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(bench.threads);
                options.setInterOpNumThreads(1);
                options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                conv = env.createSession(OnnxConvModel.conv(g, bench.w, bench.bias), options);
                convTranspose = env.createSession(OnnxConvModel.convTransposeOf(g, bench.w), options);
            }
            x = OnnxTensor.createTensor(env, direct(bench.x), toLongs(g.inputShape()));
            y = OnnxTensor.createTensor(env, direct(new float[bench.y.length]), toLongs(g.outputShape()));
            gy = OnnxTensor.createTensor(env, direct(bench.gy), toLongs(g.outputShape()));
            gx = OnnxTensor.createTensor(env, direct(new float[bench.gx.length]), toLongs(g.inputShape()));
            // the peer must compute the same thing
            runForward();
            runBackwardData();
            ConvKernels.forward(g, bench.x, bench.w, bench.bias, bench.y);
            ConvKernels.backwardData(g, bench.gy, bench.w, bench.gx);
            requireClose("forward", bench.y, y.getFloatBuffer());
            requireClose("backward data", bench.gx, gx.getFloatBuffer());
        }

        /** Runs the Conv into the pinned output {@code y}; the returned Result owns nothing, so it is closed at once. */
        Object runForward() throws OrtException {
            conv.run(Map.of("x", x), Map.of("y", y)).close();
            return y;
        }

        Object runBackwardData() throws OrtException {
            convTranspose.run(Map.of("x", gy), Map.of("y", gx)).close();
            return gx;
        }

        @TearDown
        public void tearDown() throws OrtException {
            x.close();
            y.close();
            gy.close();
            gx.close();
            conv.close();
            convTranspose.close();
        }

        private static void requireClose(String pass, float[] nucleon, FloatBuffer ort) {
            double scale = 1;
            double worst = 0;
            for (int i = 0; i < nucleon.length; i++) {
                scale = Math.max(scale, Math.abs(nucleon[i]));
                worst = Math.max(worst, Math.abs(nucleon[i] - ort.get(i)));
            }
            if (worst > 1e-4 * scale) {
                throw new IllegalStateException("ONNX Runtime and Nucleon disagree on conv " + pass
                        + ": max |difference| " + worst + " at output scale " + scale);
            }
        }
    }

    /** "N×C×H×W->C_out" (with "x" for ×): a 3×3, stride-1, pad-1 convolution. */
    static ConvGeometry parse(String shape) {
        String[] io = shape.split("->");
        String[] dims = io[0].split("x");
        return ConvGeometry.of(Integer.parseInt(dims[0]), Integer.parseInt(dims[1]), Integer.parseInt(dims[2]),
                Integer.parseInt(dims[3]), Integer.parseInt(io[1]), 3, 1, 1, 1, 1);
    }

    private static float[] random(SplittableRandom random, int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) random.nextDouble(-1, 1);
        }
        return a;
    }

    private static FloatBuffer direct(float[] values) {
        FloatBuffer buffer = ByteBuffer.allocateDirect(values.length * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        buffer.put(values).rewind();
        return buffer;
    }

    private static long[] toLongs(int[] a) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }
}
