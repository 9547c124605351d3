package dev.nucleon.core.testing;

/**
 * Double-precision losses, each the mean over elements (or positions) of the textbook formula:
 * BCE on probabilities (clamped as documented, see {@link #BCE_LOW}), BCE on logits, cross-entropy and
 * negative log-likelihood with class indices along axis 1, mean squared error.
 */
public final class ReferenceLoss {

    private ReferenceLoss() {
    }

    /**
     * The documented clamp of binary cross-entropy on probabilities, [ε, 1 − ε] with ε = 1e-7, applied to a
     * float32 probability: the upper bound is 1 − ε rounded to float32, 1 − 1.19e-7 (the float32 spacing just
     * below 1 is 5.96e-8), as in Keras. So a saturated wrong prediction costs −ln ε = 16.12 at p = 0 but
     * −ln(1.19e-7) = 15.94 at p = 1.
     */
    public static final double BCE_LOW = 1e-7f;
    public static final double BCE_HIGH = 1f - 1e-7f;

    public static double binaryCrossEntropy(double[] p, double[] t) {
        double s = 0;
        for (int i = 0; i < p.length; i++) {
            double q = Math.min(Math.max(p[i], BCE_LOW), BCE_HIGH);
            s += -(t[i] * Math.log(q) + (1 - t[i]) * Math.log(1 - q));
        }
        return s / p.length;
    }

    /** −[t·ln σ(x) + (1 − t)·ln σ(−x)] (as 1 − σ(x) = σ(−x)), with ln σ evaluated without cancellation. */
    public static double binaryCrossEntropyWithLogits(double[] x, double[] t) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += -(t[i] * logSigmoid(x[i]) + (1 - t[i]) * logSigmoid(-x[i]));
        }
        return s / x.length;
    }

    /** ln σ(z) = −ln(1 + e^−z): for z ≥ 0 directly, for z &lt; 0 as z − ln(1 + e^z) (the same, without overflow). */
    private static double logSigmoid(double z) {
        return z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));
    }

    /** Mean over positions of −logp[n, target[n, …], …]; logp (N, K, …), target (N, …). */
    public static double nllLoss(double[] logp, int[] shape, double[] target) {
        int k = shape[1];
        int inner = logp.length / (shape[0] * k);
        double s = 0;
        for (int n = 0; n < shape[0]; n++) {
            for (int i = 0; i < inner; i++) {
                int c = (int) target[n * inner + i];
                s -= logp[(n * k + c) * inner + i];
            }
        }
        return s / (shape[0] * inner);
    }

    public static double crossEntropy(double[] logits, int[] shape, double[] target) {
        return nllLoss(ReferenceSoftmax.logSoftmax(logits, shape, 1), shape, target);
    }

    public static double mse(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return s / a.length;
    }
}
