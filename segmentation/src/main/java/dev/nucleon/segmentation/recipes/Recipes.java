package dev.nucleon.segmentation.recipes;

import dev.nucleon.segmentation.augment.AugmentationPipeline;
import dev.nucleon.segmentation.dataset.DatasetSplit;
import dev.nucleon.segmentation.dataset.ImageKind;
import dev.nucleon.segmentation.dataset.NucleiSample;
import dev.nucleon.segmentation.head.Head;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.instance.PostProcessing;
import dev.nucleon.segmentation.networks.Presets;
import dev.nucleon.segmentation.preprocess.NetworkInput;
import dev.nucleon.segmentation.preprocess.Resize;
import dev.nucleon.segmentation.train.TrainerConfig;
import dev.nucleon.segmentation.dataset.TrainingSample;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The papers' training protocols, one {@link Recipe} per row of their results tables (see
 * {@code ../shared/PAPERS.md} and the papers' "training" sections quoted on each group below).
 */
public final class Recipes {
    /** The seed every recipe starts from (weights, patches, order, augmentation, split). */
    public static final long SEED = 2018;

    private static final Map<String, Recipe> RECIPES = new LinkedHashMap<>();

    static {
        paper004();
        paper000();
        paper001();
        paper002();
        paper003();
    }

    private Recipes() {
    }

    /** {@return every recipe, paper by paper} */
    public static List<Recipe> all() {
        return List.copyOf(RECIPES.values());
    }

    /**
     * {@return the recipe called {@code name}; the message lists the known ones when there is none}
     *
     * @param name a recipe's name
     * @throws IllegalArgumentException when there is none
     */
    public static Recipe get(String name) {
        Recipe r = RECIPES.get(name);
        if (r == null) {
            throw new IllegalArgumentException("no recipe '" + name + "'; known: " + String.join(", ", RECIPES.keySet()));
        }
        return r;
    }

    /** Registers {@code r}; a recipe without augmentation gets {@code augment=false} in its configuration. */
    private static void add(Recipe r) {
        Recipe registered = r.augmentation() != null ? r : new Recipe(r.name(), r.paper(), r.row(), r.preset(),
                r.options(), r.config().withAugment(false), r.input(), r.data(), r.imageSize(), r.validationFraction(),
                null, r.lowestValidationLoss(), r.post(), r.deviations());
        RECIPES.put(registered.name(), registered);
    }

    /**
     * A configuration with no learning-rate schedule and no early stopping unless given: epochs, batch, patch side,
     * learning rate, optimiser, loss, L2 weight decay, schedule (none / step), step length and factor, early-stopping
     * patience.
     */
    private static TrainerConfig config(int epochs, int batch, int patch, double lr, String optimizer, String loss,
                                        double weightDecay, String schedule, int stepEpochs, double stepFactor,
                                        int earlyStopping) {
        return new TrainerConfig(epochs, batch, patch, 1, lr, optimizer, loss, weightDecay, stepEpochs, stepFactor,
                1e-6, earlyStopping, SEED, 1, 4, true, false, patch, schedule);
    }

    // ----- paper 004 --------------------------------------------------------------------------------------

