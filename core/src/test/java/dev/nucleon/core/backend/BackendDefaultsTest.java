package dev.nucleon.core.backend;

import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The default (composed) {@link Backend#conv2d(ConvGeometry, Storage, Storage, Storage, Storage, Epilogue)} and
 * {@link Backend#convTranspose2d} — what a backend without fused kernels (CUDA today) runs — against the CPU
 * backend's fused overrides: a proxy forwards every other method to the CPU backend and runs the interface's
 * default bodies for these two.
 */
class BackendDefaultsTest {

    private final Backend cpu = Backends.cpu();
    private final Backend composed = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(),
            new Class<?>[] {Backend.class}, (proxy, method, args) -> {
                boolean fusedEntry = method.isDefault() // the fused entries; the plain conv2d (5 arguments) stays the CPU's
                        && (method.getName().equals("conv2d") && method.getParameterCount() != 5
                            || method.getName().equals("convTranspose2d"));
                if (fusedEntry) {
                    return InvocationHandler.invokeDefault(proxy, method, args);
                }
                try {
                    return method.invoke(cpu, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });

    @Test
    void composedDefaultsMatchTheFusedCpuKernels() {
        ConvGeometry g = ConvGeometry.of(2, 3, 10, 9, 5, 3, 2, 1, 1, 1);
        Storage x = random(g.inputShape(), 1);
        Storage w = random(g.weightShape(), 2);
        Storage b = random(new int[] {g.outChannels()}, 3);
        Storage bIn = random(new int[] {g.inChannels()}, 4);
        Storage gy = random(g.outputShape(), 5);
        for (Epilogue f : new Epilogue[] {Epilogue.NONE, Epilogue.RELU, new Epilogue(UnaryOp.ELU, 0.5f)}) {
            for (Storage bias : new Storage[] {null, b}) {
                Storage want = cpu.allocate(size(g.outputShape()));
                Storage got = cpu.allocate(size(g.outputShape()));
                cpu.conv2d(g, x, w, bias, want, f);
                composed.conv2d(g, x, w, bias, got, f);
                assertSame(want, got, "conv2d, bias " + (bias != null) + ", " + f);
            }
            for (Storage bias : new Storage[] {null, bIn}) {
                Storage want = cpu.allocate(size(g.inputShape()));
                Storage got = cpu.allocate(size(g.inputShape()));
                cpu.convTranspose2d(g, gy, w, bias, want, f);
                composed.convTranspose2d(g, gy, w, bias, got, f);
                assertSame(want, got, "conv_transpose2d, bias " + (bias != null) + ", " + f);
            }
        }
    }

    /** conv2d over channel parts: the CPU reads them in place (direct path) or joins them (GEMM path), the default joins them. */
    @Test
    void convolutionOfChannelPartsEqualsConvolutionOfTheirConcatenation() {
        ConvGeometry[] geometries = {
                ConvGeometry.of(2, 3, 10, 9, 5, 3, 1, 1, 1, 1),                        // direct
                ConvGeometry.of(2, 3, 10, 9, 5, 3, 2, 1, 1, 1),                        // stride 2: GEMM
                new ConvGeometry(1, 4, 8, 64, 6, 3, 3, 1, 1, 1, 1, 1, 1, 2)};          // groups 2, a part across them
        int[][] splits = {{1, 2}, {2, 1}, {1, 3}};
        for (int t = 0; t < geometries.length; t++) {
            ConvGeometry g = geometries[t];
            int[] channels = splits[t];
            float[] x = download(random(g.inputShape(), 10 + t));
            Storage whole = cpu.upload(x, 0, x.length);
            Storage[] parts = split(x, g, channels);
            Storage w = random(g.weightShape(), 20 + t);
            Storage b = random(new int[] {g.outChannels()}, 30 + t);
            Storage want = cpu.allocate(size(g.outputShape()));
            Storage got = cpu.allocate(size(g.outputShape()));
            Storage viaDefault = cpu.allocate(size(g.outputShape()));
            cpu.conv2d(g, whole, w, b, want, Epilogue.RELU);
            cpu.conv2d(g, parts, channels, w, b, got, Epilogue.RELU);
            composed.conv2d(g, parts, channels, w, b, viaDefault, Epilogue.RELU);
            assertSame(want, got, "cpu, geometry " + t);
            assertSame(want, viaDefault, "default, geometry " + t);
        }
    }

    /** x (N, C, H, W) cut along channels into parts of these channel counts. */
    private Storage[] split(float[] x, ConvGeometry g, int[] channels) {
        int plane = g.height() * g.width();
        Storage[] parts = new Storage[channels.length];
        for (int p = 0, first = 0; p < channels.length; first += channels[p++]) {
            float[] part = new float[g.n() * channels[p] * plane];
            for (int n = 0; n < g.n(); n++) {
                System.arraycopy(x, (n * g.inChannels() + first) * plane, part, n * channels[p] * plane, channels[p] * plane);
            }
            parts[p] = cpu.upload(part, 0, part.length);
        }
        return parts;
    }

    private void assertSame(Storage want, Storage got, String what) {
        float[] a = download(want);
        float[] c = download(got);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], c[i], 1e-5f * Math.max(1f, Math.abs(a[i])), what + " at " + i);
        }
    }

    private float[] download(Storage s) {
        float[] out = new float[(int) s.size()];
        cpu.download(s, 0, out, 0, out.length);
        return out;
    }

    private Storage random(int[] shape, long seed) {
        Random r = new Random(seed);
        float[] v = new float[size(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return cpu.upload(v, 0, v.length);
    }

    private static int size(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
