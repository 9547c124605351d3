package dev.nucleon.segmentation.metrics;

import dev.nucleon.segmentation.io.JsonWriter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The result of scoring a folder of predicted label maps against a dataset: per-image object and pixel
 * scores, their aggregates, and warnings (missing predictions, stray files). Printable as text
 * ({@link #toText()}) or one JSON object ({@link #toJson()}) with keys {@code mean_ap},
 * {@code ap_by_threshold}, {@code avg_iou}, {@code pixel}, {@code count_error}, {@code images},
 * {@code warnings}.
 */
public final class EvaluationReport {
    /**
     * One scored image.
     *
     * @param predictionFile the prediction read, or null when it was missing (scored as empty)
     */
    public record ImageResult(String id, ImageScore score, PixelMetrics pixel, Path predictionFile) {
        public boolean missing() {
            return predictionFile == null;
        }
    }

    private final List<ImageResult> images;
    private final List<String> warnings;
    private final double[] thresholds;

    public EvaluationReport(List<ImageResult> images, List<String> warnings, double[] thresholds) {
        this.images = List.copyOf(images);
        this.warnings = List.copyOf(warnings);
        this.thresholds = thresholds.clone();
    }

    public List<ImageResult> images() {
        return images;
    }

    public List<String> warnings() {
        return warnings;
    }

    public double[] thresholds() {
        return thresholds.clone();
    }

    private List<ImageScore> scores() {
        List<ImageScore> s = new ArrayList<>();
        for (ImageResult r : images) {
            s.add(r.score());
        }
        return s;
    }

    /** DSB2018 official score: mean over images of the mean over thresholds. */
    public double meanAp() {
        return MeanAveragePrecision.mean(scores());
    }

    /** Mean over images of score(t), one value per threshold. */
    public double[] apByThreshold() {
        double[] v = MeanAveragePrecision.meanByThreshold(scores());
        return v.length == 0 ? new double[thresholds.length] : v;
    }

    /** Paper 004's average IoU, mean ± std over images. */
    public AverageIou.Summary averageIou() {
        return AverageIou.summarize(scores());
    }

    /** Pixel confusion summed over all images (micro average). */
    public PixelMetrics pixel() {
        PixelMetrics p = PixelMetrics.ZERO;
        for (ImageResult r : images) {
            p = p.plus(r.pixel());
        }
        return p;
    }

    public CountError countError() {
        return CountError.of(scores());
    }

    public long missingCount() {
        return images.stream().filter(ImageResult::missing).count();
    }

    /** Human-readable summary. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "images scored        %d%s%n", images.size(),
                missingCount() > 0 ? " (" + missingCount() + " without prediction, scored as empty)" : ""));
        sb.append(String.format(Locale.ROOT, "mean AP (DSB2018)    %.4f%n", meanAp()));
        sb.append("AP by IoU threshold\n");
        double[] ap = apByThreshold();
        for (int k = 0; k < thresholds.length; k++) {
            sb.append(String.format(Locale.ROOT, "  %.2f               %.4f%n", thresholds[k], ap[k]));
        }
        AverageIou.Summary iou = averageIou();
        sb.append(String.format(Locale.ROOT, "average IoU (004)    %.4f ± %.4f%n", iou.mean(), iou.std()));
        PixelMetrics p = pixel();
        sb.append(String.format(Locale.ROOT,
                "pixel                accuracy %.4f  precision %.4f  recall %.4f  F1 %.4f  Jaccard %.4f  Dice %.4f%n",
                p.accuracy(), p.precision(), p.recall(), p.f1(), p.jaccard(), p.dice()));
        CountError c = countError();
        sb.append(String.format(Locale.ROOT,
                "nuclei               truth %d  predicted %d  mean error %+.2f  mean |error| %.2f%n",
                c.truthTotal(), c.predTotal(), c.meanSigned(), c.meanAbsolute()));
        for (String w : warnings) {
            sb.append("warning: ").append(w).append('\n');
        }
        return sb.toString();
    }

    /** The report as one JSON object. */
    public String toJson() {
        return toJson(null);
    }

    /**
     * The report as one JSON object, with more members after {@code warnings}: {@code more} (may be null) gets the
     * writer inside the object and writes name/value pairs, e.g. {@code j -> kinds.writeRows(j.name("kinds"))}.
     */
    public String toJson(Consumer<JsonWriter> more) {
        JsonWriter j = new JsonWriter().beginObject();
        j.name("mean_ap").value(meanAp());
        j.name("ap_by_threshold").beginObject();
        double[] ap = apByThreshold();
        for (int k = 0; k < thresholds.length; k++) {
            j.name(String.format(Locale.ROOT, "%.2f", thresholds[k])).value(ap[k]);
        }
        j.endObject();
        AverageIou.Summary iou = averageIou();
        j.name("avg_iou").beginObject().name("mean").value(iou.mean()).name("std").value(iou.std()).endObject();
        PixelMetrics p = pixel();
        j.name("pixel").beginObject()
                .name("accuracy").value(p.accuracy()).name("precision").value(p.precision())
                .name("recall").value(p.recall()).name("f1").value(p.f1())
                .name("jaccard").value(p.jaccard()).name("dice").value(p.dice())
                .name("tp").value(p.tp()).name("fp").value(p.fp()).name("fn").value(p.fn()).name("tn").value(p.tn())
                .endObject();
        CountError c = countError();
        j.name("count_error").beginObject().name("truth_total").value(c.truthTotal())
                .name("pred_total").value(c.predTotal()).name("mean_signed").value(c.meanSigned())
                .name("mean_absolute").value(c.meanAbsolute()).name("mean_relative").value(c.meanRelative())
                .endObject();
        j.name("images").beginArray();
        for (ImageResult r : images) {
            ImageScore s = r.score();
            j.beginObject().name("id").value(r.id()).name("ap").value(s.score());
            j.name("ap_by_threshold").beginArray();
            for (double v : s.scoreByThreshold()) {
                j.value(v);
            }
            j.endArray();
            j.name("avg_iou").value(s.averageIou()).name("n_truth").value(s.truthCount())
                    .name("n_pred").value(s.predCount()).name("missing").value(r.missing())
                    .name("pixel_f1").value(r.pixel().f1()).endObject();
        }
        j.endArray();
        j.name("warnings").beginArray();
        for (String w : warnings) {
            j.value(w);
        }
        j.endArray();
        if (more != null) {
            more.accept(j);
        }
        return j.endObject().toString();
    }
}
