package dev.nucleon.segmentation.train;

import dev.nucleon.nn.Module;
import dev.nucleon.nn.loss.BinaryCrossEntropy;
import dev.nucleon.nn.loss.Loss;
import dev.nucleon.nn.optim.Adadelta;
import dev.nucleon.nn.optim.Adam;
import dev.nucleon.nn.optim.AdamW;
import dev.nucleon.nn.optim.CosineAnnealingLR;
import dev.nucleon.nn.optim.LearningRateScheduler;
import dev.nucleon.nn.optim.StepLR;
import dev.nucleon.nn.optim.Optimizer;
import dev.nucleon.nn.optim.RMSprop;
import dev.nucleon.nn.optim.SGD;
import dev.nucleon.segmentation.loss.BceDiceLoss;
import dev.nucleon.segmentation.loss.BceLogDiceLoss;
import dev.nucleon.segmentation.loss.CategoricalCrossEntropy;
import dev.nucleon.segmentation.loss.DiceLoss;

import java.util.List;
import java.util.Locale;

/**
 * Everything a {@link Trainer} run depends on. Defaults ({@link #defaults()}) follow paper 004: 256×256
 * patches, batch 8, Adam with learning rate 1e-3, loss BCE − log Dice; plus ReduceLROnPlateau (×0.5 after 4
 * epochs without a better validation score) and early stopping after 10.
 *
 * @param epochs             the last epoch number (epochs run: 1..epochs, fewer when stopped early)
 * @param batchSize          patches per optimiser step
 * @param patchSize          side of the square training patches (a multiple of 16 for the U-Nets)
 * @param patchesPerImage    random patches drawn from each training image per epoch
 * @param learningRate       the optimiser's initial learning rate
 * @param optimizer          adam, adamw, sgd, sgd-momentum (momentum 0.9, L2 weight decay), rmsprop or adadelta
 * @param loss               bce-log-dice (paper 004), bce-dice (paper 003), dice, bce, or cross-entropy (paper 001, the classes head)
 * @param weightDecay        L2 weight decay (0 = none)
 * @param plateauPatience    epochs without improvement before the learning rate is multiplied by
 *                           {@code plateauFactor} (0 = no schedule)
 * @param plateauFactor      the ReduceLROnPlateau factor
 * @param minLearningRate    the schedule's floor
 * @param earlyStopping      epochs without improvement before training stops (0 = never)
 * @param seed               seeds the epoch order, the patch positions and the augmentation
 * @param workers            data-loading threads
 * @param prefetch           ready batches kept ahead of the network (the bounded queue)
 * @param augment            flips, 90° rotations, contrast, brightness and blur on the training patches
 * @param separateTouching   train on foreground minus the pixels where two nuclei touch, so the network
 *                           learns to leave a gap that the instance step can split on
 * @param validationPatch    patch side used to predict whole validation images
 * @param schedule           the learning-rate schedule: {@code plateau} (ReduceLROnPlateau on the validation
 *                           score, {@code plateauPatience} / {@code plateauFactor}), {@code cosine} (cosine
 *                           annealing over {@code epochs} down to {@code minLearningRate}), {@code step}
 *                           (× {@code plateauFactor} every {@code plateauPatience} epochs) or {@code none}
 */
