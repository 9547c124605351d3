import dev.nucleon.segmentation.dataset.*;
import dev.nucleon.segmentation.head.*;
import dev.nucleon.segmentation.image.*;
import dev.nucleon.segmentation.inference.*;
import dev.nucleon.segmentation.metrics.*;
import dev.nucleon.segmentation.preprocess.*;
import java.nio.file.*;
import java.util.*;

/**
 * Rescaling variants of the predictor's automatic scale (see {@link InstanceStepBounds} for how to run it): the
 * tolerance within which an image is not rescaled (the predictor's 1.5, or 1.1) and a bias on the target diameter
 * (1, or 1.25: nuclei shown 25 % larger than the training median), the scale estimated from a first pass as the
 * predictor does (area-weighted median diameter); instance step: core threshold 0.8, core-less objects dropped.
 */
public class RescaleVariants {
    public static void main(String[] a) throws Exception {
        Path data = Path.of(a[0]);
        Predictor p = (a[1].equals("bundled") ? Predictor.bundled() : Predictor.load(Path.of(a[1]))).diameter(0);
        double train = p.trainingDiameter();
        String inputName = a.length > 2 ? a[2] : NetworkInput.RGB_NAME;
        Map<String, String> kind = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("docs/validation/dsb2018-grouped-split.csv"))) {
            String[] f = line.split(",");
            kind.put(f[0], f[1]);
        }
        double[][] variants = {{1.5, 1.0}, {1.1, 1.0}, {1.1, 1.25}, {1.5, 1.25}}; // {tolerance, bias}
        Map<String, Map<String, List<ImageScore>>> byKind = new TreeMap<>();
        List<NucleiSample> samples = Dsb2018Dataset.open(data).samples();
        int done = 0;
        long t0 = System.nanoTime();
        CoreWatershed step = CoreWatershed.of(p.head()).withCoreThreshold(0.8f).withMinObjectArea(16);
        for (NucleiSample s : samples) {
            FloatImage in = NetworkInput.prepare(s.readImage(), inputName);
            FloatImage first = p.probabilityOfInput(in);
            double d = awm(step.segment(first));
            LabelImage truth = s.readLabels();
            String k = kind.getOrDefault(s.id(), "?");
            Map<Double, FloatImage> cache = new HashMap<>();
            for (double[] v : variants) {
                double f = Double.isNaN(d) ? 1 : Math.max(0.25, Math.min(2, v[1] * train / d));
                if (f <= v[0] && f >= 1 / v[0]) f = 1;
                final double ff = f;
                FloatImage out = f == 1 ? first : cache.computeIfAbsent(f, x -> {
                    int w = in.width(), h = in.height();
                    FloatImage o = p.probabilityOfInput(Resize.bilinear(in, (int) Math.round(w * ff), (int) Math.round(h * ff)));
                    return Resize.bilinear(o, w, h);
                });
                ImageScore sc = MeanAveragePrecision.score(s.id(), truth, InstanceStepBounds.dropWeak(step.segment(out), out, 0.8f));
                String name = "tol" + v[0] + "-bias" + v[1];
                for (String g : List.of(k, "all")) {
                    byKind.computeIfAbsent(g, x -> new LinkedHashMap<>()).computeIfAbsent(name, x -> new ArrayList<>()).add(sc);
                }
            }
            if (++done % 50 == 0) System.err.printf("%d/%d %.2f img/s%n", done, samples.size(), done / ((System.nanoTime() - t0) / 1e9));
        }
        List<String> names = new ArrayList<>(byKind.get("all").keySet());
        InstanceStepBounds.printTable(byKind, names);
    }

    static double awm(LabelImage labels) {
        int[] areas = labels.areas();
        int[] a = Arrays.stream(areas, 1, areas.length).filter(v -> v > 0).sorted().toArray();
        if (a.length == 0) return Double.NaN;
        long total = 0;
        for (int v : a) total += v;
        long c = 0;
        for (int v : a) { c += v; if (2 * c >= total) return Math.sqrt(4.0 * v / Math.PI); }
        return Math.sqrt(4.0 * a[a.length - 1] / Math.PI);
    }
}
