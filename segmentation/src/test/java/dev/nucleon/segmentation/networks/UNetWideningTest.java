package dev.nucleon.segmentation.networks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Net2WiderNet for the U-Net: the wide network computes what the narrow one did, and its copies differ. */
class UNetWideningTest {

    private static UNet unet(String preset, int base, String output, long seed) {
        Module m = Presets.build(preset, Map.of("base", base, "in_channels", 3, "classes", 2, "output", output));
        m.initialize(seed);
        return (UNet) m;
    }

    /** Trains the running statistics away from (0, 1), so eval mode tests them too. */
    private static void warmBatchNorm(Module m) {
        m.train();
        for (int i = 0; i < 3; i++) {
            m.forward(Tensor.normal(100 + i, 0.3f, 1.2f, 2, 3, 32, 32));
        }
    }

    private static void assertSameOutput(Module narrow, Module wide, boolean training, float tolerance) {
        narrow.train(training);
        wide.train(training);
        Tensor x = Tensor.normal(7, 0, 1, 2, 3, 32, 32);
        float[] a = narrow.forward(x).toArray();
        float[] b = wide.forward(x).toArray();
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], tolerance, "output " + i);
        }
    }

    @Test
    void widenedUnetWithBatchNormComputesTheSameInBothModes() {
        UNet narrow = unet("unet-bn", 4, "sigmoid", 1);
        warmBatchNorm(narrow);
        UNet wide = unet("unet-bn", 8, "sigmoid", 2);
        assertEquals(2, UNetWidening.widen(narrow, wide, 2018));
        assertSameOutput(narrow, wide, false, 1e-4f);
        assertSameOutput(narrow, wide, true, 1e-4f);
    }

    @Test
    void widenedPaper004UnetWithNearestConvUpsamplingAndHiddenHeadComputesTheSame() {
        Module n = Presets.build("unet", Map.of("base", 4, "in_channels", 3));
        n.initialize(3);
        Module w = Presets.build("unet", Map.of("base", 12, "in_channels", 3));
        assertEquals(3, UNetWidening.widen((UNet) n, (UNet) w, 5));
        assertSameOutput(n, w, false, 1e-4f);
    }

    @Test
    void copiesOfAChannelReadTheirInputsWithDifferentFractionsThatSumToTheOldWeight() {
        UNet narrow = unet("unet-bn", 4, "sigmoid", 1);
        UNet wide = unet("unet-bn", 8, "sigmoid", 2);
        UNetWidening.widen(narrow, wide, 2018);
        float[] old = narrow.stateDict().get("enc2.0.weight").toArray(); // (8, 4, 3, 3)
        float[] w = wide.stateDict().get("enc2.0.weight").toArray();     // (16, 8, 3, 3)
        // output 0, input channel 1 and its copy 5, tap 0: the two fractions differ and add up to the old weight
        float a = w[(0 * 8 + 1) * 9];
        float b = w[(0 * 8 + 5) * 9];
        assertNotEquals(a, b);
        assertEquals(old[(0 * 4 + 1) * 9], a + b, 1e-6f);
        // output copies (0 and 8) read each old input the same in total, but not with the same split
        assertEquals(a + b, w[(8 * 8 + 1) * 9] + w[(8 * 8 + 5) * 9], 1e-6f);
        assertNotEquals(a, w[(8 * 8 + 1) * 9]);
        // batch norm after it: copied as it is
        float[] oldMean = narrow.stateDict().get("enc2.1.running_mean").toArray();
        float[] mean = wide.stateDict().get("enc2.1.running_mean").toArray();
        for (int j = 0; j < 16; j++) {
            assertEquals(oldMean[j % 8], mean[j]);
        }
    }

    @Test
    void theDecoderConcatenationIsWidenedSegmentBySegment() {
        // dec1.0 of base 2 reads concat(up 2, skip 2) = 4 channels; at base 4, concat(up 4, skip 4):
        // new inputs 0..3 are copies of old up channels 0,1,0,1 and 4..7 of old skip channels 2,3,2,3
        float[] old = new float[1 * 4];
        for (int i = 0; i < 4; i++) {
            old[i] = i + 1;
        }
        float[] w = UNetWidening.widen(old, new int[] {1, 4, 1, 1}, new int[] {1, 8, 1, 1}, 1, new int[] {4, 4}, 2,
                new SplittableRandom(1));
        assertEquals(1, w[0] + w[2], 1e-6f);
        assertEquals(2, w[1] + w[3], 1e-6f);
        assertEquals(3, w[4] + w[6], 1e-6f);
        assertEquals(4, w[5] + w[7], 1e-6f);
        for (float v : w) {
            assertTrue(v > 0);
        }
    }

    @Test
    void refusesNetworksThatDifferInMoreThanTheBaseOrByAFractionalFactor() {
        UNet narrow = unet("unet-bn", 4, "sigmoid", 1);
        IllegalArgumentException fraction = assertThrows(IllegalArgumentException.class,
                () -> UNetWidening.widen(narrow, unet("unet-bn", 6, "sigmoid", 2), 1));
        assertTrue(fraction.getMessage().contains("whole multiple"), fraction.getMessage());
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> UNetWidening.widen(narrow, unet("unet-bn", 8, "softmax", 2), 1));
        assertTrue(other.getMessage().contains("more than the base"), other.getMessage());
    }

    @Test
    void factorOneCopiesTheWeightsExactly() {
        UNet a = unet("unet-bn", 4, "sigmoid", 1);
        UNet b = unet("unet-bn", 4, "sigmoid", 9);
        assertEquals(1, UNetWidening.widen(a, b, 3));
        a.stateDict().forEach((name, t) -> assertArrayEquals(t.toArray(), b.stateDict().get(name).toArray(), name));
    }
}
