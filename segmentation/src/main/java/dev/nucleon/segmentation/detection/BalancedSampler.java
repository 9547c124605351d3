package dev.nucleon.segmentation.detection;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the training examples of one image, torchvision's {@code BalancedPositiveNegativeSampler}: of the
 * predictions labelled positive (label ≥ 1) and negative (label 0; −1 is ignored),
 * <pre>
 *   positives = min(#positive, ⌊batchSizePerImage · positiveFraction⌋)     drawn at random
 *   negatives = min(#negative, batchSizePerImage − positives)               drawn at random
 * </pre>
 * The RPN draws 256 anchors with at most 50 % positives, the RoI heads 512 proposals with at most 25 %. The draw
 * is a partial Fisher–Yates shuffle from the given generator, so a seeded generator gives the same sample; the
 * chosen indices are returned in increasing order (torchvision returns them as masks).
 */
public final class BalancedSampler {

    /** The indices drawn, each array in increasing order. */
    public record Sample(int[] positive, int[] negative) {

        /** {@return positives and negatives together, in increasing index order} */
        public int[] all() {
            int[] both = new int[positive.length + negative.length];
            System.arraycopy(positive, 0, both, 0, positive.length);
            System.arraycopy(negative, 0, both, positive.length, negative.length);
            Arrays.sort(both);
            return both;
        }
    }

    private final int batchSizePerImage;
    private final float positiveFraction;

    /**
     * A sampler.
     *
     * @param batchSizePerImage examples per image, ≥ 1
     * @param positiveFraction  the largest share of positives, in [0, 1]
     * @throws IllegalArgumentException when either is out of range
     */
    public BalancedSampler(int batchSizePerImage, float positiveFraction) {
        if (batchSizePerImage < 1 || !(positiveFraction >= 0 && positiveFraction <= 1)) {
            throw new IllegalArgumentException("sampler: need batch size >= 1 and positive fraction in [0, 1], got "
                    + batchSizePerImage + ", " + positiveFraction);
        }
        this.batchSizePerImage = batchSizePerImage;
        this.positiveFraction = positiveFraction;
    }

    /**
     * {@return the positives and negatives drawn from one image's labels}
     *
     * @param labels per prediction: ≥ 1 positive, 0 negative, −1 ignored
     * @param random the generator of the draw
     */
    public Sample sample(int[] labels, SplittableRandom random) {
        int[] positive = indicesOf(labels, true);
        int[] negative = indicesOf(labels, false);
        int numPositive = Math.min(positive.length, (int) (batchSizePerImage * positiveFraction));
        int numNegative = Math.min(negative.length, batchSizePerImage - numPositive);
        return new Sample(draw(positive, numPositive, random), draw(negative, numNegative, random));
    }

    private static int[] indicesOf(int[] labels, boolean positive) {
        return java.util.stream.IntStream.range(0, labels.length)
                .filter(i -> positive ? labels[i] >= 1 : labels[i] == 0).toArray();
    }

    /** k of the candidates, uniformly without replacement (partial Fisher–Yates), sorted. */
    private static int[] draw(int[] candidates, int k, SplittableRandom random) {
        int[] c = candidates.clone();
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(c.length - i);
            int t = c[i];
            c[i] = c[j];
            c[j] = t;
        }
        int[] chosen = Arrays.copyOf(c, k);
        Arrays.sort(chosen);
        return chosen;
    }
}
