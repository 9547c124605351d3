package dev.nucleon.segmentation.inference;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Device;
import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.io.Checkpoint;
import dev.nucleon.nn.io.SafeTensors;
import dev.nucleon.nn.io.SafeTensorsFile;
import dev.nucleon.segmentation.detection.MaskPasting;
import dev.nucleon.segmentation.detection.MaskRcnn;
import dev.nucleon.segmentation.head.CoreWatershed;
import dev.nucleon.segmentation.head.Head;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.instance.InstanceSegmentation;
import dev.nucleon.segmentation.instance.Paper004PostProcessing;
import dev.nucleon.segmentation.instance.PostProcessing;
import dev.nucleon.segmentation.networks.Presets;
import dev.nucleon.segmentation.patch.BlendedTiling;
import dev.nucleon.segmentation.patch.MaxStitcher;
import dev.nucleon.segmentation.patch.PatchGrid;
import dev.nucleon.segmentation.patch.TiledInference;
import dev.nucleon.segmentation.preprocess.NetworkInput;
import dev.nucleon.segmentation.preprocess.Resize;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;

/**
 * A trained network applied to whole images:
 * <ol>
 *   <li>image → network input ({@link NetworkInput}: the conversion the model file names, one gray channel or
 *       three colour channels);</li>
 *   <li><b>scale</b>: when the model file records the median nucleus diameter of its training data and the
 *       image's nuclei are much larger or smaller (by more than {@value #SCALE_TOLERANCE}×), the image is
 *       resized so they match; the size is estimated from a first pass (the nuclei's area-weighted
 *       median; then at most {@value #MAX_AUTO_UPSCALE}× larger or {@value #MAX_AUTO_DOWNSCALE}× smaller) or
 *       given ({@link #diameter}); the first pass is the result when no rescaling is needed;</li>
 *   <li>overlapping 256×256 tiles with {@value #DEFAULT_OVERLAP} px of blended overlap ({@link BlendedTiling};
 *       no seams), batched forward passes without autograd, in inference mode, optional flip test-time
 *       augmentation (mean of the identity, horizontal, vertical and both flips); paper 004's max-stitched
 *       grid ({@link #patches}) and core-only tiles ({@link #tiles}) remain available;</li>
 *   <li>the (K, H, W) head output, resized back to the image when it was rescaled;</li>
 *   <li>instances: {@link InstanceSegmentation} for the one-channel {@link Head#FOREGROUND} head, or
 *       {@link CoreWatershed} for the {@link Head#CONTOUR} and {@link Head#DISTANCE} heads — or, for any head,
 *       paper 004's connected components without watershed ({@link #postProcessing(PostProcessing)},
 *       {@link Paper004PostProcessing}).</li>
 * </ol>
 *
 * <p><b>Detectors.</b> When the model is a {@link MaskRcnn} (the {@code mask-rcnn} preset), steps 2–5 are replaced by
 * {@link DetectionSegmentation}: the whole image in one pass (padded to multiples of 32 and cropped back), each
 * detection's 28×28 mask pasted into the label image by {@link MaskPasting} (score ≥ 0.5, mask ≥ 0.5, descending
 * score order, no overlaps, remnants under {@value #DEFAULT_MIN_SIZE} px dropped). Tiling, flip TTA and rescaling
 * do not apply; {@link #output} gives the largest pasted mask probability per pixel. {@link #isDetector()} says
 * which path a predictor takes.
 *
 * <p><b>Colour images</b> may go to a second model ({@link #colourModel(Predictor)}; a model file names it in its
 * metadata, {@value #META_COLOUR_MODEL}): the bundled model hands H&amp;E / brightfield colour images to a copy of
 * itself fine-tuned on such images, chosen per image from its pixels.
 *
 * <p>A model loaded from a file goes through {@link LayerFusion#forInference}: batch norm folded into the
 * preceding convolution, activations fused into the convolutions, nearest up-sampling + 2×2 conv replaced by one
 * transposed conv. Each removes passes over the activations and gives the same outputs within float rounding.
 *
 * <p><b>Threads.</b> A predictor may be shared by any number of threads, in every mode (blended tiles, grid,
 * core tiles, flip TTA, rescaling): a call reads the configuration once, as one immutable {@link Settings}
 * snapshot, keeps everything it computes in locals, and never writes to the predictor or the model (no mode
 * switching per call: the model is put in inference mode when wrapped, and a call fails loudly with an
 * {@link IllegalStateException} if it has been switched back to training, where batch norm would update its
 * running statistics). A setter called while other threads predict takes effect for calls that start after it;
 * {@link #device} moves the model itself, so choose the device before sharing.
 *
 * <p><b>Progress and cancellation.</b> {@link #segment(FloatImage, InferenceListener)} and
 * {@link #output(FloatImage, InferenceListener)} take an {@link InferenceListener}, told after each batch of tiles
 * and asked before each whether to stop; a cancelled call throws {@link CancellationException}. The listener
 * belongs to the call, not to the predictor, so one predictor serves calls with different listeners on several
 * threads at once.
 *
 * <pre>
 * Predictor p = Predictor.bundled();
 * LabelImage nuclei = p.segment(ImageFileReader.read(Path.of("cells.png")));
 * </pre>
 */
public final class Predictor {
    /** The classpath location of the model shipped in the segmentation jar. */
    public static final String BUNDLED_RESOURCE = "/dev/nucleon/segmentation/models/nuclei-default.safetensors";

    /** The default probability threshold. */
    public static final float DEFAULT_THRESHOLD = 0.5f;
    /** The default smallest nucleus, in pixels. */
    public static final int DEFAULT_MIN_SIZE = 16;

