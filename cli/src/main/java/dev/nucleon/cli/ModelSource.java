package dev.nucleon.cli;

import dev.nucleon.nn.Module;
import dev.nucleon.nn.io.Checkpoint;
import dev.nucleon.nn.layers.Conv2d;
import dev.nucleon.segmentation.networks.Presets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code --model FILE|PRESET [--base B] [--up tc|us]}: a model file if one exists there, else a preset with fresh
 * weights. A name that is neither, or a preset option the preset refuses ({@code --base 0}), is a {@link BadOption}:
 * commands turn it into a usage error.
 */
final class ModelSource {

    /**
     * Why bench and export refuse the detector (train, segment and evaluate take it): bench times per-pixel tiles
     * through the fused inference plan, and the ONNX exporter has no RoiAlign / NonMaxSuppression / TopK yet.
     */
    static final String DETECTOR_NOT_YET = "mask-rcnn is a detector (a box and mask per nucleus): bench and export "
            + "do not take it yet (train, segment and evaluate do); 'nucleon summary mask-rcnn' shows it";

    /** The options name no model: no such file or preset, or a value the preset refuses. */

    static final class BadOption extends IllegalArgumentException {
        BadOption(String message) {
            super(message);
        }
    }

    /** Seed of the fresh weights a preset gets. */
    static final long SEED = 42;

    final Module model;
    final int inChannels;
    final String label;
    final boolean preset;

    private ModelSource(Module model, int inChannels, String label, boolean preset) {
        this.model = model;
        this.inChannels = inChannels;
        this.label = label;
        this.preset = preset;
    }

    static Map<String, Object> options(Integer base, String up) {
        Map<String, Object> options = new LinkedHashMap<>();
        if (base != null) {
            options.put(Presets.BASE, base);
        }
        if (up != null) {
            options.put(Presets.UP, up);
        }
        return options;
    }

    /** A preset built with {@code options}, weights initialised with {@link #SEED}, in eval mode. */
    static ModelSource preset(String name, Integer base, String up) {
        if (name.equals(Presets.MASK_RCNN)) {
            throw new BadOption(DETECTOR_NOT_YET);
        }
        dev.nucleon.nn.ModelConfig config;
        Module m;
        try {
            config = Presets.config(name, options(base, up));
            m = Presets.build(config);
        } catch (IllegalArgumentException e) {
            throw new BadOption(e.getMessage());
        }
        m.initialize(SEED);
        m.eval();
        return new ModelSource(m, Presets.get(name).inChannels(config), name, true);
    }

    static ModelSource resolve(String model, Integer base, String up) throws IOException {
        Path file = Path.of(model);
        if (Files.isRegularFile(file)) {
            if (base != null || up != null) {
                throw new BadOption("--base and --up apply to a preset, not to the model file " + model);
            }
            Module m = Checkpoint.load(file);
            if (m instanceof dev.nucleon.segmentation.detection.MaskRcnn) {
                throw new BadOption(model + ": " + DETECTOR_NOT_YET);
            }
            m.eval();
            return new ModelSource(m, firstConvChannels(m), file.getFileName().toString(), false);
        }
        if (!Presets.names().contains(model)) {
            throw new BadOption("--model: no file '" + model + "' and no preset of that name (presets: "
                    + String.join(", ", Presets.names()) + ")");
        }
        return preset(model, base, up);
    }

    private static int firstConvChannels(Module m) {
        if (m.config() != null) {
            try {
                return Presets.get(m.config().builder()).inChannels(m.config());
            } catch (IllegalArgumentException ignored) {
                // not a preset config: fall through
            }
        }
        for (Module x : m.namedModules().values()) {
            if (x instanceof Conv2d c) {
                return c.inChannels();
            }
        }
        return 1;
    }
}
