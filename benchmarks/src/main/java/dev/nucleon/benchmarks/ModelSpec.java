package dev.nucleon.benchmarks;

import dev.nucleon.nn.ModelConfig;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.loss.BinaryCrossEntropy;
import dev.nucleon.nn.loss.Loss;
import dev.nucleon.segmentation.loss.BceDiceLoss;
import dev.nucleon.segmentation.loss.BceLogDiceLoss;
import dev.nucleon.segmentation.networks.Presets;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code model} parameter of the network benchmarks: {@code PRESET}, {@code PRESET:B} (base filters) or
 * {@code unet-plus:B:UP} (U-Net+'s up-sampling, tc or us), e.g. {@code unet:16}, {@code unet-plusplus:8},
 * {@code unet-plus:8:us}, {@code resnet-fcn}. Paper 004 varies B (16 and 8) for {@code unet},
 * {@code unet-plusplus} and {@code unet-plus} (with {@code up} tc, its default); every other preset runs at its
 * paper configuration (the preset's defaults; the U-Nets' default B is spelled out so that reports show it).
 * {@link #ALL} lists the benchmarked set in the order of {@link Presets#all()}.
 *
 * @param preset the preset name
 * @param base   base filters, or null for the preset's default
 * @param up     U-Net+'s up-sampling ({@code tc} or {@code us}), or null for the preset's default
 */
public record ModelSpec(String preset, Integer base, String up) {

    /** Every benchmarked configuration; keep in step with the {@code @Param} lists that name it. */
    public static final String ALL = "unet-bn:64, unet:16, unet:8, unet-relu:16, unet-elu:16, unet-carving:16, "
            + "unet-plusplus:16, unet-plusplus:8, unet-plus:16, unet-plus:8, resfcn, simple-cnn, resnet-fcn";

    public ModelSpec {
        Presets.get(preset);
    }

    /** A configuration with the preset's default up-sampling. */
    public ModelSpec(String preset, Integer base) {
        this(preset, base, null);
    }

    /** {@code "unet:16"} → (unet, 16); {@code "resfcn"} → (resfcn, null). */
    public static ModelSpec parse(String text) {
        int colon = text.indexOf(':');
        if (colon < 0) {
            return new ModelSpec(text.trim(), null);
        }
        String[] rest = text.substring(colon + 1).split(":", -1);
        try {
            if (rest.length > 2) {
                throw new NumberFormatException();
            }
            return new ModelSpec(text.substring(0, colon).trim(), Integer.parseInt(rest[0].trim()),
                    rest.length == 2 ? rest[1].trim() : null);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("model '" + text + "': expected PRESET, PRESET:B or PRESET:B:UP with B "
                    + "an integer");
        }
    }

    /** The preset's configuration with this base (if any). */
    public ModelConfig config() {
        Map<String, Object> options = new LinkedHashMap<>();
        if (base != null) {
            options.put(Presets.BASE, base);
        }
        if (up != null) {
            options.put(Presets.UP, up);
        }
        return Presets.config(preset, options);
    }

    /** A fresh network with weights drawn from {@code seed}. */
    public Module build(long seed) {
        Module model = Presets.build(config());
        model.initialize(seed);
        return model;
    }

    /** Input channels of the network. */
    public int inChannels() {
        return Presets.get(preset).inChannels(config());
    }

    /** The paper this preset reproduces ("000" … "004"). */
    public String paper() {
        return Presets.get(preset).paper();
    }

    /**
     * The training loss of the preset's paper where Nucleon has it: BCE + Dice for paper 003, plain BCE for paper
     * 000's Keras U-Nets, and paper 004's BCE − log Dice for every other preset (002 and 001 included, whose own
     * losses are not what this benchmark is about: the loss is a negligible part of a step).
     */
    public Loss trainingLoss() {
        return switch (paper()) {
            case "003" -> new BceDiceLoss();
            case "000" -> new BinaryCrossEntropy();
            default -> new BceLogDiceLoss();
        };
    }

    /** The name of {@link #trainingLoss()}, for reports. */
    public String trainingLossName() {
        return switch (paper()) {
            case "003" -> "bce-dice";
            case "000" -> "bce";
            default -> "bce-log-dice";
        };
    }

    @Override
    public String toString() {
        return base == null ? preset : preset + ":" + base + (up == null ? "" : ":" + up);
    }
}