    /** Model-file metadata: the {@link NetworkInput} conversion the model was trained with. */
    public static final String META_INPUT = "nucleon.input";
    /** Model-file metadata: the {@link Head} (absent: {@link Head#FOREGROUND}). */
    public static final String META_HEAD = "nucleon.head";
    /** Model-file metadata: median equivalent diameter of the training nuclei, pixels. */
    public static final String META_DIAMETER = "nucleon.diameter";
    /**
     * Model metadata key: the core threshold of the two-channel heads' instance step chosen for this model (as
     * StarDist stores its tuned thresholds with the model); absent: {@link CoreWatershed#DEFAULT_CORE_THRESHOLD}.
     */
    public static final String META_CORE_THRESHOLD = "nucleon.coreThreshold";
    /**
     * Model metadata key: {@code false} when the two-map heads' instance step should drop nucleus-mask components
     * that hold no core ({@link #seedUnmarked(boolean)}); absent: {@code true}.
     */
    public static final String META_SEED_UNMARKED = "nucleon.seedUnmarked";
    /** Model metadata key: the nucleus probability threshold chosen for this model; absent: {@link #DEFAULT_THRESHOLD}. */
    public static final String META_THRESHOLD = "nucleon.threshold";
    /**
     * Model metadata key: the {@link PostProcessing} this model is meant to be decoded with, by its
     * {@link PostProcessing#label()} (e.g. {@code paper004} for a paper 004 reproduction, so it is scored the
     * paper's way with no extra flag); absent: {@link PostProcessing#WATERSHED}.
     */
    public static final String META_POST = "nucleon.post";
    /**
     * Model metadata key: the file name of a second model, in the same folder (or class-path folder), that
     * segments <b>colour</b> images instead of this one (as StarDist ships {@code 2D_versatile_fluo} and
     * {@code 2D_versatile_he}, here chosen per image): see {@link #colourModel(Predictor)}; absent: none.
     */
    public static final String META_COLOUR_MODEL = "nucleon.colourModel";

    /** Default overlap of the blended tiles, pixels. */
    public static final int DEFAULT_OVERLAP = 32;
    /**
     * An image is rescaled only when its nuclei differ from the training size by more than this factor: within
     * it, the network has seen such sizes through its scale augmentation (0.5–2×), and a second pass would cost
     * time for little gain.
     */
    public static final double SCALE_TOLERANCE = 1.5;
    /** Largest automatic enlargement (small nuclei): the work grows with its square. */
    public static final double MAX_AUTO_UPSCALE = 2;
    /** Largest automatic reduction (large nuclei). */
    public static final double MAX_AUTO_DOWNSCALE = 4;
    /** Largest accepted {@link #diameter}, pixels. */
    public static final double MAX_DIAMETER = 1000;

    /** The default minimum distance between watershed markers (distance-transform peaks), in pixels. */
    public static final int DEFAULT_MIN_PEAK_DISTANCE = 12;

    /**
     * The default instance step: {@link InstanceSegmentation#defaults()} with {@link #DEFAULT_THRESHOLD},
     * {@link #DEFAULT_MIN_SIZE} and watershed markers at distance-transform peaks at least
     * {@link #DEFAULT_MIN_PEAK_DISTANCE} apart. The bundled model is trained to leave a gap between touching
     * nuclei, so only clearly separate blobs need splitting: on 100 training images (seeded, none from the
     * validation split) this scored 0.537 against 0.487 for h-maxima markers (h = 2) and 0.509 for no
     * splitting.
     *
     * @return a new instance step with these settings (immutable)
     */
    public static InstanceSegmentation defaultPostProcessing() {
        return InstanceSegmentation.defaults().withThreshold(DEFAULT_THRESHOLD).withMinObjectArea(DEFAULT_MIN_SIZE)
                .withPeakMarkers(DEFAULT_MIN_PEAK_DISTANCE);
    }

    /** How whole images are cut for the network. */
    private enum Tiling { BLENDED, GRID, CORES }

    private final Module model;
    private final int inChannels;
    private final String input;
    private final Head head;
    private final double trainingDiameter;
    /** The detector path when the model is a {@link MaskRcnn} (one pass per whole image, masks pasted); else null. */
    private final DetectionSegmentation detection;
    /** The model that segments colour images instead of this one ({@link #colourModel(Predictor)}), or null. */
    private volatile Predictor colourModel;
    /** The configuration; replaced whole by each setter, read once per call. */
    private volatile Settings settings = new Settings(Tiling.BLENDED, 256, 256, DEFAULT_OVERLAP, -1, 4, false,
            Double.NaN, Device.CPU, defaultPostProcessing(), CoreWatershed.DEFAULT_CORE_THRESHOLD, true,
            PostProcessing.WATERSHED);

    /**
     * One configuration of a predictor, immutable: how images are tiled ({@code patch}: tile side; {@code stride}:
     * grid step; {@code overlap}: blending overlap; {@code tileMargin}: core-tile context), the batch, flips, the
     * nuclei diameter, the device and the instance step ({@code method}: which one; {@code post}: the
     * one-channel watershed step, whose threshold every method uses; {@code coreThreshold} and
     * {@code seedUnmarked}: the two-map heads' {@link CoreWatershed}).
     */
    private record Settings(Tiling tiling, int patch, int stride, int overlap, int tileMargin, int batchSize,
            boolean flipTta, double diameter, Device device, InstanceSegmentation post, float coreThreshold,
            boolean seedUnmarked, PostProcessing method) {
        Settings with(Tiling t, int p, int s, int o, int m) {
            return new Settings(t, p, s, o, m, batchSize, flipTta, diameter, device, post, coreThreshold,
                    seedUnmarked, method);
        }
    }

    /**
     * Wraps a network (switched to inference mode; not folded, not copied) trained on the one-channel
     * {@link NetworkInput#NAME} input with the {@link Head#FOREGROUND} head, without scale information.
     *
     * @param model maps (N, 1, H, W) to (N, 1, H, W) for H, W multiples of 16; owned by the predictor from now
     *              on (do not train it or switch its mode while the predictor is in use)
     */
    public Predictor(Module model) {
        this(model, NetworkInput.NAME, Head.FOREGROUND, Double.NaN);
    }

