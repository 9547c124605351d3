package dev.nucleon.segmentation.recipes;

import dev.nucleon.segmentation.augment.AugmentationPipeline;
import dev.nucleon.segmentation.head.Head;
import dev.nucleon.segmentation.instance.PostProcessing;
import dev.nucleon.segmentation.train.TrainerConfig;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One row of a paper's results table as a training protocol: the network, the data handling, the loss, the
 * optimiser, the learning rate, the epochs, the batch, the augmentation and the checkpoint rule, all as the paper
 * describes them, so {@code nucleon train --recipe NAME --data DIR --out FILE} needs nothing else. Where this
 * project's machine or code forces a change, {@link #deviations()} says so.
 *
 * @param name          the command-line name, e.g. {@code paper004-unet-b8}
 * @param paper         the seed paper ("000" … "004")
 * @param row           the table row it reproduces, e.g. "Table 2, U-Net (B = 8)"
 * @param preset        the network preset ({@link dev.nucleon.segmentation.networks.Presets})
 * @param options       the preset's options (base filters, up-sampling, …)
 * @param config        epochs, batch, patch side, optimiser, learning rate, loss, schedule, early stopping, seed
 * @param input         the {@link dev.nucleon.segmentation.preprocess.NetworkInput} conversion
 * @param data          how the training folder becomes training and validation samples
 * @param imageSize     for {@link Data#RESIZED}: the side every image is resized to (unused by the others)
 * @param validationFraction for {@link Data#RESIZED} and {@link Data#WHOLE}: the fraction of images held out at
 *                      random
 * @param augmentation  the training augmentation (null: none)
 * @param lowestValidationLoss keep the epoch of lowest validation loss (else highest validation score)
 * @param post          the instance step the paper scored with ({@link PostProcessing#PAPER004}: threshold, holes
 *                      and specks removed, connected components; {@link PostProcessing#WATERSHED}: the project's),
 *                      recorded in the model file ({@code nucleon.post})
 * @param deviations    where this recipe differs from the paper, and why
 */
public record Recipe(String name, String paper, String row, String preset, Map<String, String> options,
                     TrainerConfig config, String input, Data data, int imageSize, double validationFraction,
                     Supplier<AugmentationPipeline> augmentation, boolean lowestValidationLoss, PostProcessing post,
                     List<String> deviations) {

    /** How a recipe turns a DSB2018 folder into samples. */
    public enum Data {
        /** Paper 004: gray images only, CLAHE → TV → [0, 1], 256² grid + random patches, 8 : 2 split of patches. */
        PAPER004_PATCHES,
        /** Every image resized to {@code imageSize}², a seeded random split of the images. */
        RESIZED,
        /**
         * Every image at its own size, a seeded random split of the images; each epoch the trainer cuts random
         * {@code patch}² crops of the training images (nuclei cut by the crop keep their visible part) and predicts
         * the validation images whole (the detector recipes).
         */
        WHOLE
    }

    /**
     * {@return the head the recipe trains: the papers' one nucleus-probability map ({@link Head#FOREGROUND}), except
     * for a recipe with paper 001's 3-class cross-entropy, which trains {@link Head#CLASSES}}
     */
    public Head head() {
        return config.loss().equals("cross-entropy") ? Head.CLASSES : Head.FOREGROUND;
    }


    /** {@return one line for {@code --list-recipes}} */
    public String summary() {
        return String.format(java.util.Locale.ROOT, "%-26s paper %s, %s: %s %s; %s", name, paper, row, preset,
                options, config.describe());
    }
}
