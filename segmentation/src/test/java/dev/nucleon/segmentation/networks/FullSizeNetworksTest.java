package dev.nucleon.segmentation.networks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.loss.BinaryCrossEntropy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The networks at the papers' own input sizes: about 5 s together on two cores with the im2col + SGEMM
 * convolution kernels (ResFcn at 256² in 0.5 s, UNet-BN's 256² forward in 1.2 s, ResNet-152 forward and
 * backward at 64² in 3 s). {@link NetworkStructureTest#resFcnStageShapesFollowTables1And2} checks the same
 * ResFcn shapes at 64², scaled by 1/4.
 */
@SuppressWarnings("try") // no-grad scopes are used only for their effect
class FullSizeNetworksTest {

    /** Paper 003, Tables 1–2 exactly: 256×256×3 in, every stage's shape, 128×128×2 out. */
    @Test
    void resFcnAt256MatchesTables1And2() {
        ResFcn net = (ResFcn) Presets.build("resfcn");
        net.eval();
        Map<String, Tensor> f;
        try (var scope = Autograd.noGrad()) {
            f = net.features(Tensor.uniform(1, 0, 1, 1, 3, 256, 256));
        }
        ResFcnTables.shapes(256).forEach((stage, hwc) ->
                assertArrayEquals(new int[] {1, hwc[2], hwc[0], hwc[1]}, f.get(stage).shape(), stage));
        assertArrayEquals(new int[] {1, 2, 128, 128}, f.get("output").shape());
    }

    /** Paper 002's network on its 256×256×3 input. */
    @Test
    void unetBnAt256() {
        Module net = Presets.build("unet-bn").eval();
        try (var scope = Autograd.noGrad()) {
            assertArrayEquals(new int[] {1, 1, 256, 256}, net.forward(Tensor.uniform(2, 0, 1, 1, 3, 256, 256)).shape());
        }
    }

    /** Paper 001's ResNet-152 backbone (the default depth), forward and backward on a small batch. */
    @Test
    void resnet152ForwardAndBackward() {
        Module net = Presets.build("resnet-fcn");
        Tensor y = net.forward(Tensor.uniform(3, 0, 1, 2, 3, 64, 64));
        assertArrayEquals(new int[] {2, 1, 64, 64}, y.shape());
        new BinaryCrossEntropy().compute(y, y.detach().mul(0f)).backward();
        net.namedParameters().forEach((name, p) -> assertNotNull(p.grad(), name));
    }
}