    /**
     * Wraps a network trained with the input conversion {@code input} and the head {@code head}, without scale
     * information (images are never rescaled).
     *
     * @param model maps (N, C, H, W) to (N, K, H, W), C = {@code NetworkInput.channels(input)},
     *              K = {@code head.channels()} (or (N, K, H/f, W/f): see {@link Head#fromNetwork})
     * @param input the {@link NetworkInput} conversion's name
     * @param head  the head the network was trained with
     * @throws IllegalArgumentException when the network's configured input channels do not match {@code input}
     */
    public Predictor(Module model, String input, Head head) {
        this(model, input, head, Double.NaN);
    }

    /**
     * Wraps a network with everything a model file records.
     *
     * @param model            maps (N, C, H, W) to (N, K, H, W), C = {@code NetworkInput.channels(input)},
     *                         K = {@code head.channels()} (or (N, K, H/f, W/f): see {@link Head#fromNetwork})
     * @param input            the {@link NetworkInput} conversion's name
     * @param head             the head the network was trained with
     * @param trainingDiameter median equivalent diameter of the training nuclei in pixels (NaN: unknown, no
     *                         rescaling)
     * @throws IllegalArgumentException when the network's configured input channels do not match {@code input}
     */
    public Predictor(Module model, String input, Head head, double trainingDiameter) {
        this.model = model;
        model.eval();
        this.inChannels = model.config() == null ? NetworkInput.channels(input)
                : Presets.get(model.config().builder()).inChannels(model.config());
        if (inChannels != NetworkInput.channels(input)) {
            throw new IllegalArgumentException("Predictor: the network takes " + inChannels + " input channels, the "
                    + input + " input gives " + NetworkInput.channels(input));
        }
        this.input = input;
        this.head = head;
        this.trainingDiameter = trainingDiameter;
        this.detection = model instanceof MaskRcnn detector ? new DetectionSegmentation(detector,
                new MaskPasting(MaskPasting.DEFAULT_MIN_SCORE, MaskPasting.MASK_THRESHOLD, DEFAULT_MIN_SIZE)) : null;
    }

    /** {@return true when the model is a detector (Mask R-CNN): whole images, one mask per detection, pasted} */
    public boolean isDetector() {
        return detection != null;
    }

    /**
     * Loads a model file written by {@link Checkpoint#save} (the trainer's output), prepared for inference, with
     * the input conversion, head and training nucleus size its metadata records.
     *
     * @param modelFile a {@code .safetensors} model file
     * @return a new predictor with the file's settings
     * @throws IOException when the file cannot be read, is not a model, or its metadata is invalid (the message
     *                     names the file)
     */
    public static Predictor load(Path modelFile) throws IOException {
        Path folder = modelFile.toAbsolutePath().getParent();
        return load(SafeTensors.read(modelFile), name -> SafeTensors.read(folder.resolve(name)));
    }

    /**
     * The files a model file needs, to ship it elsewhere (e.g. to a cluster's executors): itself, and the colour
     * model its metadata names ({@value #META_COLOUR_MODEL}), which {@link #load(Path)} reads from the same folder.
     *
     * @param modelFile a {@code .safetensors} model file
     * @return the file, then its colour model if it names one
     * @throws IOException when the file cannot be read
     */
    public static List<Path> filesOf(Path modelFile) throws IOException {
        String colour = SafeTensors.read(modelFile).metadata().get(META_COLOUR_MODEL);
        if (colour == null) {
            return List.of(modelFile);
        }
        Path sibling = modelFile.resolveSibling(colour.trim());
        if (!Files.isRegularFile(sibling)) {
            throw new IOException(modelFile + ": its colour model " + colour.trim() + " (" + META_COLOUR_MODEL
                    + ") is not a file beside it");
        }
        return List.of(modelFile, sibling);
    }

    /** Reads a model file named in another's metadata, beside it. */
    private interface Sibling {
        SafeTensorsFile read(String name) throws IOException;
    }

