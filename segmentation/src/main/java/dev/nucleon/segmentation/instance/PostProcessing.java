package dev.nucleon.segmentation.instance;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The named ways from a network's output to instances ({@code nucleon segment|evaluate --post}, model-file
 * metadata {@code nucleon.post}).
 */
public enum PostProcessing {
    /**
     * The default: the model's own instance step, which splits touching nuclei by a watershed — on the distance
     * transform for a one-channel head ({@link InstanceSegmentation}), on the head's second channel for the
     * contour and distance heads ({@code CoreWatershed}).
     */
    WATERSHED,
    /** Paper 004's: threshold, small hole and small object removal, connected components, no watershed
     * ({@link Paper004PostProcessing}); a head's second channel is ignored. */
    PAPER004;

    /** {@return the name used on the command line and in model files} */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@return every {@link #label()}, comma-separated: {@code watershed, paper004}} */
    public static String labels() {
        return Arrays.stream(values()).map(PostProcessing::label).collect(Collectors.joining(", "));
    }

    /**
     * Parses a {@link #label()} (case-insensitive).
     *
     * @param s a label, e.g. {@code watershed}
     * @return the method
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static PostProcessing parse(String s) {
        for (PostProcessing p : values()) {
            if (p.label().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("post-processing '" + s + "': expected one of " + labels());
    }
}
