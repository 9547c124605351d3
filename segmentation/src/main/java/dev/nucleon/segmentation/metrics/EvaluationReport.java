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
 * {@code warnings}. With {@link EvaluationMetric#PAPER004} the text gains paper 004's average IoU and precision
 * after the official score, and the JSON a member {@code paper004} ({@code avg_iou}, {@code avg_iou_std},
 * {@code precision}, {@code precision_std}, {@code precision_by_threshold}, {@code truth_as_connected_regions}: the
 * first four with touching true nuclei as one, see {@link Paper004Score}) and per image {@code paper004_avg_iou},
 * {@code paper004_precision}, {@code paper004_fp}.
 */
public final class EvaluationReport {
    /**
     * One scored image.
     *
     * @param predictionFile the prediction read, or null when it was missing (scored as empty)
     * @param id    the image's id
     * @param score its instance scores
     * @param pixel its pixel confusion counts
     */
    public record ImageResult(String id, ImageScore score, PixelMetrics pixel, Path predictionFile) {
        /** {@return whether the prediction was missing (and scored as empty)} */
        public boolean missing() {
            return predictionFile == null;
        }
    }

    private final List<ImageResult> images;
    private final List<String> warnings;
    private final double[] thresholds;

    /**
     * A report (lists and array copied).
     *
     * @param images     the scored images, in order
     * @param warnings   what went wrong without stopping the run (e.g. a missing prediction), one line each
     * @param thresholds the IoU thresholds the images were scored at
     */
    public EvaluationReport(List<ImageResult> images, List<String> warnings, double[] thresholds) {
        this.images = List.copyOf(images);
        this.warnings = List.copyOf(warnings);
        this.thresholds = thresholds.clone();
    }

    /** {@return the scored images, in order (unmodifiable)} */
    public List<ImageResult> images() {
        return images;
    }

    /** {@return the warnings, one line each (unmodifiable)} */
    public List<String> warnings() {
        return warnings;
    }

    /** {@return a copy of the IoU thresholds} */
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

    /** {@return DSB2018 official score: mean over images of the mean over thresholds} */
    public double meanAp() {
        return MeanAveragePrecision.mean(scores());
    }

    /** {@return mean over images of score(t), one value per threshold} */
    public double[] apByThreshold() {
        double[] v = MeanAveragePrecision.meanByThreshold(scores());
        return v.length == 0 ? new double[thresholds.length] : v;
    }

    /** {@return paper 004's average IoU, mean ± std over images} */
    public AverageIou.Summary averageIou() {
        return AverageIou.summarize(scores());
    }

    /** {@return paper 004's average IoU and precision, mean ± std over images ({@link Paper004Score})} */
    public Paper004Score.Summary paper004() {
        return Paper004Score.summarize(scores().stream().map(ImageScore::paper004).toList());
    }

    /**
     * Paper 004's scores with the truth as the connected regions of its foreground
     * ({@link ImageScore#paper004Regions()}), over the images that have them.
     *
     * @return mean and standard deviation over those images
     */
    public Paper004Score.Summary paper004Regions() {
        return Paper004Score.summarize(scores().stream().map(ImageScore::paper004Regions)
                .filter(java.util.Objects::nonNull).toList());
    }

    /** {@return mean over images of paper 004's precision at each threshold} */
    public double[] paper004PrecisionByThreshold() {
        double[] out = new double[thresholds.length];
        for (ImageResult r : images) {
            for (int k = 0; k < out.length; k++) {
                out[k] += r.score().paper004().precisionAt(k) / images.size();
            }
        }
        return out;
    }

    /** {@return pixel confusion summed over all images (micro average)} */
    public PixelMetrics pixel() {
        PixelMetrics p = PixelMetrics.ZERO;
        for (ImageResult r : images) {
            p = p.plus(r.pixel());
        }
        return p;
    }

    /** {@return the nuclei-counting errors over the images} */
    public CountError countError() {
        return CountError.of(scores());
    }

    /** {@return how many images had no prediction} */
    public long missingCount() {
        return images.stream().filter(ImageResult::missing).count();
    }

    /** {@return human-readable summary, official score only} */
    public String toText() {
        return toText(EvaluationMetric.OFFICIAL);
    }

    /**
     * {@return human-readable summary; {@link EvaluationMetric#PAPER004} adds paper 004's scores after the official one}
     *
     * @param metric which scores to show
     */
    public String toText(EvaluationMetric metric) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "images scored        %d%s%n", images.size(),
                missingCount() > 0 ? " (" + missingCount() + " without prediction, scored as empty)" : ""));
        sb.append(String.format(Locale.ROOT, "mean AP (DSB2018)    %.4f%n", meanAp()));
        if (metric == EvaluationMetric.PAPER004) {
            Paper004Score.Summary p4 = paper004();
            sb.append(String.format(Locale.ROOT, "avg IoU (paper 004)  %.4f ± %.4f   (mean over IoU thresholds "
                    + "0.50:0.95)%n", p4.averageIou(), p4.averageIouStd()));
            sb.append(String.format(Locale.ROOT, "precision (004)      %.4f ± %.4f   (FP = predictions overlapping no "
                    + "true nucleus)%n", p4.precision(), p4.precisionStd()));
            Paper004Score.Summary r = paper004Regions();
            sb.append(String.format(Locale.ROOT, "004, truth as connected regions: avg IoU %.4f ± %.4f, precision "
                    + "%.4f ± %.4f%n", r.averageIou(), r.averageIouStd(), r.precision(), r.precisionStd()));
        }
        sb.append("AP by IoU threshold\n");
        double[] ap = apByThreshold();
        for (int k = 0; k < thresholds.length; k++) {
            sb.append(String.format(Locale.ROOT, "  %.2f               %.4f%n", thresholds[k], ap[k]));
        }
        AverageIou.Summary iou = averageIou();
        sb.append(String.format(Locale.ROOT, "average IoU (>0.5)   %.4f ± %.4f%n", iou.mean(), iou.std()));
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

    /** {@return the report as one JSON object} */
    public String toJson() {
        return toJson(null);
    }

    /**
     * The report as one JSON object, with more members after {@code warnings}: {@code more} (may be null) gets the
     * writer inside the object and writes name/value pairs, e.g. {@code j -> kinds.writeRows(j.name("kinds"))}.
     *
     * @param more writes further members, or null
     * @return the JSON text
     */
    public String toJson(Consumer<JsonWriter> more) {
        return toJson(more, EvaluationMetric.OFFICIAL);
    }

    /**
     * {@return as {@link #toJson(Consumer)}; {@link EvaluationMetric#PAPER004} adds paper 004's members (class comment)}
     *
     * @param more   writes further members, or null
     * @param metric which scores to write
     */
    public String toJson(Consumer<JsonWriter> more, EvaluationMetric metric) {
        boolean p4 = metric == EvaluationMetric.PAPER004;
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
        if (p4) {
            Paper004Score.Summary s = paper004();
            j.name("paper004").beginObject().name("avg_iou").value(s.averageIou()).name("avg_iou_std")
                    .value(s.averageIouStd()).name("precision").value(s.precision()).name("precision_std")
                    .value(s.precisionStd()).name("precision_by_threshold").beginObject();
            double[] pk = paper004PrecisionByThreshold();
            for (int k = 0; k < thresholds.length; k++) {
                j.name(String.format(Locale.ROOT, "%.2f", thresholds[k])).value(pk[k]);
            }
            j.endObject();
            Paper004Score.Summary r = paper004Regions();
            j.name("truth_as_connected_regions").beginObject().name("avg_iou").value(r.averageIou())
                    .name("avg_iou_std").value(r.averageIouStd()).name("precision").value(r.precision())
                    .name("precision_std").value(r.precisionStd()).endObject();
            j.endObject();
        }
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
                    .name("pixel_f1").value(r.pixel().f1());
            if (p4) {
                j.name("paper004_avg_iou").value(s.paper004().averageIou())
                        .name("paper004_precision").value(s.paper004().precision())
                        .name("paper004_fp").value(s.paper004().falsePositives());
            }
            j.endObject();
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
