package dev.nucleon.segmentation.train;

import dev.nucleon.segmentation.io.ImageFileWriter;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Draws the training curves as a PNG (java.awt only): left panel the training loss per epoch (and the validation
 * loss, for runs that compute it), right panel the validation score (all, grayscale, colour images) per epoch;
 * each with axes, tick labels, axis titles and a legend (a series without a value is left out).
 */
public final class TrainingCurves {
    private static final int W = 1000;
    private static final int H = 420;
    private static final Color[] COLOURS = {new Color(0x1f77b4), new Color(0x2ca02c), new Color(0xd62728)};

    private TrainingCurves() {
    }

    private record Series(String name, ToDoubleFunction<EpochRecord> value) {
    }

    /**
     * The two panels for a run's epochs.
     *
     * @param rows the history, one record per epoch (e.g. {@link TrainingHistory#read})
     * @return a 1000 × 420 RGB image
     */
    public static BufferedImage draw(List<EpochRecord> rows) {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        panel(g, rows, 0, "loss", "loss", List.of(new Series("training", EpochRecord::trainLoss),
                new Series("validation", EpochRecord::validationLoss)));
        panel(g, rows, W / 2, "validation score (DSB2018 mean AP)", "score", List.of(
                new Series("all", EpochRecord::validationScore),
                new Series("grayscale", EpochRecord::validationGray),
                new Series("colour", EpochRecord::validationColour)));
        g.dispose();
        return img;
    }

    /**
     * Draws {@code rows} ({@link #draw}) and writes the PNG to {@code file}, atomically.
     *
     * @param file the PNG to write
     * @param rows the history, one record per epoch
     * @throws IOException when the file cannot be written
     */
    public static void write(Path file, List<EpochRecord> rows) throws IOException {
        ImageFileWriter.writeImage(draw(rows), file);
    }

    private static void panel(Graphics2D g, List<EpochRecord> rows, int x0, String title, String yLabel,
                              List<Series> series) {
        int left = x0 + 70, right = x0 + W / 2 - 20, top = 40, bottom = H - 60;
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        int maxEpoch = 1;
        for (EpochRecord r : rows) {
            maxEpoch = Math.max(maxEpoch, r.epoch());
            for (Series s : series) {
                double v = s.value().applyAsDouble(r);
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (!(lo <= hi)) {
            lo = 0;
            hi = 1;
        }
        if (hi - lo < 1e-9) {
            hi = lo + 1;
        }
        double pad = 0.05 * (hi - lo);
        lo = lo >= 0 && lo - pad < 0 ? 0 : lo - pad;
        hi += pad;
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.setColor(Color.BLACK);
        g.drawString(title, left, top - 15);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        // grid, ticks and tick labels
        for (int i = 0; i <= 5; i++) {
            double v = lo + (hi - lo) * i / 5;
            int y = (int) Math.round(bottom - (bottom - top) * (double) i / 5);
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(left, y, right, y);
            g.setColor(Color.BLACK);
            g.drawLine(left - 4, y, left, y);
            String s = String.format(Locale.ROOT, "%.3f", v);
            g.drawString(s, left - 8 - g.getFontMetrics().stringWidth(s), y + 4);
        }
        int step = Math.max(1, (int) Math.ceil(maxEpoch / 10.0));
        for (int e = 0; e <= maxEpoch; e += step) {
            int x = xOf(e, maxEpoch, left, right);
            g.drawLine(x, bottom, x, bottom + 4);
            String s = Integer.toString(e);
            g.drawString(s, x - g.getFontMetrics().stringWidth(s) / 2, bottom + 17);
        }
        g.drawLine(left, top, left, bottom);
        g.drawLine(left, bottom, right, bottom);
        g.drawString("epoch", (left + right) / 2 - 15, bottom + 35);
        Graphics2D r = (Graphics2D) g.create();
        r.rotate(-Math.PI / 2);
        r.drawString(yLabel, -(top + bottom) / 2 - 15, x0 + 18);
        r.dispose();
        // series
        g.setStroke(new BasicStroke(2f));
        int legendY = top + 8;
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            g.setColor(COLOURS[k % COLOURS.length]);
            int px = -1, py = -1;
            boolean any = false;
            for (EpochRecord row : rows) {
                double v = s.value().applyAsDouble(row);
                if (!Double.isFinite(v)) {
                    px = -1;
                    continue;
                }
                any = true;
                int x = xOf(row.epoch(), maxEpoch, left, right);
                int y = (int) Math.round(bottom - (bottom - top) * (v - lo) / (hi - lo));
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                g.fillOval(x - 3, y - 3, 6, 6);
                px = x;
                py = y;
            }
            if (any) {
                g.drawLine(right - 110, legendY, right - 90, legendY);
                g.setColor(Color.BLACK);
                g.drawString(s.name(), right - 84, legendY + 4);
                legendY += 16;
            }
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static int xOf(double epoch, int maxEpoch, int left, int right) {
        return (int) Math.round(left + (right - left) * epoch / Math.max(1, maxEpoch));
    }
}
