package dev.nucleon.benchmarks.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * A horizontal bar chart (java.awt) of inference ms per patch: one group per (preset, B, batch), one bar per
 * implementation (Nucleon on each device, ONNX Runtime, DL4J) and, where it exists, paper 004's own GPU figure
 * (grey, labelled as theirs), on a log-scale axis.
 */
final class BenchmarkChart {

    private static final int WIDTH = 1100;
    private static final int LEFT = 230;
    private static final int RIGHT = 40;
    private static final int TOP = 60;
    private static final int BAR = 11;
    private static final int GAP = 10;

    /** A bar series: its legend text, colour and value (ms/patch) for a row, if measured. */
    private record Series(String name, Color colour, Function<BenchmarkReport.Key, Optional<Double>> value) {
    }

    private BenchmarkChart() {
    }

    static BufferedImage draw(List<JmhResult> results) {
        List<BenchmarkReport.Key> rows = BenchmarkReport.keys(results, BenchmarkReport.INFERENCE,
                BenchmarkReport.DL4J_INFERENCE);
        List<Series> series = new ArrayList<>();
        List<String> devices = rows.stream().map(BenchmarkReport.Key::device).distinct().sorted().toList();
        Color[] nucleonColours = {new Color(0x1f77b4), new Color(0x9467bd)};
        for (int d = 0; d < devices.size(); d++) {
            String device = devices.get(d);
            series.add(new Series("Nucleon (" + device + ")", nucleonColours[d % nucleonColours.length],
                    k -> k.device().equals(device) ? perPatch(results, BenchmarkReport.INFERENCE, "nucleon", k)
                            : Optional.empty()));
        }
        series.add(new Series("ONNX Runtime (cpu)", new Color(0xff7f0e),
                k -> perPatch(results, BenchmarkReport.INFERENCE, "onnxRuntime", k.onCpu())));
        series.add(new Series("DL4J (cpu)", new Color(0x2ca02c),
                k -> perPatch(results, BenchmarkReport.DL4J_INFERENCE, "dl4j", k.onCpu())));
        series.add(new Series("paper 004, GTX 1080 Ti (theirs)", new Color(0xaaaaaa),
                k -> Optional.ofNullable(BenchmarkReport.PAPER_004_GPU.get(k.model()))));

        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        int bars = 0;
        for (BenchmarkReport.Key k : rows) {
            for (Series s : series) {
                Optional<Double> v = s.value().apply(k);
                if (v.isPresent() && v.get() > 0) {
                    lo = Math.min(lo, v.get());
                    hi = Math.max(hi, v.get());
                    bars++;
                }
            }
        }
        if (!(lo <= hi)) {
            lo = 1;
            hi = 10;
        }
        double decadeLo = Math.floor(Math.log10(lo));
        double decadeHi = Math.max(decadeLo + 1, Math.ceil(Math.log10(hi)));
        int plotBottom = TOP + bars * BAR + rows.size() * GAP;
        int height = plotBottom + 50 + 18 * series.size();

        BufferedImage img = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString("Inference, ms per patch (log scale; shorter is faster)", LEFT, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        int plotRight = WIDTH - RIGHT;
        for (double e = decadeLo; e <= decadeHi; e++) {
            for (int m = 1; m < 10; m++) {
                double v = m * Math.pow(10, e);
                if (e == decadeHi && m > 1) {
                    break;
                }
                int x = x(v, decadeLo, decadeHi, plotRight);
                g.setColor(m == 1 ? new Color(0xcccccc) : new Color(0xeeeeee));
                g.drawLine(x, TOP - 5, x, plotBottom);
                if (m == 1) {
                    g.setColor(Color.BLACK);
                    String label = v >= 1 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2g", v);
                    g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, TOP - 10);
                }
            }
        }
        int y = TOP;
        for (BenchmarkReport.Key k : rows) {
            int groupTop = y;
            for (Series s : series) {
                Optional<Double> v = s.value().apply(k);
                if (v.isEmpty() || !(v.get() > 0)) {
                    continue;
                }
                int x = x(v.get(), decadeLo, decadeHi, plotRight);
                g.setColor(s.colour());
                g.fillRect(LEFT, y + 1, Math.max(1, x - LEFT), BAR - 2);
                g.setColor(Color.DARK_GRAY);
                String text = String.format(Locale.ROOT, v.get() < 10 ? "%.2f" : "%.1f", v.get());
                g.drawString(text, Math.min(x + 4, plotRight - g.getFontMetrics().stringWidth(text)), y + BAR - 1);
                y += BAR;
            }
            g.setColor(Color.BLACK);
            String label = k.model() + "  batch " + k.batch() + "  " + k.threads() + "t";
            int mid = (groupTop + y) / 2 + 4;
            g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), mid);
            y += GAP;
        }
        g.drawLine(LEFT, TOP - 5, LEFT, plotBottom);
        int legendY = plotBottom + 30;
        for (Series s : series) {
            g.setColor(s.colour());
            g.fillRect(LEFT, legendY - 9, 20, 10);
            g.setColor(Color.BLACK);
            g.drawString(s.name(), LEFT + 28, legendY);
            legendY += 18;
        }
        g.dispose();
        return img;
    }

    private static Optional<Double> perPatch(List<JmhResult> results, String benchmarkClass, String method,
                                             BenchmarkReport.Key key) {
        return BenchmarkReport.find(results, benchmarkClass, method, key).map(r -> r.ms() / key.batch());
    }

    private static int x(double v, double decadeLo, double decadeHi, int plotRight) {
        double t = (Math.log10(v) - decadeLo) / (decadeHi - decadeLo);
        return (int) Math.round(LEFT + (plotRight - LEFT) * Math.max(0, Math.min(1, t)));
    }
}
