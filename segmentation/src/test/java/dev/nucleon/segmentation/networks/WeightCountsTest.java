package dev.nucleon.segmentation.networks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.nn.Module;
import dev.nucleon.nn.ParameterCount;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The papers' weight counts (PAPERS.md, ✔ = exact), from the built networks without a forward pass.
 * Non-trainable = batch-norm running mean and variance (Keras's convention).
 */
class WeightCountsTest {

    private static ParameterCount count(String preset, Object... options) {
        Map<String, Object> o = new java.util.LinkedHashMap<>();
        for (int i = 0; i < options.length; i += 2) {
            o.put((String) options[i], options[i + 1]);
        }
        return Presets.build(preset, o).parameterCount();
    }

    @Test
    void unetBnOfPaper002() {
        ParameterCount c = count("unet-bn");
        assertEquals(31_055_297, c.total());
        assertEquals(31_043_521, c.trainable());
        assertEquals(11_776, c.nonTrainable());
    }

    @Test
    void unetOfPaper004AtBothBases() {
        assertEquals(new ParameterCount(1_941_093, 0), count("unet"));
        assertEquals(new ParameterCount(1_941_093, 0), count("unet", "base", 16));
        assertEquals(new ParameterCount(485_813, 0), count("unet", "base", 8));
    }

    @Test
    void unetsOfPaper000AllHaveTheSameWeights() {
        for (String p : new String[] {"unet-relu", "unet-elu", "unet-carving"}) {
            assertEquals(new ParameterCount(1_941_105, 0), count(p), p);
        }
    }

    @Test
    void unetPlusPlusOfPaper004() {
        assertEquals(new ParameterCount(2_261_601, 0), count("unet-plusplus"));
        assertEquals(new ParameterCount(566_001, 0), count("unet-plusplus", "base", 8));
    }

    /** Our reading of Fig. 5a (see {@link UNetPlus}): within 0.07 % of all four published figures. */
    @Test
    void unetPlusOfPaper004WithinOnePercentOfThePublishedFigures() {
        Object[][] cases = {{16, "tc", 1_926_065L, 1.926e6}, {16, "us", 1_729_985L, 1.730e6},
                {8, "tc", 483_801L, 0.484e6}, {8, "us", 434_721L, 0.435e6}};
        for (Object[] c : cases) {
            ParameterCount n = count("unet-plus", "base", c[0], "up", c[1]);
            String what = "B=" + c[0] + " " + c[1];
            assertEquals((long) c[2], n.total(), what);
            double paper = (double) c[3];
            assertTrue(Math.abs(n.total() / paper - 1) < 0.01, what + ": " + n.total() + " vs " + paper);
            // the paper rounds to thousands: ours rounds to the same figure
            assertEquals(Math.round(paper / 1000), Math.round(n.total() / 1000.0), what);
        }
        assertEquals(count("unet-plus", "up", "tc"), count("unet-plus"), "tc is the default");
        // batch-norm running statistics, 2 per channel: C blocks C10…C14, C21…C23, C31, C32, C41; D blocks
        // D11…D14, D21…D23, D31, D32, D41; two conv blocks in each of U4…U1
        int c = 16 * 5 + 32 * 3 + 64 * 2 + 128;
        int d = 32 * 4 + 64 * 3 + 128 * 2 + 256;
        int u = 2 * (16 + 32 + 64 + 128);
        assertEquals(2L * (c + d + u), count("unet-plus").nonTrainable());
    }

    /** torchvision's ResNet parameter counts without the 1000-class fc layer. */
    @Test
    void resnetBackbonesHaveTorchvisionsCounts() {
        Map<Integer, Long> torchvision = Map.of(18, 11_176_512L, 34, 21_284_672L, 50, 23_508_032L, 101, 42_500_160L,
                152, 58_143_808L);
        torchvision.forEach((depth, expected) -> {
            ResNetFcn net = (ResNetFcn) Presets.build("resnet-fcn", Map.of("depth", depth));
            long trainable = 0;
            for (Module m : net.backbone()) {
                trainable += m.parameterCount().trainable();
            }
            assertEquals(expected, trainable, "ResNet-" + depth);
            // head: three 1×1 score convolutions to one class on layer2, layer3, layer4
            int expansion = depth >= 50 ? 4 : 1;
            long head = expansion * (128 + 256 + 512) + 3;
            assertEquals(expected + head, net.parameterCount().trainable(), "ResNet-" + depth + " FCN");
        });
    }

    @Test
    void resFcnAndSimpleCnn() {
        // ResNet-18 trunk 11,176,512 + decoder: ConvT 2×2 (4·512·256 + 256, 4·256·128 + 128, 4·128·64 + 64,
        // 4·64·64 + 64), basic blocks 512→256, 256→128, 128→64, 128→64 with projections, 1×1 head 64→2
        long convT = 4L * 512 * 256 + 256 + 4L * 256 * 128 + 128 + 4L * 128 * 64 + 64 + 4L * 64 * 64 + 64;
        long blocks = block(512, 256) + block(256, 128) + block(128, 64) + block(128, 64);
        long expectedTrainable = 11_176_512L + convT + blocks + 64 * 2 + 2;
        ParameterCount c = count("resfcn");
        assertEquals(expectedTrainable, c.trainable());
        // running statistics: stem 64, encoder blocks, decoder blocks
        assertEquals(c.trainable() - c.nonTrainable() - convT - 64 * 2 - 2
                - convWeights(), 0, "non-trainable = BN running stats = BN trainable");
        assertEquals(new ParameterCount(22_793, 6), count("simple-cnn"));
    }

    /** A basic block in → out with projection: two 3×3 convs (no bias), 1×1 projection, three BN (γ, β). */
    private static long block(int in, int out) {
        return 9L * in * out + 9L * out * out + (long) in * out + 3L * 2 * out;
    }

    /** Every convolution weight of the ResFcn (no biases there except ConvT and the head). */
    private static long convWeights() {
        long stem = 49L * 3 * 64;
        long enc = 4 * 9L * 64 * 64 + (9L * 64 * 128 + 9L * 128 * 128 + 64 * 128 + 2 * 9L * 128 * 128)
                + (9L * 128 * 256 + 9L * 256 * 256 + 128 * 256 + 2 * 9L * 256 * 256)
                + (9L * 256 * 512 + 9L * 512 * 512 + 256 * 512 + 2 * 9L * 512 * 512);
        long dec = 0;
        int[][] io = {{512, 256}, {256, 128}, {128, 64}, {128, 64}};
        for (int[] p : io) {
            dec += 9L * p[0] * p[1] + 9L * p[1] * p[1] + (long) p[0] * p[1];
        }
        return stem + enc + dec;
    }
}
