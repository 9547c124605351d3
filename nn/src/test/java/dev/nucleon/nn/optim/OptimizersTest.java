package dev.nucleon.nn.optim;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Parameter;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each update rule against two steps computed by hand from its published formula. The parameter starts at
 * θ₀ = (1, −2); the loss of step t is Σ gₜ·θ, so the gradients are exactly g₁ = (0.5, −1) and g₂ = (0.2, 0.4)
 * (plus weight decay where stated).
 */
class OptimizersTest {

    private static final float TOL = 1e-6f;
    private static final float[] G1 = {0.5f, -1f};
    private static final float[] G2 = {0.2f, 0.4f};

    private static float[][] twoSteps(Function<Map<String, Parameter>, Optimizer> make) {
        Parameter w = new Parameter(Tensor.of(1f, -2f));
        Map<String, Parameter> params = new LinkedHashMap<>();
        params.put("w", w);
        Optimizer opt = make.apply(params);
        float[][] out = new float[2][];
        float[][] grads = {G1, G2};
        for (int t = 0; t < 2; t++) {
            opt.zeroGrad();
            w.value().mul(Tensor.of(grads[t])).sum().backward();
            opt.step();
            out[t] = w.value().toArray();
        }
        assertEquals(2, opt.stepCount());
        return out;
    }

    private static void assertSteps(float[] step1, float[] step2, float[][] actual) {
        assertArrayEquals(step1, actual[0], TOL, "after step 1");
        assertArrayEquals(step2, actual[1], TOL, "after step 2");
    }

    @Test
    void sgd() {
        // θ₁ = θ₀ − 0.1·g₁ = (0.95, −1.9); θ₂ = θ₁ − 0.1·g₂ = (0.93, −1.94)
        assertSteps(new float[] {0.95f, -1.9f}, new float[] {0.93f, -1.94f}, twoSteps(p -> new SGD(p, 0.1)));
    }

    @Test
    void sgdWithMomentum() {
        // b₁ = g₁, θ₁ = (0.95, −1.9); b₂ = 0.9·b₁ + g₂ = (0.65, −0.5), θ₂ = θ₁ − 0.1·b₂ = (0.885, −1.85)
        assertSteps(new float[] {0.95f, -1.9f}, new float[] {0.885f, -1.85f},
                twoSteps(p -> new SGD(p, 0.1).momentum(0.9)));
    }

    @Test
    void sgdNesterovWithWeightDecay() {
        // g₁' = g₁ + 0.01·θ₀ = (0.51, −1.02); b₁ = g₁'; d₁ = g₁' + 0.9·b₁ = (0.969, −1.938); θ₁ = (0.9031, −1.8062)
        // g₂' = g₂ + 0.01·θ₁ = (0.209031, 0.381938); b₂ = 0.9·b₁ + g₂' = (0.668031, −0.536062)
        // d₂ = g₂' + 0.9·b₂ = (0.8102589, −0.1005178); θ₂ = θ₁ − 0.1·d₂ = (0.82207411, −1.79614822)
        assertSteps(new float[] {0.9031f, -1.8062f}, new float[] {0.82207411f, -1.79614822f},
                twoSteps(p -> new SGD(p, 0.1).momentum(0.9).nesterov(true).weightDecay(0.01)));
    }

    @Test
    void adamWithBiasCorrection() {
        // t=1: m = 0.1·g₁ = (0.05, −0.1), v = 0.001·g₁² = (0.00025, 0.001); m̂ = m/0.1 = g₁, v̂ = v/0.001 = g₁²
        //      θ₁ = θ₀ − 0.01·g₁/(|g₁| + 1e-7) = (0.990000002, −1.990000001)
        // t=2: m = 0.9·m + 0.1·g₂ = (0.065, −0.05), v = 0.999·v + 0.001·g₂² = (0.00028975, 0.001159)
        //      m̂ = m/0.19, v̂ = v/0.001999; θ₂ = θ₁ − 0.01·m̂/(√v̂ + 1e-7) = (0.9810142523, −1.986543943)
        assertSteps(new float[] {0.990000002f, -1.990000001f}, new float[] {0.9810142523f, -1.986543943f},
                twoSteps(p -> new Adam(p, 0.01)));
    }

    @Test
    void adamWithCoupledL2() {
        // the gradient becomes g + 0.1·θ before the moments: t=1 g' = (0.6, −1.2) (same step, sign only);
        // t=2 g' = (0.2990000002, 0.2010000001), θ₂ = (0.9806830967, −1.984621475)
        assertSteps(new float[] {0.9900000017f, -1.990000001f}, new float[] {0.9806830967f, -1.984621475f},
                twoSteps(p -> new Adam(p, 0.01).weightDecay(0.1)));
    }

    @Test
    void adamWDecaysDecoupled() {
        // θ ← θ·(1 − 0.01·0.1) first, then the Adam step on the plain gradient:
        // θ₁ = θ₀·0.999 − 0.01·g₁/(|g₁| + 1e-7) = (0.989000002, −1.988000001)
        // θ₂ = θ₁·0.999 − (the same Adam step as without decay) = (0.9790252523, −1.982555943)
        assertSteps(new float[] {0.989000002f, -1.988000001f}, new float[] {0.9790252523f, -1.982555943f},
                twoSteps(p -> new AdamW(p, 0.01).weightDecay(0.1)));
    }

