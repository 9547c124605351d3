package dev.nucleon.core.backend;

/**
 * The coefficients of one fused SGD step ({@link Backend#sgdUpdate}), rounded to float as the composed
 * tensor ops round them.
 *
 * @param lr                learning rate
 * @param momentum          0 for plain SGD (the buffer is then neither read nor written)
 * @param oneMinusDampening (float) (1 − dampening)
 * @param weightDecay       coupled L2 decay (added to the gradient as weightDecay·θ); 0 for none
 * @param nesterov          Nesterov momentum
 * @param firstStep         the momentum buffer is empty: it becomes the gradient
 */
public record SgdStep(float lr, float momentum, float oneMinusDampening, float weightDecay, boolean nesterov,
                      boolean firstStep) {

    /**
     * {@return the coefficients of one SGD step, rounded to float}
     *
     * @param lr          learning rate
     * @param momentum    momentum factor, 0 for plain SGD
     * @param dampening   dampening of the gradient in the momentum buffer (stored as 1 − dampening)
     * @param weightDecay coupled L2 decay, 0 for none
     * @param nesterov    whether to use Nesterov momentum
     * @param firstStep   whether the momentum buffer is still empty (it then becomes the gradient)
     */
    public static SgdStep of(double lr, double momentum, double dampening, double weightDecay, boolean nesterov,
                             boolean firstStep) {
        return new SgdStep((float) lr, (float) momentum, (float) (1 - dampening), (float) weightDecay, nesterov, firstStep);
    }
}
