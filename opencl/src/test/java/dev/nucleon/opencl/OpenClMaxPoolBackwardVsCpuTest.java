package dev.nucleon.opencl;

import dev.nucleon.core.Device;
import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.Backends;
import dev.nucleon.core.backend.PoolGeometry;
import dev.nucleon.core.backend.Storage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * {@code pool.cl}'s max-pooling backward kernels against the CPU backend, with the gradient buffer filled with NaN
 * beforehand on both sides: the contract overwrites every element of gx, so a cell the kernel leaves unwritten
 * (outside every window: a stride above the kernel, rows past the last window) fails here, which the autograd path
 * of the conformance suite (zeroed gradient buffers) cannot see. Geometries: windows that tile the input
 * (one work-item per window, no fill), that leave cells uncovered (per window, after a zero fill), and that overlap
 * (one work-item per input cell); with and without padding. Values are distinct, so the routing is unambiguous and
 * both sides must agree exactly.
 */
@RequiresOpenCl
class OpenClMaxPoolBackwardVsCpuTest {

    @ParameterizedTest(name = "({0}, {1}, {2}, {3}) k{4}x{5} s{6}x{7} p{8}x{9}")
    @CsvSource({
            // n, c, h, w, kh, kw, sh, sw, ph, pw
            "2, 3, 8, 6, 2, 2, 2, 2, 0, 0",   // U-Net's 2×2 stride 2: windows tile the input
            "2, 2, 7, 5, 2, 2, 2, 2, 0, 0",   // the last row and column lie in no window
            "1, 2, 9, 9, 2, 3, 3, 4, 0, 0",   // stride above the kernel: gaps between windows
            "2, 1, 5, 6, 2, 2, 2, 2, 1, 1",   // padded, tiling
            "2, 2, 7, 7, 3, 3, 2, 2, 1, 1",   // overlapping windows
            "1, 1, 6, 5, 3, 2, 1, 1, 1, 0",   // overlapping, stride 1
    })
    void gradientMatchesTheCpuAndEveryCellIsWritten(int n, int c, int h, int w, int kh, int kw, int sh, int sw,
                                                     int ph, int pw) {
        PoolGeometry g = new PoolGeometry(n, c, h, w, kh, kw, sh, sw, ph, pw, true);
        int inputs = n * c * h * w;
        int outputs = n * c * g.outHeight() * g.outWidth();
        SplittableRandom random = new SplittableRandom(h * 100L + w);
        float[] x = new float[inputs];
        for (int i = 0; i < inputs; i++) {
            x[i] = i * 0.5f - inputs * 0.25f; // distinct
        }
        for (int i = inputs - 1; i > 0; i--) { // shuffled, so maxima sit anywhere in their windows
            int j = random.nextInt(i + 1);
            float t = x[i];
            x[i] = x[j];
            x[j] = t;
        }
        float[] gy = new float[outputs];
        for (int i = 0; i < outputs; i++) {
            gy[i] = (float) random.nextDouble(-1, 1);
        }
        float[] expected = backward(Backends.get(Device.CPU), g, x, gy);
        float[] actual = backward(Backends.get(new Device("opencl", 0)), g, x, gy);
        assertArrayEquals(expected, actual, 0f, "max-pool backward " + g);
    }

    private static float[] backward(Backend b, PoolGeometry g, float[] x, float[] gy) {
        float[] nan = new float[x.length];
        Arrays.fill(nan, Float.NaN);
        Storage gx = b.upload(nan, 0, nan.length);
        b.maxPool2dBackward(g, b.upload(x, 0, x.length), b.upload(gy, 0, gy.length), gx);
        float[] out = new float[x.length];
        b.download(gx, 0, out, 0, out.length);
        return out;
    }
}
