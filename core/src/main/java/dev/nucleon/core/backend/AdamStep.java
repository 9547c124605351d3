package dev.nucleon.core.backend;

/**
 * The coefficients of one fused Adam/AdamW step ({@link Backend#adamUpdate}), already rounded to float the
 * way the composed tensor ops round them, so the fused step gives the same floats.
 *
 * @param lr              learning rate
 * @param beta1           β₁, and {@code oneMinusBeta1} = (float) (1 − β₁)
 * @param beta2           β₂, and {@code oneMinusBeta2} = (float) (1 − β₂)
 * @param eps             ε, added to √v̂
 * @param correction1     (float) (1 / (1 − β₁ᵗ)), the bias correction of m
 * @param correction2     (float) (1 / (1 − β₂ᵗ)), the bias correction of v
 * @param l2              coupled weight decay (added to the gradient as l2·θ); 0 for none
 * @param decay           decoupled weight decay factor (θ ← θ·decay first); 1 for none
 */
public record AdamStep(float lr, float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float eps,
                       float correction1, float correction2, float l2, float decay) {

    /**
     * {@return the step at count {@code t} of Adam ({@code decoupled} false) or AdamW (true)}
     *
     * @param lr          learning rate
     * @param beta1       β₁, the first moment's decay, in [0, 1)
     * @param beta2       β₂, the second moment's decay, in [0, 1)
     * @param eps         ε, added to √v̂
     * @param weightDecay the weight decay, 0 for none: coupled (l2 = weightDecay) for Adam, decoupled
     *                    (θ ← θ·(1 − lr·weightDecay)) for AdamW
     * @param decoupled   AdamW (true) or Adam (false)
     * @param t           the step count, from 1 (the bias corrections divide by 1 − βᵗ)
     */
    public static AdamStep of(double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled, long t) {
        boolean coupled = weightDecay != 0 && !decoupled;
        boolean shrink = weightDecay != 0 && decoupled;
        return new AdamStep((float) lr, (float) beta1, (float) (1 - beta1), (float) beta2, (float) (1 - beta2), (float) eps,
                (float) (1 / (1 - Math.pow(beta1, t))), (float) (1 / (1 - Math.pow(beta2, t))),
                coupled ? (float) weightDecay : 0f, shrink ? (float) (1 - lr * weightDecay) : 1f);
    }
}