public record TrainerConfig(int epochs, int batchSize, int patchSize, int patchesPerImage, double learningRate,
                            String optimizer, String loss, double weightDecay, int plateauPatience, double plateauFactor,
                            double minLearningRate, int earlyStopping, long seed, int workers, int prefetch,
                            boolean augment, boolean separateTouching, int validationPatch, String schedule) {

    /** The optimiser names {@code optimizer} accepts. */
    public static final List<String> OPTIMIZERS = List.of("adam", "adamw", "sgd", "rmsprop", "adadelta",
            "sgd-momentum");
    /** The schedule names {@code schedule} accepts. */
    public static final List<String> SCHEDULES = List.of("plateau", "cosine", "step", "none");
    /** The loss names {@code loss} accepts. */
    public static final List<String> LOSSES = List.of("bce-log-dice", "bce-dice", "dice", "bce", "cross-entropy");

    /**
     * Checks every value.
     *
     * @param epochs             the last epoch number (epochs run: 1..epochs, fewer when stopped early)
     * @param batchSize          patches per optimiser step
     * @param patchSize          side of the square training patches (a multiple of 16 for the U-Nets)
     * @param patchesPerImage    random patches drawn from each training image per epoch
     * @param learningRate       the optimiser's initial learning rate
     * @param optimizer          adam, adamw, sgd, sgd-momentum (momentum 0.9, L2 weight decay), rmsprop or adadelta
     * @param loss               bce-log-dice (paper 004), bce-dice (paper 003), dice, bce, or cross-entropy (paper 001, the classes head)
     * @param weightDecay        L2 weight decay (0 = none)
     * @param plateauPatience    epochs without improvement before the learning rate is multiplied by
     *                           {@code plateauFactor} (0 = no schedule)
     * @param plateauFactor      the ReduceLROnPlateau factor
     * @param minLearningRate    the schedule's floor
     * @param earlyStopping      epochs without improvement before training stops (0 = never)
     * @param seed               seeds the epoch order, the patch positions and the augmentation
     * @param workers            data-loading threads
     * @param prefetch           ready batches kept ahead of the network (the bounded queue)
     * @param augment            flips, 90° rotations, contrast, brightness and blur on the training patches
     * @param separateTouching   train on foreground minus the pixels where two nuclei touch, so the network
     *                           learns to leave a gap that the instance step can split on
     * @param validationPatch    patch side used to predict whole validation images
     * @param schedule           the learning-rate schedule: {@code plateau} (ReduceLROnPlateau on the validation
     *                           score, {@code plateauPatience} / {@code plateauFactor}), {@code cosine} (cosine
     *                           annealing over {@code epochs} down to {@code minLearningRate}), {@code step}
     *                           (× {@code plateauFactor} every {@code plateauPatience} epochs) or {@code none}
     * @throws IllegalArgumentException when a value is out of range (naming it)
     */
    public TrainerConfig {
        require(epochs >= 1, "epochs must be >= 1, got " + epochs);
        require(batchSize >= 1, "batch size must be >= 1, got " + batchSize);
        require(patchSize >= 16 && patchSize % 16 == 0, "patch size must be a multiple of 16, got " + patchSize);
        require(patchesPerImage >= 1, "patches per image must be >= 1, got " + patchesPerImage);
        require(learningRate > 0, "learning rate must be > 0, got " + learningRate);
        require(OPTIMIZERS.contains(optimizer), "optimizer must be one of " + OPTIMIZERS + ", got '" + optimizer + "'");
        require(LOSSES.contains(loss), "loss must be one of " + LOSSES + ", got '" + loss + "'");
        require(weightDecay >= 0, "weight decay must be >= 0, got " + weightDecay);
        require(plateauPatience >= 0 && earlyStopping >= 0, "patiences must be >= 0");
        require(plateauFactor > 0 && plateauFactor < 1, "plateau factor must be in (0, 1), got " + plateauFactor);
        require(minLearningRate >= 0, "minimum learning rate must be >= 0");
        require(workers >= 1 && prefetch >= 1, "workers and prefetch must be >= 1");
        require(SCHEDULES.contains(schedule), "schedule must be one of " + SCHEDULES + ", got '" + schedule + "'");
        require(validationPatch >= 16 && validationPatch % 16 == 0, "validation patch must be a multiple of 16");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("TrainerConfig: " + message);
        }
    }

    /**
     * {@return paper 004's settings plus the schedule and early stopping of the class comment: 40 epochs, seed 2018}
     */
    public static TrainerConfig defaults() {
        return new TrainerConfig(40, 8, 256, 1, 1e-3, "adam", "bce-log-dice", 0, 4, 0.5, 1e-5, 10, 2018, 1, 4,
                true, true, 256, "plateau");
    }

    /**
     * {@return a copy with another last epoch}
     *
     * @param n epochs, ≥ 1
     */
    public TrainerConfig withEpochs(int n) {
        return new TrainerConfig(n, batchSize, patchSize, patchesPerImage, learningRate, optimizer, loss, weightDecay,
                plateauPatience, plateauFactor, minLearningRate, earlyStopping, seed, workers, prefetch, augment,
                separateTouching, validationPatch, schedule);
    }

    /**
     * {@return a copy with another batch and patch size}
     *
     * @param batch patches per step, ≥ 1
     * @param patch patch side, a multiple of 16
     */
    public TrainerConfig withBatch(int batch, int patch) {
        return new TrainerConfig(epochs, batch, patch, patchesPerImage, learningRate, optimizer, loss, weightDecay,
                plateauPatience, plateauFactor, minLearningRate, earlyStopping, seed, workers, prefetch, augment,
                separateTouching, validationPatch, schedule);
    }

    /**
     * {@return a copy drawing another number of patches per image and epoch}
     *
     * @param n patches, ≥ 1
     */
    public TrainerConfig withPatchesPerImage(int n) {
        return new TrainerConfig(epochs, batchSize, patchSize, n, learningRate, optimizer, loss, weightDecay,
                plateauPatience, plateauFactor, minLearningRate, earlyStopping, seed, workers, prefetch, augment,
                separateTouching, validationPatch, schedule);
    }

    /**
     * {@return a copy with another seed}
     *
     * @param s the seed
     */
    public TrainerConfig withSeed(long s) {
        return new TrainerConfig(epochs, batchSize, patchSize, patchesPerImage, learningRate, optimizer, loss,
                weightDecay, plateauPatience, plateauFactor, minLearningRate, earlyStopping, s, workers, prefetch,
                augment, separateTouching, validationPatch, schedule);
    }

    /**
     * {@return a copy with augmentation on or off}
     *
     * @param on true for augmentation
     */
    public TrainerConfig withAugment(boolean on) {
        return new TrainerConfig(epochs, batchSize, patchSize, patchesPerImage, learningRate, optimizer, loss,
                weightDecay, plateauPatience, plateauFactor, minLearningRate, earlyStopping, seed, workers, prefetch,
                on, separateTouching, validationPatch, schedule);
    }

    /** {@return a fresh loss function of this configuration's kind} */
    public Loss createLoss() {
        return switch (loss) {
            case "bce-log-dice" -> new BceLogDiceLoss();
            case "bce-dice" -> new BceDiceLoss();
            case "dice" -> new DiceLoss();
            case "bce" -> new BinaryCrossEntropy();
            case "cross-entropy" -> new CategoricalCrossEntropy();
            default -> throw new IllegalStateException(loss);
        };
    }

    /**
     * {@return an epoch-indexed schedule for {@code cosine} and {@code step}; null for {@code plateau} and {@code none}}
     *
     * @param o the optimiser the schedule drives
     */
    public LearningRateScheduler createEpochSchedule(Optimizer o) {
        return switch (schedule) {
            case "cosine" -> new CosineAnnealingLR(o, epochs, minLearningRate);
            case "step" -> new StepLR(o, Math.max(1, plateauPatience), plateauFactor);
            default -> null;
        };
    }

    /**
     * {@return a fresh optimiser over {@code model}'s parameters}
     *
     * @param model the network
     */
    public Optimizer createOptimizer(Module model) {
        return switch (optimizer) {
            case "adam" -> new Adam(model, learningRate).weightDecay(weightDecay);
            case "adamw" -> new AdamW(model, learningRate);
            case "sgd" -> new SGD(model, learningRate);
            case "sgd-momentum" -> new SGD(model, learningRate).momentum(0.9).weightDecay(weightDecay); // Mask R-CNN's
            case "rmsprop" -> new RMSprop(model, learningRate);
            case "adadelta" -> new Adadelta(model, learningRate);
            default -> throw new IllegalStateException(optimizer);
        };
    }

    /** {@return one line for logs and model metadata} */
    public String describe() {
        return String.format(Locale.ROOT, "epochs=%d batch=%d patch=%d patches/image=%d %s lr=%g wd=%g loss=%s"
                        + " schedule=%s plateau=%d×%g min-lr=%g early-stop=%d seed=%d augment=%b separate-touching=%b", epochs,
                batchSize, patchSize, patchesPerImage, optimizer, learningRate, weightDecay, loss, schedule, plateauPatience,
                plateauFactor, minLearningRate, earlyStopping, seed, augment, separateTouching);
    }
}
