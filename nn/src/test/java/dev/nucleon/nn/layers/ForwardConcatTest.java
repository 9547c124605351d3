package dev.nucleon.nn.layers;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Tensor;
import dev.nucleon.core.ops.Shaping;
import dev.nucleon.nn.Module;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * {@link Module#forwardConcat} computes {@code forward(concat(1, parts))}: read in place by a leading convolution
 * without gradients, through the concatenation with them (gradients reach every part), and for 'same' padding.
 */
class ForwardConcatTest {

    private final Tensor up = Tensor.uniform(1, -1f, 1f, 2, 3, 12, 10);
    private final Tensor skip = Tensor.uniform(2, -1f, 1f, 2, 5, 12, 10);

    @Test
    void leadingConvolutionReadsThePartsInPlace() {
        for (Module first : new Module[] {Conv2d.builder(8, 4, 3).padding(1).build(), Conv2d.builder(8, 4, 4).samePadding().build(),
                new Identity()}) {
            Sequential block = new Sequential(first, new ReLU(), Conv2d.builder(first instanceof Identity ? 8 : 4, 2, 1).build());
            block.initialize(9).eval().releaseIntermediates(true);
            try (var g = Autograd.noGrad()) {
                float[] want = block.forward(Shaping.concat(1, up, skip)).toArray();
                assertArrayEquals(want, block.forwardConcat(up, skip).toArray(), 1e-5f, first.toString());
                up.toArray(); // the parts are the caller's: still readable
                skip.toArray();
            }
        }
    }

    @Test
    void withGradientsThePartsGetTheirShareOfTheGradient() {
        Conv2d conv = Conv2d.builder(8, 4, 3).padding(1).build();
        conv.initialize(4);
        Tensor a = up.detach().requiresGrad(true);
        Tensor b = skip.detach().requiresGrad(true);
        conv.forwardConcat(a, b).sum().backward();
        Tensor joined = Shaping.concat(1, up, skip).requiresGrad(true);
        conv.forward(joined).sum().backward();
        assertNotNull(a.grad());
        float[] whole = joined.grad().toArray();
        float[] both = Shaping.concat(1, a.grad(), b.grad()).toArray();
        assertArrayEquals(whole, both, 1e-5f);
    }
}
