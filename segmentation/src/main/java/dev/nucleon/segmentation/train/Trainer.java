package dev.nucleon.segmentation.train;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.io.Checkpoint;
import dev.nucleon.nn.loss.Loss;
import dev.nucleon.nn.optim.EarlyStopping;
import dev.nucleon.nn.optim.LearningRateScheduler;
import dev.nucleon.nn.optim.Mode;
import dev.nucleon.nn.optim.Optimizer;
import dev.nucleon.nn.optim.ReduceLROnPlateau;
import dev.nucleon.segmentation.augment.AugmentationPipeline;
import dev.nucleon.segmentation.augment.AugmentationSample;
import dev.nucleon.segmentation.augment.ColourJitter;
import dev.nucleon.segmentation.augment.GaussianBlur;
import dev.nucleon.segmentation.augment.HorizontalFlip;
import dev.nucleon.segmentation.augment.RandomBrightness;
import dev.nucleon.segmentation.augment.RandomContrast;
import dev.nucleon.segmentation.augment.RandomGamma;
import dev.nucleon.segmentation.augment.RandomRotate90;
import dev.nucleon.segmentation.augment.VerticalFlip;
import dev.nucleon.segmentation.dataset.ImageKind;
import dev.nucleon.segmentation.dataset.NucleiSample;
import dev.nucleon.segmentation.head.Head;
import dev.nucleon.segmentation.head.HeadLoss;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.inference.Predictor;
import dev.nucleon.segmentation.io.AtomicFileWriter;
import dev.nucleon.segmentation.metrics.ImageScore;
import dev.nucleon.segmentation.metrics.MeanAveragePrecision;
import dev.nucleon.segmentation.networks.Presets;
import dev.nucleon.segmentation.preprocess.NetworkInput;
import dev.nucleon.segmentation.preprocess.Resize;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Trains a segmentation network on nuclei images.
 *
 * <p>Each epoch draws {@code patchesPerImage} random patches from every training image (positions, order and
 * augmentation from {@code seed}, the epoch and the patch's position in the epoch, so a run is reproducible
 * whatever the thread timing), feeds them in batches to the configured loss and optimiser, then predicts the
 * whole validation images through {@link Predictor} (the same path as {@code nucleon segment}), scores them
 * with the DSB2018 official metric and steps ReduceLROnPlateau and early stopping on that score.
 * Patches are decoded, normalised ({@link NetworkInput}), cropped and augmented on worker threads and queued
 * ({@code prefetch} batches at most) while the network computes.
 *
 * <p>Files, for a model path {@code dir/name.safetensors}:
 * <ul>
 *   <li>{@code name.safetensors}: the best network so far (by validation score; by training loss without
 *       validation), with its preset configuration, so {@code Checkpoint.load} rebuilds it;</li>
 *   <li>{@code name.last.safetensors} and {@code name.optimizer.safetensors}: the latest weights and the
 *       optimiser state, schedule state and epoch, for {@link #resume};</li>
 *   <li>{@code name.history.csv} and {@code name.curves.png}: one row / point per epoch.</li>
 * </ul>
 * Every file is replaced atomically, so an interrupted run leaves the previous epoch's files intact.
 */
public final class Trainer {
    /** Probability that a patch is rescaled when scale augmentation is on. */
    public static final double SCALE_PROBABILITY = 0.75;
    /** Largest hue shift of the colour augmentation, degrees. */
    public static final double HUE_DEGREES = 20;

    private final TrainerConfig config;
    private final PrintStream log;
    private boolean inPlaceProgress = true;
    private Head head = Head.FOREGROUND;
    private String input = NetworkInput.NAME;
    private double minScale = 1, maxScale = 1;
    private boolean colourAugment;
    /** Group of each training image id, for balanced sampling; empty: every image equally often. */
    private Map<String, String> groups = Map.of();
    /** Median equivalent diameter of the training nuclei, measured at the start of a run (recorded in model files). */
    private double trainingDiameter = Double.NaN;

    public Trainer(TrainerConfig config, PrintStream log) {
        this.config = config;
        this.log = log;
    }

    /** Whether the per-batch progress line is rewritten in place ({@code \r}); off for logs and tests. */
    public Trainer inPlaceProgress(boolean on) {
        this.inPlaceProgress = on;
        return this;
    }

    /**
     * What the network learns to output ({@link Head}; default {@link Head#FOREGROUND}, whose target follows
     * {@link TrainerConfig#separateTouching()}). The model must have {@link Head#channels()} output channels.
     */
    public Trainer head(Head h) {
        this.head = h;
        return this;
    }

    /**
     * The network input conversion, {@link NetworkInput#NAME} (default, one channel) or
     * {@link NetworkInput#RGB_NAME} (three); the model's input channels must match.
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
     */
    public Trainer colourAugment(boolean on) {
        this.colourAugment = on;
        return this;
    }

    /**
     * Group-balanced sampling: each epoch still draws {@code images × patchesPerImage} patches, but a group of n
     * training images gets a share of them proportional to √n instead of n (rare kinds of images are seen more
     * often, common ones less), spread evenly over the group's images in a seeded shuffled order. Images whose
     * id has no group form one group together. Empty map (default): every image {@code patchesPerImage} times.
     */
    public Trainer balanceGroups(Map<String, String> groupOfImage) {
        this.groups = Map.copyOf(groupOfImage);
        return this;
    }

    /** The files of a run whose best model goes to {@code modelFile}. */
    public record Files(Path model, Path last, Path optimizer, Path history, Path curves) {
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

    /** Trains {@code model} from its current weights, starting at epoch 1. */
    public Result fit(Module model, List<NucleiSample> train, List<NucleiSample> validation, Path modelFile)
            throws IOException {
        return run(model, train, validation, modelFile, false);
    }

    /**
     * Continues the run whose files belong to {@code modelFile}: loads the last weights, the optimiser state
     * and the schedule, and goes on from the epoch after the last one recorded. {@code model} must be the same
     * preset (e.g. {@code Checkpoint.load(files.last())}).
     */
    public Result resume(Module model, List<NucleiSample> train, List<NucleiSample> validation, Path modelFile)
            throws IOException {
        return run(model, train, validation, modelFile, true);
    }

    private Result run(Module model, List<NucleiSample> trainSamples, List<NucleiSample> validationSamples,
                       Path modelFile, boolean resume) throws IOException {
        if (trainSamples.isEmpty()) {
            throw new IllegalArgumentException("Trainer: no training images");
        }
        if (head.channels() > 1 && model.config() != null
                && Presets.outputOf(model.config()) != dev.nucleon.segmentation.networks.Output.SIGMOID) {
            throw new IllegalArgumentException("Trainer: the " + head.label() + " head needs independent sigmoid "
                    + "channels; build the network with the option output=sigmoid");
        }
        Files files = Files.of(modelFile);
        Optimizer optimizer = config.createOptimizer(model);
        Loss loss = head == Head.FOREGROUND ? config.createLoss() : HeadLoss.of(head);
        boolean validate = !validationSamples.isEmpty();
        Mode mode = validate ? Mode.MAX : Mode.MIN;
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
            Checkpoint.loadWeights(files.last(), model, true);
            Map<String, String> meta = Checkpoint.loadOptimizer(files.optimizer(), optimizer);
            int done = Integer.parseInt(meta.getOrDefault("trainer.epoch", "0"));
            startEpoch = done + 1;
            if (java.nio.file.Files.exists(files.history())) {
                for (EpochRecord r : TrainingHistory.read(files.history())) {
                    if (r.epoch() <= done) {
                        history.add(r);
                    }
                }
            }
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
                double m = validate ? r.validationScore() : r.trainLoss();
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
            log.printf(Locale.ROOT, "resuming after epoch %d (best %.4f at epoch %d), learning rate %.3g%n", done,
                    best, bestEpoch, optimizer.learningRate());
        }
        List<TrainingSample> validationSet = validate ? load(validationSamples, input) : List.of();
        BatchSource source = new BatchSource(trainSamples);
        if (!groups.isEmpty()) {
            Map<String, int[]> counts = new TreeMap<>();
            for (NucleiSample sample : trainSamples) {
                counts.computeIfAbsent(groups.getOrDefault(sample.id(), ""), g -> new int[2])[0]++;
            }
            for (int i : balancedOrder(trainSamples, groups, source.patchesPerEpoch(), new Random(0))) {
                counts.get(groups.getOrDefault(trainSamples.get(i).id(), ""))[1]++;
            }
            StringBuilder line = new StringBuilder("balanced sampling (group: images -> patches per epoch):");
            counts.forEach((g, c) -> line.append(String.format(Locale.ROOT, " %s %d -> %d;", g.isEmpty() ? "other" : g,
                    c[0], c[1])));
            log.println(line);
        }
        trainingDiameter = medianDiameter(trainSamples);
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
                double seconds = (System.nanoTime() - t0) / 1e9;
                int patches = source.patchesPerEpoch();
                EpochRecord rec = new EpochRecord(epoch, trainLoss, scores[0], scores[1], scores[2], lr,
                        patches / trainSeconds, seconds);
                history.add(rec);
                epochsRun++;
                double metric = validate ? scores[0] : trainLoss;
                boolean improved = Double.isNaN(best) || improves(mode, metric, best);
                if (improved) {
                    best = metric;
                    bestEpoch = epoch;
                    saveModel(files.model(), model, epoch, metric);
                }
                if (plateau != null && plateau.step(metric)) {
                    log.printf(Locale.ROOT, "  learning rate reduced to %.3g%n", optimizer.learningRate());
                }
                if (epochSchedule != null) {
                    epochSchedule.step();
                }
                boolean stop = stopping != null && stopping.update(metric, model);
                saveModel(files.last(), model, epoch, metric);
                Map<String, String> meta = new LinkedHashMap<>();
                meta.put("trainer.epoch", Integer.toString(epoch));
                meta.put("trainer.config", config.describe());
                if (plateau != null) {
                    plateau.state().forEach((k, v) -> meta.put("trainer.plateau." + k, v));
                }
                AtomicFileWriter.write(files.optimizer(), tmp -> Checkpoint.saveOptimizer(tmp, optimizer, meta));
                TrainingHistory.write(files.history(), history);
                TrainingCurves.write(files.curves(), history);
                double perEpoch = (System.nanoTime() - runStart) / 1e9 / epochsRun;
                double eta = perEpoch * (config.epochs() - epoch);
                log.printf(Locale.ROOT, "epoch %d/%d  loss %.4f  %s  lr %.3g  %.1f patches/s  %.0f s  ETA %s%s%n",
                        epoch, config.epochs(), trainLoss, validate ? String.format(Locale.ROOT,
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
        log.printf(Locale.ROOT, "best %s %.4f at epoch %d -> %s%n", validate ? "validation score" : "training loss",
                best, bestEpoch, files.model());
        return new Result(List.copyOf(history), bestEpoch, best, stoppedEarly);
    }

    private static boolean improves(Mode mode, double current, double best) {
        return Double.isNaN(best) || (mode == Mode.MAX ? current > best : current < best);
    }

    /** Median equivalent diameter sqrt(4·area/π) over every nucleus of the training images. */
    static double medianDiameter(List<NucleiSample> samples) throws IOException {
        List<Integer> areas = new ArrayList<>();
        for (NucleiSample s : samples) {
            int[] a = s.readLabels().areas();
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

    private void saveModel(Path file, Module model, int epoch, double metric) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(Predictor.META_INPUT, input);
        meta.put(Predictor.META_HEAD, head.label());
        if (Double.isFinite(trainingDiameter)) {
            meta.put(Predictor.META_DIAMETER, String.format(Locale.ROOT, "%.2f", trainingDiameter));
        }
        meta.put("trainer.augment.scale", minScale + ".." + maxScale);
        meta.put("trainer.augment.colour", Boolean.toString(colourAugment));
        meta.put("trainer.epoch", Integer.toString(epoch));
        meta.put("trainer.metric", Double.toString(metric));
        meta.put("trainer.config", config.describe());
        AtomicFileWriter.write(file, tmp -> Checkpoint.save(tmp, model, meta));
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }

    // ----- one epoch ------------------------------------------------------------------------------------

    private double trainEpoch(Module model, Optimizer optimizer, Loss loss, BatchSource source, int epoch) {
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
            Tensor l = loss.compute(model.forward(x), y);
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

    /** Decodes and converts samples with the network input {@code input} (their kind from the decoded image). */
    static List<TrainingSample> load(List<NucleiSample> samples, String input) throws IOException {
        List<TrainingSample> out = new ArrayList<>();
        for (NucleiSample s : samples) {
            out.add(load(s, input));
        }
        return out;
    }

    static TrainingSample load(NucleiSample s, String input) throws IOException {
        FloatImage image = s.readImage();
        return new TrainingSample(s.id(), NetworkInput.prepare(image, input), s.readLabels(), ImageKind.of(image));
    }

    // ----- data loading ---------------------------------------------------------------------------------

    /** The epoch's batches, built on worker threads, at most {@code prefetch} ahead, handed out in order. */
    private final class BatchSource implements AutoCloseable {
        private final List<NucleiSample> samples;
        private final Map<Integer, TrainingSample> cache = new ConcurrentHashMap<>();
        private final ExecutorService pool;
        private final Deque<Future<Tensor[]>> queue = new ArrayDeque<>();
        private final AugmentationPipeline augmentation;
        private List<Integer> order = List.of();
        private int epoch;
        private int nextToSubmit;

        BatchSource(List<NucleiSample> samples) {
            this.samples = samples;
            this.pool = Executors.newFixedThreadPool(config.workers(), r -> {
                Thread t = new Thread(r, "nucleon-loader");
                t.setDaemon(true);
                return t;
            });
            this.augmentation = new AugmentationPipeline()
                    .add(new HorizontalFlip(), 0.5)
                    .add(new VerticalFlip(), 0.5)
                    .add(new RandomRotate90(), 0.5)
                    .add(new RandomContrast(0.2), 0.3)
                    .add(new RandomBrightness(0.1), 0.3)
                    .add(new RandomGamma(80, 120), 0.3)
                    .add(new GaussianBlur(3, 5), 0.1);
        }

        int patchesPerEpoch() {
            return samples.size() * config.patchesPerImage();
        }

        int batchesPerEpoch() {
            return (patchesPerEpoch() + config.batchSize() - 1) / config.batchSize();
        }

        void startEpoch(int e) {
            this.epoch = e;
            Random random = new Random(mix(config.seed(), e, -1));
            List<Integer> o = groups.isEmpty() ? uniformOrder() : balancedOrder(samples, groups,
                    patchesPerEpoch(), random);
            Collections.shuffle(o, random);
            this.order = o;
            this.nextToSubmit = 0;
            queue.clear();
            while (queue.size() < config.prefetch() && nextToSubmit < batchesPerEpoch()) {
                submit();
            }
        }

        private List<Integer> uniformOrder() {
            List<Integer> o = new ArrayList<>();
            for (int k = 0; k < config.patchesPerImage(); k++) {
                for (int i = 0; i < samples.size(); i++) {
                    o.add(i);
                }
            }
            return o;
        }

        private void submit() {
            int b = nextToSubmit++;
            int e = epoch;
            List<Integer> o = order;
            queue.add(pool.submit(() -> build(o, e, b)));
        }

        Tensor[] next() {
            Future<Tensor[]> f = queue.poll();
            if (f == null) {
                throw new IllegalStateException("Trainer: no batch queued");
            }
            if (nextToSubmit < batchesPerEpoch()) {
                submit();
            }
            try {
                return f.get();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Trainer: interrupted while loading data", ex);
            } catch (ExecutionException ex) {
                Throwable c = ex.getCause();
                if (c instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException("Trainer: loading a batch failed: " + c.getMessage(), c);
            }
        }

        private Tensor[] build(List<Integer> o, int e, int b) {
            int p = config.patchSize();
            int from = b * config.batchSize(), to = Math.min(o.size(), from + config.batchSize());
            int n = to - from, plane = p * p, cin = NetworkInput.channels(input), cout = head.channels();
            float[] x = new float[n * cin * plane], y = new float[n * cout * plane];
            for (int i = 0; i < n; i++) {
                int position = from + i;
                TrainingSample s = sample(o.get(position));
                Random r = new Random(mix(config.seed(), e, position));
                AugmentationSample a = crop(s, p, r);
                if (config.augment()) {
                    a = augmentation.apply(a, r);
                }
                FloatImage img = colourAugment && cin == 3 ? ColourJitter.apply(a.image(), r, HUE_DEGREES) : a.image();
                float[] d = img.data();
                for (int k = 0; k < cin * plane; k++) {
                    x[i * cin * plane + k] = Math.max(0f, Math.min(1f, d[k]));
                }
                float[] t = head == Head.FOREGROUND ? target(a.target(), config.separateTouching()) : head.target(a.target());
                System.arraycopy(t, 0, y, i * cout * plane, cout * plane);
            }
            return new Tensor[] {Tensor.of(x, n, cin, p, p), Tensor.of(y, n, cout, p, p)};
        }

        /** A p×p patch at a random place, rescaled by a random factor when scale augmentation is on. */
        private AugmentationSample crop(TrainingSample s, int p, Random r) {
            int w = s.input().width(), h = s.input().height();
            boolean rescale = maxScale > minScale && r.nextDouble() < SCALE_PROBABILITY;
            double scale = rescale ? Math.exp(Math.log(minScale) + r.nextDouble() * Math.log(maxScale / minScale)) : 1;
            int side = Math.max(8, (int) Math.round(p / scale));
            int px = w > side ? r.nextInt(w - side + 1) : 0, py = h > side ? r.nextInt(h - side + 1) : 0;
            FloatImage image = s.input().crop(px, py, side, side, 0f);
            LabelImage labels = s.labels().crop(px, py, side, side);
            if (side != p) {
                image = Resize.bilinear(image, p, p);
                labels = Resize.nearest(labels, p, p);
            }
            return new AugmentationSample(image, labels);
        }

        private TrainingSample sample(int index) {
            return cache.computeIfAbsent(index, i -> {
                try {
                    return load(samples.get(i), input);
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            });
        }

        @Override
        public void close() {
            pool.shutdownNow();
        }
    }

    /**
     * The training target of a label patch: 1 on nuclei, 0 elsewhere; with {@code separate}, also 0 on nucleus
     * pixels whose 8-neighbourhood holds a different nucleus (the seam between touching nuclei).
     */
    public static float[] target(LabelImage labels, boolean separate) {
        if (separate) {
            return Head.foregroundWithoutSeams(labels);
        }
        int[] l = labels.data();
        float[] t = new float[l.length];
        for (int i = 0; i < l.length; i++) {
            t[i] = l[i] != 0 ? 1f : 0f;
        }
        return t;
    }

    /**
     * {@code total} sample indices (unordered), a group of n images receiving a share ∝ √n (largest remainders
     * rounding), each group's share dealt over its images in a shuffled cyclic order, so the images of a
     * group are drawn equally often (±1).
     */
    static List<Integer> balancedOrder(List<NucleiSample> samples, Map<String, String> groupOf, int total,
                                       Random random) {
        Map<String, List<Integer>> members = new java.util.TreeMap<>();
        for (int i = 0; i < samples.size(); i++) {
            members.computeIfAbsent(groupOf.getOrDefault(samples.get(i).id(), ""), g -> new ArrayList<>()).add(i);
        }
        List<List<Integer>> lists = new ArrayList<>(members.values());
        double[] weight = new double[lists.size()];
        double sum = 0;
        for (int g = 0; g < weight.length; g++) {
            weight[g] = Math.sqrt(lists.get(g).size());
            sum += weight[g];
        }
        int[] quota = new int[weight.length];
        double[] remainder = new double[weight.length];
        int given = 0;
        for (int g = 0; g < weight.length; g++) {
            double exact = total * weight[g] / sum;
            quota[g] = (int) Math.floor(exact);
            remainder[g] = exact - quota[g];
            given += quota[g];
        }
        while (given < total) {
            int best = 0;
            for (int g = 1; g < weight.length; g++) {
                if (remainder[g] > remainder[best]) {
                    best = g;
                }
            }
            quota[best]++;
            remainder[best] = -1;
            given++;
        }
        List<Integer> order = new ArrayList<>(total);
        for (int g = 0; g < lists.size(); g++) {
            List<Integer> m = new ArrayList<>(lists.get(g));
            Collections.shuffle(m, random);
            for (int k = 0; k < quota[g]; k++) {
                order.add(m.get(k % m.size()));
            }
        }
        return order;
    }

    /** A seed for (run seed, epoch, position) (SplitMix64 finaliser). */
    static long mix(long seed, int epoch, int position) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + position * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
