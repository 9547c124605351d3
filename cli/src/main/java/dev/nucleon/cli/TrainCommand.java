package dev.nucleon.cli;

import dev.nucleon.core.Device;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.init.Initializers;
import dev.nucleon.nn.io.Checkpoint;
import dev.nucleon.nn.io.SafeTensors;
import dev.nucleon.nn.io.SafeTensorsFile;
import dev.nucleon.segmentation.dataset.DatasetSplit;
import dev.nucleon.segmentation.dataset.Dsb2018Dataset;
import dev.nucleon.segmentation.dataset.GroupedSplit;
import dev.nucleon.segmentation.dataset.DatasetSplit;
import dev.nucleon.segmentation.dataset.NucleiSample;
import dev.nucleon.segmentation.dataset.TrainingSample;
import dev.nucleon.segmentation.head.Head;
import dev.nucleon.segmentation.inference.Predictor;
import dev.nucleon.segmentation.networks.Presets;
import dev.nucleon.segmentation.networks.UNet;
import dev.nucleon.segmentation.networks.UNetWidening;
import dev.nucleon.segmentation.preprocess.NetworkInput;
import dev.nucleon.segmentation.recipes.Recipe;
import dev.nucleon.segmentation.recipes.Recipes;
import dev.nucleon.segmentation.train.Trainer;
import dev.nucleon.segmentation.train.TrainerConfig;
import dev.nucleon.segmentation.train.TrainingCheckpoint;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code nucleon train --data DIR --model PRESET --out MODEL [options]}: trains a preset network on a
 * DSB2018-layout folder with {@link Trainer}, validating on a seeded split of it (or on a second folder), and
 * writes the best model (plus {@code .last}, {@code .optimizer}, {@code .history.csv}, {@code .curves.png}
 * beside it, and the run's generations under {@code .run/}, see {@link TrainingCheckpoint}). {@code --resume}
 * continues an interrupted run from its last complete epoch; an {@code --out} that holds another run's files is
 * refused (exit 2) unless {@code --resume} or {@code --overwrite}, and one that cannot be written is refused
 * before any work (a folder: exit 2; an unwritable place: exit 1).
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a segmentation network on a DSB2018-layout folder; keeps the best model by validation "
                + "score (DSB2018 mean AP).")
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--recipe", paramLabel = "NAME",
            description = "Train a paper's protocol as the paper describes it (see --list-recipes): it sets the "
                    + "network, data handling, loss, optimiser, learning rate, epochs, batch, augmentation and "
                    + "checkpoint rule. With it, only --data, --out, --resume, --overwrite, --device, --workers, "
                    + "--progress, --seed and (for a shorter trial) --epochs may be given.")
    String recipe;

    @Option(names = "--list-recipes", description = "List the papers' recipes (one per row of their tables) and exit.")
    boolean listRecipes;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Training folder: <id>/image.png + labels.png, or <id>/images/ + masks/.")
    Path data;

    @Option(names = "--model", paramLabel = "PRESET",
            description = "Network preset (nucleon summary --list), e.g. unet-bn, unet, unet-plus.")
    String preset;

    @Option(names = "--base", paramLabel = "B",
            description = "Filters of the first level (U-Net family), as summary/export/bench take it; the same as "
                    + "--option base=B.")
    Integer base;

    @Option(names = "--option", paramLabel = "KEY=VALUE",
            description = "Preset option, repeatable, e.g. --option base=8 --option in_channels=1.")
    Map<String, String> options = new LinkedHashMap<>();

    @Option(names = "--out", paramLabel = "MODEL",
            description = "Where the best model goes (.safetensors).")
    Path out;

    @Option(names = "--validation", paramLabel = "DIR", description = "Validation folder (instead of a split).")
    Path validationFolder;

    @Option(names = "--split", defaultValue = "grouped",
            description = "How --data is split for validation: grouped (whole clusters of look-alike images held out"
                    + " per image kind, see GroupedSplit) or random (images drawn at random); default ${DEFAULT-VALUE}.")
    String split;

    @Option(names = "--val-fraction",
            description = "Fraction of --data held out for validation (seeded); default 0.2 for --split grouped, 0.1 "
                    + "for random.")
    Double valFraction;

    @Option(names = "--head", defaultValue = "foreground",
            description = "What the network predicts: foreground (nucleus minus touching seams), contour (nucleus + "
                    + "contour maps), distance (nucleus + normalised distance) or classes (background / interior / "
                    + "border, paper 001; needs --loss cross-entropy); default ${DEFAULT-VALUE}. Sets the preset's "
                    + "classes option.")
    String head;

    @Option(names = "--input", defaultValue = "gray",
            description = "Network input: gray (one channel) or rgb (three; gray images replicated); default "
                    + "${DEFAULT-VALUE}. Sets the preset's in_channels option.")
    String input;

    @Option(names = "--scale-augment", paramLabel = "MIN:MAX", defaultValue = "1:1",
            description = "Rescale patches by a log-uniform factor in [MIN, MAX] (e.g. 0.5:2); default ${DEFAULT-VALUE} (off).")
    String scaleAugment;

    @Option(names = "--colour-augment", description = "Hue, stain-strength and to-gray jitter of rgb inputs.")
    boolean colourAugment;

    @Option(names = "--seam-weight", paramLabel = "W", defaultValue = "0",
            description = "Contour and distance heads: pixels within 3 px of two different nuclei weigh 1 + W in the "
                    + "cross-entropy (U-Net's weight map, as a band), so the seams between touching nuclei count; "
                    + "default ${DEFAULT-VALUE} (off), U-Net used 10.")
    float seamWeight;

    @Option(names = "--split-seed", defaultValue = "2018", description = "Seed of the validation split, default ${DEFAULT-VALUE}.")
    long splitSeed;

    @Option(names = "--epochs", defaultValue = "40", description = "Default ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch", defaultValue = "8", description = "Patches per step, default ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--patch", defaultValue = "256", description = "Patch side, default ${DEFAULT-VALUE}.")
    int patch;

    @Option(names = "--patches-per-image", defaultValue = "1", description = "Per epoch, default ${DEFAULT-VALUE}.")
    int patchesPerImage;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Learning rate, default ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--optimizer", defaultValue = "adam", description = "adam, adamw, sgd, sgd-momentum (0.9), rmsprop, adadelta; default ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--loss", defaultValue = "bce-log-dice",
            description = "bce-log-dice (paper 004), bce-dice, dice, bce, cross-entropy (--head classes); default "
                    + "${DEFAULT-VALUE}.")
    String loss;

    @Option(names = "--weight-decay", defaultValue = "0", description = "Default ${DEFAULT-VALUE}.")
    double weightDecay;

    @Option(names = "--schedule", defaultValue = "plateau",
            description = "Learning-rate schedule: plateau (ReduceLROnPlateau on the validation score), cosine "
                    + "(annealed over --epochs), step (x --plateau-factor every --plateau-patience epochs), none; "
                    + "default ${DEFAULT-VALUE}.")
    String schedule;

    @Option(names = "--plateau-patience", defaultValue = "4",
            description = "ReduceLROnPlateau patience in epochs (0 = off), default ${DEFAULT-VALUE}.")
    int plateauPatience;

    @Option(names = "--plateau-factor", defaultValue = "0.5", description = "Default ${DEFAULT-VALUE}.")
    double plateauFactor;

    @Option(names = "--early-stopping", defaultValue = "10",
            description = "Stop after this many epochs without improvement (0 = never), default ${DEFAULT-VALUE}.")
    int earlyStopping;

    @Option(names = "--seed", defaultValue = "2018",
            description = "Seeds the initial weights, patch positions, order and augmentation; default ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--workers", defaultValue = "1", description = "Data-loading threads, default ${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--no-augment", description = "Train on the patches as they are.")
    boolean noAugment;

    @Option(names = "--no-separate", description = "Do not zero the seams between touching nuclei in the target.")
    boolean noSeparate;

    @Option(names = "--balance-kinds", description = "Sample the image kinds of the grouped split in proportion to "
            + "the square root of their image counts instead of their counts (rare kinds seen more often).")
    boolean balanceKinds;

    @Option(names = "--init", paramLabel = "MODEL", description = "Start from a model file's weights instead of "
            + "random ones: the same network (fine-tuning), or the same U-Net at a base k× narrower, widened without "
            + "changing what it computes (Net2WiderNet). Its head and input must be this run's.")
    Path init;

    @Option(names = "--resume", description = "Continue the run whose files sit beside --out (from its last "
            + "complete epoch).")
    boolean resume;

    @Option(names = "--overwrite", description = "Start a new run at --out even though another run's files are "
            + "there (they are replaced epoch by epoch); without it, such an --out is refused.")
    boolean overwrite;

    @Mixin
    DeviceChoice devices = new DeviceChoice();

    @Option(names = "--progress", negatable = true, description = "Rewrite a per-batch progress line in place "
            + "(default: on when attached to a terminal).")
    Boolean progress;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        if (listRecipes) {
            listRecipes(spec.commandLine().getOut());
            return 0;
        }
        if (data == null || out == null) {
            throw new ParameterException(spec.commandLine(), "Missing required options: --data=DIR and --out=MODEL");
        }
        if (recipe != null) {
            return trainRecipe(err);
        }
        if (preset == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option: --model=PRESET (or --recipe=NAME)");
        }
        if (!Presets.names().contains(preset)) {
            throw new ParameterException(spec.commandLine(), "unknown preset '" + preset + "'; one of " + Presets.names());
        }
        boolean detector = preset.equals(Presets.MASK_RCNN); // trains on instances: boxes and masks from the labels
        if (detector && (spec.commandLine().getParseResult().hasMatchedOption("--head") || init != null)) {
            throw new ParameterException(spec.commandLine(), "--model mask-rcnn trains boxes and masks per nucleus: "
                    + "--head and --init do not apply to it");
        }
        if (detector && patch % 32 != 0) {
            throw new ParameterException(spec.commandLine(), "--patch " + patch + " is not a multiple of 32, which "
                    + "mask-rcnn needs (its pyramid's strides)");
        }
        if (init != null && resume) {
            throw new ParameterException(spec.commandLine(), "--init and --resume exclude each other (a resumed run "
                    + "continues from its own weights)");
        }
        TrainerConfig config;
        try {
            config = new TrainerConfig(epochs, batch, patch, patchesPerImage, lr, optimizer, loss, weightDecay,
                    plateauPatience, plateauFactor, 1e-5, earlyStopping, seed, workers, 4, !noAugment, !noSeparate, 256, schedule);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        boolean grouped = split.equals("grouped");
        if (!grouped && !split.equals("random")) {
            throw new ParameterException(spec.commandLine(), "--split must be grouped or random, got '" + split + "'");
        }
        double fraction = valFraction != null ? valFraction : grouped ? 0.2 : 0.1;
        if (!(fraction >= 0 && fraction < 1) || (grouped && fraction == 0 && validationFolder == null)) {
            throw new ParameterException(spec.commandLine(), "--val-fraction must be in [0, 1) (grouped: (0, 1)), got "
                    + fraction);
        }
        Head outputHead;
        String inputName;
        double[] scales;
        try {
            outputHead = Head.parse(head);
            if ((outputHead == Head.CLASSES) != loss.equals("cross-entropy")) {
                throw new IllegalArgumentException("--head classes and --loss cross-entropy go together; got --head "
                        + outputHead.label() + " --loss " + loss);
            }
            inputName = switch (input) {
                case "gray" -> NetworkInput.NAME;
                case "rgb" -> NetworkInput.RGB_NAME;
                default -> throw new IllegalArgumentException("--input must be gray or rgb, got '" + input + "'");
            };
            scales = parseScales(scaleAugment);
            if (seamWeight != 0 && (outputHead.channels() != 2 || !(seamWeight > 0) || Float.isInfinite(seamWeight))) {
                throw new IllegalArgumentException("--seam-weight needs --head contour or distance and a finite "
                        + "value >= 0, got " + seamWeight + " with --head " + outputHead.label());
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (base != null) {
            String given = options.get(Presets.BASE);
            if (given != null && !given.trim().equals(base.toString())) {
                throw new ParameterException(spec.commandLine(), "--base " + base + " and --option base=" + given
                        + " disagree; give one");
            }
            options.put(Presets.BASE, base.toString());
        }
        Presets.Preset chosen = Presets.get(preset);
        if (chosen.options().contains(Presets.IN_CHANNELS)) {
            options.putIfAbsent(Presets.IN_CHANNELS, Integer.toString(NetworkInput.channels(inputName)));
        }
        if (chosen.options().contains(Presets.CLASSES) && !detector) { // a detector's classes: background, nucleus
            options.putIfAbsent(Presets.CLASSES, Integer.toString(outputHead.channels()));
        }
        if (outputHead.channels() > 1 && chosen.options().contains(Presets.OUTPUT)) {
            options.putIfAbsent(Presets.OUTPUT, "sigmoid"); // the heads' channels are independent maps
        }
        if (balanceKinds && (!grouped || validationFolder != null)) {
            throw new ParameterException(spec.commandLine(), "--balance-kinds needs --split grouped (the kinds come "
                    + "from it), without --validation");
        }
        TrainingCheckpoint run = checkOut(err);
        if (run == null) {
            return 1;
        }
        Device device = devices.resolve(err);
        if (device == null) {
            return 1;
        }
        Module model = startingModel(run, seed, preset, options); // before the data: a bad --option fails at once
        String initialised = init == null ? null : initialise(model, outputHead, inputName, err);
        if (init != null && initialised == null) {
            return 1;
        }
        Dsb2018Dataset dataset = Dsb2018Dataset.open(data);
        Map<String, String> kindOf = new TreeMap<>();
        List<NucleiSample> train;
        List<NucleiSample> validation;
        if (validationFolder != null) {
            train = dataset.samples();
            validation = Dsb2018Dataset.open(validationFolder).samples();
        } else if (grouped) {
            GroupedSplit g = GroupedSplit.of(dataset.samples(), fraction, splitSeed,
                    Runtime.getRuntime().availableProcessors());
            train = g.train();
            validation = g.validation();
            if (balanceKinds) {
                g.kinds().forEach((id, kind) -> kindOf.put(id, kind.label()));
            }
        } else {
            DatasetSplit<NucleiSample> s = dataset.split(fraction, splitSeed);
            train = s.train();
            validation = s.validation();
        }
        model.to(device);
        PrintWriter outWriter = spec.commandLine().getOut();
        PrintStream log = new PrintStream(new WriterOutputStream(outWriter), true);
        log.printf("train: %s %s, %d parameters on %s; %d training and %d validation images (%s split) from %s%n",
                preset, options, model.parameterCount().total(), device, train.size(), validation.size(),
                validationFolder != null ? "folder" : split, dataset.folder());
        if (initialised != null) {
            log.println("train: " + initialised);
        }
        log.println("train: " + config.describe() + " head=" + outputHead.label() + " input=" + inputName
                + " scale-augment=" + scaleAugment + " colour-augment=" + colourAugment
                + " balance-kinds=" + balanceKinds + (seamWeight > 0 ? " seam-weight=" + seamWeight : ""));
        Trainer trainer = new Trainer(config, log).head(outputHead).input(inputName)
                .scaleAugmentation(scales[0], scales[1]).colourAugment(colourAugment)
                .seamWeight(seamWeight).balanceGroups(kindOf).overwrite(overwrite)
                .inPlaceProgress(progress != null ? progress : System.console() != null);
        Trainer.Result r = resume ? trainer.resume(model, train, validation, out) : trainer.fit(model, train, validation, out);
        log.flush();
        return r.history().isEmpty() && !resume ? 1 : 0;
    }

    /** The options a recipe sets itself, refused next to {@code --recipe}. */
    static final List<String> SET_BY_RECIPE = List.of("--model", "--option", "--validation", "--split", "--val-fraction",
            "--head", "--input", "--scale-augment", "--colour-augment", "--split-seed", "--batch", "--patch",
            "--patches-per-image", "--lr", "--optimizer", "--loss", "--weight-decay", "--schedule", "--plateau-patience",
            "--plateau-factor", "--early-stopping", "--no-augment", "--no-separate", "--balance-kinds", "--init",
            "--seam-weight");

    private static void listRecipes(PrintWriter out) {
        for (Recipe r : Recipes.all()) {
            out.println(r.summary());
            for (String d : r.deviations()) {
                out.println("    differs from the paper: " + d);
            }
        }
        out.flush();
    }

    /** {@code --recipe NAME}: the recipe's network, data, configuration and checkpoint rule, nothing else. */
    private int trainRecipe(PrintWriter err) throws IOException {
        Recipe r;
        try {
            r = Recipes.get(recipe);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        List<String> clash = SET_BY_RECIPE.stream().filter(o -> spec.commandLine().getParseResult().hasMatchedOption(o))
                .toList();
        if (!clash.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--recipe " + r.name() + " sets " + String.join(", ", clash)
                    + " itself; leave " + (clash.size() == 1 ? "it" : "them") + " out");
        }
        TrainerConfig config = r.config();
        if (spec.commandLine().getParseResult().hasMatchedOption("--epochs")) {
            config = config.withEpochs(epochs);
        }
        if (spec.commandLine().getParseResult().hasMatchedOption("--seed")) {
            config = config.withSeed(seed);
        }
        TrainingCheckpoint run = checkOut(err);
        if (run == null) {
            return 1;
        }
        Device device = devices.resolve(err);
        if (device == null) {
            return 1;
        }
        Module model = startingModel(run, config.seed(), r.preset(), r.options());
        Dsb2018Dataset dataset = Dsb2018Dataset.open(data);
        PrintStream log = new PrintStream(new WriterOutputStream(spec.commandLine().getOut()), true);
        log.printf("train: recipe %s (paper %s, %s): %s %s, %d parameters on %s%n", r.name(), r.paper(), r.row(),
                r.preset(), r.options(), model.parameterCount().total(), device);
        log.println("train: " + config.describe() + " input=" + r.input() + " data=" + r.data()
                + " checkpoint=" + (r.lowestValidationLoss() ? "lowest validation loss" : "highest validation score"));
        r.deviations().forEach(d -> log.println("train: differs from the paper: " + d));
        DatasetSplit<TrainingSample> split;
        try {
            split = Recipes.prepare(r, dataset.samples(), config.seed(), log);
        } catch (IllegalArgumentException e) {
            err.println("nucleon: " + data + ": " + e.getMessage());
            err.flush();
            return 1;
        }
        log.printf("train: %d training and %d validation samples from %s%n", split.train().size(),
                split.validation().size(), dataset.folder());
        model.to(device);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(META_RECIPE, r.name());
        meta.put(Predictor.META_POST, r.post().label());
        Trainer trainer = new Trainer(config, log).head(r.head()).input(r.input())
                .augmentation(r.augmentation() != null ? r.augmentation().get() : null)
                .checkpointOnValidationLoss(r.lowestValidationLoss())
                .recordDiameter(r.data() != Recipe.Data.PAPER004_PATCHES).metadata(meta).overwrite(overwrite)
                .inPlaceProgress(progress != null ? progress : System.console() != null);
        Trainer.Result result = resume ? trainer.resumePrepared(model, split.train(), split.validation(), out)
                : trainer.fitPrepared(model, split.train(), split.validation(), out);
        log.flush();
        return result.history().isEmpty() && !resume ? 1 : 0;
    }

    /**
     * The network to train: with {@code --resume} the run's last weights, else a fresh {@code name} preset with
     * weights seeded by {@code seed} (an option the preset refuses is a usage error).
     */
    private Module startingModel(TrainingCheckpoint run, long seed, String name, Map<String, String> presetOptions)
            throws IOException {
        if (resume) {
            Module last = Checkpoint.load(run.resumeWeights());
            if (last.config() != null && !last.config().builder().equals(name)) {
                throw new ParameterException(spec.commandLine(), "--resume: " + run.resumeWeights() + " is a "
                        + last.config().builder() + " model, not " + name);
            }
            return last;
        }
        Initializers.manualSeed(seed);
        try {
            return Presets.build(name, presetOptions);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /**
     * {@code --init}: loads the file's weights into the fresh {@code model} (widened when it is a narrower U-Net).
     * A head or input other than the run's, or a network that is neither the same nor a narrower U-Net, is a
     * usage error; a file that cannot be read is reported (null: exit 1).
     */
    private String initialise(Module model, Head head, String inputName, PrintWriter err) throws IOException {
        Module source;
        Map<String, String> meta;
        try {
            SafeTensorsFile file = SafeTensors.read(init); // read once: the network and its metadata
            source = Checkpoint.load(file);
            meta = file.metadata();
        } catch (IOException e) {
            err.println("nucleon: --init " + init + ": " + FailureMessage.of(e));
            return null;
        }
        String fileHead = meta.getOrDefault(Predictor.META_HEAD, Head.FOREGROUND.label());
        String fileInput = meta.getOrDefault(Predictor.META_INPUT, NetworkInput.NAME);
        if (!fileHead.equals(head.label()) || !fileInput.equals(inputName)) {
            throw new ParameterException(spec.commandLine(), "--init " + init + " was trained with head " + fileHead
                    + " and input " + fileInput + "; this run has head " + head.label() + " and input " + inputName);
        }
        try {
            if (source instanceof UNet narrow && model instanceof UNet wide) {
                int k = UNetWidening.widen(narrow, wide, seed);
                return "initialised from " + init + (k == 1 ? " (same network)" : " (U-Net base "
                        + narrow.unetConfig().base() + " widened ×" + k + " to base " + wide.unetConfig().base()
                        + ", the same function; Net2WiderNet, split seed " + seed + ")");
            }
            model.loadStateDict(source.stateDict(), true);
            return "initialised from " + init + " (same network)";
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--init " + init + ": " + e.getMessage());
        }
    }

    /** Model metadata: the recipe a model was trained with. */
    static final String META_RECIPE = "nucleon.recipe";

    /**
     * The run at {@code --out}, checked before any work: a folder or a second run without --resume/--overwrite
     * is a usage error; an unwritable place or --resume without a run is reported (null: exit 1).
     */
    private TrainingCheckpoint checkOut(PrintWriter err) throws IOException {
        if (resume && overwrite) {
            throw new ParameterException(spec.commandLine(), "--resume and --overwrite exclude each other");
        }
        TrainingCheckpoint run = TrainingCheckpoint.of(out);
        try {
            run.checkWritable();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--out " + e.getMessage());
        }
        if (resume && !run.resumable()) {
            err.println("nucleon: --resume: no run to continue at " + out + " (no " + run.runFolder().getFileName() + "/"
                    + TrainingCheckpoint.MANIFEST + ", nor " + run.files().last().getFileName() + " + "
                    + run.files().optimizer().getFileName() + ")");
            err.flush();
            return null;
        }
        if (!resume && !overwrite && !run.existing().isEmpty()) {
            throw new ParameterException(spec.commandLine(), run.existingRunMessage());
        }
        return run;
    }

    /** "MIN:MAX" → {min, max}, checked. */
    static double[] parseScales(String text) {
        String[] p = text.split(":");
        try {
            if (p.length == 2) {
                double lo = Double.parseDouble(p[0]), hi = Double.parseDouble(p[1]);
                if (lo > 0 && lo <= hi && hi <= 8) {
                    return new double[] {lo, hi};
                }
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("--scale-augment must be MIN:MAX with 0 < MIN <= MAX <= 8, got '" + text + "'");
    }
}
