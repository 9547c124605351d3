package dev.nucleon.segmentation.train;

/**
 * One row of {@code history.csv}.
 *
 * @param epoch            1-based epoch number
 * @param trainLoss        mean training loss over the epoch's batches
 * @param validationScore  DSB2018 official score (mean AP over IoU 0.5..0.95) over the validation images
 *                         (NaN without validation)
 * @param validationGray   the same over the grayscale validation images (NaN when there are none)
 * @param validationColour the same over the colour validation images (NaN when there are none)
 * @param learningRate     the learning rate used during the epoch
 * @param patchesPerSecond training throughput
 * @param seconds          wall time of the epoch, validation included
 * @param validationLoss   the training loss on the validation patches, no augmentation (NaN when the run
 *                         validates on whole images, whose sizes differ)
 */
public record EpochRecord(int epoch, double trainLoss, double validationScore, double validationGray,
                          double validationColour, double learningRate, double patchesPerSecond, double seconds,
                          double validationLoss) {

    /**
     * A record without a validation loss (NaN), as runs that validate on whole images write.
     *
     * @param epoch            1-based epoch number
     * @param trainLoss        mean training loss over the epoch's batches
     * @param validationScore  DSB2018 official score (mean AP over IoU 0.5..0.95) over the validation images
     *                         (NaN without validation)
     * @param validationGray   the same over the grayscale validation images (NaN when there are none)
     * @param validationColour the same over the colour validation images (NaN when there are none)
     * @param learningRate     the learning rate used during the epoch
     * @param patchesPerSecond training throughput
     * @param seconds          wall time of the epoch, validation included
     */
    public EpochRecord(int epoch, double trainLoss, double validationScore, double validationGray,
                       double validationColour, double learningRate, double patchesPerSecond, double seconds) {
        this(epoch, trainLoss, validationScore, validationGray, validationColour, learningRate, patchesPerSecond,
                seconds, Double.NaN);
    }
}
