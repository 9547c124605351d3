package dev.nucleon.segmentation.io;

import java.util.Locale;

/**
 * The pixel width, in micrometres, that a TIFF file's own calibration gives.
 * <ul>
 *   <li>ImageJ's TIFF: its description's {@code unit=} ({@code micron}, {@code µm}, {@code um}, {@code nm},
 *       {@code mm}, {@code cm}, {@code m}, {@code inch}) with XResolution = pixels per unit: width = 1 / XResolution
 *       of that unit;</li>
 *   <li>any other TIFF: XResolution with ResolutionUnit 2 (inch, 25,400 µm) or 3 (centimetre, 10,000 µm); a
 *       ResolutionUnit of 1 (none) is no calibration. Resolutions coarser than {@value #COARSEST_MICRONS} µm per
 *       pixel are taken as none: they are the screen or print resolutions many programs write by default (72 dpi
 *       = 352.8 µm), not a microscope's (0.1–5 µm).</li>
 * </ul>
 * Only the x resolution is used (square pixels, as the measurements assume).
 */
public final class Calibration {
    /** Pixel widths above this many micrometres from inch/cm resolution tags are print resolutions, not calibration. */
    public static final double COARSEST_MICRONS = 50;

    private Calibration() {
    }

    /**
     * Micrometres per pixel, or NaN when the file has no usable calibration.
     *
     * @param pixelsPerUnit  XResolution (NaN or ≤ 0 when absent)
     * @param resolutionUnit ResolutionUnit (1 none, 2 inch, 3 cm; 2 when absent, as TIFF 6.0 says)
     * @param imageJ         ImageJ's description, or null
     * @return the pixel width in µm, NaN when unknown
     */
    public static double micronsPerPixel(double pixelsPerUnit, int resolutionUnit, ImageJDescription imageJ) {
        if (!(pixelsPerUnit > 0) || Double.isInfinite(pixelsPerUnit)) {
            return Double.NaN;
        }
        if (imageJ != null && imageJ.unit() != null) {
            double micronsPerUnit = micronsPer(imageJ.unit());
            return Double.isNaN(micronsPerUnit) ? Double.NaN : micronsPerUnit / pixelsPerUnit;
        }
        double micronsPerUnit = resolutionUnit == 2 ? 25_400 : resolutionUnit == 3 ? 10_000 : Double.NaN;
        double width = micronsPerUnit / pixelsPerUnit;
        return width <= COARSEST_MICRONS ? width : Double.NaN;
    }

    /** Micrometres in one {@code unit} as ImageJ names units; NaN for a unit that is not a length ("pixel"). */
    static double micronsPer(String unit) {
        String u = unit.trim().toLowerCase(Locale.ROOT);
        return switch (u) {
            case "micron", "microns", "um", "\u00b5m", "\u03bcm", "micrometer", "micrometre" -> 1;
            case "nm", "nanometer", "nanometre" -> 1e-3;
            case "mm", "millimeter", "millimetre" -> 1e3;
            case "cm", "centimeter", "centimetre" -> 1e4;
            case "m", "meter", "metre" -> 1e6;
            case "inch", "in" -> 25_400;
            default -> Double.NaN;
        };
    }
}
