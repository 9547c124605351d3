package dev.nucleon.segmentation.metrics;

import dev.nucleon.nn.io.AtomicFileWriter;
import dev.nucleon.segmentation.dataset.Dsb2018Dataset;
import dev.nucleon.segmentation.dataset.ImageFeatures;
import dev.nucleon.segmentation.dataset.NucleiKind;
import dev.nucleon.segmentation.dataset.NucleiSample;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.io.ImageFileReader;
import dev.nucleon.segmentation.io.ImageFileWriter;
import dev.nucleon.segmentation.io.JsonWriter;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Scores and instance errors by {@link NucleiKind}: one row per kind present (in the enum's order), a row
 * {@value #UNKNOWN} for images without a kind (only when there are some), and a last row {@value #ALL}. Each row
 * holds the number of images, the official score (mean over images of the mean AP over IoU 0.50:0.95, as
 * {@link MeanAveragePrecision#mean}), AP@0.5 and AP@0.75 (means over images of score(t) at those thresholds) and
 * the summed {@link InstanceErrors} (true and predicted nuclei, matched, merged, split, missed, false positives).
 *
 * <p>Output: an aligned text table ({@link #toText()}), JSON ({@link #toJson()}: {@code kinds}, one object per row,
 * and {@code images}, one per image), and a PNG bar chart of the official score and AP@0.5 per row
 * ({@link #writeChart}).
 *
 * <p>With {@link EvaluationMetric#PAPER004} the table, the rows' JSON and the images' JSON also show paper 004's
 * average IoU (mean ± std over the row's images) and precision ({@link Paper004Score}) right after the official
 * score: columns {@code avg IoU 004}, {@code ± IoU}, {@code prec 004}; keys {@code paper004_avg_iou},
 * {@code paper004_avg_iou_std}, {@code paper004_precision}, {@code paper004_precision_std}.
 */
public final class KindReport {
    /** Name of the row over every image. */
    public static final String ALL = "all";
    /** Name of the row of images without a kind. */
    public static final String UNKNOWN = "unknown";

    /** One scored image. */
    public record Image(String id, ImageScore score, InstanceErrors errors) {
    }

    /**
     * One row of the table.
     *
     * @param kind   the kind's {@link NucleiKind#label()}, {@value #UNKNOWN} or {@value #ALL}
     * @param images number of images
     * @param score  official DSB2018 score (NaN without images)
     * @param ap50   mean over images of score(0.50) (NaN when the scores lack that threshold)
     * @param ap75   mean over images of score(0.75) (likewise)
     * @param errors instance errors summed over the images
     * @param paper004 paper 004's average IoU and precision over the images
     */
    public record Row(String kind, int images, double score, double ap50, double ap75, InstanceErrors errors,
                      Paper004Score.Summary paper004) {
    }

    private final List<Image> images;
    private final Map<String, NucleiKind> kinds;
    private final List<Row> rows;

    private KindReport(List<Image> images, Map<String, NucleiKind> kinds, List<Row> rows) {
        this.images = images;
        this.kinds = kinds;
        this.rows = rows;
    }

    /**
     * @param images scored images
     * @param kinds  kind by image id; an image missing from it goes to the row {@value #UNKNOWN}
     * @return the report: one row per kind present, then {@value #UNKNOWN} when needed, then {@value #ALL}
     */
    public static KindReport of(List<Image> images, Map<String, NucleiKind> kinds) {
        Map<NucleiKind, List<Image>> byKind = new EnumMap<>(NucleiKind.class);
        List<Image> unknown = new ArrayList<>();
        Map<String, NucleiKind> kept = new LinkedHashMap<>();
        for (Image i : images) {
            NucleiKind k = kinds.get(i.id());
            if (k == null) {
                unknown.add(i);
            } else {
                byKind.computeIfAbsent(k, x -> new ArrayList<>()).add(i);
                kept.put(i.id(), k);
            }
        }
        List<Row> rows = new ArrayList<>();
        byKind.forEach((k, list) -> rows.add(row(k.label(), list)));
        if (!unknown.isEmpty()) {
            rows.add(row(UNKNOWN, unknown));
        }
        rows.add(row(ALL, images));
        return new KindReport(List.copyOf(images), kept, List.copyOf(rows));
    }

    /**
     * The report of predictions already scored by {@link Evaluation}: reads each image's truth, raw image and
     * prediction file again, gives the image its kind from {@link ImageFeatures} and counts its
     * {@link InstanceErrors} (a missing prediction counts as empty).
     *
     * @param report the scores, from {@link Evaluation}
     * @param truth  the dataset the report was scored against
     * @throws IOException when an image of {@code truth} cannot be read
     * @return the report
     */
    public static KindReport of(EvaluationReport report, Dsb2018Dataset truth) throws IOException {
        List<Image> images = new ArrayList<>();
        Map<String, NucleiKind> kinds = new LinkedHashMap<>();
        for (EvaluationReport.ImageResult r : report.images()) {
            NucleiSample s = truth.get(r.id());
            if (s == null) {
                throw new IllegalArgumentException("KindReport: image " + r.id() + " of the report is not in "
                        + truth.folder());
            }
            LabelImage t = s.readLabels();
            FloatImage image = s.readImage();
            LabelImage p = r.missing() ? LabelImage.empty(t.width(), t.height())
                    : ImageFileReader.readLabels(r.predictionFile());
            kinds.put(r.id(), NucleiKind.of(ImageFeatures.of(image, t)));
            images.add(new Image(r.id(), r.score(), InstanceErrors.of(t, p)));
        }
        return of(images, kinds);
    }

    private static Row row(String name, List<Image> list) {
        List<ImageScore> scores = list.stream().map(Image::score).toList();
        InstanceErrors e = InstanceErrors.sum(list.stream().map(Image::errors).toList());
        return new Row(name, list.size(), MeanAveragePrecision.mean(scores), meanAt(scores, 0.5),
                meanAt(scores, 0.75), e, Paper004Score.summarize(scores.stream().map(ImageScore::paper004).toList()));
    }

    /** Mean over images of score(t) at threshold t; NaN without images or when an image lacks t. */
    static double meanAt(List<ImageScore> scores, double t) {
        if (scores.isEmpty()) {
            return Double.NaN;
        }
        double s = 0;
        for (ImageScore i : scores) {
            int k = indexOf(i.thresholds(), t);
            if (k < 0) {
                return Double.NaN;
            }
            s += i.scoreByThreshold()[k];
        }
        return s / scores.size();
    }

    private static int indexOf(double[] thresholds, double t) {
        for (int k = 0; k < thresholds.length; k++) {
            if (Math.abs(thresholds[k] - t) < 1e-9) {
                return k;
            }
        }
        return -1;
    }

    /** {@return rows: kinds present in enum order, then {@value #UNKNOWN} if any, then {@value #ALL}} */
    public List<Row> rows() {
        return rows;
    }

    /** {@return the row over every image} */
    public Row all() {
        return rows.get(rows.size() - 1);
    }

    /**
     * {@return the row of one kind, or null when no image has it}
     *
     * @param kind a nuclei kind
     */
    public Row row(NucleiKind kind) {
        return rows.stream().filter(r -> r.kind().equals(kind.label())).findFirst().orElse(null);
    }

    /** {@return the scored images, in the order given} */
    public List<Image> images() {
        return images;
    }

    /** {@return kind of each image that has one} */
    public Map<String, NucleiKind> kinds() {
        return kinds;
    }

    private record Column(String title, Function<Row, String> cell) {
    }

    private static List<Column> columns(EvaluationMetric metric) {
        List<Column> paper004 = metric != EvaluationMetric.PAPER004 ? List.of()
                : List.of(new Column("avg IoU 004", r -> fixed(r.paper004().averageIou())),
                        new Column("± IoU", r -> fixed(r.paper004().averageIouStd())),
                        new Column("prec 004", r -> fixed(r.paper004().precision())));
        List<Column> out = new ArrayList<>(List.of(new Column("kind", Row::kind),
                new Column("images", r -> Integer.toString(r.images())),
                new Column("score", r -> fixed(r.score()))));
        out.addAll(paper004);
        out.addAll(List.of(new Column("AP@0.5", r -> fixed(r.ap50())),
                new Column("AP@0.75", r -> fixed(r.ap75())),
                new Column("truth", r -> Long.toString(r.errors().truth())),
                new Column("pred", r -> Long.toString(r.errors().predicted())),
                new Column("matched", r -> Long.toString(r.errors().matched())),
                new Column("merged", r -> Long.toString(r.errors().merged())),
                new Column("split", r -> Long.toString(r.errors().split())),
                new Column("missed", r -> Long.toString(r.errors().missed())),
                new Column("false pos", r -> Long.toString(r.errors().falsePositives()))));
        return out;
    }

    private static String fixed(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    /**
     * The table, columns aligned (kind left, numbers right), a header line first; score = official DSB2018 score,
     * counts of true nuclei (matched / merged / split / missed at IoU 0.5) and of predictions (false positives).
     *
     * @return the table as text, lines ending in {@code \n}
     */
    public String toText() {
        return toText(EvaluationMetric.OFFICIAL);
    }

    /**
     * {@return the table; {@link EvaluationMetric#PAPER004} adds paper 004's columns after the official score}
     *
     * @param metric which scores to show
     */
    public String toText(EvaluationMetric metric) {
        List<Column> cols = columns(metric);
        int[] width = new int[cols.size()];
        List<String[]> lines = new ArrayList<>();
        String[] head = new String[cols.size()];
        for (int c = 0; c < cols.size(); c++) {
            head[c] = cols.get(c).title();
        }
        lines.add(head);
        for (Row r : rows) {
            String[] cells = new String[cols.size()];
            for (int c = 0; c < cols.size(); c++) {
                cells[c] = cols.get(c).cell().apply(r);
            }
            lines.add(cells);
        }
        for (String[] l : lines) {
            for (int c = 0; c < l.length; c++) {
                width[c] = Math.max(width[c], l[c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] l : lines) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < l.length; c++) {
                if (c == 0) {
                    line.append(l[c]).append(" ".repeat(width[c] - l[c].length()));
                } else {
                    line.append("  ").append(" ".repeat(width[c] - l[c].length())).append(l[c]);
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    /**
     * Writes the rows as a JSON array of objects (keys as in {@link #toJson()}).
     *
     * @param j the writer, where a value may come next
     * @return {@code j}
     */
    public JsonWriter writeRows(JsonWriter j) {
        return writeRows(j, EvaluationMetric.OFFICIAL);
    }

    /**
     * {@return as {@link #writeRows(JsonWriter)}; {@link EvaluationMetric#PAPER004} adds paper 004's keys}
     *
     * @param j      the writer, where a value may come next
     * @param metric which scores to write
     */
    public JsonWriter writeRows(JsonWriter j, EvaluationMetric metric) {
        j.beginArray();
        for (Row r : rows) {
            j.beginObject().name("kind").value(r.kind()).name("images").value(r.images())
                    .name("score").value(r.score()).name("ap50").value(r.ap50()).name("ap75").value(r.ap75());
            if (metric == EvaluationMetric.PAPER004) {
                Paper004Score.Summary p = r.paper004();
                j.name("paper004_avg_iou").value(p.averageIou()).name("paper004_avg_iou_std").value(p.averageIouStd())
                        .name("paper004_precision").value(p.precision())
                        .name("paper004_precision_std").value(p.precisionStd());
            }
            errors(j, r.errors());
            j.endObject();
        }
        return j.endArray();
    }

    private static void errors(JsonWriter j, InstanceErrors e) {
        j.name("truth").value(e.truth()).name("predicted").value(e.predicted()).name("matched").value(e.matched())
                .name("merged").value(e.merged()).name("split").value(e.split()).name("missed").value(e.missed())
                .name("false_positives").value(e.falsePositives());
    }

    /**
     * One JSON object: {@code kinds} (the rows: kind, images, score, ap50, ap75, truth, predicted, matched, merged,
     * split, missed, false_positives) and {@code images} (id, kind or null, score, ap50, ap75 and the same counts).
     *
     * @return the JSON text
     */
    public String toJson() {
        return toJson(EvaluationMetric.OFFICIAL);
    }

    /**
     * {@return as {@link #toJson()}; {@link EvaluationMetric#PAPER004} adds paper 004's keys to rows and images}
     *
     * @param metric which scores to write
     */
    public String toJson(EvaluationMetric metric) {
        JsonWriter j = new JsonWriter().beginObject().name("kinds");
        writeRows(j, metric);
        j.name("images").beginArray();
        for (Image i : images) {
            NucleiKind k = kinds.get(i.id());
            List<ImageScore> one = List.of(i.score());
            j.beginObject().name("id").value(i.id()).name("kind").value(k == null ? null : k.label())
                    .name("score").value(i.score().score()).name("ap50").value(meanAt(one, 0.5))
                    .name("ap75").value(meanAt(one, 0.75));
            if (metric == EvaluationMetric.PAPER004) {
                j.name("paper004_avg_iou").value(i.score().paper004().averageIou())
                        .name("paper004_precision").value(i.score().paper004().precision());
            }
            errors(j, i.errors());
            j.endObject();
        }
        j.endArray();
        return j.endObject().toString();
    }

    /**
     * Writes {@link #toJson()} atomically.
     *
     * @param file the target
     * @throws IOException when it cannot be written (the target is then unchanged)
     */
    public void writeJson(Path file) throws IOException {
        writeJson(file, EvaluationMetric.OFFICIAL);
    }

    /**
     * Writes {@link #toJson(EvaluationMetric)} atomically.
     *
     * @param file   the target
     * @param metric which scores to write
     * @throws IOException when it cannot be written (the target is then unchanged)
     */
    public void writeJson(Path file, EvaluationMetric metric) throws IOException {
        AtomicFileWriter.writeString(file, toJson(metric) + "\n");
    }

    private static final Color SCORE_COLOUR = new Color(0x1f77b4);
    private static final Color AP50_COLOUR = new Color(0x2ca02c);

    /**
     * A grouped bar chart (java.awt only): per row, the official score and AP@0.5 as two bars on a 0–1 axis,
     * each labelled with its value; the row's name and image count under the group; title and legend.
     *
     * @return a new RGB image
     */
    public BufferedImage chart() {
        int groups = rows.size(), groupW = 130, left = 70, right = 30, top = 60, bottom = 70;
        int w = Math.max(520, left + right + groups * groupW), h = 420;
        int plotBottom = h - bottom, plotRight = w - right;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString("DSB2018 score by nuclei kind", left, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int i = 0; i <= 5; i++) {
            double v = i / 5.0;
            int y = yOf(v, top, plotBottom);
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(left, y, plotRight, y);
            g.setColor(Color.BLACK);
            g.drawLine(left - 4, y, left, y);
            String s = String.format(Locale.ROOT, "%.1f", v);
            g.drawString(s, left - 8 - g.getFontMetrics().stringWidth(s), y + 4);
        }
        g.drawLine(left, top, left, plotBottom);
        g.drawLine(left, plotBottom, plotRight, plotBottom);
        Graphics2D r = (Graphics2D) g.create();
        r.rotate(-Math.PI / 2);
        r.drawString("score", -(top + plotBottom) / 2 - 15, 20);
        r.dispose();
        double slot = (plotRight - left) / (double) groups;
        int barW = (int) Math.min(40, slot / 3);
        for (int k = 0; k < groups; k++) {
            Row row = rows.get(k);
            int cx = (int) Math.round(left + slot * (k + 0.5));
            bar(g, cx - barW, barW, row.score(), SCORE_COLOUR, top, plotBottom);
            bar(g, cx, barW, row.ap50(), AP50_COLOUR, top, plotBottom);
            g.setColor(Color.BLACK);
            String name = row.kind(), count = "n = " + row.images();
            g.drawString(name, cx - g.getFontMetrics().stringWidth(name) / 2, plotBottom + 17);
            g.drawString(count, cx - g.getFontMetrics().stringWidth(count) / 2, plotBottom + 32);
        }
        int lx = plotRight - 170, ly = top - 22;
        g.setColor(SCORE_COLOUR);
        g.fillRect(lx, ly - 9, 12, 10);
        g.setColor(Color.BLACK);
        g.drawString("score (IoU 0.50:0.95)", lx + 17, ly);
        g.setColor(AP50_COLOUR);
        g.fillRect(lx, ly + 6, 12, 10);
        g.setColor(Color.BLACK);
        g.drawString("AP@0.5", lx + 17, ly + 15);
        g.dispose();
        return img;
    }

    private static void bar(Graphics2D g, int x, int width, double v, Color colour, int top, int bottom) {
        if (!Double.isFinite(v)) {
            return;
        }
        int y = yOf(Math.max(0, Math.min(1, v)), top, bottom);
        g.setColor(colour);
        g.fillRect(x, y, width, bottom - y);
        g.setColor(Color.BLACK);
        String s = String.format(Locale.ROOT, "%.3f", v);
        g.drawString(s, x + width / 2 - g.getFontMetrics().stringWidth(s) / 2, y - 4);
    }

    private static int yOf(double v, int top, int bottom) {
        return (int) Math.round(bottom - (bottom - top) * v);
    }

    /**
     * Writes {@link #chart()} as a PNG, atomically.
     *
     * @param file the target, .png
     * @throws IOException when it cannot be written (the target is then unchanged)
     */
    public void writeChart(Path file) throws IOException {
        ImageFileWriter.writeImage(chart(), file);
    }
}
