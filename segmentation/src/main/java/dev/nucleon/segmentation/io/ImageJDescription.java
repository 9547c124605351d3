package dev.nucleon.segmentation.io;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code ImageDescription} ImageJ writes into the first page of its TIFF files: {@code key=value} lines starting
 * with {@code ImageJ=<version>}, e.g.
 * <pre>
 * ImageJ=1.54f
 * images=10
 * channels=2
 * slices=5
 * unit=micron
 * </pre>
 * A hyperstack stores its {@code images} = C·Z·T planes as pages in channel-fastest order, page = c + C·(z + Z·t).
 * Only what Nucleon uses is read: {@code channels} and {@code unit}.
 *
 * @param channels the hyperstack's channels C (1 when not given)
 * @param unit     the calibration unit ({@code micron}, {@code µm}, {@code nm}, {@code mm}, …), or null
 */
public record ImageJDescription(int channels, String unit) {

    /**
     * Parses ImageJ's description.
     *
     * @param text a TIFF's ImageDescription, or null
     * @return the description parsed, or null when {@code text} is not ImageJ's (no leading {@code ImageJ=} line)
     */
    public static ImageJDescription parse(String text) {
        if (text == null || !text.startsWith("ImageJ=")) {
            return null;
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        int channels = 1;
        try {
            channels = Math.max(1, Integer.parseInt(values.getOrDefault("channels", "1")));
        } catch (NumberFormatException e) {
            // a malformed count: not a hyperstack
        }
        String unit = values.get("unit");
        return new ImageJDescription(channels, unit == null || unit.isEmpty() ? null : unescape(unit));
    }

    /** ImageJ writes µ as the escape {@code \u00B5} in its description. */
    private static String unescape(String unit) {
        return unit.replace("\\u00B5", "\u00B5").replace("\\u00b5", "\u00B5");
    }
}
