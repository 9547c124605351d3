package dev.nucleon.segmentation.networks;

import dev.nucleon.nn.ModelBuilder;
import dev.nucleon.nn.ModelCatalog;
import dev.nucleon.nn.ModelConfig;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.init.Initializers;
import dev.nucleon.segmentation.detection.MaskRcnn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The named networks that reproduce the five papers: name + options → {@link Module}. Each {@link Preset} is an nn
 * {@link ModelBuilder} and this class is the {@link ModelCatalog} that contributes them to nn's
 * {@link dev.nucleon.nn.ModelRegistry} (one line in {@code META-INF/services/dev.nucleon.nn.ModelCatalog}), so a
 * network built here carries its {@link ModelConfig} and {@code Checkpoint.load(path)} rebuilds it from the saved
 * file alone.
 *
 * <p><b>One configuration vocabulary.</b> There used to be two: nn's {@code ModelConfig}/{@code ModelRegistry}
 * and, here, a registry of presets of its own bridged to nn by one {@code ModelBuilder} class per preset
 * ({@code PresetBuilders}). nn's stays, because it is the lower layer and what model files store: a preset name
 * <em>is</em> a {@link ModelConfig#builder()} name, a preset option <em>is</em> a {@link ModelConfig} argument
 * (metadata {@code nucleon.config} = {@code {"builder":"unet-plus","args":{"base":"8","up":"us"}}}), and the
 * registry that {@code Checkpoint.load} asks is the one that lists the presets. This class keeps only what is
 * about the papers: the table below (each row's paper, default input and options) and the option names. So every
 * spelling written before still means the same network: the preset names, the option names, the benchmarks'
 * {@code unet-plus:8:us}, and the {@code nucleon.config} of model files saved by earlier versions. {@link UNetConfig}
 * is not a second vocabulary: it is the typed argument of {@link UNet}'s constructor (activation plan, dropout
 * placement, head), which the U-Net presets fill from their options and which is never stored or looked up by name.
 *
 * <table>
 *   <caption>presets (weights with the default options)</caption>
 *   <tr><th>name</th><th>paper</th><th>network</th><th>options (defaults)</th><th>weights</th></tr>
 *   <tr><td>{@code unet-bn}</td><td>002</td><td>U-Net, BN after every conv, transposed up-sampling</td>
 *       <td>in_channels 3, base 64, depth 5, classes 1</td><td>31,055,297 (11,776 non-trainable)</td></tr>
 *   <tr><td>{@code unet}</td><td>004</td><td>the Keras U-Net 004 cites (nearest + 2×2 conv, head 3×3 → 2
 *       → 1×1)</td><td>in_channels 1, base 16 (or 8), depth 5, classes 1</td><td>1,941,093 (B 8: 485,813)</td></tr>
 *   <tr><td>{@code unet-relu}, {@code unet-elu}, {@code unet-carving}</td><td>000</td><td>the Keras DSB2018
 *       U-Net, all-ReLU / all-ELU / carving (encoder ELU then ReLU, decoder ReLU)</td>
 *       <td>in_channels 3, base 16, depth 5, classes 1</td><td>1,941,105</td></tr>
 *   <tr><td>{@code unet-plusplus}</td><td>004 (control)</td><td>{@link UNetPlusPlus}</td>
 *       <td>in_channels 1, base 16, depth 5, dropout 0.5, classes 1</td><td>2,261,601 (B 8: 566,001)</td></tr>
 *   <tr><td>{@code unet-plus}</td><td>004</td><td>{@link UNetPlus}</td>
 *       <td>in_channels 1, base 16, depth 5, up tc (or us), classes 1</td><td>1,926,065 / us 1,729,985</td></tr>
 *   <tr><td>{@code resfcn}</td><td>003</td><td>{@link ResFcn}, 256² → 128²×2</td>
 *       <td>in_channels 3, classes 2</td><td>see the summary</td></tr>
 *   <tr><td>{@code simple-cnn}</td><td>001</td><td>{@link SimpleCnn}</td><td>in_channels 3, classes 3, width
 *       64</td><td>22,799</td></tr>
 *   <tr><td>{@code resnet-fcn}</td><td>001</td><td>{@link ResNetFcn}, random init instead of COCO</td>
 *       <td>in_channels 3, depth 152 (18, 34, 50, 101), classes 1</td><td>backbone as torchvision's</td></tr>
 *   <tr><td>{@code mask-rcnn}</td><td>001</td><td>{@link MaskRcnn} (ResNet + FPN, RPN, box and mask heads), random
 *       init; its forward packs the detections (D, 7)</td><td>in_channels 3, depth 50, classes 2 (background
 *       included)</td><td>43,975,515 (53,120 non-trainable)</td></tr>
 * </table>
 *
 * <p>Option names are the {@link ModelConfig} argument names: {@code in_channels}, {@code base},
 * {@code depth}, {@code up}, {@code classes}, {@code dropout}, {@code width}, {@code output} (U-Nets: sigmoid or
 * softmax head). A preset refuses options it does not take.
 */
public final class Presets implements ModelCatalog {

    /** Preset name {@code unet-bn}: paper 002's U-Net with batch norm and transposed up-sampling. */
    public static final String UNET_BN = "unet-bn";
    /** Preset name {@code unet}: paper 004's Keras U-Net (nearest + 2×2 conv up-sampling, head 3×3 → 2 → 1×1). */
    public static final String UNET = "unet";
    /** Preset name {@code unet-relu}: paper 000's DSB2018 U-Net, all ReLU. */
    public static final String UNET_RELU = "unet-relu";
    /** Preset name {@code unet-elu}: paper 000's DSB2018 U-Net, all ELU (its "Optimized U-Net"). */
    public static final String UNET_ELU = "unet-elu";
    /** Preset name {@code unet-carving}: paper 000's carving: encoder ELU then ReLU per level, decoder ReLU. */
    public static final String UNET_CARVING = "unet-carving";
    /** Preset name {@code unet-plusplus}: {@link UNetPlusPlus}, paper 004's control. */
    public static final String UNET_PLUSPLUS = "unet-plusplus";
    /** Preset name {@code unet-plus}: {@link UNetPlus}, paper 004. */
    public static final String UNET_PLUS = "unet-plus";
    /** Preset name {@code resfcn}: {@link ResFcn}, paper 003. */
    public static final String RESFCN = "resfcn";
    /** Preset name {@code simple-cnn}: {@link SimpleCnn}, paper 001. */
    public static final String SIMPLE_CNN = "simple-cnn";
    /** Preset name {@code resnet-fcn}: {@link ResNetFcn}, paper 001. */
    public static final String RESNET_FCN = "resnet-fcn";
    /** Preset name {@code mask-rcnn}: {@link dev.nucleon.segmentation.detection.MaskRcnn}, paper 001. */
    public static final String MASK_RCNN = "mask-rcnn";

    /** Option {@code in_channels}: input channels C_in (1 gray, 3 RGB). */
    public static final String IN_CHANNELS = "in_channels";
    /** Option {@code base}: U-Nets: B, the filters of level 1. */
    public static final String BASE = "base";
    /** Option {@code depth}: U-Nets: the number of levels N; resnet-fcn, mask-rcnn: the backbone depth (18, 34, 50, 101, 152). */
    public static final String DEPTH = "depth";
    /** Option {@code up}: unet-plus: the up-sampling, {@code tc} (transposed) or {@code us} (nearest). */
    public static final String UP = "up";
    /** Option {@code classes}: output channels K. */
    public static final String CLASSES = "classes";
    /** Option {@code dropout}: unet-plusplus: the dropout rate after every convolution, in [0, 1). */
    public static final String DROPOUT = "dropout";
    /** Option {@code width}: simple-cnn: units of each dense layer. */
    public static final String WIDTH = "width";
    /**
     * The head's activation for the U-Nets: {@code sigmoid} (independent channels, e.g. the instance-aware heads'
     * nucleus + contour maps) or {@code softmax} (one class per pixel); default sigmoid for 1 class, softmax for more.
     */
    public static final String OUTPUT = "output";
    /** Option {@code anchor}: mask-rcnn: the RPN anchors' side on P2 in pixels, doubling per level (32: 32 … 512). */
    public static final String ANCHOR = "anchor";
    /** Option {@code fpn_channels}: mask-rcnn: F, the feature pyramid's channels (256). */
    public static final String FPN_CHANNELS = "fpn_channels";
    /** Option {@code representation}: mask-rcnn: D, the box head's width (1024). */
    public static final String REPRESENTATION = "representation";
    /** Option {@code mask_channels}: mask-rcnn: the mask trunk's channels (256). */
    public static final String MASK_CHANNELS = "mask_channels";
    /** Option {@code rois}: mask-rcnn: RoIs sampled per image for the heads' losses (512). */
    public static final String ROIS = "rois";
    /**
     * Option {@code proposals}: mask-rcnn: proposals kept per level before NMS and per image after NMS, in training
     * (2000); inference keeps at most half as many (1000).
     */
    public static final String PROPOSALS = "proposals";
    /** Option {@code detections}: mask-rcnn: the most detections per image (100; DSB2018 images hold up to ~400 nuclei). */
    public static final String DETECTIONS = "detections";

    /**
     * One named network.
     *
     * @param name        the registry name
     * @param paper       the seed paper it reproduces ("000" … "004")
     * @param description one line for listings
     * @param options     the option names it takes
     * @param inChannels  its default input channels
     * @param size        the paper's input height and width
     * @param factory     builds the network from a configuration whose name and options are already checked
     */
    public record Preset(String name, String paper, String description, Set<String> options, int inChannels, int size,
                         Function<ModelConfig, Module> factory) implements ModelBuilder {

        /**
         * {@return a fresh network for {@code config} (its options checked), with the configuration attached}
         *
         * @param config a configuration naming this preset, with options among {@link #options()}
         * @throws IllegalArgumentException when the configuration names another preset or an option this one does
         *                                  not take, or when an option's value is out of range
         */
        @Override
        public Module build(ModelConfig config) {
            check(config);
            return factory.apply(config).withConfig(config);
        }

        /**
         * {@return input channels for {@code config}: its {@code in_channels} option, else this preset's default}
         *
         * @param config a configuration of this preset
         */
        public int inChannels(ModelConfig config) {
            return config.getInt(IN_CHANNELS, inChannels);
        }

        private void check(ModelConfig config) {
            if (!config.builder().equals(name)) {
                throw new IllegalArgumentException("preset '" + name + "' cannot build a '" + config.builder() + "' config");
            }
            for (String key : config.args().keySet()) {
                if (!options.contains(key)) {
                    throw new IllegalArgumentException("preset '" + name + "' takes the options " + options
                            + ", not '" + key + "'");
                }
            }
        }
    }

    private static final Map<String, Preset> PRESETS = new LinkedHashMap<>();

    static {
        Set<String> unetOptions = Set.of(IN_CHANNELS, BASE, DEPTH, CLASSES, OUTPUT);
        add(new Preset(UNET_BN, "002", "U-Net with batch norm and transposed convolutions (31M weights)",
                unetOptions, 3, 256, Presets::unetBn));
        add(new Preset(UNET, "004", "the Keras U-Net paper 004 compares against (base 16 or 8)",
                unetOptions, 1, 256, Presets::unet004));
        add(new Preset(UNET_RELU, "000", "the DSB2018 Keras U-Net, all ReLU (paper 000's baseline)",
                unetOptions, 3, 128, c -> unet000(c, Activation.RELU, Activation.RELU)));
        add(new Preset(UNET_ELU, "000", "the DSB2018 Keras U-Net, all ELU (paper 000's \"Optimized U-Net\")",
                unetOptions, 3, 128, c -> unet000(c, Activation.ELU, Activation.ELU)));
        add(new Preset(UNET_CARVING, "000", "paper 000's carving: encoder ELU then ReLU per level, decoder ReLU",
                unetOptions, 3, 128, c -> unet000(c, Activation.ELU, Activation.RELU)));
        add(new Preset(UNET_PLUSPLUS, "004", "U-Net++ (Zhou et al. 2018), paper 004's control",
                Set.of(IN_CHANNELS, BASE, DEPTH, DROPOUT, CLASSES), 1, 256, c -> new UNetPlusPlus(c.getInt(IN_CHANNELS, 1),
                        c.getInt(BASE, 16), c.getInt(DEPTH, 5), (float) c.getDouble(DROPOUT, UNetPlusPlus.DEFAULT_DROPOUT),
                        c.getInt(CLASSES, 1), Initializers.heNormal())));
        add(new Preset(UNET_PLUS, "004", "U-Net+ (densely wired encoder), up tc or us",
                Set.of(IN_CHANNELS, BASE, DEPTH, UP, CLASSES), 1, 256, c -> new UNetPlus(c.getInt(IN_CHANNELS, 1),
                        c.getInt(BASE, 16), c.getInt(DEPTH, 5), upOf(c), c.getInt(CLASSES, 1), Initializers.glorotUniform())));
        add(new Preset(RESFCN, "003", "residual encoder-decoder FCN, 256x256x3 -> 128x128x2",
                Set.of(IN_CHANNELS, CLASSES), 3, 256, c -> new ResFcn(c.getInt(IN_CHANNELS, 3), c.getInt(CLASSES, 2),
                        Output.SOFTMAX)));
        add(new Preset(SIMPLE_CNN, "001", "BN + six per-pixel dense layers + 3x3 conv, 3 pixel classes",
                Set.of(IN_CHANNELS, CLASSES, WIDTH), 3, 256, c -> new SimpleCnn(c.getInt(IN_CHANNELS, 3),
                        c.getInt(CLASSES, 3), c.getInt(WIDTH, SimpleCnn.DEFAULT_WIDTH), Activation.SIGMOID,
                        Output.SIGMOID, Initializers.glorotUniform())));
        add(new Preset(RESNET_FCN, "001", "ResNet backbone (depth 18/34/50/101/152) + FCN-8s head, random init",
                Set.of(IN_CHANNELS, DEPTH, CLASSES), 3, 256, c -> {
                    int classes = c.getInt(CLASSES, 1);
                    return new ResNetFcn(c.getInt(IN_CHANNELS, 3), c.getInt(DEPTH, 152), classes,
                            classes == 1 ? Output.SIGMOID : Output.SOFTMAX, Initializers.heNormal());
                }));
        add(new Preset(MASK_RCNN, "001", "Mask R-CNN: ResNet (depth 18/34/50/...) + FPN, RPN, box and 28x28 mask heads",
                Set.of(IN_CHANNELS, DEPTH, CLASSES, FPN_CHANNELS, REPRESENTATION, MASK_CHANNELS, ROIS, PROPOSALS,
                        DETECTIONS, ANCHOR), 3,
                256, c -> new MaskRcnn(new ResNetBody(c.getInt(IN_CHANNELS, 3), c.getInt(DEPTH, 50),
                        Initializers.heNormal()), c.getInt(CLASSES, 2), maskRcnnSettings(c))));
    }

    /** The mask-rcnn preset's sizes: torchvision's, with the options given replacing theirs. */
    private static MaskRcnn.Settings maskRcnnSettings(ModelConfig c) {
        MaskRcnn.Settings t = MaskRcnn.Settings.torchvision();
        int train = c.getInt(PROPOSALS, t.rpnPostNmsTopNTrain());
        int test = Math.max(1, train / 2);
        return new MaskRcnn.Settings(c.getInt(FPN_CHANNELS, t.fpnChannels()),
                c.getInt(REPRESENTATION, t.representationSize()), c.getInt(MASK_CHANNELS, t.maskChannels()), train,
                test, train, test, t.rpnBatchSizePerImage(), c.getInt(ROIS, t.boxBatchSizePerImage()),
                t.boxScoreThresh(), t.boxNmsThresh(), c.getInt(DETECTIONS, t.detectionsPerImage()), t.samplingSeed(),
                c.getInt(ANCHOR, t.smallestAnchor()));
    }

    /**
     * The catalogue, as the service loader creates it for nn's registry; everything else here is static.
     */
    public Presets() {
    }

    /** {@return every preset, as nn model builders (the same as {@link #all()})} */
    @Override
    public List<Preset> builders() {
        return all();
    }

    private static void add(Preset p) {
        PRESETS.put(p.name(), p);
    }

    /** {@return every preset, in the order of the table above} */
    public static List<Preset> all() {
        return List.copyOf(PRESETS.values());
    }

    /** {@return the preset names, in order} */
    public static Set<String> names() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(PRESETS.keySet()));
    }

    /**
     * {@return the preset called {@code name}}
     *
     * @param name a preset name, e.g. {@value #UNET_BN}
     * @throws IllegalArgumentException when there is none; the message lists the known ones
     */
    public static Preset get(String name) {
        Preset p = PRESETS.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no network preset '" + name + "' (known: "
                    + String.join(", ", PRESETS.keySet()) + ")");
        }
        return p;
    }

    /**
     * {@return a fresh network of a preset with its default options}
     *
     * @param name a preset name, e.g. {@value #UNET_BN}
     * @throws IllegalArgumentException when there is no such preset
     */
    public static Module build(String name) {
        return build(name, Map.of());
    }

    /**
     * A preset with options, e.g. {@code build("unet-plus", Map.of("base", 8, "up", "us"))}; the returned network
     * carries the {@link ModelConfig} {@code (name, options)}.
     *
     * @param name    a preset name
     * @param options option name → value (any type; its {@code String.valueOf} is stored)
     * @return a fresh network
     * @throws IllegalArgumentException when there is no such preset, it does not take one of the options, or a
     *                                  value is malformed or out of range
     */
    public static Module build(String name, Map<String, ?> options) {
        return build(config(name, options));
    }

    /**
     * {@return a fresh network for a configuration (its builder name is the preset's), the configuration attached}
     *
     * @param config a preset name and options, e.g. read back from a checkpoint
     * @throws IllegalArgumentException when there is no such preset, it does not take one of the options, or a
     *                                  value is malformed or out of range
     */
    public static Module build(ModelConfig config) {
        return get(config.builder()).build(config);
    }

    /**
     * {@return the configuration of a preset with options (values as text), without building the network}
     *
     * @param name    a preset name
     * @param options option name → value (any type; its {@code String.valueOf} is stored)
     * @throws IllegalArgumentException when there is no such preset or it does not take one of the options (the
     *                                  values are checked only when the network is built)
     */
    public static ModelConfig config(String name, Map<String, ?> options) {
        Preset p = get(name);
        Map<String, String> args = new LinkedHashMap<>();
        options.forEach((k, v) -> args.put(k, String.valueOf(v)));
        ModelConfig c = new ModelConfig(name, args);
        p.check(c);
        return c;
    }

    // ----- the U-Nets -------------------------------------------------------------------------------------

    private static UNetConfig.Builder unetCommon(ModelConfig c, int inChannels, int base) {
        return UNetConfig.builder().inChannels(c.getInt(IN_CHANNELS, inChannels)).base(c.getInt(BASE, base))
                .depth(c.getInt(DEPTH, 5)).output(c.getInt(CLASSES, 1), outputOf(c));
    }

    /** Paper 002: conv–BN–ReLU ×2 per level, ConvT 2×2/2, 1×1 sigmoid head; glorot_uniform. */
    static UNet unetBn(ModelConfig c) {
        return new UNet(unetCommon(c, 3, 64).batchNorm(true).upMode(UpMode.TRANSPOSED).activation(Activation.RELU)
                .build());
    }

    /**
     * Paper 004's U-Net, the Keras code it cites (zhixuhao/unet): He-normal kernels, ReLU, nearest ×2 + 2×2
     * conv + ReLU, dropout 0.5 on the two deepest encoder levels' outputs, head 3×3 conv to 2 + ReLU then 1×1
     * + sigmoid.
     */
    static UNet unet004(ModelConfig c) {
        UNetConfig.Builder b = unetCommon(c, 1, 16).upMode(UpMode.NEAREST_CONV).upActivation(Activation.RELU)
                .activation(Activation.RELU).headHidden(2, Activation.RELU).kernelInitializer(Initializers.heNormal())
                .dropoutPlacement(UNetConfig.DropoutPlacement.AFTER_ENCODER_BLOCK);
        int depth = c.getInt(DEPTH, 5);
        float[] dropout = new float[Math.max(depth, 0)];
        for (int level = Math.max(1, depth - 1); level <= depth; level++) {
            dropout[level - 1] = 0.5f;
        }
        return new UNet(b.dropout(dropout).build());
    }

    /**
     * Paper 000's U-Net (the Keras DSB2018 starter): He-normal kernels, dropout between the two convolutions
     * of every level (0.1, 0.1, 0.2, 0.2, 0.3 from level 1 to the bottleneck, decoder levels as their
     * encoder level), ConvT 2×2/2 without activation, 1×1 sigmoid head; the encoder's first/second
     * activations as given, the decoder ReLU except for all-ELU.
     */
    static UNet unet000(ModelConfig c, Activation encoderFirst, Activation encoderSecond) {
        Activation decoder = encoderFirst == Activation.ELU && encoderSecond == Activation.ELU ? Activation.ELU
                : Activation.RELU;
        int depth = c.getInt(DEPTH, 5);
        float[] dropout = new float[Math.max(depth, 0)];
        for (int level = 1; level <= depth; level++) {
            dropout[level - 1] = level <= 2 ? 0.1f : level < depth ? 0.2f : 0.3f;
        }
        return new UNet(unetCommon(c, 3, 16).upMode(UpMode.TRANSPOSED).encoderActivations(encoderFirst, encoderSecond)
                .decoderActivations(decoder, decoder).dropout(dropout)
                .dropoutPlacement(UNetConfig.DropoutPlacement.BETWEEN_CONVS).kernelInitializer(Initializers.heNormal())
                .build());
    }

    /**
     * The activation of a network's head: the {@code output} option where the preset takes it, otherwise sigmoid
     * for one class and softmax for more (unet-plus and unet-plusplus are always sigmoid).
     *
     * @param c a preset's configuration
     * @return the head's output activation
     * @throws IllegalArgumentException when the {@code output} option is not sigmoid, softmax or logits
     */
    public static Output outputOf(ModelConfig c) {
        int classes = c.getInt(CLASSES, 1);
        if (c.args().containsKey(OUTPUT)) {
            return Output.parse(c.getString(OUTPUT));
        }
        if (c.builder().equals(UNET_PLUS) || c.builder().equals(UNET_PLUSPLUS)) {
            return Output.SIGMOID;
        }
        return classes == 1 ? Output.SIGMOID : Output.SOFTMAX;
    }

    private static UpMode upOf(ModelConfig c) {
        UpMode m = UpMode.parse(c.getString(UP, "tc"));
        if (m == UpMode.NEAREST_CONV) {
            throw new IllegalArgumentException("preset 'unet-plus': option up is tc or us, got '" + c.getString(UP) + "'");
        }
        return m;
    }
}
