package dev.nucleon.segmentation.recipes;

import dev.nucleon.segmentation.dataset.DatasetSplit;
import dev.nucleon.segmentation.dataset.ImageKind;
import dev.nucleon.segmentation.dataset.NucleiSample;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.io.ImageFileException;
import dev.nucleon.segmentation.preprocess.NetworkInput;
import dev.nucleon.segmentation.dataset.TrainingSample;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Paper 004's training data ("Training and validation set generation"): grayscale images only, each converted
 * with {@link NetworkInput#PAPER004_NAME} (CLAHE → TV denoising → [0, 1]) and cut into 256×256 patches, which are
 * then split 8 : 2 at random into training and validation patches.
 *
 * <ol>
 *   <li><b>Grid patches</b>: top-left corners on a grid of spacing 256 along each side; where a side is longer
 *       than 256 but not a multiple of it, the last patch is re-cropped flush with the right / bottom edge (so it
 *       overlaps its neighbour); where a side is shorter than 256, the patch is zero-padded (labels 0).
 *       ({@link #origins}: side 256 → {0}; 360 → {0, 104}; 520 → {0, 256, 264}; 200 → {0}.)</li>
 *   <li><b>Random patches</b> "to further increase the number of training samples": the paper gives no count;
 *       here, per image with a side longer than 256, as many random positions are tried as the image has grid
 *       patches, and a patch is kept only when its ratio of foreground to background pixels exceeds
 *       {@value #MIN_FOREGROUND_RATIO} (the paper's "ratio between foreground (nuclei) and background … greater than
 *       … 0.4"; read literally as foreground / background, i.e. more than 2/7 ≈ 29 % of the patch nuclei). Images
 *       that fit one patch give none: every crop of them is the grid patch.</li>
 *   <li><b>Split</b>: the patches, shuffled with the seed, 80 % training, 20 % validation. As in the paper, patches
 *       of one image (and near-duplicate images) fall on both sides, so this validation measures fit more than
 *       generalisation; the project's grouped split is the honest number.</li>
 * </ol>
 *
 * <p>Patch ids are {@code <image id>@x,y} (grid) and {@code <image id>@x,y~r} (random).
 */
public final class Paper004Patches {
    /** Patch side, pixels. */
    public static final int SIZE = 256;
    /** A random patch is kept when foreground / background exceeds this. */
    public static final double MIN_FOREGROUND_RATIO = 0.4;
    /** The paper's training : validation proportion of the patches, 8 : 2. */
    public static final double VALIDATION_FRACTION = 0.2;

    private Paper004Patches() {
    }

    /**
     * {@return patch origins along a side of {@code length} pixels (see the class comment)}
     *
     * @param length the side's length, pixels
     */
    public static int[] origins(int length) {
        if (length <= SIZE) {
            return new int[] {0};
        }
        int full = length / SIZE;
        boolean flush = length % SIZE != 0;
        int[] o = new int[full + (flush ? 1 : 0)];
        for (int i = 0; i < full; i++) {
            o[i] = i * SIZE;
        }
        if (flush) {
            o[full] = length - SIZE;
        }
        return o;
    }

    /**
     * The grid and random patches of every grayscale image of {@code samples} (colour images are skipped), in
     * image order, converted with paper 004's input conversion. Progress goes to {@code log} every 50 images.
     *
     * @param samples the images with their truth
     * @param seed    seeds the random patches
     * @param log     where progress lines go
     * @throws IllegalArgumentException when no image is grayscale (the recipe has nothing to train on)
     * @return the patches, converted
     * @throws IOException when an image or its truth cannot be read
     */
    public static List<TrainingSample> patches(List<NucleiSample> samples, long seed, PrintStream log)
            throws IOException {
        List<TrainingSample> out = new ArrayList<>();
        int gray = 0, done = 0;
        long t0 = System.nanoTime();
        for (NucleiSample s : samples) {
            FloatImage image = s.readImage();
            done++;
            if (ImageKind.of(image) != ImageKind.GRAY) {
                continue;
            }
            gray++;
            FloatImage input = NetworkInput.preparePaper004(image);
            LabelImage labels = s.readLabels();
            if (labels.width() != input.width() || labels.height() != input.height()) {
                throw new ImageFileException(s.imageFile(), "labels are " + labels.width() + "x" + labels.height()
                        + ", image " + input.width() + "x" + input.height());
            }
            out.addAll(of(s.id(), input, labels, new Random(seed ^ s.id().hashCode())));
            if (log != null && (done % 50 == 0 || done == samples.size())) {
                double seconds = (System.nanoTime() - t0) / 1e9;
                log.printf(Locale.ROOT, "paper 004 patches: %d/%d images (%d gray), %d patches, %.1f images/s, ETA %.0f s%n",
                        done, samples.size(), gray, out.size(), done / seconds,
                        (samples.size() - done) * seconds / done);
            }
        }
        if (gray == 0) {
            throw new IllegalArgumentException("paper 004's recipe trains on grayscale images only, and none of the "
                    + samples.size() + " images is grayscale");
        }
        return out;
    }

    /** The grid patches, then the kept random patches, of one converted image. */
    static List<TrainingSample> of(String id, FloatImage input, LabelImage labels, Random random) {
        List<TrainingSample> out = new ArrayList<>();
        int w = input.width(), h = input.height();
        int[] xs = origins(w), ys = origins(h);
        for (int y : ys) {
            for (int x : xs) {
                out.add(patch(id + "@" + x + "," + y, input, labels, x, y));
            }
        }
        if (w > SIZE || h > SIZE) {
            int tries = xs.length * ys.length;
            for (int t = 0; t < tries; t++) {
                int x = w > SIZE ? random.nextInt(w - SIZE + 1) : 0, y = h > SIZE ? random.nextInt(h - SIZE + 1) : 0;
                TrainingSample p = patch(id + "@" + x + "," + y + "~r", input, labels, x, y);
                if (foregroundRatio(p.labels()) > MIN_FOREGROUND_RATIO) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    private static TrainingSample patch(String id, FloatImage input, LabelImage labels, int x, int y) {
        return new TrainingSample(id, input.crop(x, y, SIZE, SIZE, 0f), labels.crop(x, y, SIZE, SIZE), ImageKind.GRAY);
    }

    /** Foreground pixels / background pixels (infinite when there is no background). */
    static double foregroundRatio(LabelImage labels) {
        long fg = 0;
        for (int v : labels.data()) {
            if (v != 0) {
                fg++;
            }
        }
        long bg = labels.data().length - fg;
        return bg == 0 ? Double.POSITIVE_INFINITY : (double) fg / bg;
    }

    /**
     * {@return the paper's random 8 : 2 split of the patches, seeded}: the same members as {@link DatasetSplit#of}
     * ({@code Collections.shuffle} with {@code Random(seed)}, the first 20 % to validation), but each part in the
     * shuffled order rather than the original one — the order the shipped {@code paper004-unet-b8} weights were
     * trained in, on which the trainer's seeded epoch order depends.
     *
     * @param patches the patches
     * @param seed    the shuffle's seed
     */
    public static DatasetSplit<TrainingSample> split(List<TrainingSample> patches, long seed) {
        List<TrainingSample> shuffled = new ArrayList<>(patches);
        Collections.shuffle(shuffled, new Random(seed));
        int validation = (int) Math.round(patches.size() * VALIDATION_FRACTION);
        return new DatasetSplit<>(List.copyOf(shuffled.subList(validation, shuffled.size())),
                List.copyOf(shuffled.subList(0, validation)));
    }
}
