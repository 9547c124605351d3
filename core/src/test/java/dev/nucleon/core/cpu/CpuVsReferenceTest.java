package dev.nucleon.core.cpu;

import dev.nucleon.core.backend.AdamStep;
import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.Backends;
import dev.nucleon.core.backend.ConvGeometry;
import dev.nucleon.core.backend.Epilogue;
import dev.nucleon.core.backend.PoolGeometry;
import dev.nucleon.core.backend.RandomDistribution;
import dev.nucleon.core.backend.SgdStep;
import dev.nucleon.core.backend.Storage;
import dev.nucleon.core.backend.UnaryOp;
import dev.nucleon.core.backend.UpsampleMode;
import dev.nucleon.core.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CPU backend's fast kernels against the reference backend, op by op at the {@link Backend} level (llm.c's
 * "every kernel checked against the CPU reference"): the same random inputs go to both, the reference runs the
 * composed default of each op on its plain primitive loops, and every output float must agree within
 * {@value #TOLERANCE} × max(1, the largest |value|). Also checks that the CPU backend still runs its own kernel for
 * every op, so that slimming the contract cannot silently route it through a slow composed default.
 */
class CpuVsReferenceTest {

    static final double TOLERANCE = 2e-5;

    private final Backend cpu = Backends.cpu();
    private final Backend ref = ReferenceBackend.INSTANCE;
    private final Random random = new Random(42);

    /** Every method of the contract, primitive or composed, is declared by CpuBackend itself: no default runs there. */
    @Test
    void cpuBackendOverridesEveryOpWithItsKernel() {
        List<String> inherited = new ArrayList<>();
        int defaults = 0;
        for (Method m : Backend.class.getMethods()) {
            defaults += m.isDefault() ? 1 : 0;
            try {
                if (CpuBackend.class.getMethod(m.getName(), m.getParameterTypes()).getDeclaringClass() != CpuBackend.class) {
                    inherited.add(m.getName());
                }
            } catch (NoSuchMethodException e) {
                throw new AssertionError(e);
            }
        }
        assertEquals(List.of(), inherited, "ops the CPU backend would run as Backend's composed defaults");
        assertEquals(11, Backend.class.getMethods().length - defaults, "abstract methods of Backend (the primitives + 3 names)");
    }

    /** One input: the same floats on both backends. */
    private record Pair(Storage cpu, Storage ref, int size) {
    }

    private Pair input(int size, double low, double high) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) (low + (high - low) * random.nextDouble());
        }
        return new Pair(cpu.upload(v, 0, size), ref.upload(v, 0, size), size);
    }

    private Pair input(int size) {
        return input(size, -1, 1);
    }

    private Pair output(int size) {
        return new Pair(cpu.allocate(size), ref.allocate(size), size);
    }

    private static int size(int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** Runs {@code op} on both backends (the argument says which) and compares the outputs. */
    private void check(String what, Consumer<Boolean> op, Pair... outputs) {
        op.accept(true);
        op.accept(false);
        for (int o = 0; o < outputs.length; o++) {
            float[] fast = new float[outputs[o].size];
            float[] spec = new float[outputs[o].size];
            cpu.download(outputs[o].cpu, 0, fast, 0, fast.length);
            ref.download(outputs[o].ref, 0, spec, 0, spec.length);
            double scale = 1;
            for (float v : spec) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < fast.length; i++) {
                if (!(Math.abs(fast[i] - spec[i]) <= TOLERANCE * scale)) {
                    throw new AssertionError(what + ", output " + o + " at " + i + ": cpu " + fast[i] + ", reference "
                            + spec[i] + " (scale " + scale + ")");
                }
            }
        }
    }

    private static Storage on(boolean cpu, Pair p) {
        return p == null ? null : cpu ? p.cpu : p.ref;
    }

    private Backend backend(boolean onCpu) {
        return onCpu ? cpu : ref;
    }

    @Test
    void unaryDerivatives() {
        for (UnaryOp op : UnaryOp.values()) {
            boolean positive = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.POW;
            Pair x = positive ? input(300, 0.2, 2) : input(300);
            Pair y = output(300);
            Pair gy = input(300);
            Pair gx = output(300);
            float p1 = op == UnaryOp.CLAMP ? -0.5f : op == UnaryOp.POW ? 2.5f : 0.3f;
            float p2 = 0.5f;
            check(op + " and its derivative", c -> {
                backend(c).unary(op, p1, p2, on(c, x), on(c, y));
                backend(c).unaryBackward(op, p1, p2, on(c, x), on(c, y), on(c, gy), on(c, gx));
            }, y, gx);
        }
    }

    @Test
    void softmaxAndNegativeLogLikelihood() {
        int outer = 3, dim = 5, inner = 7, n = outer * dim * inner;
        for (boolean log : new boolean[] {false, true}) {
            Pair x = input(n, -3, 3);
            Pair y = output(n);
            Pair gy = input(n);
            Pair gx = output(n);
            check("softmax, log " + log, c -> {
                backend(c).softmax(on(c, x), on(c, y), outer, dim, inner, log);
                backend(c).softmaxBackward(on(c, y), on(c, gy), on(c, gx), outer, dim, inner, log);
            }, y, gx);
        }
        float[] classes = new float[outer * inner];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = random.nextInt(dim);
        }
        Pair target = new Pair(cpu.upload(classes, 0, classes.length), ref.upload(classes, 0, classes.length), classes.length);
        Pair logp = input(n, -4, 0);
        Pair loss = output(outer * inner);
        Pair gLoss = input(outer * inner);
        Pair gLogp = output(n);
        check("nll loss", c -> {
            backend(c).nllLoss(on(c, logp), on(c, target), on(c, loss), outer, dim, inner);
            backend(c).nllLossBackward(on(c, target), on(c, gLoss), on(c, gLogp), outer, dim, inner);
        }, loss, gLogp);
    }

    @Test
    void convolutionForwardGradientsFusedAndTransposed() {
        ConvGeometry[] geometries = {
                ConvGeometry.of(2, 3, 9, 8, 4, 3, 1, 1, 1, 1),     // 3×3 same: the direct kernel
                ConvGeometry.of(1, 4, 11, 10, 6, 3, 2, 1, 1, 2),   // stride 2, groups 2: the GEMM path
                ConvGeometry.of(2, 2, 12, 12, 3, 3, 1, 2, 2, 1),   // dilation 2
                ConvGeometry.of(1, 5, 7, 6, 2, 1, 1, 0, 1, 1),     // 1×1
                new ConvGeometry(1, 2, 8, 9, 2, 2, 3, 2, 1, 0, 1, 1, 1, 1)}; // rectangular kernel, uneven stride
        for (ConvGeometry g : geometries) {
            Pair x = input(size(g.inputShape()));
            Pair w = input(size(g.weightShape()));
            Pair bias = input(g.outChannels());
            Pair biasIn = input(g.inChannels());
            Pair y = output(size(g.outputShape()));
            Pair yFused = output(size(g.outputShape()));
            Pair gy = input(size(g.outputShape()));
            Pair gx = output(size(g.inputShape()));
            Pair gw = output(size(g.weightShape()));
            Pair t = output(size(g.inputShape()));
            check("conv2d " + g, c -> {
                Backend b = backend(c);
                b.conv2d(g, on(c, x), on(c, w), on(c, bias), on(c, y));
                b.conv2d(g, on(c, x), on(c, w), on(c, bias), on(c, yFused), new Epilogue(UnaryOp.ELU, 0.7f));
                b.conv2dBackwardData(g, on(c, gy), on(c, w), on(c, gx));
                b.conv2dBackwardWeight(g, on(c, x), on(c, gy), on(c, gw));
                b.convTranspose2d(g, on(c, gy), on(c, w), on(c, biasIn), on(c, t), Epilogue.RELU);
            }, y, yFused, gx, gw, t);
        }
    }

    @Test
    void poolingAndUpsampling() {
        PoolGeometry[] geometries = {
                PoolGeometry.of(new int[] {2, 3, 8, 10}, 2, 2, 0, true),  // U-Net's 2×2 fast path
                PoolGeometry.of(new int[] {1, 2, 7, 9}, 3, 1, 1, true),
                PoolGeometry.of(new int[] {1, 2, 9, 7}, 3, 2, 1, false)};
        for (PoolGeometry g : geometries) {
            int in = size(g.n(), g.channels(), g.height(), g.width());
            int out = size(g.outputShape());
            Pair x = input(in);
            Pair gy = input(out);
            Pair max = output(out);
            Pair avg = output(out);
            Pair gMax = output(in);
            Pair gAvg = output(in);
            check("pooling " + g, c -> {
                Backend b = backend(c);
                b.maxPool2d(g, on(c, x), on(c, max));
                b.maxPool2dBackward(g, on(c, x), on(c, gy), on(c, gMax));
                b.avgPool2d(g, on(c, x), on(c, avg));
                b.avgPool2dBackward(g, on(c, gy), on(c, gAvg));
            }, max, avg, gMax, gAvg);
        }
        for (UpsampleMode mode : UpsampleMode.values()) {
            int n = 2, ch = 3, h = 5, w = 4, f = 2;
            Pair x = input(n * ch * h * w);
            Pair y = output(n * ch * h * w * f * f);
            Pair gy = input(n * ch * h * w * f * f);
            Pair gx = output(n * ch * h * w);
            check("upsample " + mode, c -> {
                backend(c).upsample(mode, n, ch, h, w, f, on(c, x), on(c, y));
                backend(c).upsampleBackward(mode, n, ch, h, w, f, on(c, gy), on(c, gx));
            }, y, gx);
        }
    }

    @Test
    void batchNormalisation() {
        int n = 2, ch = 3, spatial = 20, size = n * ch * spatial;
        Pair x = input(size, -2, 3);
        Pair mean = output(ch);
        Pair variance = output(ch);
        Pair invStd = input(ch, 0.5, 2);
        Pair gamma = input(ch);
        Pair beta = input(ch);
        Pair y = output(size);
        Pair gy = input(size);
        for (boolean batch : new boolean[] {true, false}) {
            Pair gx = output(size);
            Pair gGamma = output(ch);
            Pair gBeta = output(ch);
            check("batch norm, batch statistics " + batch, c -> {
                Backend b = backend(c);
                b.batchNormStatistics(on(c, x), n, ch, spatial, on(c, mean), on(c, variance));
                b.batchNormForward(on(c, x), n, ch, spatial, on(c, mean), on(c, invStd), on(c, gamma), on(c, beta), on(c, y));
                b.batchNormBackward(on(c, x), on(c, gy), n, ch, spatial, on(c, mean), on(c, invStd), on(c, gamma), batch,
                        on(c, gx), on(c, gGamma), on(c, gBeta));
            }, mean, variance, y, gx, gGamma, gBeta);
        }
    }

    /** The composed optimizer steps round as the fused kernels do: equal floats, not just close ones. */
    @Test
    void optimizerStepsGiveTheSameFloats() {
        int n = 257;
        for (AdamStep step : new AdamStep[] {AdamStep.of(1e-3, 0.9, 0.999, 1e-8, 0, false, 3),
                AdamStep.of(1e-2, 0.8, 0.99, 1e-6, 0.1, false, 1), AdamStep.of(1e-2, 0.9, 0.999, 1e-8, 0.05, true, 7)}) {
            Pair theta = input(n);
            Pair grad = input(n);
            Pair m = input(n);
            Pair v = input(n, 0, 1);
            check("adam " + step, c -> backend(c).adamUpdate(on(c, theta), on(c, grad), on(c, m), on(c, v), step), theta, m, v);
            assertBitwiseEqual(theta, "adam θ");
        }
        for (SgdStep step : new SgdStep[] {SgdStep.of(0.1, 0, 0, 0, false, false), SgdStep.of(0.1, 0.9, 0.1, 1e-4, false, true),
                SgdStep.of(0.05, 0.9, 0, 1e-3, true, false)}) {
            Pair theta = input(n);
            Pair grad = input(n);
            Pair buffer = input(n);
            check("sgd " + step, c -> backend(c).sgdUpdate(on(c, theta), on(c, grad), on(c, buffer), step), theta, buffer);
            assertBitwiseEqual(theta, "sgd θ");
        }
    }

    @Test
    void layoutAndMemory() {
        int[] shape = {2, 3, 4, 5};
        Pair x = input(size(shape));
        Pair permuted = output(size(shape));
        Pair region = input(size(shape));
        Pair filled = output(37);
        Pair copied = output(size(shape));
        check("permute, copyRegion, fill, copy", c -> {
            Backend b = backend(c);
            b.permute(on(c, x), shape, new int[] {2, 0, 3, 1}, on(c, permuted));
            b.copyRegion(on(c, x), shape, new int[] {0, 1, 1, 2}, on(c, region), shape, new int[] {1, 0, 0, 1},
                    new int[] {1, 2, 3, 3}, true);
            b.fill(on(c, filled), 2.5f);
            b.copy(on(c, x), on(c, copied));
        }, permuted, region, filled, copied);
        for (RandomDistribution d : RandomDistribution.values()) {
            Pair r = output(1000);
            check("fillRandom " + d, c -> backend(c).fillRandom(on(c, r), d, 7, d == RandomDistribution.BERNOULLI_SCALED ? 0.7f : -1f, 2f), r);
            assertBitwiseEqual(r, "fillRandom " + d);
        }
    }

    private void assertBitwiseEqual(Pair p, String what) {
        float[] fast = new float[p.size];
        float[] spec = new float[p.size];
        cpu.download(p.cpu, 0, fast, 0, fast.length);
        ref.download(p.ref, 0, spec, 0, spec.length);
        assertArrayEquals(spec, fast, what);
        assertTrue(p.size > 0);
    }
}