    /**
     * Paper 004, "Model training": "Adam algorithm with initial learning rate 0.0005 was employed to optimize the
     * loss function defined in Eq. 1" (λ·BCE − log Dice, λ = 1); "The model with best accuracy (lowest loss) would
     * be stored"; "The number of epochs was empirically set to 20"; "U-Net++ was fine-tuned for another 5 epochs
     * … with smaller learning rate 0.0001"; L2 regularisation for U-Net++ (PAPERS.md: 1e-4 at B = 16, 0 at B = 8).
     * The batch "was adjusted … to saturate all the GPU memory": not stated as a number; 8 here. Data: {@link
     * Paper004Patches}; augmentation: {@link AugmentationPipeline#paper004()}; inference: max over overlapping
     * patches, threshold 0.5, holes and small objects removed, connected components.
     */
    private static void paper004() {
        String[][] nets = {
                {"unet", "U-Net", Presets.UNET, null},
                {"unetpp", "U-Net++", Presets.UNET_PLUSPLUS, null},
                {"unetplus-tc", "U-Net+ T.C.", Presets.UNET_PLUS, "tc"},
                {"unetplus-us", "U-Net+ U.S.", Presets.UNET_PLUS, "us"}};
        for (int b : new int[] {16, 8}) {
            for (String[] n : nets) {
                Map<String, String> options = new LinkedHashMap<>();
                options.put(Presets.BASE, Integer.toString(b));
                if (n[3] != null) {
                    options.put(Presets.UP, n[3]);
                }
                boolean plusPlus = n[2].equals(Presets.UNET_PLUSPLUS);
                TrainerConfig config = plusPlus
                        ? config(25, 8, 256, 5e-4, "adam", "bce-log-dice", b == 16 ? 1e-4 : 0, "step", 20, 0.2, 0)
                        : config(20, 8, 256, 5e-4, "adam", "bce-log-dice", 0, "none", 0, 0.5, 0);
                List<String> deviations = new ArrayList<>();
                deviations.add("batch 8 (the paper fills a GTX 1080 Ti; no number given)");
                deviations.add("random patches: as many tries per image as it has grid patches (the paper gives no "
                        + "count)");
                if (plusPlus) {
                    deviations.add("the 5 fine-tuning epochs at 1e-4 follow the 20 at 5e-4 in one run (a step "
                            + "schedule) rather than a second run");
                }
                add(new Recipe("paper004-" + n[0] + "-b" + b, "004", (b == 16 ? "Table 1" : "Table 2") + ", " + n[1]
                        + " (B = " + b + ")", n[2], Map.copyOf(options), config, NetworkInput.PAPER004_NAME,
                        Recipe.Data.PAPER004_PATCHES, Paper004Patches.SIZE, Paper004Patches.VALIDATION_FRACTION,
                        AugmentationPipeline::paper004, true, PostProcessing.PAPER004, List.copyOf(deviations)));
            }
        }
    }

    // ----- paper 000 --------------------------------------------------------------------------------------

    /**
     * Paper 000: the DSB2018 Keras U-Net on 128×128×3 inputs, binary cross-entropy ("We have chosen Binary Cross
     * Entropy (BCE) as loss function"), Adam (Keras defaults, lr 1e-3), batch 8, 35 epochs, early stopping when the
     * validation loss does not improve for 7 epochs.
     */
    private static void paper000() {
        String[][] nets = {{"unet-relu", Presets.UNET_RELU, "U-Net (all ReLU)"},
                {"unet-elu", Presets.UNET_ELU, "Optimized U-Net (all ELU)"},
                {"unet-carving", Presets.UNET_CARVING, "Carving"}};
        for (String[] n : nets) {
            add(new Recipe("paper000-" + n[0], "000", "Table 1, " + n[2], n[1], Map.of(),
                    config(35, 8, 128, 1e-3, "adam", "bce", 0, "none", 0, 0.5, 7), NetworkInput.RGB_NAME,
                    Recipe.Data.RESIZED, 128, 0.1, null, true, PostProcessing.WATERSHED,
                    List.of("validation: 10 % of the images at random (the paper does not state its split)",
                            "input scaled per channel to its 1st-99.8th percentiles rather than divided by 255",
                            "one run, not the mean of 10 repeats")));
        }
    }

    // ----- paper 001 --------------------------------------------------------------------------------------

