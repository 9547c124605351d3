package dev.nucleon.segmentation.augment;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A composable, seeded pipeline (albumentations' {@code Compose}): transforms run in order, each with its
 * own probability p. {@link #apply(AugmentationSample, long)} with the same seed gives the same result.
 *
 * <pre>
 * AugmentationPipeline aug = new AugmentationPipeline()
 *     .add(new HorizontalFlip(), 0.5)
 *     .add(new ShiftScaleRotate(), 0.5)
 *     .add(new GaussianBlur(), 0.3);
 * AugmentationSample out = aug.apply(new AugmentationSample(image, labels), seed);
 * </pre>
 */
public final class AugmentationPipeline implements Augmentation {
    private record Step(Augmentation transform, double probability) {
    }

    private final List<Step> steps = new ArrayList<>();

    /**
     * Appends a transform applied with probability p.
     *
     * @param transform   the transform
     * @param probability the chance it runs on a sample, in [0, 1]
     * @return this pipeline
     */
    public AugmentationPipeline add(Augmentation transform, double probability) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("AugmentationPipeline: probability must be in [0, 1], got " + probability);
        }
        steps.add(new Step(transform, probability));
        return this;
    }

    /**
     * {@return paper 003's spatial + intensity list (horizontal flip, contrast, gamma, brightness, elastic, grid, optical, shift-scale-rotate)}
     */
    public static AugmentationPipeline paper003() {
        return new AugmentationPipeline()
                .add(new HorizontalFlip(), 0.5)
                .add(new RandomContrast(0.2), 0.5)
                .add(new RandomGamma(80, 120), 0.5)
                .add(new RandomBrightness(0.2), 0.5)
                .add(new ElasticTransform(120, 6), 0.3)
                .add(new GridDistortion(5, 0.3), 0.3)
                .add(new OpticalDistortion(0.5, 0.05), 0.3)
                .add(new ShiftScaleRotate(0.0625, 0.1, 45), 0.5);
    }

    /** {@return paper 004's list (geometry plus Gaussian/median/average blur, hue, saturation, contrast)} */
    public static AugmentationPipeline paper004() {
        return new AugmentationPipeline()
                .add(new HorizontalFlip(), 0.5)
                .add(new VerticalFlip(), 0.5)
                .add(new RandomRotate90(), 0.5)
                .add(new GaussianBlur(3, 7), 0.2)
                .add(new MedianBlur(3, 7), 0.2)
                .add(new AverageBlur(3, 7), 0.2)
                .add(new HueSaturationValue(20, 30, 0), 0.3)
                .add(new RandomContrast(0.2), 0.3);
    }

    @Override
    public AugmentationSample apply(AugmentationSample sample, Random random) {
        AugmentationSample s = sample;
        for (Step step : steps) {
            if (random.nextDouble() < step.probability()) {
                s = step.transform().apply(s, random);
            }
        }
        return s;
    }

    /**
     * Applies the pipeline with a fresh {@code Random(seed)}.
     *
     * @param sample the image and its target
     * @param seed   seeds every random draw
     * @return the transformed sample
     */
    public AugmentationSample apply(AugmentationSample sample, long seed) {
        return apply(sample, new Random(seed));
    }
}