    @Test
    void adadeltaWithKerasDefaults() {
        // t=1: E[g²] = 0.05·g₁² = (0.0125, 0.05); Δ = √(0 + 1e-7)/√(E[g²] + 1e-7)·g₁ = (0.0014142079, −0.0014142121)
        //      E[Δ²] = 0.05·Δ²; θ₁ = θ₀ − Δ = (0.9985857921, −1.998585788)
        // t=2: E[g²] = 0.95·E[g²] + 0.05·g₂² = (0.013875, 0.0555); Δ = √(E[Δ²] + 1e-7)/√(E[g²] + 1e-7)·g₂
        //      θ₂ = (0.99782647, −1.999345113)
        assertSteps(new float[] {0.9985857921f, -1.998585788f}, new float[] {0.99782647f, -1.999345113f},
                twoSteps(p -> new Adadelta(p, 1.0)));
        // paper 001's ResNet recipe: lr 0.1 scales the same Δ
        assertSteps(new float[] {0.9998585792f, -1.999858579f}, new float[] {0.999782647f, -1.999934511f},
                twoSteps(p -> new Adadelta(p, 0.1)));
    }

    @Test
    void rmsprop() {
        // t=1: v = 0.1·g₁² = (0.025, 0.1); θ₁ = θ₀ − 0.01·g₁/(√v + 1e-7) = (0.9683772434, −1.968377233)
        // t=2: v = 0.9·v + 0.1·g₂² = (0.0265, 0.106); θ₂ = θ₁ − 0.01·g₂/(√v + 1e-7) = (0.9560913486, −1.980663132)
        assertSteps(new float[] {0.9683772434f, -1.968377233f}, new float[] {0.9560913486f, -1.980663132f},
                twoSteps(p -> new RMSprop(p, 0.01)));
    }

    @Test
    void rmspropCenteredWithMomentum() {
        // t=1: v = (0.025, 0.1), a = 0.1·g₁ = (0.05, −0.1), s = v − a² = (0.0225, 0.09)
        //      u = g₁/(√s + 1e-7) = (3.33333, −3.33333); b = u; θ₁ = θ₀ − 0.01·b = (0.9666666889, −1.966666678)
        // t=2: v = (0.0265, 0.106), a = (0.065, −0.05), s = (0.02227500, 0.10350); b = 0.9·b + g₂/(√s + 1e-7)
        //      θ₂ = (0.9232662137, −1.949100081)
        assertSteps(new float[] {0.9666666889f, -1.966666678f}, new float[] {0.9232662137f, -1.949100081f},
                twoSteps(p -> new RMSprop(p, 0.01).momentum(0.9).centered(true)));
    }

    @Test
    void frozenAndGradientlessParametersAreSkipped() {
        Parameter a = new Parameter(Tensor.of(1f));
        Parameter b = new Parameter(Tensor.of(1f));
        Parameter c = new Parameter(Tensor.of(1f));
        Map<String, Parameter> params = new LinkedHashMap<>();
        params.put("a", a);
        params.put("b", b);
        params.put("c", c);
        b.setTrainable(false);
        Adam opt = new Adam(params, 0.1);
        a.value().add(b.value()).sum().backward(); // c gets no gradient
        opt.step();
        assertTrue(a.value().item() < 1f);
        assertEquals(1f, b.value().item());
        assertEquals(1f, c.value().item());
        assertEquals(List.of("a.exp_avg", "a.exp_avg_sq"), List.copyOf(opt.stateTensors().keySet()));
    }

    @Test
    void stateRoundTripsAndIsValidated() {
        Parameter w = new Parameter(Tensor.of(1f, -2f));
        Map<String, Parameter> params = Map.of("w", w);
        SGD opt = new SGD(params, 0.1).momentum(0.9);
        w.value().sum().backward();
        opt.step();
        Map<String, Tensor> state = opt.stateTensors();
        assertArrayEquals(new float[] {1, 1}, state.get("w.momentum_buffer").toArray(), 0f);
        SGD fresh = new SGD(params, 0.5).momentum(0.9);
        fresh.loadState(state, 1, 0.1);
        assertEquals(1, fresh.stepCount());
        assertEquals(0.1, fresh.learningRate());
        assertArrayEquals(new float[] {1, 1}, fresh.stateTensors().get("w.momentum_buffer").toArray(), 0f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fresh.loadState(Map.of("v.momentum_buffer", Tensor.zeros(2)), 1, 0.1));
        assertTrue(e.getMessage().contains("'v.momentum_buffer'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> fresh.loadState(Map.of("w.momentum_buffer", Tensor.zeros(3)), 1, 0.1));
        assertTrue(e.getMessage().contains("shape [3]"), e.getMessage());
    }

    @Test
    void hyperparameterValidation() {
        Map<String, Parameter> params = Map.of("w", new Parameter(Tensor.of(1f)));
        assertThrows(IllegalArgumentException.class, () -> new SGD(params, -1));
        assertThrows(IllegalArgumentException.class, () -> new Adam(params, 0.1).betas(1.0, 0.9));
        assertThrows(IllegalArgumentException.class, () -> new SGD(Map.of(), 0.1));
        SGD bad = new SGD(params, 0.1).nesterov(true);
        params.get("w").value().sum().backward();
        assertThrows(IllegalStateException.class, bad::step);
        assertEquals("0.004", new AdamW(params, 0.1).hyperparameters().get("weight_decay"), "Keras's AdamW default");
        assertEquals(1.0, new Adadelta(params, 1.0).learningRate());
    }
}
