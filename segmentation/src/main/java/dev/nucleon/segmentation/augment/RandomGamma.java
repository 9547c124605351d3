package dev.nucleon.segmentation.augment;

import java.util.Random;

/**
 * Gamma change (albumentations' RandomGamma, gamma_limit (80, 120)): v → v^γ with
 * γ ~ U(lower, upper) / 100. Image only.
 */
public final class RandomGamma implements Augmentation {
    private final double lower;
    private final double upper;

    /**
     * γ drawn from [lower, upper] / 100.
     *
     * @param lowerPercent the lower bound of 100·γ, &gt; 0 (80 in albumentations)
     * @param upperPercent the upper bound of 100·γ, ≥ lowerPercent (120)
     * @throws IllegalArgumentException when the bounds are out of order or not positive
     */
    public RandomGamma(double lowerPercent, double upperPercent) {
        if (!(lowerPercent > 0 && lowerPercent <= upperPercent)) {
            throw new IllegalArgumentException("RandomGamma: need 0 < lower <= upper, got " + lowerPercent + ", "
                    + upperPercent);
        }
        this.lower = lowerPercent;
        this.upper = upperPercent;
    }

    @Override
    public AugmentationSample apply(AugmentationSample s, Random r) {
        double gamma = ShiftScaleRotate.uniform(r, lower, upper) / 100.0;
        return new AugmentationSample(Intensity.map(s.image(), v -> (float) Math.pow(Math.max(0f, v), gamma)),
                s.target());
    }
}
