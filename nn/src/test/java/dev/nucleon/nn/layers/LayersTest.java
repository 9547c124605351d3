package dev.nucleon.nn.layers;

import dev.nucleon.core.Tensor;
import dev.nucleon.core.backend.UpsampleMode;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.ParameterCount;
import dev.nucleon.nn.init.Initializers;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayersTest {

    private static final float TOL = 1e-5f;

    private static Tensor arange(int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return Tensor.arange(n).reshape(shape).detach().copy();
    }

    @Test
    void conv2dOutputSizeFormula() {
        Tensor x = Tensor.normal(1, 0, 1, 2, 3, 9, 9);
        // ⌊(9 + 2·1 − 1·(3 − 1) − 1) / 2⌋ + 1 = 5
        assertArrayEquals(new int[] {2, 5, 5, 5}, new Conv2d(3, 5, 3, 2, 1).forward(x).shape());
        // dilation 2: ⌊(9 − 2·2 − 1) / 1⌋ + 1 = 5
        assertArrayEquals(new int[] {2, 4, 5, 5}, Conv2d.builder(3, 4, 3).dilation(2).build().forward(x).shape());
        // same padding: ⌈H / stride⌉
        assertArrayEquals(new int[] {2, 4, 9, 9}, Conv2d.builder(3, 4, 3).samePadding().build().forward(x).shape());
        assertArrayEquals(new int[] {2, 4, 5, 5}, Conv2d.builder(3, 4, 3).stride(2).samePadding().build().forward(x).shape());
        assertArrayEquals(new int[] {2, 4, 9, 9}, Conv2d.builder(3, 4, 2).samePadding().build().forward(x).shape());
        assertArrayEquals(new int[] {2, 6, 9, 9}, Conv2d.builder(3, 6, 1).groups(3).build().forward(x).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Conv2d(2, 4, 3).forward(x));
        assertTrue(e.getMessage().contains("3 channels"), e.getMessage());
    }

    @Test
    void conv2dComputesACrossCorrelationWithBias() {
        Conv2d conv = Conv2d.builder(1, 1, 2).biasInitializer(Initializers.constant(0.5f)).build();
        conv.weight().assign(Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2));
        // x = [[0,1,2],[3,4,5],[6,7,8]]; y[0][0] = 0·1 + 1·2 + 3·3 + 4·4 + 0.5
        Tensor y = conv.forward(arange(1, 1, 3, 3));
        assertArrayEquals(new float[] {27.5f, 37.5f, 57.5f, 67.5f}, y.toArray(), TOL);
    }

    @Test
    void samePaddingWithAnEvenKernelPadsAfterAsKeras() {
        Conv2d conv = Conv2d.builder(1, 1, 2).samePadding().build();
        conv.weight().assign(Tensor.ones(1, 1, 2, 2));
        // sum of each 2×2 window, zero rows/columns added below and to the right
        Tensor y = conv.forward(arange(1, 1, 3, 3));
        assertArrayEquals(new float[] {8, 12, 7, 20, 24, 13, 13, 15, 8}, y.toArray(), TOL);
    }

    @Test
    void convTranspose2dOutputSizeFormulaAndValues() {
        Tensor x = Tensor.normal(2, 0, 1, 1, 4, 5, 5);
        assertArrayEquals(new int[] {1, 2, 10, 10}, new ConvTranspose2d(4, 2, 2, 2).forward(x).shape());
        // (5 − 1)·2 − 2·1 + 1·(3 − 1) + 1 + 1 = 10
        assertArrayEquals(new int[] {1, 3, 10, 10},
                ConvTranspose2d.builder(4, 3, 3).stride(2).padding(1).outputPadding(1).build().forward(x).shape());
        ConvTranspose2d up = ConvTranspose2d.builder(1, 1, 2).stride(2).bias(false).build();
        up.weight().assign(Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2));
        // each input pixel v paints v·kernel into its own 2×2 block
        Tensor y = up.forward(Tensor.of(new float[] {1, 10}, 1, 1, 1, 2));
        assertArrayEquals(new float[] {1, 2, 10, 20, 3, 4, 30, 40}, y.toArray(), TOL);
        assertEquals(new ParameterCount(8 * 4 * 4 + 4, 0), new ConvTranspose2d(8, 4, 2, 2).parameterCount());
        assertArrayEquals(new int[] {8, 4, 2, 2}, new ConvTranspose2d(8, 4, 2, 2).weight().shape());
    }

    @Test
    void batchNormUsesBatchStatisticsInTrainingAndRunningOnesInEval() {
        BatchNorm2d bn = new BatchNorm2d(2, 0.1f, 1e-5f);
        // channel 0: 1, 2, 3, 4 (mean 2.5, biased var 1.25); channel 1: 10 × 4
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 10, 10, 10, 10}, 1, 2, 2, 2);
        float[] y = bn.forward(x).toArray();
        double s = Math.sqrt(1.25 + 1e-5);
        assertArrayEquals(new float[] {(float) (-1.5 / s), (float) (-0.5 / s), (float) (0.5 / s), (float) (1.5 / s), 0, 0, 0, 0},
                y, 1e-4f);
        // running = 0.9·initial + 0.1·batch, variance unbiased (×4/3)
        assertArrayEquals(new float[] {0.25f, 1f}, bn.runningMean().value().toArray(), TOL);
        assertArrayEquals(new float[] {0.9f + 0.1f * 5f / 3f, 0.9f}, bn.runningVar().value().toArray(), TOL);

        bn.eval();
        float[] rm = bn.runningMean().value().toArray();
        float[] rv = bn.runningVar().value().toArray();
        float[] z = bn.forward(x).toArray();
        for (int i = 0; i < 8; i++) {
            int c = i / 4;
            assertEquals((x.toArray()[i] - rm[c]) / Math.sqrt(rv[c] + 1e-5), z[i], 1e-4, "element " + i);
        }
        assertArrayEquals(rm, bn.runningMean().value().toArray(), 0f, "eval leaves the running mean alone");
        bn.train();
        bn.forward(x);
        assertEquals(0.25f * 0.9f + 0.25f, bn.runningMean().value().toArray()[0], TOL, "training updates it again");
    }

    @Test
    void dropoutIsSeededDiffersPerStepAndIsTheIdentityInEval() {
        Tensor x = Tensor.ones(1, 1, 32, 32);
        Dropout a = new Dropout(0.25f, 99);
        float[] first = a.forward(x).toArray();
        float[] second = a.forward(x).toArray();
        int zeros = 0;
        for (float v : first) {
            assertTrue(v == 0f || Math.abs(v - 1f / 0.75f) < 1e-6, "survivors scaled by 1/(1 − p): " + v);
            zeros += v == 0f ? 1 : 0;
        }
        assertEquals(256, zeros, 60, "about p of 1024 dropped");
        assertFalse(java.util.Arrays.equals(first, second), "a new mask every step");
        assertEquals(2, a.calls());

        Dropout b = new Dropout(0.25f, 99);
        assertArrayEquals(first, b.forward(x).toArray(), 0f, "same seed, same first mask");
        assertArrayEquals(second, b.forward(x).toArray(), 0f, "and same second mask");

        a.eval();
        assertSame(x, a.forward(x));
        assertEquals(2, a.calls(), "eval calls do not advance the mask sequence");
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1f));
    }

    @Test
    void activations() {
        Tensor x = Tensor.of(-2f, -0.5f, 0f, 1.5f);
        assertArrayEquals(new float[] {0, 0, 0, 1.5f}, new ReLU().forward(x).toArray(), TOL);
        assertArrayEquals(new float[] {(float) Math.expm1(-2), (float) Math.expm1(-0.5), 0, 1.5f},
                new ELU().forward(x).toArray(), TOL);
        assertArrayEquals(new float[] {-0.02f, -0.005f, 0, 1.5f}, new LeakyReLU().forward(x).toArray(), TOL);
        assertArrayEquals(new float[] {-0.6f, -0.15f, 0, 1.5f}, new LeakyReLU(0.3f).forward(x).toArray(), TOL);
        assertArrayEquals(new float[] {(float) (1 / (1 + Math.exp(2))), (float) (1 / (1 + Math.exp(0.5))), 0.5f,
                (float) (1 / (1 + Math.exp(-1.5)))}, new Sigmoid().forward(x).toArray(), TOL);
        assertSame(x, new Identity().forward(x));
        // softmax over the class axis of (N, K, H, W)
        Tensor scores = Tensor.of(new float[] {0, 1, Math.round(Math.log(3) * 1e6) / 1e6f, 1}, 1, 2, 1, 2);
        float[] p = new Softmax().forward(scores).toArray();
        assertArrayEquals(new float[] {0.25f, 0.5f, 0.75f, 0.5f}, p, 1e-5f);
    }

    @Test
    void poolingAndUpsampling() {
        Tensor x = arange(1, 1, 5, 5);
        Tensor max = new MaxPool2d(2).forward(x);
        assertArrayEquals(new int[] {1, 1, 2, 2}, max.shape(), "⌊(5 − 2) / 2⌋ + 1 = 2: the odd row/column is dropped");
        assertArrayEquals(new float[] {6, 8, 16, 18}, max.toArray(), TOL);
        assertArrayEquals(new float[] {3, 5, 13, 15}, new AvgPool2d(2).forward(x).toArray(), TOL);
        assertArrayEquals(new int[] {1, 1, 5, 5}, new MaxPool2d(3, 1, 1).forward(x).shape());
        Tensor small = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        Tensor near = new Upsample(2).forward(small);
        assertArrayEquals(new int[] {1, 1, 4, 4}, near.shape());
        assertArrayEquals(new float[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, near.toArray(), TOL);
        Tensor bil = new Upsample(2, UpsampleMode.BILINEAR).forward(small);
        // half-pixel centres: first row 1, 1.25, 1.75, 2
        assertArrayEquals(new float[] {1f, 1.25f, 1.75f, 2f}, bil.slice(2, 0, 1).toArray(), TOL);
    }

    @Test
    void sequentialChainsAndNamesByIndex() {
        Sequential s = new Sequential(new Conv2d(1, 2, 3, 1, 1)).append(new ReLU()).append(new MaxPool2d(2));
        assertEquals(3, s.size());
        assertArrayEquals(new int[] {1, 2, 4, 4}, s.forward(Tensor.ones(1, 1, 8, 8)).shape());
        assertEquals(java.util.List.of("0.weight", "0.bias"), java.util.List.copyOf(s.namedParameters().keySet()));
        assertTrue(s.get(1) instanceof ReLU);
    }

    @Test
    void residualBlocks() {
        Residual plain = new Residual(new Identity());
        Tensor x = Tensor.of(1f, -2f).requiresGrad(true);
        Tensor y = plain.forward(x);
        assertArrayEquals(new float[] {2, -4}, y.toArray(), 0f);
        y.sum().backward();
        assertArrayEquals(new float[] {2, 2}, x.grad().toArray(), 0f, "gradient flows through body and shortcut");

        Residual down = Residual.basic(4, 8, 2);
        assertArrayEquals(new int[] {1, 8, 4, 4}, down.forward(Tensor.normal(3, 0, 1, 1, 4, 8, 8)).shape());
        // conv 4→8 (288) + BN (16 + 16) + conv 8→8 (576) + BN + projection 1×1 (32) + BN
        assertEquals(new ParameterCount(288 + 16 + 576 + 16 + 32 + 16, 48), down.parameterCount());
        Residual same = Residual.basic(4, 4, 1);
        assertTrue(same.child("shortcut") instanceof Identity);
        Tensor z = same.forward(Tensor.normal(4, 0, 1, 2, 4, 6, 6));
        assertArrayEquals(new int[] {2, 4, 6, 6}, z.shape());
        for (float v : z.toArray()) {
            assertTrue(v >= 0, "ends with ReLU");
        }
        // ResNet-18's 64-channel block: 2 × 36,864 conv weights + 2 BN
        assertEquals(new ParameterCount(73_728 + 256, 256), Residual.basic(64, 64, 1).parameterCount());
    }

    @Test
    void bottleneckBlocks() {
        Residual down = Residual.bottleneck(8, 4, 2);
        Tensor y = down.forward(Tensor.normal(5, 0, 1, 2, 8, 6, 6));
        assertArrayEquals(new int[] {2, 16, 3, 3}, y.shape());
        for (float v : y.toArray()) {
            assertTrue(v >= 0, "ends with ReLU");
        }
        // 1×1 8→4 (32) + BN 4, 3×3 4→4 (144) + BN 4, 1×1 4→16 (64) + BN 16, projection 1×1 8→16 (128) + BN 16
        assertEquals(new ParameterCount(32 + 8 + 144 + 8 + 64 + 32 + 128 + 32, 8 + 8 + 32 + 32), down.parameterCount());
        assertTrue(Residual.bottleneck(16, 4, 1).child("shortcut") instanceof Identity, "no projection when shapes agree");
        // ResNet-50's first block (64 → 256): torchvision's 75,008 trainable parameters
        assertEquals(75_008, Residual.bottleneck(64, 64, 1).parameterCount().trainable());
    }

    @Test
    void everyLayerIsAModuleWithAReadableRepr() {
        Module[] layers = {new Conv2d(1, 2, 3), new ConvTranspose2d(2, 1, 2, 2), new BatchNorm2d(3), new ReLU(), new ELU(),
                new LeakyReLU(), new Sigmoid(), new Softmax(), new MaxPool2d(2), new AvgPool2d(2), new Upsample(2),
                new Dropout(0.1f, 1), new Identity(), new Sequential(), new Residual(new Identity())};
        for (Module m : layers) {
            assertTrue(m.toString().startsWith(m.getClass().getSimpleName() + "("), m.toString());
        }
        assertEquals("Upsample(factor=2, mode=nearest)", new Upsample(2).toString());
        assertEquals("ConvTranspose2d(2, 1, kernel=2, stride=2)", new ConvTranspose2d(2, 1, 2, 2).toString());
    }
}
