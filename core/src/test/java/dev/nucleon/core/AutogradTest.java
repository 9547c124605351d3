package dev.nucleon.core;

import dev.nucleon.core.ops.Convolution;
import dev.nucleon.core.ops.Losses;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

class AutogradTest {

    @Test
    void gradientOfAPolynomialByHand() {
        // y = sum(x² · 3 + x), dy/dx = 6x + 1
        Tensor x = Tensor.of(1f, -2f, 0.5f).requiresGrad(true);
        Tensor y = x.mul(x).mul(3f).add(x).sum();
        assertEquals(3 + 1 + 12 - 2 + 0.75f + 0.5f, y.item(), 1e-6);
        y.backward();
        assertArrayEquals(new float[] {7f, -11f, 4f}, x.grad().toArray(), 1e-6f);
    }

    @Test
    void gradientsAccumulateUntilZeroed() {
        Tensor x = Tensor.of(2f).requiresGrad(true);
        x.mul(x).sum().backward();
        x.mul(x).sum().backward();
        assertEquals(8f, x.grad().item(), 0);
        x.zeroGrad();
        assertNull(x.grad());
    }

    @Test
    void sharedSubexpressionSumsBothPaths() {
        Tensor x = Tensor.of(3f).requiresGrad(true);
        Tensor a = x.mul(2f);
        Tensor y = a.mul(a).add(a).sum(); // 4x² + 2x → 8x + 2
        y.backward();
        assertEquals(26f, x.grad().item(), 1e-6);
    }

    @Test
    void deepGraphNeedsNoRecursion() {
        Tensor x = Tensor.of(1f).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < 100_000; i++) {
            y = y.mul(1.0f).add(0f);
        }
        y.sum().backward();
        assertEquals(1f, x.grad().item(), 0);
    }

    @Test
    void noGradScopeRecordsNothing() {
        Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
        try (var scope = Autograd.noGrad()) {
            assertFalse(Autograd.isGradEnabled());
            Tensor y = x.mul(2f);
            assertFalse(y.requiresGrad());
            assertNull(y.gradNode());
        }
        assertTrue(Autograd.isGradEnabled());
        assertTrue(x.mul(2f).requiresGrad());
    }

    @Test
    void detachCutsTheGraph() {
        Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
        Tensor d = x.mul(2f).detach();
        assertFalse(d.requiresGrad());
        assertArrayEquals(new float[] {2f, 4f}, d.toArray());
    }

    @Test
    void buffersAreReleasedAfterBackwardAndSecondBackwardIsRefused() {
        Tensor x = Tensor.uniform(1, -1, 1, 1, 2, 5, 5).requiresGrad(true);
        Tensor w = Tensor.uniform(2, -1, 1, 3, 2, 3, 3).requiresGrad(true);
        Tensor hidden = Convolution.conv2d(x, w, null, 1, 1).relu();
        Tensor loss = hidden.mean();
        loss.backward();
        assertTrue(hidden.gradNode().released());
        assertTrue(loss.gradNode().released());
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("already used"), e.getMessage());
    }

    @Test
    void backwardNeedsAScalarOrASeed() {
        Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
        Tensor y = x.mul(3f);
        assertThrows(IllegalArgumentException.class, y::backward);
        y.backward(Tensor.of(1f, 10f));
        assertArrayEquals(new float[] {3f, 30f}, x.grad().toArray());
    }

    @Test
    void bceWithLogitsIsStableForHugeLogits() {
        Tensor x = Tensor.of(1000f, -1000f).requiresGrad(true);
        Tensor t = Tensor.of(1f, 0f);
        Tensor loss = Losses.binaryCrossEntropyWithLogits(x, t);
        assertEquals(0f, loss.item(), 1e-6);
        loss.backward();
        assertArrayEquals(new float[] {0f, 0f}, x.grad().toArray(), 1e-6f);
    }
}
