package dev.nucleon.cli;

import dev.nucleon.segmentation.inference.Predictor;
import dev.nucleon.segmentation.instance.Paper004PostProcessing;
import dev.nucleon.segmentation.instance.PostProcessing;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options that say how a model is run over whole images, shared by {@code segment} and {@code evaluate}:
 * nucleus size ({@code --diameter}, as Cellpose's flag), tiling and the instance step ({@code --post}) and its
 * thresholds ({@code --threshold}, {@code --core-threshold}).
 *
 * <p><b>Tiling.</b> The network sees the image in square tiles of {@code --tile PX} (alias {@code --tiles}), joined
 * one of two ways: blended (the default; {@link Predictor#blendedTiles}), neighbours overlap by
 * {@code --overlap PX} and are averaged with weights that fade towards each tile's edge; or core tiles
 * ({@code --tile-margin PX}; {@link Predictor#tiles}), each {@code --tile} core is predicted with PX pixels of
 * reflected context on every side and only the core is kept, so neighbours do not overlap in the output and a
 * network whose receptive radius is at most PX leaves no seam. {@code --overlap} and {@code --tile-margin} are
 * exclusive. Images so large they are streamed are always blended (with the default tiles under
 * {@code --tile-margin}).
 */
public final class InferenceOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--diameter", paramLabel = "PX",
            description = "Typical nucleus diameter in the images, pixels: the images are rescaled so their nuclei "
                    + "match the model's training size. Default: estimated per image from a first pass; 0 = never "
                    + "rescale.")
    Double diameter;

    @Option(names = {"--tile", "--tiles"}, paramLabel = "PX", defaultValue = "256",
            description = "Side of the square tiles the network sees (a multiple of 16), default ${DEFAULT-VALUE}.")
    int tile;

    @Option(names = "--overlap", paramLabel = "PX",
            description = "Blended tiles (the default): neighbouring tiles overlap by PX and are averaged with weights "
                    + "fading to their edges, default " + Predictor.DEFAULT_OVERLAP + ".")
    Integer overlap;

    @Option(names = "--tile-margin", paramLabel = "PX",
            description = "Core tiles instead of blended ones: each --tile core is predicted with PX pixels of "
                    + "reflected context on every side and only the core is kept (no overlap in the output; no seams "
                    + "when the network's receptive radius is <= PX), 0 <= PX <= tile. Not with --overlap.")
    Integer tileMargin;

    /** The blended tiles' overlap: {@code --overlap}, else the default. */
    int overlap() {
        return overlap != null ? overlap : Predictor.DEFAULT_OVERLAP;
    }

    @Option(names = "--threshold", paramLabel = "P",
            description = "Nucleus probability threshold of the instance step, in (0, 1) (default: the model's, else "
                    + Predictor.DEFAULT_THRESHOLD + ").")
    Float threshold;

    @Option(names = "--core-threshold", paramLabel = "T",
            description = "Two-channel heads (distance, contour): a nucleus core is where the core score exceeds T, "
                    + "in (0, 1). Higher splits touching nuclei more often (and large ones too). Default 0.5.")
    Float coreThreshold;

    @Option(names = "--post", paramLabel = "watershed|paper004",
            description = {"Instance step: watershed (the model's own, splits touching nuclei) or paper004 (threshold, "
                    + "fill holes and remove objects < " + Paper004PostProcessing.AREA + " px, 8-connected components, "
                    + "no watershed; a head's second channel is ignored). Default: the model file's "
                    + Predictor.META_POST + ", else watershed."})
    String post;

    /** Checks the options before any work; a bad value is a usage error. */
    void validate() {
        postProcessing();
        if (tile < 16 || tile % 16 != 0) {
            throw new ParameterException(spec.commandLine(), "--tile must be a multiple of 16 and >= 16, got " + tile);
        }
        if (overlap != null && tileMargin != null) {
            throw new ParameterException(spec.commandLine(), "--overlap (blended tiles) and --tile-margin (core tiles) "
                    + "are two ways of joining tiles: give one of them");
        }
        if (tileMargin == null && (overlap() < 0 || overlap() >= tile / 2)) {
            throw new ParameterException(spec.commandLine(), "--overlap must be in [0, tile/2), got " + overlap()
                    + (overlap == null ? " (the default; give a smaller --overlap for tiles this small)" : ""));
        }
        if (tileMargin != null && (tileMargin < 0 || tileMargin > tile)) {
            throw new ParameterException(spec.commandLine(), "--tile-margin must be in [0, tile] (tile " + tile
                    + "), got " + tileMargin);
        }
        if (diameter != null && !(diameter >= 0 && diameter <= Predictor.MAX_DIAMETER)) {
            throw new ParameterException(spec.commandLine(), "--diameter must be 0 (never rescale) or in (0, "
                    + (int) Predictor.MAX_DIAMETER + "], got " + diameter);
        }
        if (threshold != null && !(threshold > 0 && threshold < 1)) {
            throw new ParameterException(spec.commandLine(), "--threshold must be in (0, 1), got " + threshold);
        }
        if (coreThreshold != null && !(coreThreshold > 0 && coreThreshold < 1)) {
            throw new ParameterException(spec.commandLine(), "--core-threshold must be in (0, 1), got " + coreThreshold);
        }
    }

    /** The {@code --post} method, or null when not given; an unknown name is a usage error listing the known ones. */
    PostProcessing postProcessing() {
        if (post == null) {
            return null;
        }
        try {
            return PostProcessing.parse(post);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--post must be one of " + PostProcessing.labels()
                    + ", got " + post);
        }
    }

    /** Applies the options to {@code p}; a bad value is a usage error. */
    Predictor apply(Predictor p) {
        validate();
        try {
            if (tileMargin != null) {
                p.tiles(tile, tileMargin);
            } else {
                p.blendedTiles(tile, overlap());
            }
            if (diameter != null) {
                p.diameter(diameter);
            }
            if (threshold != null) {
                p.postProcessing(p.postProcessing().withThreshold(threshold));
            }
            if (coreThreshold != null) {
                p.coreThreshold(coreThreshold);
            }
            if (post != null) {
                p.postProcessing(postProcessing());
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
        }
        return p;
    }
}
