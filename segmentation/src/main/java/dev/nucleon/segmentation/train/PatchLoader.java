package dev.nucleon.segmentation.train;

import dev.nucleon.core.Tensor;
import dev.nucleon.core.random.SplitMix64;
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
import dev.nucleon.segmentation.dataset.TrainingSample;
import dev.nucleon.segmentation.head.Head;
import dev.nucleon.segmentation.head.SeamWeights;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.preprocess.NetworkInput;
import dev.nucleon.segmentation.preprocess.Resize;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
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
 * The training batches of a {@link Trainer} run: decoding, network-input conversion, random patches, augmentation,
 * targets and seeding.
 *
 * <p>Each epoch holds {@code images × patchesPerImage} patches. Their order is a shuffle seeded by
 * {@link #mix}(seed, epoch, −1); the patch at position i of the epoch is cut, rescaled and augmented with a
 * {@link Random} seeded by {@link #mix}(seed, epoch, i), so a run is reproducible whatever the thread timing.
 * Batches of {@code batchSize} patches, x (N, C<sub>in</sub>, P, P) in [0, 1] and y (N, C<sub>head</sub>, P, P),
 * are built on {@code workers} threads, at most {@code prefetch} ahead of the network, and handed out in order.
 * Decoded images are cached for the whole run.
 */
final class PatchLoader implements AutoCloseable {
    /** Probability that a patch is rescaled when scale augmentation is on. */
    static final double SCALE_PROBABILITY = 0.75;
    /** Largest hue shift of the colour augmentation, degrees. */
    static final double HUE_DEGREES = 20;

    /**
     * What the patches are drawn from and how they are turned into network input and targets; with
     * {@code instances} (a detector's run), y is the patch's instance labels themselves, (N, 1, P, P) label ids as
     * floats, for {@link dev.nucleon.segmentation.detection.InstanceTargets}, instead of the head's maps. A
     * {@code seamWeight} w_0 &gt; 0 appends one more plane to y: the {@link SeamWeights} of the patch (1, or 1 + w_0
     * near the seams between touching nuclei), read by {@link dev.nucleon.segmentation.head.HeadLoss#withPixelWeights()}.
     */
    record Setup(TrainerConfig config, String input, Head head, double minScale, double maxScale,
                 boolean colourAugment, Map<String, String> groups, AugmentationPipeline augmentation,
                 boolean instances, float seamWeight) {
        /** {@return the planes of y per patch} */
        int targetChannels() {
            return instances ? 1 : PatchLoader.targetChannels(head, seamWeight);
        }
    }

    /** {@return the planes of {@link #target(Head, LabelImage, boolean, float)}: the head's, plus one for seam weights} */
    static int targetChannels(Head head, float seamWeight) {
        return head.channels() + (seamWeight > 0 ? 1 : 0);
    }

    private final Setup setup;
    private final TrainerConfig config;
    /** The training images' ids, by index. */
    private final List<String> ids;
    /** Decodes image i (null when every image came {@linkplain #ofPrepared prepared}). */
    private final List<NucleiSample> samples;
    private final Map<Integer, TrainingSample> cache = new ConcurrentHashMap<>();
    private final ExecutorService pool;
    private final Deque<Future<Tensor[]>> queue = new ArrayDeque<>();
    private final AugmentationPipeline augmentation;
    private List<Integer> order = List.of();
    private int epoch;
    private int nextToSubmit;

    /** Patches of {@code samples}, decoded and converted on first use (then cached for the run). */
    PatchLoader(Setup setup, List<NucleiSample> samples) {
        this(setup, samples.stream().map(NucleiSample::id).toList(), samples, Map.of());
    }

    /**
     * Patches of images already converted to network input (e.g. paper 004's fixed 256×256 patches, see
     * {@link dev.nucleon.segmentation.recipes.Paper004Patches}); with patch size equal to theirs, each is used whole.
     */
    static PatchLoader ofPrepared(Setup setup, List<TrainingSample> prepared) {
        Map<Integer, TrainingSample> ready = new java.util.HashMap<>();
        for (int i = 0; i < prepared.size(); i++) {
            ready.put(i, prepared.get(i));
        }
        return new PatchLoader(setup, prepared.stream().map(TrainingSample::id).toList(), null, ready);
    }

    private PatchLoader(Setup setup, List<String> ids, List<NucleiSample> samples, Map<Integer, TrainingSample> ready) {
        this.setup = setup;
        this.config = setup.config();
        this.ids = ids;
        this.samples = samples;
        this.cache.putAll(ready);
        this.pool = Executors.newFixedThreadPool(config.workers(), r -> {
            Thread t = new Thread(r, "nucleon-loader");
            t.setDaemon(true);
            return t;
        });
        this.augmentation = setup.augmentation() != null ? setup.augmentation() : standardAugmentation();
    }

    /** The default training augmentation: flips, 90° rotations, contrast, brightness, gamma, a little blur. */
    static AugmentationPipeline standardAugmentation() {
        return new AugmentationPipeline()
                .add(new HorizontalFlip(), 0.5)
                .add(new VerticalFlip(), 0.5)
                .add(new RandomRotate90(), 0.5)
                .add(new RandomContrast(0.2), 0.3)
                .add(new RandomBrightness(0.1), 0.3)
                .add(new RandomGamma(80, 120), 0.3)
                .add(new GaussianBlur(3, 5), 0.1);
    }

    int patchesPerEpoch() {
        return ids.size() * config.patchesPerImage();
    }

    int batchesPerEpoch() {
        return (patchesPerEpoch() + config.batchSize() - 1) / config.batchSize();
    }

    /** Draws the epoch's order and queues its first batches. */
    void startEpoch(int e) {
        this.epoch = e;
        Random random = new Random(mix(config.seed(), e, -1));
        List<Integer> o = setup.groups().isEmpty() ? uniformOrder() : balancedOrderOfIds(ids, setup.groups(),
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
            for (int i = 0; i < ids.size(); i++) {
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

    /** The next batch of the epoch, {x, y}. */
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
        int n = to - from, plane = p * p, cin = NetworkInput.channels(setup.input());
        int cout = setup.targetChannels();
        float[] x = new float[n * cin * plane], y = new float[n * cout * plane];
        for (int i = 0; i < n; i++) {
            int position = from + i;
            TrainingSample s = sample(o.get(position));
            Random r = new Random(mix(config.seed(), e, position));
            AugmentationSample a = crop(s, p, r);
            if (config.augment()) {
                a = augmentation.apply(a, r);
            }
            FloatImage img = setup.colourAugment() && cin == 3 ? ColourJitter.apply(a.image(), r, HUE_DEGREES) : a.image();
            float[] d = img.data();
            for (int k = 0; k < cin * plane; k++) {
                x[i * cin * plane + k] = Math.max(0f, Math.min(1f, d[k]));
            }
            float[] t = setup.instances() ? labelIds(a.target()) : target(setup.head(), a.target(),
                    config.separateTouching(), setup.seamWeight());
            System.arraycopy(t, 0, y, i * cout * plane, cout * plane);
        }
        return new Tensor[] {Tensor.of(x, n, cin, p, p), Tensor.of(y, n, cout, p, p)};
    }

    /** A p×p patch at a random place, rescaled by a random factor when scale augmentation is on. */
    private AugmentationSample crop(TrainingSample s, int p, Random r) {
        double minScale = setup.minScale(), maxScale = setup.maxScale();
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
                return load(samples.get(i), setup.input());
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        });
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    /**
     * One log line: per group, its images and the patches an epoch gives them under balanced sampling
     * (counted on an order drawn apart from the run's, so the run's draws are not touched).
     */
    String balanceSummary() {
        Map<String, String> groups = setup.groups();
        Map<String, int[]> counts = new TreeMap<>();
        for (String id : ids) {
            counts.computeIfAbsent(groups.getOrDefault(id, ""), g -> new int[2])[0]++;
        }
        for (int i : balancedOrderOfIds(ids, groups, patchesPerEpoch(), new Random(0))) {
            counts.get(groups.getOrDefault(ids.get(i), ""))[1]++;
        }
        StringBuilder line = new StringBuilder("balanced sampling (group: images -> patches per epoch):");
        counts.forEach((g, c) -> line.append(String.format(Locale.ROOT, " %s %d -> %d;", g.isEmpty() ? "other" : g,
                c[0], c[1])));
        return line.toString();
    }

    // ----- samples, targets, orders and seeds -------------------------------------------------------------

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

    /** The label ids of a patch as floats (exact below 2<sup>24</sup>), a detector's target. */
    static float[] labelIds(LabelImage labels) {
        int[] l = labels.data();
        float[] t = new float[l.length];
        for (int i = 0; i < l.length; i++) {
            t[i] = l[i];
        }
        return t;
    }

    /**
     * The training target of a label patch for {@code head}: {@link #target(LabelImage, boolean)} for the
     * foreground head, {@link Head#target} for the others.
     */
    static float[] target(Head head, LabelImage labels, boolean separate) {
        return head == Head.FOREGROUND ? target(labels, separate) : head.target(labels);
    }

    /**
     * {@link #target(Head, LabelImage, boolean)}, followed by the plane of {@link SeamWeights} (radius
     * {@value SeamWeights#DEFAULT_RADIUS}) when {@code seamWeight} &gt; 0.
     */
    static float[] target(Head head, LabelImage labels, boolean separate, float seamWeight) {
        float[] t = target(head, labels, separate);
        if (!(seamWeight > 0)) {
            return t;
        }
        float[] out = java.util.Arrays.copyOf(t, t.length + labels.width() * labels.height());
        float[] w = SeamWeights.of(labels, SeamWeights.DEFAULT_RADIUS, seamWeight);
        System.arraycopy(w, 0, out, t.length, w.length);
        return out;
    }

    /**
     * The training target of a label patch: 1 on nuclei, 0 elsewhere; with {@code separate}, also 0 on nucleus
     * pixels whose 8-neighbourhood holds a different nucleus (the seam between touching nuclei).
     */
    static float[] target(LabelImage labels, boolean separate) {
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
        return balancedOrderOfIds(samples.stream().map(NucleiSample::id).toList(), groupOf, total, random);
    }

    /** As {@link #balancedOrder(List, Map, int, Random)}, over image ids. */
    static List<Integer> balancedOrderOfIds(List<String> ids, Map<String, String> groupOf, int total,
                                            Random random) {
        Map<String, List<Integer>> members = new TreeMap<>();
        for (int i = 0; i < ids.size(); i++) {
            members.computeIfAbsent(groupOf.getOrDefault(ids.get(i), ""), g -> new ArrayList<>()).add(i);
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

    /** A seed for (run seed, epoch, position): {@link SplitMix64#mix} of the three, each times an odd constant. */
    static long mix(long seed, int epoch, int position) {
        return SplitMix64.mix(seed * SplitMix64.GOLDEN_GAMMA + epoch * 0xBF58476D1CE4E5B9L
                + position * 0x94D049BB133111EBL);
    }
}
