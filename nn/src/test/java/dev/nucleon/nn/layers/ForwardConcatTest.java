package dev.nucleon.nn.layers;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Tensor;
import dev.nucleon.core.ops.Shaping;
import dev.nucleon.nn.InferencePlan;
import dev.nucleon.nn.Module;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link Module#forwardConcat} computes {@code forward(concat(1, parts))}: read in place by a leading convolution
 * without gradients, through the concatenation with them (gradients reach every part), and for 'same' padding;
 * under an {@link InferencePlan} the parts a network made are released once the convolution has read them.
 */
class ForwardConcatTest {

    private final Tensor up = Tensor.uniform(1, -1f, 1f, 2, 3, 12, 10);
    private final Tensor skip = Tensor.uniform(2, -1f, 1f, 2, 5, 12, 10);

    @Test
    void leadingConvolutionReadsThePartsInPlace() {
        for (Module first : new Module[] {Conv2d.builder(8, 4, 3).padding(1).build(), Conv2d.builder(8, 4, 4).samePadding().build(),
                new Identity()}) {
            Sequential block = new Sequential(first, new ReLU(), Conv2d.builder(first instanceof Identity ? 8 : 4, 2, 1).build());
            block.initialize(9).eval();
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

    /** A decoder step: dec(concat(left(x), right(x))), keeping the parts it made to inspect them. */
    private static final class TwoPaths extends Module {
        final Module left = registerModule("left", Conv2d.builder(3, 3, 3).padding(1).build());
        final Module right = registerModule("right", Conv2d.builder(3, 5, 1).build());
        final Module dec = registerModule("dec", new Sequential(Conv2d.builder(8, 4, 3).padding(1).build(), new ReLU(),
                Conv2d.builder(4, 2, 1).build()));
        final List<Tensor> parts = new ArrayList<>();

        @Override
        protected Tensor compute(Tensor x) {
            Tensor a = left.forward(x);
            Tensor b = right.forward(x);
            parts.add(a);
            parts.add(b);
            return dec.forwardConcat(a, b);
        }
    }

    @Test
    void plannedPartsAreReleasedOnceReadAndTheResultIsBitIdentical() {
        TwoPaths net = new TwoPaths();
        net.initialize(3).eval();
        try (var g = Autograd.noGrad()) {
            float[] want = net.forward(up).toArray();
            InferencePlan.attach(net);
            for (int pass = 0; pass < 2; pass++) {
                assertArrayEquals(want, net.forward(up).toArray(), 0f, "pass " + pass);
                for (Tensor part : net.parts.subList(net.parts.size() - 2, net.parts.size())) {
                    assertThrows(IllegalStateException.class, part::toArray, "pass " + pass + ": part released");
                }
                up.toArray(); // the input is the caller's
            }
        }
    }
}
