package dev.nucleon.segmentation.metrics;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which object scores a report shows ({@code nucleon evaluate --metric}). Every image is always scored both ways
 * (see {@link ImageScore}); this only chooses the columns printed and written.
 */
public enum EvaluationMetric {
    /** The 2018 Data Science Bowl's score alone ({@link MeanAveragePrecision}), the default. */
    OFFICIAL,
    /** Paper 004's average IoU and precision ({@link Paper004Score}) next to the official score. */
    PAPER004;

    /** {@return the name used on the command line} */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@return every {@link #label()}, comma-separated: {@code official, paper004}} */
    public static String labels() {
        return Arrays.stream(values()).map(EvaluationMetric::label).collect(Collectors.joining(", "));
    }

    /**
     * Parses a {@link #label()} (case-insensitive); an unknown name lists the known ones.
     *
     * @param s a label, e.g. {@code official}
     * @return the metric
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static EvaluationMetric parse(String s) {
        for (EvaluationMetric m : values()) {
            if (m.label().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("metric '" + s + "': expected one of " + labels());
    }
}
