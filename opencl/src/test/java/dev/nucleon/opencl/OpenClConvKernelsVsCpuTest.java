package dev.nucleon.opencl;

import dev.nucleon.core.Device;
import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.Backends;
import dev.nucleon.core.backend.ConvGeometry;
import dev.nucleon.core.backend.Storage;
import dev.nucleon.core.testing.Tolerances;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three convolution kernels of {@code conv.cl} (forward, backward data, backward weight) against the CPU backend
 * through the {@link Backend} interface, at channel counts the conformance suite's small cases never reach: each
 * product runs in the 64-row program ({@code conv}) or the 16-row one ({@code conv_narrow}) depending on its rows
 * (output channels forward and for the weight gradient, input channels for the data gradient), so these shapes
 * cover both, with partial blocks on every side, stride, padding, groups and a split backward-weight reduction.
 * Tolerance: the suite's device-vs-cpu one, relative to the output's largest magnitude.
 */
@RequiresOpenCl
class OpenClConvKernelsVsCpuTest {

    private static final double TOLERANCE = Tolerances.CROSS_DEVICE.relativeToMax();

    @ParameterizedTest(name = "x ({0}, {1}, {2}, {3}), C_out {4}, k{5} s{6} p{7} groups {8}")
    @CsvSource({
            // n, c_in, h, w, c_out, kernel, stride, pad, groups
            "2, 70, 9, 11, 66, 3, 1, 1, 1",    // 64-row blocks with a partial second block, both ways
            "2, 8, 20, 17, 72, 3, 1, 1, 1",    // 64-row forward and weight gradient, 16-row data gradient
            "1, 96, 7, 6, 12, 3, 2, 1, 1",     // 16-row forward and weight gradient, 64-row data gradient, stride 2
            "2, 128, 6, 5, 128, 3, 1, 1, 2",   // groups: 64 channels per group, exactly one block
            "3, 16, 33, 31, 16, 3, 1, 1, 1",   // U-Net's narrow layers; the weight gradient's reduction is split
            "1, 65, 4, 4, 65, 1, 1, 0, 1",     // 1×1 kernel, one row past a block
    })
    void forwardAndBothBackwardPassesMatchTheCpu(int n, int cIn, int h, int w, int cOut, int kernel, int stride, int pad,
                                                 int groups) {
        ConvGeometry g = ConvGeometry.of(n, cIn, h, w, cOut, kernel, stride, pad, 1, groups);
        Backend cpu = Backends.get(Device.CPU);
        Backend cl = Backends.get(new Device("opencl", 0));
        SplittableRandom random = new SplittableRandom(cIn * 31L + cOut);
        float[] x = random(random, numel(g.inputShape()));
        float[] weight = random(random, numel(g.weightShape()));
        float[] bias = random(random, cOut);
        float[] gy = random(random, numel(g.outputShape()));

        assertClose("forward", run(cpu, b -> {
            Storage y = b.allocate(gy.length);
            b.conv2d(g, up(b, x), up(b, weight), up(b, bias), y);
            return y;
        }), run(cl, b -> {
            Storage y = b.allocate(gy.length);
            b.conv2d(g, up(b, x), up(b, weight), up(b, bias), y);
            return y;
        }));
        assertClose("backward data", run(cpu, b -> {
            Storage gx = b.allocate(x.length);
            b.conv2dBackwardData(g, up(b, gy), up(b, weight), gx);
            return gx;
        }), run(cl, b -> {
            Storage gx = b.allocate(x.length);
            b.conv2dBackwardData(g, up(b, gy), up(b, weight), gx);
            return gx;
        }));
        assertClose("backward weight", run(cpu, b -> {
            Storage gw = b.allocate(weight.length);
            b.conv2dBackwardWeight(g, up(b, x), up(b, gy), gw);
            return gw;
        }), run(cl, b -> {
            Storage gw = b.allocate(weight.length);
            b.conv2dBackwardWeight(g, up(b, x), up(b, gy), gw);
            return gw;
        }));
    }

    private interface Pass {
        Storage on(Backend b);
    }

    private static float[] run(Backend b, Pass pass) {
        Storage out = pass.on(b);
        float[] values = new float[Math.toIntExact(out.size())];
        b.download(out, 0, values, 0, values.length);
        return values;
    }

    private static Storage up(Backend b, float[] values) {
        return b.upload(values, 0, values.length);
    }

    private static void assertClose(String pass, float[] cpu, float[] opencl) {
        double scale = 1e-3;
        double worst = 0;
        int at = -1;
        for (int i = 0; i < cpu.length; i++) {
            scale = Math.max(scale, Math.abs(cpu[i]));
            double d = Math.abs((double) cpu[i] - opencl[i]);
            if (!Double.isNaN(worst) && (Double.isNaN(d) || d > worst)) { // a NaN (an unwritten output) stays the worst
                worst = d;
                at = i;
            }
        }
        double limit = TOLERANCE * scale;
        String message = pass + ": max |opencl − cpu| " + worst + " at " + at + " > " + limit;
        assertTrue(worst <= limit, message);
    }

    private static float[] random(SplittableRandom random, long size) {
        float[] a = new float[Math.toIntExact(size)];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextDouble(-1, 1);
        }
        return a;
    }

    private static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
