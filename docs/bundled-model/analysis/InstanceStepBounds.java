import dev.nucleon.segmentation.dataset.*;
import dev.nucleon.segmentation.head.*;
import dev.nucleon.segmentation.image.*;
import dev.nucleon.segmentation.inference.*;
import dev.nucleon.segmentation.metrics.*;
import java.nio.file.*;
import java.util.*;

/**
 * How much of the score the instance step can still win, on a DSB2018-layout folder (the network's output computed
 * once per image, with the predictor's automatic rescaling, then each variant scored with the official metric, per
 * nuclei kind of the grouped split):
 * <ul>
 *   <li>{@code core0.8-peakP}: the shipped step (core threshold 0.8), then every object whose highest predicted
 *       normalised distance is below P dropped (P = 0.8: no object without a core, i.e. no seeding);</li>
 *   <li>{@code oracle-markers}: one marker per TRUE nucleus (its deepest pixel inside the predicted mask), the
 *       same watershed — perfect separation, an upper bound for any marker rule (it also drops the mask components
 *       that hold no true nucleus).</li>
 * </ul>
 * Run from the repository root after {@code mvn install -DskipTests}:
 * <pre>
 * javac -cp cli/target/nucleon.jar -d /tmp/analysis docs/bundled-model/analysis/*.java
 * java --add-modules jdk.incubator.vector -cp cli/target/nucleon.jar:/tmp/analysis InstanceStepBounds FOLDER bundled
 * </pre>
 * FOLDER: e.g. a folder of links to the 512 training-part or 152 validation images of
 * {@code docs/validation/dsb2018-grouped-split.csv}; {@code bundled} or a model file.
 */
public class InstanceStepBounds {
    public static void main(String[] a) throws Exception {
        Path data = Path.of(a[0]);
        Predictor p = a[1].equals("bundled") ? Predictor.bundled() : Predictor.load(Path.of(a[1]));
        Map<String, String> kind = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("docs/validation/dsb2018-grouped-split.csv"))) {
            String[] f = line.split(",");
            kind.put(f[0], f[1]);
        }
        float[] peaks = {0f, 0.7f, 0.8f};
        float[] cores = {0.8f};
        List<String> names = new ArrayList<>();
        for (float c : cores) for (float m : peaks) names.add("core" + c + "-peak" + m);
        names.add("oracle-markers");
        Map<String, Map<String, List<ImageScore>>> byKind = new TreeMap<>();
        List<NucleiSample> samples = Dsb2018Dataset.open(data).samples();
        int done = 0;
        long t0 = System.nanoTime();
        for (NucleiSample s : samples) {
            FloatImage out = p.output(s.readImage());
            LabelImage truth = s.readLabels();
            String k = kind.getOrDefault(s.id(), "?");
            int vi = 0;
            for (float c : cores) {
                LabelImage base = CoreWatershed.of(p.head()).withCoreThreshold(c).withMinObjectArea(16).segment(out);
                for (float m : peaks) {
                    LabelImage l = m == 0 ? base : dropWeak(base, out, m);
                    ImageScore sc = MeanAveragePrecision.score(s.id(), truth, l);
                    for (String g : List.of(k, "all")) {
                        byKind.computeIfAbsent(g, x -> new LinkedHashMap<>()).computeIfAbsent(names.get(vi), x -> new ArrayList<>()).add(sc);
                    }
                    vi++;
                }
            }
            {
                ImageScore sc = MeanAveragePrecision.score(s.id(), truth, oracle(truth, out));
                for (String g : List.of(k, "all")) {
                    byKind.computeIfAbsent(g, x -> new LinkedHashMap<>()).computeIfAbsent("oracle-markers", x -> new ArrayList<>()).add(sc);
                }
            }
            if (++done % 50 == 0) System.err.printf("%d/%d %.1f img/s%n", done, samples.size(), done / ((System.nanoTime() - t0) / 1e9));
        }
        printTable(byKind, names);
    }

    /** One row per kind (and "all"), one column per variant: the mean official score. */
    static void printTable(Map<String, Map<String, List<ImageScore>>> byKind, List<String> names) {
        System.out.print("kind");
        for (String n : names) System.out.print("\t" + n);
        System.out.println();
        for (var e : byKind.entrySet()) {
            System.out.print(e.getKey() + "(" + e.getValue().get(names.get(0)).size() + ")");
            for (String n : names) System.out.printf("\t%.4f", MeanAveragePrecision.mean(e.getValue().get(n)));
            System.out.println();
        }
    }

    /** Markers at each true nucleus' deepest pixel inside the predicted mask; watershed of -s in the mask. */
    static LabelImage oracle(LabelImage truth, FloatImage out) {
        int w = out.width(), h = out.height(), n = w * h;
        float[] o = out.data();
        boolean[] fg = new boolean[n];
        float[] el = new float[n];
        for (int i = 0; i < n; i++) { fg[i] = o[i] > 0.5f; el[i] = -o[n + i]; }
        float[] d = dev.nucleon.segmentation.morphology.DistanceTransform.ofLabels(truth).data();
        int[] t = truth.data();
        int[] best = new int[truth.maxLabel() + 1];
        Arrays.fill(best, -1);
        for (int i = 0; i < n; i++) if (t[i] > 0 && fg[i] && (best[t[i]] < 0 || d[i] > d[best[t[i]]])) best[t[i]] = i;
        int[] m = new int[n];
        for (int k = 1; k < best.length; k++) if (best[k] >= 0) m[best[k]] = k;
        BinaryMask mask = new BinaryMask(w, h, fg);
        LabelImage markers = new LabelImage(w, h, m);
        LabelImage fl = dev.nucleon.segmentation.morphology.Watershed.apply(new FloatImage(w, h, 1, el), markers, mask,
                dev.nucleon.segmentation.morphology.Connectivity.EIGHT);
        return dev.nucleon.segmentation.morphology.SmallObjectRemoval.apply(fl, 16).relabelSequential();
    }

    /** Drops every object whose highest second-map value is below m. */
    static LabelImage dropWeak(LabelImage l, FloatImage out, float m) {
        int n = l.width() * l.height();
        int[] d = l.data().clone();
        float[] o = out.data();
        float[] peak = new float[l.maxLabel() + 1];
        for (int i = 0; i < n; i++) if (d[i] > 0) peak[d[i]] = Math.max(peak[d[i]], o[n + i]);
        for (int i = 0; i < n; i++) if (d[i] > 0 && peak[d[i]] < m) d[i] = 0;
        return new LabelImage(l.width(), l.height(), d).relabelSequential();
    }
}
