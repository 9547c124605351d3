package dev.nucleon.core;

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
                boolean fusedEntry = method.isDefault()
                        && (method.getName().equals("conv2d") || method.getName().equals("convTranspose2d"));
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