    /** Paper 001's Table 1: Simple CNN (Adam 0.1, 15 epochs, batch 32), ResNet (Adadelta 0.1, 40, 10), U-Net (Adam 0.01, 20, 16). */
    private static void paper001() {
        add(new Recipe("paper001-simple-cnn", "001", "Table 1, Simple CNN", Presets.SIMPLE_CNN, Map.of(),
                config(15, 32, 256, 0.1, "adam", "cross-entropy", 0, "none", 0, 0.5, 0), NetworkInput.RGB_NAME,
                Recipe.Data.RESIZED, 256, 0.1, null, false, PostProcessing.WATERSHED,
                List.of("border class: nucleus pixels within " + Head.CONTOUR_WIDTH + " px of the background or another "
                                + "nucleus (the paper does not give the width)",
                        "instances: markers from the interior class, watershed inside 1 − p_background (the paper "
                                + "reports pixel accuracy and mean IoU, not how it counted nuclei)",
                        "validation: 10 % of the images at random (the paper does not state its split)")));
        add(new Recipe("paper001-resnet", "001", "Table 1, ResNet", Presets.RESNET_FCN, Map.of(Presets.DEPTH, "152"),
                config(40, 10, 256, 0.1, "adadelta", "bce", 0, "none", 0, 0.5, 0), NetworkInput.RGB_NAME,
                Recipe.Data.RESIZED, 256, 0.1, null, false, PostProcessing.WATERSHED,
                List.of("random init (no COCO weights offline): ResNet-152 from scratch, weeks of CPU time here",
                        "validation: 10 % of the images at random (the paper does not state its split)")));
        add(new Recipe("paper001-mask-rcnn", "001", "Table 1, Mask R-CNN", Presets.MASK_RCNN,
                Map.of(Presets.DEPTH, "50", Presets.DETECTIONS, "400"),
                config(30, 16, 256, 0.01, "sgd-momentum", "bce", 1e-4, "none", 0, 0.5, 0), NetworkInput.RGB_NAME,
                Recipe.Data.WHOLE, 256, 0.1, Recipes::flipsAndRotations, false, PostProcessing.WATERSHED,
                List.of("random init (no COCO weights offline): ResNet-50 + FPN from scratch (the paper fine-tunes a "
                                + "COCO model); momentum 0.9 and weight decay 1e-4 are Mask R-CNN's, the paper gives SGD "
                                + "and lr 0.01 only",
                        "training on random 256x256 crops of the images (the paper does not state its input size); "
                                + "inference on whole images, padded to multiples of 32",
                        "up to 400 detections per image (torchvision: 100; DSB2018 images hold up to ~400 nuclei)",
                        "validation: 10 % of the images at random (the paper does not state its split)")));
        add(new Recipe("cpu-mask-rcnn", "001", "Mask R-CNN, CPU-sized", Presets.MASK_RCNN,
                Map.of(Presets.DEPTH, "18", Presets.FPN_CHANNELS, "64", Presets.REPRESENTATION, "256",
                        Presets.MASK_CHANNELS, "64", Presets.ROIS, "128", Presets.PROPOSALS, "600",
                        Presets.DETECTIONS, "400", Presets.ANCHOR, "8"),
                config(12, 4, 256, 0.001, "adam", "bce", 0, "none", 0, 0.5, 0), NetworkInput.RGB_NAME,
                Recipe.Data.WHOLE, 256, 0.1, Recipes::flipsAndRotations, false, PostProcessing.WATERSHED,
                List.of("CPU-sized: ResNet-18 backbone, F = 64, box head 256 wide, mask trunk 64, 128 RoIs and 600 "
                                + "proposals per image, batch 4, Adam 1e-3 (chosen for training from scratch at batch 4; SGD not tried)",
                        "anchors 8 … 128 px on P2 … P6 (torchvision: 32 … 512, made for COCO objects; DSB2018 nuclei "
                                + "are 10–20 px across, median 21 px after the training set's scale)",
                        "12 epochs: a batch of four 256x256 crops took 8.5 s on one thread of this (busy) 2-core "
                                + "machine, ~21 min per epoch of the 603 training images, ~4 h in all",
                        "training on random 256x256 crops, one per image per epoch; inference on whole images",
                        "validation: 10 % of the images at random")));
        add(new Recipe("paper001-unet", "001", "Table 1, U-Net", Presets.UNET_ELU, Map.of(),
                config(20, 16, 256, 0.01, "adam", "bce", 0, "none", 0, 0.5, 0), NetworkInput.RGB_NAME,
                Recipe.Data.RESIZED, 256, 0.1, null, false, PostProcessing.WATERSHED,
                List.of("the paper's U-Net (\"sigmoid + ELU\") is read as the all-ELU Keras U-Net (unet-elu)",
                        "validation: 10 % of the images at random (not stated)")));
    }

    // ----- paper 002 --------------------------------------------------------------------------------------

    /**
     * Paper 002: "all images in the dataset were uniformly resized to dimensions of 256 x 256 pixels", pixel values
     * to [0, 1], binary cross-entropy, Adam, 35 epochs (PAPERS.md's recipe table).
     */
    private static void paper002() {
        add(new Recipe("paper002-unet-bn", "002", "U-Net with BN (pixel metrics)", Presets.UNET_BN, Map.of(),
                config(35, 8, 256, 1e-3, "adam", "bce", 0, "none", 0, 0.5, 0), NetworkInput.RGB_NAME,
                Recipe.Data.RESIZED, 256, 0.1, null, false, PostProcessing.WATERSHED,
                List.of("batch 8 and lr 1e-3 (Keras' Adam default): the paper states neither",
                        "validation: 10 % of the images at random (not stated)")));
    }

