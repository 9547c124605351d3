/**
 * Nuclei segmentation: the five papers' networks, the microscopy image toolkit, training and inference.
 *
 * <p>"Paper 000" … "paper 004", here and in every class of this module, are the five papers numbered as their
 * texts in {@code shared/seeds/}; {@code docs/papers.md} names them (title, first author, year) and tables what
 * we reproduced of each.
 *
 * <p>The imaging toolkit (JDK only, ImageIO): {@code image} (FloatImage, LabelImage, BinaryMask),
 * {@code io} (readers/writers, overlays, JSON), {@code dataset} (DSB2018 layouts, RLE, splits),
 * {@code preprocess} (CLAHE, TV denoising, normalisation, resize, targets), {@code patch} (paper 004's
 * patch grid, max stitching, seamless tiled inference), {@code augment} (seeded image+target
 * augmentation), {@code morphology} (thresholding, components, hole filling, boundaries, distance transform,
 * h-maxima, watershed), {@code instance} (post-processing pipelines to one label per nucleus, measurements) and
 * {@code metrics}
 * (DSB2018 score, average IoU, pixel metrics, folder evaluation). {@code networks} holds the papers' networks
 * and their named presets (exact published weight counts), {@code loss} their losses (soft Dice, BCE + Dice,
 * BCE − log Dice); training and inference land with the [pipeline] issue. {@code output} names a run's output
 * folder (image names, per-image files, {@code manifest.json}) for {@code nucleon segment} and {@code segment-spark}.
 */
package dev.nucleon.segmentation;
