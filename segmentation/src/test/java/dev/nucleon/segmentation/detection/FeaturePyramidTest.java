package dev.nucleon.segmentation.detection;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.segmentation.networks.ResNetFcn;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The first pieces of Mask R-CNN's network (issue 21, item 2): {@link FeaturePyramid} and {@link RpnHead} have
 * torchvision's parameter counts, and on the {@code resnet-fcn} ResNet-18 backbone give P2 … P6 at strides 4 … 64
 * and per-level RPN outputs whose sizes match the {@link AnchorGenerator}'s anchor count.
 */
class FeaturePyramidTest {

    @Test
    void parameterCountsAreTorchvisions() {
        assertEquals(3_344_384, new FeaturePyramid(new int[] {256, 512, 1024, 2048}, 256).parameterCount().trainable());
        assertEquals(593_935, new RpnHead(256, 3).parameterCount().trainable());
    }

    @Test
    void resnet18PyramidAndRpnShapesLineUpWithTheAnchors() {
        ResNetFcn net = new ResNetFcn(18);
        net.initialize(1).eval();
        Module[] backbone = net.backbone();
        FeaturePyramid fpn = new FeaturePyramid(new int[] {64, 128, 256, 512}, 32);
        fpn.initialize(2);
        RpnHead rpn = new RpnHead(32, 3);
        rpn.initialize(3);
        AnchorGenerator anchors = new AnchorGenerator(new float[][] {{32}, {64}, {128}, {256}, {512}},
                new float[][] {{0.5f, 1, 2}, {0.5f, 1, 2}, {0.5f, 1, 2}, {0.5f, 1, 2}, {0.5f, 1, 2}});
        try (var scope = Autograd.noGrad()) {
            Tensor x = Tensor.uniform(4, -1, 1, 1, 3, 64, 128);
            List<Tensor> c = new ArrayList<>();
            Tensor t = backbone[0].forward(x);
            for (int l = 1; l <= 4; l++) {
                t = backbone[l].forward(t);
                c.add(t);
            }
            List<Tensor> p = fpn.pyramid(c);
            assertEquals(5, p.size());
            int[][] grids = new int[5][];
            int total = 0;
            for (int level = 0; level < 5; level++) {
                int stride = 4 << level;
                assertArrayEquals(new int[] {1, 32, 64 / stride, 128 / stride}, p.get(level).shape(), "P" + (level + 2));
                Tensor out = rpn.forward(p.get(level));
                assertArrayEquals(new int[] {1, 3, 64 / stride, 128 / stride}, rpn.objectness(out).shape());
                assertArrayEquals(new int[] {1, 12, 64 / stride, 128 / stride}, rpn.deltas(out).shape());
                grids[level] = new int[] {64 / stride, 128 / stride};
                total += rpn.objectness(out).numel();
            }
            assertEquals(total, anchors.anchors(64, 128, grids).size(0), "one anchor per objectness logit");
        }
    }

    @Test
    void mismatchedMapsAreNamed() {
        FeaturePyramid fpn = new FeaturePyramid(new int[] {4, 8}, 8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fpn.pyramid(List.of(Tensor.zeros(1, 4, 8, 8), Tensor.zeros(1, 8, 3, 4))));
        assertEquals("FeaturePyramid: level 1 is 3x4, expected half of level 0's 8x8 (inputs must be multiples of 32)",
                e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> fpn.forward(Tensor.zeros(1, 4, 8, 8)));
    }
}