    // ----- paper 003 --------------------------------------------------------------------------------------

    /** Paper 003: residual FCN, BCE + Dice, Adam, ≤ 60 epochs, lr × 0.1 after 5 epochs without improvement, stop after 10. */
    private static void paper003() {
        add(new Recipe("paper003-resfcn", "003", "Residual FCN", Presets.RESFCN, Map.of(),
                config(60, 8, 256, 1e-3, "adam", "bce-dice", 0, "plateau", 5, 0.1, 10), NetworkInput.RGB_NAME,
                Recipe.Data.RESIZED, 256, 0.1, AugmentationPipeline::paper003, true, PostProcessing.WATERSHED,
                List.of("the loss compares the 128×128 nucleus-class output, bilinearly upsampled to 256×256, with the "
                                + "256×256 mask (the paper: 128×128 against a downsized mask)",
                        "lr 1e-3 (Keras' Adam default) and batch 8: the paper states neither",
                        "validation: 10 % of the images at random (the paper does not state its split)")));
    }

    /** The detector recipes' augmentation: flips and 90° rotations (they move boxes and masks with the image). */
    private static AugmentationPipeline flipsAndRotations() {
        return new AugmentationPipeline()
                .add(new dev.nucleon.segmentation.augment.HorizontalFlip(), 0.5)
                .add(new dev.nucleon.segmentation.augment.VerticalFlip(), 0.5)
                .add(new dev.nucleon.segmentation.augment.RandomRotate90(), 0.5);
    }

    // ----- data ----------------------------------------------------------------------------------------------

    /**
     * The recipe's training and validation samples from a folder's images ({@link Recipe.Data}), seeded.
     *
     * @param recipe  the recipe
     * @param samples the folder's images with their truth
     * @param seed    seeds the split and any random patches
     * @param log     where progress lines go
     * @throws IllegalArgumentException when the folder lacks what the recipe needs (e.g. no grayscale image)
     * @return the training and validation samples
     * @throws IOException when an image or its truth cannot be read
     */
    public static DatasetSplit<TrainingSample> prepare(Recipe recipe, List<NucleiSample> samples, long seed,
                                                       PrintStream log) throws IOException {
        return switch (recipe.data()) {
            case PAPER004_PATCHES -> Paper004Patches.split(Paper004Patches.patches(samples, seed, log), seed);
            case RESIZED -> resized(recipe, samples, seed);
            case WHOLE -> whole(recipe, samples, seed);
        };
    }

    /** Every image converted at its own size, then {@link DatasetSplit#of} over the images. */
    private static DatasetSplit<TrainingSample> whole(Recipe recipe, List<NucleiSample> samples, long seed)
            throws IOException {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("recipe " + recipe.name() + " needs images, and the folder has none");
        }
        List<TrainingSample> all = new ArrayList<>();
        for (NucleiSample s : samples) {
            FloatImage image = s.readImage();
            all.add(new TrainingSample(s.id(), NetworkInput.prepare(image, recipe.input()), s.readLabels(),
                    ImageKind.of(image)));
        }
        return DatasetSplit.of(all, recipe.validationFraction(), seed);
    }

    /** Every image resized to the recipe's side and converted, then {@link DatasetSplit#of} over the images. */
    private static DatasetSplit<TrainingSample> resized(Recipe recipe, List<NucleiSample> samples, long seed)
            throws IOException {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("recipe " + recipe.name() + " needs images, and the folder has none");
        }
        int side = recipe.imageSize();
        List<TrainingSample> all = new ArrayList<>();
        for (NucleiSample s : samples) {
            FloatImage image = s.readImage();
            FloatImage input = Resize.bilinear(NetworkInput.prepare(image, recipe.input()), side, side);
            LabelImage labels = Resize.nearest(s.readLabels(), side, side);
            all.add(new TrainingSample(s.id(), input, labels, ImageKind.of(image)));
        }
        return DatasetSplit.of(all, recipe.validationFraction(), seed);
    }
}