    /**
     * As {@link #load(Path)}, from a model file already read (from disk or a stream); {@code sibling} reads the
     * colour model its metadata names ({@value #META_COLOUR_MODEL}), if any.
     */
    private static Predictor load(SafeTensorsFile file, Sibling sibling) throws IOException {
        Predictor p = loadOne(file);
        String colour = file.metadata().get(META_COLOUR_MODEL);
        if (colour == null) {
            return p;
        }
        String name = colour.trim();
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals("..") || name.equals(".")) {
            throw new IOException(file.source() + ": bad model metadata: " + META_COLOUR_MODEL
                    + " must be a file name in the model's folder, got '" + colour + "'");
        }
        SafeTensorsFile other;
        try {
            other = sibling.read(name);
        } catch (IOException e) {
            throw new IOException(file.source() + ": its colour model " + name + " (" + META_COLOUR_MODEL
                    + ") cannot be read: " + (e instanceof java.nio.file.NoSuchFileException ? "no such file "
                    : "") + e.getMessage(), e);
        }
        if (other.metadata().containsKey(META_COLOUR_MODEL)) {
            throw new IOException(other.source() + ": bad model metadata: a colour model cannot name a colour model"
                    + " of its own (" + META_COLOUR_MODEL + ")");
        }
        Predictor c = loadOne(other);
        if (p.isDetector() || c.isDetector()) {
            throw new IOException(file.source() + ": bad model metadata: " + META_COLOUR_MODEL
                    + " pairs segmentation networks, not detectors (mask-rcnn)");
        }
        return p.colourModel(c);
    }

    /** One model file, its own metadata applied (a colour model it names is not read). */
    private static Predictor loadOne(SafeTensorsFile file) throws IOException {
        Map<String, String> meta = file.metadata();
        Module m = Checkpoint.load(file);
        LayerFusion.forInference(m);
        String in = meta.getOrDefault(META_INPUT, NetworkInput.NAME);
        try {
            NetworkInput.channels(in);
            Head h = m instanceof MaskRcnn ? Head.FOREGROUND
                    : Head.parse(meta.getOrDefault(META_HEAD, Head.FOREGROUND.label()));
            double d = meta.containsKey(META_DIAMETER) ? Double.parseDouble(meta.get(META_DIAMETER)) : Double.NaN;
            Predictor p = new Predictor(m, in, h, d);
            if (meta.containsKey(META_THRESHOLD)) {
                float t = Float.parseFloat(meta.get(META_THRESHOLD));
                if (!(t > 0 && t < 1)) {
                    throw new IllegalArgumentException(META_THRESHOLD + " must be in (0, 1), got " + t);
                }
                p.postProcessing(p.postProcessing().withThreshold(t));
            }
            if (meta.containsKey(META_CORE_THRESHOLD)) {
                p.coreThreshold(Float.parseFloat(meta.get(META_CORE_THRESHOLD)));
            }
            if (meta.containsKey(META_SEED_UNMARKED)) {
                String v = meta.get(META_SEED_UNMARKED).trim();
                if (!v.equals("true") && !v.equals("false")) {
                    throw new IllegalArgumentException(META_SEED_UNMARKED + " must be true or false, got '" + v + "'");
                }
                p.seedUnmarked(Boolean.parseBoolean(v));
            }
            if (meta.containsKey(META_POST)) {
                p.postProcessing(PostProcessing.parse(meta.get(META_POST)));
            }
            return p;
        } catch (IllegalArgumentException e) {
            throw new IOException(file.source() + ": bad model metadata: " + e.getMessage(), e);
        }
    }

    /** {@return the head the model was trained with} */
    public Head head() {
        return head;
    }

    /** {@return the network input conversion} */
    public String input() {
        return input;
    }

    /** {@return median equivalent diameter of the training nuclei (NaN when the model file does not say)} */
    public double trainingDiameter() {
        return trainingDiameter;
    }

    /**
     * The model bundled in the segmentation jar ({@value #BUNDLED_RESOURCE}), read straight from the class path:
     * no temporary file is written (none is left behind when the process is killed).
     *
     * @return a new predictor on the bundled model (each call loads its own copy)
     * @throws IOException when the jar carries no bundled model, or it cannot be read
     */
    public static Predictor bundled() throws IOException {
        try (InputStream in = Predictor.class.getResourceAsStream(BUNDLED_RESOURCE)) {
            if (in == null) {
                throw new IOException("no bundled model on the classpath at " + BUNDLED_RESOURCE);
            }
            return load(SafeTensors.read(in, "classpath:" + BUNDLED_RESOURCE), Predictor::bundledSibling);
        }
    }

    /** A model file in the bundled model's class-path folder. */
    private static SafeTensorsFile bundledSibling(String name) throws IOException {
        String resource = BUNDLED_RESOURCE.substring(0, BUNDLED_RESOURCE.lastIndexOf('/') + 1) + name;
        try (InputStream in = Predictor.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("no model on the classpath at " + resource);
            }
            return SafeTensors.read(in, "classpath:" + resource);
        }
    }

    /** {@return true when the jar carries a bundled model} */
    public static boolean hasBundledModel() {
        return Predictor.class.getResource(BUNDLED_RESOURCE) != null;
    }

    /**
     * {@return the wrapped network, in inference mode (after {@link LayerFusion#forInference} when loaded from a
     * file)} Read it, do not train it: training mode makes every later call fail.
     */
    public Module model() {
        return model;
    }

    /**
     * Sets the model that segments <b>colour</b> images instead of this one — stained, transmitted-light images:
     * at least 5 % of the pixels off gray by more than 8 levels of 255, and a lit background (median luma ≥ 0.25),
     * see {@link ColourRule} — {@link #segment(FloatImage)}, {@link #output(FloatImage)} and
     * {@link #probability(FloatImage)} hand such images to it whole; gray ones (one channel, three equal or
     * nearly equal channels) and dark false-colour fluorescence stay here. The choice is made per image
     * from its pixels alone, so every image of a batch gets the model made for its kind. Every setter called on this
     * predictor from now on is applied to it too (a model file's own settings, read when it was loaded, hold until
     * then). Not used by {@link #segmentInput} or {@link #forwardTiles}, which see converted input; images streamed
     * in bands (over 16.8 megapixels) are routed by the same rule on their decoded samples.
     *
     * @param colour a predictor for colour images (not a detector, without a colour model of its own), or null for
     *               none
     * @return this predictor
     * @throws IllegalArgumentException when either predictor is a detector, or {@code colour} has a colour model
     */
    public Predictor colourModel(Predictor colour) {
        if (colour != null && (colour == this || colour.colourModel != null || colour.isDetector() || isDetector())) {
            throw new IllegalArgumentException("Predictor: a colour model is a segmentation network without a colour "
                    + "model of its own, paired with another");
        }
        colourModel = colour;
        return this;
    }

    /** {@return the model that segments colour images instead of this one, or null (see {@link #colourModel(Predictor)})} */
    public Predictor colourModel() {
        return colourModel;
    }

    /** {@return the predictor that segments {@code image}: the colour model for a colour image when there is one} */
    private Predictor routeOf(FloatImage image) {
        Predictor c = colourModel;
        return c != null && ColourRule.isColour(image) ? c : this;
    }

    /** Applies a setter to the colour model as well, if there is one; returns this. */
    private Predictor alsoColour(Consumer<Predictor> setter) {
        Predictor c = colourModel;
        if (c != null) {
            setter.accept(c);
        }
        return this;
    }

    /**
     * Switches to paper 004's max-stitched grid of patches (overlaps are joined by the per-pixel maximum).
     *
     * @param size   patch side in pixels, ≥ 16; should suit the network (a multiple of 16)
     * @param stride grid step in pixels, 1 ≤ stride ≤ size (size: no overlap, as the paper)
     * @return this predictor
     * @throws IllegalArgumentException for a size or stride out of range
     */
    public Predictor patches(int size, int stride) {
        if (size < 16 || stride < 1 || stride > size) {
            throw new IllegalArgumentException("Predictor: need patch >= 16 and 1 <= stride <= patch, got "
                    + size + ", " + stride);
        }
        Settings s = settings;
        settings = s.with(Tiling.GRID, size, stride, s.overlap, s.tileMargin);
        return alsoColour(c -> c.patches(size, stride));
    }

    /**
     * Overlapping {@code tile}-pixel tiles blended over {@code overlap} pixels (the default: 256 and
     * {@value #DEFAULT_OVERLAP}), see {@link BlendedTiling}. {@code tile} should be a multiple of 16.
     *
     * @param tile    tile side in pixels, ≥ 16
     * @param overlap pixels by which neighbouring tiles overlap at least, 0 ≤ overlap &lt; tile
     * @return this predictor
     * @throws IllegalArgumentException for a tile or overlap out of range
     */
    public Predictor blendedTiles(int tile, int overlap) {
        new BlendedTiling(tile, overlap); // checks the arguments
        Settings s = settings;
        settings = s.with(Tiling.BLENDED, tile, s.stride, overlap, s.tileMargin);
        return alsoColour(c -> c.blendedTiles(tile, overlap));
    }

    /**
     * The nuclei's diameter in the images, pixels: the image is rescaled by {@code trainingDiameter / d} before
     * the network sees it. {@code NaN} (default): estimated from a first pass at scale 1; {@code 0}: never
     * rescale (as Cellpose's {@code --diameter}).
     *
     * @param d the nuclei's diameter in pixels, in (0, {@value #MAX_DIAMETER}], or NaN or 0
     * @return this predictor
     * @throws IllegalArgumentException for any other value
     */
    public Predictor diameter(double d) {
        if (!(Double.isNaN(d) || d == 0 || (d > 0 && d <= MAX_DIAMETER))) {
            throw new IllegalArgumentException("diameter must be in (0, " + (int) MAX_DIAMETER + "] px, or 0 to turn "
                    + "rescaling off, got " + d);
        }
        Settings s = settings;
        settings = new Settings(s.tiling, s.patch, s.stride, s.overlap, s.tileMargin, s.batchSize, s.flipTta, d,
                s.device, s.post, s.coreThreshold, s.seedUnmarked, s.method);
        return alsoColour(c -> c.diameter(d));
    }

    /**
     * Overlapping tiles instead of the max-stitched grid: {@link TiledInference} with {@code tile}-pixel cores,
     * each predicted with {@code margin} pixels of reflected context on every side, only the core kept (no
     * seams, memory bounded by one tile). {@code tile + 2·margin} should be a multiple of 16; smaller inputs
     * are zero-padded up to one.
     *
     * @param tile   core side in pixels, ≥ 16
     * @param margin context on every side, pixels, ≥ 0 (at least the network's receptive radius for no seams)
     * @return this predictor
     * @throws IllegalArgumentException for a tile or margin out of range
     */
    public Predictor tiles(int tile, int margin) {
        if (tile < 16 || margin < 0) {
            throw new IllegalArgumentException("Predictor: need tile >= 16 and margin >= 0, got " + tile + ", " + margin);
        }
        Settings s = settings;
        settings = s.with(Tiling.CORES, tile, s.stride, s.overlap, margin);
        return alsoColour(c -> c.tiles(tile, margin));
    }

    /**
     * Sets the tiles per forward pass (default 4): more use more memory and may run faster.
     *
     * @param n tiles per batch, ≥ 1
     * @return this predictor
     * @throws IllegalArgumentException when {@code n} &lt; 1
     */
    public Predictor batchSize(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("Predictor: batch size must be >= 1, got " + n);
        }
        Settings s = settings;
        settings = new Settings(s.tiling, s.patch, s.stride, s.overlap, s.tileMargin, n, s.flipTta, s.diameter,
                s.device, s.post, s.coreThreshold, s.seedUnmarked, s.method);
        return alsoColour(c -> c.batchSize(n));
    }

    /**
     * Turns flip test-time augmentation on or off (off by default).
     *
     * @param on true: each tile is predicted as is and flipped in x, y and both, and the four outputs averaged
     *           (4 passes per tile)
     * @return this predictor
     */
    public Predictor flipTta(boolean on) {
        Settings s = settings;
        settings = new Settings(s.tiling, s.patch, s.stride, s.overlap, s.tileMargin, s.batchSize, on, s.diameter,
                s.device, s.post, s.coreThreshold, s.seedUnmarked, s.method);
        return alsoColour(c -> c.flipTta(on));
    }

    /**
     * Runs on {@code device}: the model's parameters are moved there at once, so call this before sharing the
     * predictor between threads.
     *
     * @param d the device, e.g. {@link Device#CPU}
     * @return this predictor
     */
    public Predictor device(Device d) {
        model.to(d);
        Settings s = settings;
        settings = new Settings(s.tiling, s.patch, s.stride, s.overlap, s.tileMargin, s.batchSize, s.flipTta,
                s.diameter, d, s.post, s.coreThreshold, s.seedUnmarked, s.method);
        return alsoColour(c -> c.device(d));
    }

    /**
     * Sets the one-channel watershed instance step; its threshold and minimum area are used by every head and
     * method.
     *
     * @param p the instance step (immutable)
     * @return this predictor
     */
    public Predictor postProcessing(InstanceSegmentation p) {
        Settings s = settings;
        settings = new Settings(s.tiling, s.patch, s.stride, s.overlap, s.tileMargin, s.batchSize, s.flipTta,
                s.diameter, s.device, p, s.coreThreshold, s.seedUnmarked, s.method);
        return alsoColour(c -> c.postProcessing(p));
    }

    /** {@return the one-channel watershed instance step in use (its threshold is every method's threshold)} */
    public InstanceSegmentation postProcessing() {
        return settings.post;
    }

    /**
     * Which instance step decodes the head output (default {@link PostProcessing#WATERSHED}, or the model file's
     * {@value #META_POST}). {@link PostProcessing#PAPER004} ({@link Paper004PostProcessing}) thresholds channel 0
     * at {@link #postProcessing()}'s threshold, for every head, and never splits touching nuclei.
     *
     * @param method the instance step
     * @return this predictor
     */
    public Predictor postProcessing(PostProcessing method) {
        Settings s = settings;
        settings = new Settings(s.tiling, s.patch, s.stride, s.overlap, s.tileMargin, s.batchSize, s.flipTta,
                s.diameter, s.device, s.post, s.coreThreshold, s.seedUnmarked, method);
        return alsoColour(c -> c.postProcessing(method));
    }

    /** {@return the instance step in use} */
    public PostProcessing postProcessingMethod() {
        return settings.method;
    }

    /**
     * The core threshold of the two-channel heads' instance step ({@link CoreWatershed}: markers where the core
     * score exceeds it; default {@value CoreWatershed#DEFAULT_CORE_THRESHOLD}). Higher: more, smaller markers, so
     * touching nuclei come apart more often and large ones are cut more often. No effect on the foreground head.
     *
     * @param t the core threshold, in (0, 1)
     * @return this predictor
     * @throws IllegalArgumentException when {@code t} is outside (0, 1)
     */
    public Predictor coreThreshold(float t) {
        if (!(t > 0 && t < 1)) {
            throw new IllegalArgumentException("core threshold must be in (0, 1), got " + t);
        }
        Settings s = settings;
        settings = new Settings(s.tiling, s.patch, s.stride, s.overlap, s.tileMargin, s.batchSize, s.flipTta,
                s.diameter, s.device, s.post, t, s.seedUnmarked, s.method);
        return alsoColour(c -> c.coreThreshold(t));
    }

    /** {@return the two-channel heads' core threshold in use} */
    public float coreThreshold() {
        return settings.coreThreshold;
    }

    /**
     * Whether the two-map heads' instance step keeps a nucleus-mask component that holds no core (no pixel above
     * the core threshold), seeded at its highest core score ({@link CoreWatershed#withSeedUnmarked}); default true.
     * A model file may say false ({@value #META_SEED_UNMARKED}).
     *
     * @param on false to drop such components
     * @return this predictor
     */
    public Predictor seedUnmarked(boolean on) {
        Settings s = settings;
        settings = new Settings(s.tiling, s.patch, s.stride, s.overlap, s.tileMargin, s.batchSize, s.flipTta,
                s.diameter, s.device, s.post, s.coreThreshold, on, s.method);
        return alsoColour(c -> c.seedUnmarked(on));
    }

    /** {@return whether core-less mask components are kept (see {@link #seedUnmarked(boolean)})} */
    public boolean seedUnmarked() {
        return settings.seedUnmarked;
    }

    /**
     * The side and overlap of the blended tiles a call uses now ({@code {tile, overlap}}): the configured ones in
     * the blended mode, else the defaults (256, {@value #DEFAULT_OVERLAP}).
     *
     * @return a new array {@code {tile, overlap}}, pixels
     */
    public int[] blendedTiling() {
        Settings s = settings;
        return s.tiling == Tiling.BLENDED ? new int[] {s.patch, s.overlap} : new int[] {256, DEFAULT_OVERLAP};
    }

    /** {@return patches per forward pass} */
    public int batchSize() {
        return settings.batchSize;
    }

    /**
     * The network on (n, C, side, side) tiles of converted input, {@code x.length == n·C·side²}: (n, K, side, side)
     * head outputs, averaged over flips when flip TTA is on. Without autograd; safe to call from several threads.
     *
     * @param x    (n, C, side, side) tiles, C = {@link #inputChannels()}, row-major
     * @param n    tiles, ≥ 1
     * @param side tile side in pixels (a multiple of 16 for the U-Nets)
     * @return (n, K, side, side) head outputs, K = {@code head().mapCount()}, a new array
     */
    @SuppressWarnings("try") // the no-grad scope is used only for its effect
    public float[] forwardTiles(float[] x, int n, int side) {
        Settings s = settings;
        checkInferenceMode();
        if (detection != null) {
            throw new IllegalStateException("Predictor: a detector (mask-rcnn) segments whole images, not tiles");
        }
        try (Autograd.NoGradScope ignored = Autograd.noGrad()) {
            return run(s, x, n, side);
        }
    }

    /** {@return the network input channels (C)} */
    public int inputChannels() {
        return inChannels;
    }

    /**
     * Segments a decoded image into nuclei.
     *
     * @param image (C, H, W) image with values in [0, 1], as {@link dev.nucleon.segmentation.io.ImageFileReader}
     *              decodes it (C = 1 gray, 3 colour)
     * @return the instances, a label map of the image's own size (0 background, 1…n nuclei)
     * @throws IllegalStateException when the model was switched back to training mode after it was wrapped
     */
    public LabelImage segment(FloatImage image) {
        return segment(image, InferenceListener.NONE);
    }

    /**
     * As {@link #segment(FloatImage)}, reporting progress to {@code listener} and stopping when it asks.
     *
     * @param image    (C, H, W) image with values in [0, 1]
     * @param listener told after each batch of tiles, asked before each whether to stop
     * @return the instances, a label map of the image's own size
     * @throws CancellationException when {@code listener} cancelled the call (nothing is returned or kept)
     */
    public LabelImage segment(FloatImage image, InferenceListener listener) {
        Predictor p = routeOf(image);
        if (p != this) {
            return p.segment(image, listener);
        }
        return segmentInput(NetworkInput.prepare(image, input), listener);
    }

    /**
     * Segments an image already converted by {@link NetworkInput} (this model's conversion, {@link #input()}).
     *
     * @param in (C, H, W) network input, C = {@link #inputChannels()}
     * @return the instances, a label map of the input's size
     */
    public LabelImage segmentInput(FloatImage in) {
        return segmentInput(in, InferenceListener.NONE);
    }

    /**
     * As {@link #segmentInput(FloatImage)}, reporting progress to {@code listener} and stopping when it asks.
     *
     * @param in       (C, H, W) network input, C = {@link #inputChannels()}
     * @param listener told after each batch of tiles, asked before each whether to stop
     * @return the instances, a label map of the input's size
     * @throws CancellationException when {@code listener} cancelled the call
     */
    public LabelImage segmentInput(FloatImage in, InferenceListener listener) {
        Settings s = settings;
        if (detection != null) { // one pass over the whole image, reported as one tile
            checkInferenceMode();
            Progress one = new Progress(listener);
            one.total = 1;
            one.check();
            LabelImage labels = detection.segment(in, s.device);
            one.tiles(1);
            return labels;
        }
        Progress progress = new Progress(listener);
        Pass first = new Pass();
        double f = scaleFor(s, in, first, progress);
        if (f == 1 && first.labels != null) {
            return first.labels; // the estimating pass is the result: decoded once
        }
        FloatImage out = outputAt(s, in, f, first, progress);
        progress.check();
        return decode(s, out);
    }

    /**
     * The scale factor {@link #segmentInput} applies to this image (may run a first pass to estimate the nuclei's
     * size).
     *
     * @param in (C, H, W) network input
     * @return the factor the image is resized by before the network sees it; 1 when no rescaling is needed
     */
    public double scaleOf(FloatImage in) {
        return scaleFor(settings, in, new Pass(), new Progress(InferenceListener.NONE));
    }

    /**
     * The head output of a decoded image, after rescaling when the nuclei size asks for it.
     *
     * @param image (C, H, W) image with values in [0, 1]
     * @return (K, H, W) head output at the image's size, K = {@link Head#mapCount()}
     */
    public FloatImage output(FloatImage image) {
        return output(image, InferenceListener.NONE);
    }

    /**
     * As {@link #output(FloatImage)}, reporting progress to {@code listener} and stopping when it asks.
     *
     * @param image    (C, H, W) image with values in [0, 1]
     * @param listener told after each batch of tiles, asked before each whether to stop
     * @return (K, H, W) head output at the image's size
     * @throws CancellationException when {@code listener} cancelled the call
     */
    public FloatImage output(FloatImage image, InferenceListener listener) {
        Predictor p = routeOf(image);
        if (p != this) {
            return p.output(image, listener);
        }
        Settings s = settings;
        FloatImage in = NetworkInput.prepare(image, input);
        Pass first = new Pass();
        Progress progress = new Progress(listener);
        return outputAt(s, in, scaleFor(s, in, first, progress), first, progress);
    }

    /** One call's progress: tiles done and expected, and its listener (local to the call, like {@link Pass}). */
    private static final class Progress {
        final InferenceListener listener;
        int done;
        int total;

        Progress(InferenceListener listener) {
            this.listener = listener == null ? InferenceListener.NONE : listener;
        }

        /** Throws when the listener asks to stop. */
        void check() {
            if (listener.cancelled()) {
                throw new CancellationException("Predictor: cancelled after " + done + " of " + total + " tiles");
            }
        }

        /** Reports {@code n} more tiles done. */
        void tiles(int n) {
            done += n;
            listener.tile(done, total);
        }
    }

    /** The first pass at scale 1, when one was run to estimate the nuclei size (local to one call). */
    private static final class Pass {
        FloatImage output;
        LabelImage labels;
    }

    /** The output of {@code in} rescaled by {@code f} and mapped back (f = 1: the first pass when there was one). */
    private FloatImage outputAt(Settings s, FloatImage in, double f, Pass first, Progress progress) {
        if (f == 1) {
            return first.output != null ? first.output : probabilityOfInput(s, in, progress);
        }
        int w = in.width(), h = in.height();
        int sw = (int) Math.round(w * f), sh = (int) Math.round(h * f);
        if (sw < 1 || sh < 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "image of %dx%d px is too small for "
                    + "nuclei of %.1f px: rescaled to the training size it would be %dx%d", w, h,
                    trainingDiameter / f, sw, sh));
        }
        FloatImage out = probabilityOfInput(s, Resize.bilinear(in, sw, sh), progress);
        return Resize.bilinear(out, w, h);
    }

    /** Scale factor for an input; a first pass run to estimate it is kept in {@code first}. */
    private double scaleFor(Settings s, FloatImage in, Pass first, Progress progress) {
        if (s.diameter == 0 || Double.isNaN(trainingDiameter) || detection != null) {
            return 1;
        }
        double d = s.diameter;
        double up = MAX_DIAMETER, down = MAX_DIAMETER;
        if (Double.isNaN(d)) {
            first.output = probabilityOfInput(s, in, progress);
            progress.check();
            first.labels = decode(s, first.output);
            d = NucleusScale.areaWeightedMedianDiameter(first.labels);
            if (Double.isNaN(d)) {
                return 1; // no nuclei found: nothing to rescale for
            }
            up = MAX_AUTO_UPSCALE;
            down = MAX_AUTO_DOWNSCALE;
        }
        double f = trainingDiameter / d;
        if (f <= SCALE_TOLERANCE && f >= 1 / SCALE_TOLERANCE) {
            return 1;
        }
        return Math.max(1 / down, Math.min(up, f));
    }

    /**
     * Decodes a head output into instances with the instance step in use.
     *
     * @param output (K, H, W) head output, as {@link #output} gives
     * @return the instances, a (H, W) label map
     */
    public LabelImage decode(FloatImage output) {
        return decode(settings, output);
    }

    private LabelImage decode(Settings s, FloatImage output) {
        if (s.method == PostProcessing.PAPER004) {
            return Paper004PostProcessing.segment(output, s.post.threshold());
        }
        if (head == Head.FOREGROUND) {
            return s.post.segment(output);
        }
        return CoreWatershed.of(head).withThreshold(s.post.threshold()).withCoreThreshold(s.coreThreshold)
                .withSeedUnmarked(s.seedUnmarked).withMinObjectArea(s.post.minObjectArea()).segment(output);
    }

    /**
     * The head output of a decoded image at scale 1 (never rescaled).
     *
     * @param image (C, H, W) image with values in [0, 1]
     * @return (K, H, W) head output (K = 1: the nucleus probability)
     */
    public FloatImage probability(FloatImage image) {
        Predictor p = routeOf(image);
        return p.probabilityOfInput(NetworkInput.prepare(image, p.input));
    }

    /**
     * The head output at scale 1 of an image already converted by {@link NetworkInput}.
     *
     * @param input (C, H, W) network input, C = {@link #inputChannels()}
     * @return (K, H, W) head output
     */
    public FloatImage probabilityOfInput(FloatImage input) {
        return probabilityOfInput(settings, input, new Progress(InferenceListener.NONE));
    }

    @SuppressWarnings("try") // the no-grad scope is used only for its effect
    private FloatImage probabilityOfInput(Settings s, FloatImage input, Progress progress) {
        checkInferenceMode();
        if (detection != null) {
            progress.check();
            return detection.probability(input, s.device);
        }
        progress.total += tileCount(s, input.width(), input.height());
        try (Autograd.NoGradScope ignored = Autograd.noGrad()) {
            return switch (s.tiling) {
                case CORES -> tiled(s, input, progress);
                case BLENDED -> new BlendedTiling(s.patch, s.overlap).run(input,
                        (x, n, side) -> counted(s, x, n, side, progress), s.batchSize);
                case GRID -> grid(s, input, progress);
            };
        }
    }

    /** Tiles one pass over a w × h input runs the network on, in the settings' tiling. */
    private static int tileCount(Settings s, int w, int h) {
        return switch (s.tiling) {
            case BLENDED -> BlendedTiling.origins(w, s.patch, s.overlap).length
                    * BlendedTiling.origins(h, s.patch, s.overlap).length;
            case GRID -> PatchGrid.origins(w, s.patch, s.stride).length * PatchGrid.origins(h, s.patch, s.stride).length;
            case CORES -> PatchGrid.origins(w, s.patch, s.patch).length * PatchGrid.origins(h, s.patch, s.patch).length;
        };
    }

    /** {@link #run} on n tiles, asking the listener first and reporting them after. */
    private float[] counted(Settings s, float[] x, int n, int side, Progress progress) {
        progress.check();
        float[] y = run(s, x, n, side);
        progress.tiles(n);
        return y;
    }

    /**
     * Calls never switch the model's mode (that would be a write shared by every thread): the constructor put it
     * in inference mode, and a model switched back to training since is refused.
     */
    private void checkInferenceMode() {
        if (model.isTraining()) {
            throw new IllegalStateException("Predictor: the model was switched to training mode after it was wrapped;"
                    + " call model.eval() (or wrap it again) before predicting");
        }
    }

    private FloatImage grid(Settings s, FloatImage input, Progress progress) {
        int w = input.width(), h = input.height(), k = head.mapCount(), patch = s.patch;
        PatchGrid grid = new PatchGrid(w, h, patch, s.stride);
        List<int[]> origins = grid.origins();
        MaxStitcher out = new MaxStitcher(w, h, k);
        int plane = patch * patch;
        for (int start = 0; start < origins.size(); start += s.batchSize) {
            int n = Math.min(s.batchSize, origins.size() - start);
            float[] x = new float[n * inChannels * plane];
            for (int i = 0; i < n; i++) {
                int[] o = origins.get(start + i);
                float[] p = grid.extract(input, o[0], o[1]).data();
                System.arraycopy(p, 0, x, i * inChannels * plane, inChannels * plane);
            }
            float[] y = counted(s, x, n, patch, progress);
            for (int i = 0; i < n; i++) {
                float[] py = new float[k * plane];
                System.arraycopy(y, i * k * plane, py, 0, k * plane);
                int[] o = origins.get(start + i);
                out.add(new FloatImage(patch, patch, k, py), o[0], o[1]);
            }
        }
        return out.result();
    }

    private FloatImage tiled(Settings s, FloatImage input, Progress progress) {
        int k = head.mapCount();
        try {
            return new TiledInference(s.patch, s.tileMargin, TiledInference.Padding.REFLECT).run(input, tile -> {
                int tw = tile.width(), th = tile.height(), side = Math.max(round16(tw), round16(th));
                FloatImage padded = tile.crop(0, 0, side, side, 0f);
                float[] x = new float[inChannels * side * side];
                System.arraycopy(padded.data(), 0, x, 0, x.length);
                return new FloatImage(side, side, k, counted(s, x, 1, side, progress)).crop(0, 0, tw, th);
            });
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int round16(int n) {
        return (n + 15) / 16 * 16;
    }

    /** Forward of n patches (n, C, side, side) → (n, K, side, side) outputs, averaged over flips when asked. */
    private float[] run(Settings s, float[] x, int n, int side) {
        if (!s.flipTta) {
            return forward(s, x, n, side);
        }
        float[] sum = new float[n * head.mapCount() * side * side];
        for (int flip = 0; flip < 4; flip++) {
            boolean fx = (flip & 1) != 0, fy = (flip & 2) != 0;
            float[] y = flip(forward(s, flip(x, n * inChannels, side, fx, fy), n, side), n * head.mapCount(), side,
                    fx, fy);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += y[i];
            }
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] *= 0.25f;
        }
        return sum;
    }

    private float[] forward(Settings s, float[] x, int n, int side) {
        Tensor t = Tensor.of(x, n, inChannels, side, side);
        if (!s.device.isCpu()) {
            t = t.to(s.device);
        }
        float[] y;
        try {
            y = head.maps(head.fromNetwork(model.forward(t), side, side)).toArray();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Predictor: " + e.getMessage(), e);
        }
        int k = head.mapCount();
        if (y.length != n * k * side * side) {
            throw new IllegalStateException("Predictor: the " + head.label() + " head needs the network to map (N, C, H, W)"
                    + " to (N, " + k + ", H, W); got " + y.length + " values for " + n + " patches of " + side + "x" + side);
        }
        return y;
    }

    /** Flips {@code planes} square planes of side {@code p} in x and/or y (its own inverse). */
    private static float[] flip(float[] a, int planes, int p, boolean fx, boolean fy) {
        if (!fx && !fy) {
            return a;
        }
        int plane = p * p;
        float[] out = new float[a.length];
        for (int k = 0; k < planes; k++) {
            int base = k * plane;
            for (int yy = 0; yy < p; yy++) {
                int sy = fy ? p - 1 - yy : yy;
                for (int xx = 0; xx < p; xx++) {
                    int sx = fx ? p - 1 - xx : xx;
                    out[base + yy * p + xx] = a[base + sy * p + sx];
                }
            }
        }
        return out;
    }
}
