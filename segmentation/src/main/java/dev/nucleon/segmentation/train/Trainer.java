package dev.nucleon.segmentation.train;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.loss.Loss;
import dev.nucleon.nn.optim.EarlyStopping;
import dev.nucleon.nn.optim.LearningRateScheduler;
import dev.nucleon.nn.optim.Mode;
import dev.nucleon.nn.optim.Optimizer;
import dev.nucleon.nn.optim.ReduceLROnPlateau;
import dev.nucleon.segmentation.augment.AugmentationPipeline;
import dev.nucleon.segmentation.dataset.ImageKind;
import dev.nucleon.segmentation.dataset.NucleiSample;
import dev.nucleon.segmentation.dataset.TrainingSample;
import dev.nucleon.segmentation.detection.InstanceTargets;
import dev.nucleon.segmentation.detection.MaskRcnn;
import dev.nucleon.segmentation.head.Head;
import dev.nucleon.segmentation.head.HeadLoss;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.inference.Predictor;
import dev.nucleon.segmentation.metrics.ImageScore;
import dev.nucleon.segmentation.metrics.MeanAveragePrecision;
import dev.nucleon.segmentation.networks.Presets;
import dev.nucleon.segmentation.preprocess.NetworkInput;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Trains a segmentation network on nuclei images: the epoch loop.
 *
 * <p>Each epoch feeds the batches of a {@link PatchLoader} ({@code patchesPerImage} random, augmented patches
 * of every training image, seeded by {@code seed}, the epoch and the patch's position, so a run is reproducible
 * whatever the thread timing) to the configured loss and optimiser, then predicts the whole validation images
 * through {@link Predictor} (the same path as {@code nucleon segment}), scores them with the DSB2018 official
 * metric and steps ReduceLROnPlateau and early stopping on that score. The epoch's state is then committed as
 * one generation by {@link TrainingCheckpoint}.
 *
 * <p><b>Detectors.</b> A {@link MaskRcnn} model trains through the same loop, files and resume: its patches carry
 * their instance labels (same crops and augmentation), {@link InstanceTargets} turns each into boxes and masks, and
 * the step minimises {@link MaskRcnn#losses}' total (RPN objectness + RPN boxes + classifier + boxes + masks) instead
 * of the configured per-pixel loss; validation goes through {@link Predictor}'s detector path. The patch side must
 * be a multiple of 32; the head stays {@link Head#FOREGROUND} and is not recorded.
 *
 * <p>Files, for a model path {@code dir/name.safetensors} (see {@link TrainingCheckpoint} for the generations
 * under {@code name.run/} that hold them consistently):
 * <ul>
 *   <li>{@code name.safetensors}: the best network so far (by validation score; by training loss without
 *       validation), with its preset configuration, so {@code Checkpoint.load} rebuilds it;</li>
 *   <li>{@code name.last.safetensors} and {@code name.optimizer.safetensors}: the latest weights and the
 *       optimiser state, schedule state and epoch, for {@link #resume};</li>
 *   <li>{@code name.history.csv} and {@code name.curves.png}: one row / point per epoch.</li>
 * </ul>
 * A fresh run ({@link #fit}) refuses a model path that holds another run's files unless {@link #overwrite}
 * is set; both fit and resume check that the files can be written before training.
 */
public final class Trainer {
    /** Probability that a patch is rescaled when scale augmentation is on. */
    public static final double SCALE_PROBABILITY = PatchLoader.SCALE_PROBABILITY;
    /** Largest hue shift of the colour augmentation, degrees. */
    public static final double HUE_DEGREES = PatchLoader.HUE_DEGREES;

    private final TrainerConfig config;
    private final PrintStream log;
    private boolean inPlaceProgress = true;
    private Head head = Head.FOREGROUND;
    private String input = NetworkInput.NAME;
    private double minScale = 1, maxScale = 1;
    private boolean colourAugment;
    /** w_0 of the {@link dev.nucleon.segmentation.head.SeamWeights} of the cross-entropy; 0: unweighted. */
    private float seamWeight;
    /** Group of each training image id, for balanced sampling; empty: every image equally often. */
    private Map<String, String> groups = Map.of();
    /** Median equivalent diameter of the training nuclei, measured at the start of a run (recorded in model files). */
    private double trainingDiameter = Double.NaN;
    /** Whether a fresh run may replace another run's files at its model path. */
    private boolean overwrite;
    /** Whether the best epoch is the one of lowest validation loss (else highest validation score). */
    private boolean onValidationLoss;
    /** The training augmentation; null: {@link PatchLoader#standardAugmentation()}. */
    private AugmentationPipeline augmentation;
    private Map<String, String> extraMetadata = Map.of();
    private boolean recordDiameter = true;
    /** Handed to {@link TrainingCheckpoint#faultHook}: called before each write of an epoch's commit. */
    private Consumer<String> faultHook = step -> { };

    /**
     * A trainer with a configuration.
     *
     * @param config the run's settings
     * @param log    where progress lines go
     */
    public Trainer(TrainerConfig config, PrintStream log) {
        this.config = config;
        this.log = log;
    }

    /**
     * Sets whether the per-batch progress line is rewritten in place ({@code \r}); off for logs and tests.
     *
     * @param on true on a terminal
     * @return this trainer
     */
    public Trainer inPlaceProgress(boolean on) {
        this.inPlaceProgress = on;
        return this;
    }

    /**
     * What the network learns to output ({@link Head}; default {@link Head#FOREGROUND}, whose target follows
     * {@link TrainerConfig#separateTouching()}). The model must have {@link Head#channels()} output channels.
     *
     * @param h the head
     * @return this trainer
     */
    public Trainer head(Head h) {
        this.head = h;
        return this;
    }

    /**
     * The network input conversion, {@link NetworkInput#NAME} (default, one channel) or
     * {@link NetworkInput#RGB_NAME} (three); the model's input channels must match.
     *
     * @param name the conversion's name
     * @return this trainer
     */
    public Trainer input(String name) {
        NetworkInput.channels(name);
        this.input = name;
        return this;
    }

    /**
     * Scale augmentation: with probability {@value #SCALE_PROBABILITY}, each patch is cut as a square of side
     * {@code patch / s} and resized to the patch (bilinear image, nearest labels, targets from the resized
     * labels), with s log-uniform in [min, max]. Default 1–1 (off).
     *
     * @param min the smallest scale, &gt; 0
     * @param max the largest scale, min ≤ max ≤ 8
     * @return this trainer
     * @throws IllegalArgumentException when out of range
     */
    public Trainer scaleAugmentation(double min, double max) {
        if (!(min > 0 && min <= max && max <= 8)) {
            throw new IllegalArgumentException("Trainer: scale range must satisfy 0 < min <= max <= 8, got " + min
                    + ".." + max);
        }
        this.minScale = min;
        this.maxScale = max;
        return this;
    }

    /**
     * Colour augmentation of three-channel inputs: hue shift (±{@value #HUE_DEGREES}°, p 0.5), per-channel
     * gain 0.85–1.15 (stain strength, p 0.5) and replacement by the gray image (p 0.1), after the geometric and
     * intensity steps. Default off.
     *
     * @param on true for colour augmentation
     * @return this trainer
     */
    public Trainer colourAugment(boolean on) {
        this.colourAugment = on;
        return this;
    }

    /**
     * Seam weighting of a two-map head's cross-entropy ({@link dev.nucleon.segmentation.head.SeamWeights}, U-Net's
     * weight map in band form): pixels within {@value dev.nucleon.segmentation.head.SeamWeights#DEFAULT_RADIUS} px
     * of two different nuclei weigh 1 + w_0 instead of 1 ({@link HeadLoss#withPixelWeights()}). Default 0 (off).
     *
     * @param w0 the extra weight, finite and ≥ 0
     * @return this trainer
     * @throws IllegalArgumentException when negative or not finite
     */
    public Trainer seamWeight(float w0) {
        if (!(w0 >= 0) || Float.isInfinite(w0)) {
            throw new IllegalArgumentException("Trainer: the seam weight must be finite and >= 0, got " + w0);
        }
        this.seamWeight = w0;
        return this;
    }

    /**
     * Group-balanced sampling: each epoch still draws {@code images × patchesPerImage} patches, but a group of n
     * training images gets a share of them proportional to √n instead of n (rare kinds of images are seen more
     * often, common ones less), spread evenly over the group's images in a seeded shuffled order. Images whose
     * id has no group form one group together. Empty map (default): every image {@code patchesPerImage} times.
     *
     * @param groupOfImage the group of each image id
     * @return this trainer
     */
    public Trainer balanceGroups(Map<String, String> groupOfImage) {
        this.groups = Map.copyOf(groupOfImage);
        return this;
    }

    /**
     * Whether {@link #fit} may start over at a model path that holds another run's files (its best model, last
     * weights, history, generations); default false: such a path is refused before training. Nothing is deleted
     * up front: the previous run's files stay (and stay resumable) until the new run's first epoch is committed,
     * which replaces them and prunes the old generations.
     *
     * @param on true to allow starting over
     * @return this trainer
     */
    public Trainer overwrite(boolean on) {
        this.overwrite = on;
        return this;
    }

    /**
     * Keep the model of lowest validation loss instead of highest validation score (paper 004: "The model with best
     * accuracy (lowest loss) would be stored"); the plateau schedule and early stopping then follow the loss too.
     * Needs validation samples of the patch size ({@link #fitPrepared}). Default false.
     *
     * @param on true to follow the validation loss
     * @return this trainer
     */
    public Trainer checkpointOnValidationLoss(boolean on) {
        this.onValidationLoss = on;
        return this;
    }

    /**
     * Sets the training augmentation (default: flips, 90° rotations, contrast, brightness, gamma, a little blur).
     *
     * @param pipeline the augmentation applied to each training patch
     * @return this trainer
     */
    public Trainer augmentation(AugmentationPipeline pipeline) {
        this.augmentation = pipeline;
        return this;
    }

    /**
     * Whether the model files record the training nuclei's median diameter ({@link Predictor#META_DIAMETER}), which
     * makes inference rescale images whose nuclei differ (default true). Off for protocols that predict every image at
     * its own scale, as paper 004 does.
     *
     * @param on false to leave the diameter out
     * @return this trainer
     */
    public Trainer recordDiameter(boolean on) {
        this.recordDiameter = on;
        return this;
    }

    /**
     * Sets extra entries for the model files' metadata (e.g. the recipe, or the post-processing its paper used).
     *
     * @param entries the entries, copied
     * @return this trainer
     */
    public Trainer metadata(Map<String, String> entries) {
        this.extraMetadata = Map.copyOf(entries);
        return this;
    }

    /** Test hook: called with the step's name before each write of an epoch's commit; throw to stand for a kill. */
    Trainer faultHook(Consumer<String> hook) {
        this.faultHook = hook;
        return this;
    }

    /** The files of a run whose best model goes to {@code modelFile}. */
    public record Files(Path model, Path last, Path optimizer, Path history, Path curves) {
        /**
         * {@return the files of a run whose best model goes to {@code modelFile} (the others beside it)}
         *
         * @param modelFile the best model's path
         */
        public static Files of(Path modelFile) {
            String name = modelFile.getFileName().toString();
            String stem = name.endsWith(".safetensors") ? name.substring(0, name.length() - ".safetensors".length()) : name;
            Path dir = modelFile.toAbsolutePath().getParent();
            return new Files(modelFile, dir.resolve(stem + ".last.safetensors"), dir.resolve(stem + ".optimizer.safetensors"),
                    dir.resolve(stem + ".history.csv"), dir.resolve(stem + ".curves.png"));
        }
    }

    /** What a run ended with. */
    public record Result(List<EpochRecord> history, int bestEpoch, double bestScore, boolean stoppedEarly) {
    }

    /**
     * Trains {@code model} from its current weights, starting at epoch 1. Refused ({@link IllegalStateException})
     * when {@code modelFile} holds another run's files, unless {@link #overwrite}.
     *
     * @param model      the network, trained in place
     * @param train      the training images with their truth
     * @param validation the validation images with their truth (may be empty)
     * @param modelFile  where the best model goes (the run's other files beside it)
     * @return what the run ended with
     * @throws IOException when an image cannot be read or a file cannot be written
     */
    public Result fit(Module model, List<NucleiSample> train, List<NucleiSample> validation, Path modelFile)
            throws IOException {
        return run(model, Data.of(train, validation), modelFile, false);
    }

    /**
     * As {@link #fit}, on images already converted to network input and cut to their final size (paper 004's fixed
     * 256×256 patches, {@link dev.nucleon.segmentation.recipes.Paper004Patches}): each training sample is one
     * patch of an epoch (cropped to the patch size if larger); when every validation sample has the patch size,
     * the loss on them is computed too ({@link EpochRecord#validationLoss()}).
     *
     * @param model      the network, trained in place
     * @param train      the training samples, already converted
     * @param validation the validation samples, already converted (may be empty)
     * @param modelFile  where the best model goes
     * @return what the run ended with
     * @throws IOException when a file cannot be written
     */
    public Result fitPrepared(Module model, List<TrainingSample> train, List<TrainingSample> validation,
                              Path modelFile) throws IOException {
        return run(model, Data.ofPrepared(train, validation), modelFile, false);
    }

    /**
     * As {@link #resume}, for a run started with {@link #fitPrepared}.
     *
     * @param model      the same preset as the run's, its weights replaced by the last ones
     * @param train      the training samples, already converted
     * @param validation the validation samples, already converted
     * @param modelFile  the run's best-model path
     * @return what the run ended with
     * @throws IOException when the run's files cannot be read or written
     */
    public Result resumePrepared(Module model, List<TrainingSample> train, List<TrainingSample> validation,
                                 Path modelFile) throws IOException {
        return run(model, Data.ofPrepared(train, validation), modelFile, true);
    }

    /** Where a run's images come from: files decoded on first use, or samples already converted. */
    private record Data(List<NucleiSample> files, List<NucleiSample> validationFiles, List<TrainingSample> prepared,
                        List<TrainingSample> preparedValidation) {
        static Data of(List<NucleiSample> train, List<NucleiSample> validation) {
            return new Data(train, validation, null, null);
        }

        static Data ofPrepared(List<TrainingSample> train, List<TrainingSample> validation) {
            return new Data(null, null, train, validation);
        }

        boolean emptyTraining() {
            return prepared != null ? prepared.isEmpty() : files.isEmpty();
        }

        boolean validates() {
            return prepared != null ? !preparedValidation.isEmpty() : !validationFiles.isEmpty();
        }

        List<TrainingSample> validation(String input) throws IOException {
            return prepared != null ? preparedValidation : PatchLoader.load(validationFiles, input);
        }

        PatchLoader loader(PatchLoader.Setup setup) {
            return prepared != null ? PatchLoader.ofPrepared(setup, prepared) : new PatchLoader(setup, files);
        }

        double medianDiameter() throws IOException {
            List<LabelImage> labels = new ArrayList<>();
            if (prepared != null) {
                prepared.forEach(s -> labels.add(s.labels()));
            } else {
                for (NucleiSample s : files) {
                    labels.add(s.readLabels());
                }
            }
            return Trainer.medianDiameter(labels);
        }
    }

    /**
     * Continues the run whose files belong to {@code modelFile}: loads the last weights, the optimiser state
     * and the schedule of its latest committed generation, and goes on from the epoch after it. {@code model}
     * must be the same preset (e.g. {@code Checkpoint.load(TrainingCheckpoint.of(modelFile).resumeWeights())}).
     *
     * @param model      the same preset as the run's, its weights replaced by the last ones
     * @param train      the training images with their truth
     * @param validation the validation images with their truth
     * @param modelFile  the run's best-model path
     * @return what the run ended with
     * @throws IOException when the run's files cannot be read or written
     */
    public Result resume(Module model, List<NucleiSample> train, List<NucleiSample> validation, Path modelFile)
            throws IOException {
        return run(model, Data.of(train, validation), modelFile, true);
    }

    private Result run(Module model, Data data, Path modelFile, boolean resume) throws IOException {
        if (data.emptyTraining()) {
            throw new IllegalArgumentException("Trainer: no training images");
        }
        if ((head == Head.CONTOUR || head == Head.DISTANCE) && model.config() != null
                && Presets.outputOf(model.config()) != dev.nucleon.segmentation.networks.Output.SIGMOID) {
            throw new IllegalArgumentException("Trainer: the " + head.label() + " head needs independent sigmoid "
                    + "channels; build the network with the option output=sigmoid");
        }
        if ((head == Head.CLASSES) != config.loss().equals("cross-entropy")) {
            throw new IllegalArgumentException("Trainer: the cross-entropy loss and the classes head go together; got "
                    + "loss " + config.loss() + " with the " + head.label() + " head");
        }
        boolean detector = model instanceof MaskRcnn;
        if (detector && (head != Head.FOREGROUND || onValidationLoss)) {
            throw new IllegalArgumentException("Trainer: a detector (mask-rcnn) trains on instances: no --head, and "
                    + "its best epoch is the one of highest validation score (or lowest training loss)");
        }
        if (detector && config.patchSize() % 32 != 0) {
            throw new IllegalArgumentException("Trainer: a detector (mask-rcnn) needs a patch size that is a multiple "
                    + "of 32 (its pyramid's strides), got " + config.patchSize());
        }
        TrainingCheckpoint checkpoint = TrainingCheckpoint.of(modelFile).faultHook(faultHook);
        Files files = checkpoint.files();
        checkpoint.checkWritable();
        if (!resume && !overwrite && !checkpoint.existing().isEmpty()) {
            throw new IllegalStateException(checkpoint.existingRunMessage());
        }
        Optimizer optimizer = config.createOptimizer(model);
        if (seamWeight > 0 && (head.channels() != 2 || detector)) {
            throw new IllegalArgumentException("Trainer: seam weights need a two-map head (contour or distance), got "
                    + (detector ? "a detector" : "the " + head.label() + " head"));
        }
        Loss loss = head == Head.FOREGROUND || head == Head.CLASSES ? config.createLoss()
                : seamWeight > 0 ? HeadLoss.of(head).withPixelWeights() : HeadLoss.of(head);
        boolean validate = data.validates();
        Mode mode = validate && !onValidationLoss ? Mode.MAX : Mode.MIN;
        LearningRateScheduler epochSchedule = config.createEpochSchedule(optimizer);
        ReduceLROnPlateau plateau = config.schedule().equals("plateau") && config.plateauPatience() > 0
                ? new ReduceLROnPlateau(optimizer).mode(mode).patience(config.plateauPatience())
                .factor(config.plateauFactor()).minLr(config.minLearningRate()) : null;
        EarlyStopping stopping = config.earlyStopping() > 0
                ? new EarlyStopping().mode(mode).patience(config.earlyStopping()) : null;
        List<EpochRecord> history = new ArrayList<>();
        int startEpoch = 1;
        double best = Double.NaN;
        int bestEpoch = 0;
        if (resume) {
            TrainingCheckpoint.Restored restored = checkpoint.restore(model, optimizer);
            Map<String, String> meta = restored.optimizerMetadata();
            int done = restored.epoch();
            startEpoch = done + 1;
            history.addAll(restored.history());
            if (plateau != null && meta.containsKey("trainer.plateau.best")) {
                Map<String, String> ps = new LinkedHashMap<>();
                meta.forEach((k, v) -> {
                    if (k.startsWith("trainer.plateau.")) {
                        ps.put(k.substring("trainer.plateau.".length()), v);
                    }
                });
                plateau.loadState(ps);
            }
            for (EpochRecord r : history) {
                double m = monitored(validate, r);
                if (Double.isNaN(best) || improves(mode, m, best)) {
                    best = m;
                    bestEpoch = r.epoch();
                }
                if (stopping != null) {
                    stopping.update(m, model);
                }
            }
            if (epochSchedule != null) {
                epochSchedule.setEpoch(done);
            }
            log.printf(Locale.ROOT, "resuming after epoch %d (best %.4f at epoch %d), learning rate %.3g, from %s%n",
                    done, best, bestEpoch, optimizer.learningRate(), restored.from());
        }
        List<TrainingSample> validationSet = validate ? data.validation(input) : List.of();
        boolean patchValidation = validate && !detector && validationSet.stream().allMatch(v -> v.input().width() == config.patchSize()
                && v.input().height() == config.patchSize());
        if (onValidationLoss && !patchValidation) {
            throw new IllegalArgumentException("Trainer: keeping the model of lowest validation loss needs validation "
                    + "samples of the patch size (" + config.patchSize() + ")");
        }
        PatchLoader source = data.loader(new PatchLoader.Setup(config, input, head, minScale, maxScale,
                colourAugment, groups, augmentation, detector, seamWeight));
        if (!groups.isEmpty()) {
            log.println(source.balanceSummary());
        }
        trainingDiameter = data.medianDiameter();
        log.printf(Locale.ROOT, "training nuclei: median equivalent diameter %.1f px%n", trainingDiameter);
        boolean stoppedEarly = false;
        long runStart = System.nanoTime();
        int epochsRun = 0;
        try {
            for (int epoch = startEpoch; epoch <= config.epochs(); epoch++) {
                long t0 = System.nanoTime();
                double lr = optimizer.learningRate();
                double trainLoss = trainEpoch(model, optimizer, loss, source, epoch);
                double trainSeconds = (System.nanoTime() - t0) / 1e9;
                double[] scores = validate ? validate(model, validationSet) : new double[] {Double.NaN, Double.NaN, Double.NaN};
                double validationLoss = patchValidation ? validationLoss(model, loss, validationSet) : Double.NaN;
                double seconds = (System.nanoTime() - t0) / 1e9;
                int patches = source.patchesPerEpoch();
                EpochRecord rec = new EpochRecord(epoch, trainLoss, scores[0], scores[1], scores[2], lr,
                        patches / trainSeconds, seconds, validationLoss);
                history.add(rec);
                epochsRun++;
                double metric = monitored(validate, rec);
                boolean improved = Double.isNaN(best) || improves(mode, metric, best);
                if (improved) {
                    best = metric;
                    bestEpoch = epoch;
                }
                if (plateau != null && plateau.step(metric)) {
                    log.printf(Locale.ROOT, "  learning rate reduced to %.3g%n", optimizer.learningRate());
                }
                if (epochSchedule != null) {
                    epochSchedule.step();
                }
                boolean stop = stopping != null && stopping.update(metric, model);
                Map<String, String> optimizerMeta = new LinkedHashMap<>();
                optimizerMeta.put(TrainingCheckpoint.EPOCH_KEY, Integer.toString(epoch));
                optimizerMeta.put("trainer.config", config.describe());
                if (plateau != null) {
                    plateau.state().forEach((k, v) -> optimizerMeta.put("trainer.plateau." + k, v));
                }
                checkpoint.commit(new TrainingCheckpoint.EpochState(epoch, improved, model, modelMetadata(epoch, metric, detector),
                        optimizer, optimizerMeta, List.copyOf(history), bestEpoch, best));
                double perEpoch = (System.nanoTime() - runStart) / 1e9 / epochsRun;
                double eta = perEpoch * (config.epochs() - epoch);
                log.printf(Locale.ROOT, "epoch %d/%d  loss %.4f  %s%s  lr %.3g  %.1f patches/s  %.0f s  ETA %s%s%n",
                        epoch, config.epochs(), trainLoss, patchValidation ? String.format(Locale.ROOT,
                                "val loss %.4f  ", validationLoss) : "", validate ? String.format(Locale.ROOT,
                                "val score %.4f (gray %.4f, colour %.4f)", scores[0], scores[1], scores[2]) : "no validation",
                        lr, rec.patchesPerSecond(), seconds, duration(eta), improved ? "  *best" : "");
                if (stop) {
                    log.printf(Locale.ROOT, "early stopping: no improvement for %d epochs%n", config.earlyStopping());
                    stoppedEarly = true;
                    break;
                }
            }
        } finally {
            source.close();
        }
        log.printf(Locale.ROOT, "best %s %.4f at epoch %d -> %s%n", !validate ? "training loss"
                        : onValidationLoss ? "validation loss" : "validation score", best, bestEpoch, files.model());
        return new Result(List.copyOf(history), bestEpoch, best, stoppedEarly);
    }

    /** What decides the best epoch: the validation score, the validation loss, or without validation the training loss. */
    private double monitored(boolean validate, EpochRecord r) {
        return !validate ? r.trainLoss() : onValidationLoss ? r.validationLoss() : r.validationScore();
    }

    private static boolean improves(Mode mode, double current, double best) {
        return Double.isNaN(best) || (mode == Mode.MAX ? current > best : current < best);
    }

    /** Median equivalent diameter sqrt(4·area/π) over every nucleus of the training images. */
    static double medianDiameter(List<LabelImage> labelMaps) {
        List<Integer> areas = new ArrayList<>();
        for (LabelImage labels : labelMaps) {
            int[] a = labels.areas();
            for (int k = 1; k < a.length; k++) {
                if (a[k] > 0) {
                    areas.add(a[k]);
                }
            }
        }
        if (areas.isEmpty()) {
            return Double.NaN;
        }
        Collections.sort(areas);
        int n = areas.size();
        double median = n % 2 == 1 ? areas.get(n / 2) : 0.5 * (areas.get(n / 2 - 1) + areas.get(n / 2));
        return Math.sqrt(4 * median / Math.PI);
    }

    /** The metadata of the best and last model files: input, head, training diameter, augmentation, epoch, score. */
    private Map<String, String> modelMetadata(int epoch, double metric, boolean detector) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(Predictor.META_INPUT, input);
        if (!detector) { // a detector has no per-pixel head: Predictor recognises it by its network
            meta.put(Predictor.META_HEAD, head.label());
        }
        if (recordDiameter && Double.isFinite(trainingDiameter)) {
            meta.put(Predictor.META_DIAMETER, String.format(Locale.ROOT, "%.2f", trainingDiameter));
        }
        meta.put("trainer.augment.scale", minScale + ".." + maxScale);
        meta.put("trainer.augment.colour", Boolean.toString(colourAugment));
        if (seamWeight > 0) {
            meta.put("trainer.seamWeight", Float.toString(seamWeight));
        }
        meta.put(TrainingCheckpoint.EPOCH_KEY, Integer.toString(epoch));
        meta.put("trainer.metric", Double.toString(metric));
        meta.put("trainer.config", config.describe());
        meta.putAll(extraMetadata);
        return meta;
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }

    // ----- one epoch ------------------------------------------------------------------------------------

    private double trainEpoch(Module model, Optimizer optimizer, Loss loss, PatchLoader source, int epoch) {
        model.train();
        int batches = source.batchesPerEpoch();
        double sum = 0;
        long t0 = System.nanoTime();
        int seen = 0;
        source.startEpoch(epoch);
        for (int b = 0; b < batches; b++) {
            Tensor[] xy = source.next();
            Tensor x = xy[0].to(model.device());
            Tensor y = xy[1].to(model.device());
            optimizer.zeroGrad();
            Tensor l = model instanceof MaskRcnn detector
                    ? detector.losses(x, InstanceTargets.ofBatch(xy[1], InstanceTargets.DEFAULT_MIN_AREA)).total()
                    : loss.compute(head.fromNetwork(model.forward(x), x.shape()[2], x.shape()[3]), y);
            float value = l.item();
            if (!Float.isFinite(value)) {
                throw new IllegalStateException("Trainer: loss is " + value + " at epoch " + epoch + ", batch " + (b + 1));
            }
            l.backward();
            optimizer.step();
            sum += value;
            seen += xy[0].shape()[0];
            if (inPlaceProgress) {
                double el = (System.nanoTime() - t0) / 1e9;
                log.printf(Locale.ROOT, "\r  epoch %d batch %d/%d  loss %.4f  %.1f patches/s  ", epoch, b + 1, batches,
                        sum / (b + 1), seen / el);
                log.flush();
            }
        }
        if (inPlaceProgress) {
            log.print("\r" + " ".repeat(72) + "\r");
        }
        return sum / batches;
    }

    /**
     * The mean loss over the validation patches (all of the patch size), in batches of {@code batchSize}, in
     * evaluation mode, without augmentation; targets as in training.
     */
    private double validationLoss(Module model, Loss loss, List<TrainingSample> set) {
        model.eval();
        int p = config.patchSize(), plane = p * p, cin = NetworkInput.channels(input);
        int cout = PatchLoader.targetChannels(head, seamWeight);
        double sum = 0;
        int batches = 0;
        try (var guard = dev.nucleon.core.Autograd.noGrad()) {
            for (int from = 0; from < set.size(); from += config.batchSize()) {
                int n = Math.min(config.batchSize(), set.size() - from);
                float[] x = new float[n * cin * plane], y = new float[n * cout * plane];
                for (int i = 0; i < n; i++) {
                    TrainingSample s = set.get(from + i);
                    System.arraycopy(s.input().data(), 0, x, i * cin * plane, cin * plane);
                    float[] t = PatchLoader.target(head, s.labels(), config.separateTouching(), seamWeight);
                    System.arraycopy(t, 0, y, i * cout * plane, cout * plane);
                }
                Tensor xs = Tensor.of(x, n, cin, p, p).to(model.device());
                Tensor ys = Tensor.of(y, n, cout, p, p).to(model.device());
                sum += loss.compute(head.fromNetwork(model.forward(xs), p, p), ys).item();
                batches++;
            }
        }
        model.train();
        return sum / batches;
    }

    /** {all, gray, colour} official scores of the validation images. */
    private double[] validate(Module model, List<TrainingSample> set) {
        Predictor predictor = new Predictor(model, input, head).device(model.device()).diameter(0)
                .blendedTiles(config.validationPatch(), Predictor.DEFAULT_OVERLAP);
        List<ImageScore> all = new ArrayList<>(), gray = new ArrayList<>(), colour = new ArrayList<>();
        for (TrainingSample s : set) {
            LabelImage pred = predictor.segmentInput(s.input());
            ImageScore score = MeanAveragePrecision.score(s.id(), s.labels(), pred);
            all.add(score);
            (s.kind() == ImageKind.GRAY ? gray : colour).add(score);
        }
        model.train();
        return new double[] {mean(all), mean(gray), mean(colour)};
    }

    private static double mean(List<ImageScore> scores) {
        return scores.isEmpty() ? Double.NaN : MeanAveragePrecision.mean(scores);
    }

    /**
     * The training target of a label patch: 1 on nuclei, 0 elsewhere; with {@code separate}, also 0 on nucleus
     * pixels whose 8-neighbourhood holds a different nucleus (the seam between touching nuclei).
     *
     * @param labels   instance labels
     * @param separate whether seams between touching nuclei are 0
     * @return (H, W) values, 0 or 1
     */
    public static float[] target(LabelImage labels, boolean separate) {
        return PatchLoader.target(labels, separate);
    }
}
