package dev.nucleon.segmentation.dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A train/validation split that holds out whole <em>groups</em> of look-alike images, stratified by
 * {@link NucleiKind}, so that near-duplicate crops of one experiment never sit on both sides.
 *
 * <p>How: every image is measured ({@link ImageFeatures}) and given its kind. Within each kind the images are
 * clustered with k-means (k = max(2, round(n / {@value #IMAGES_PER_GROUP})), k-means++ seeding from
 * {@code seed}, 50 Lloyd iterations) on standardised features: log width, log height, mean, spread and
 * texture of the gray values, R − B, log median nucleus area, foreground fraction and touching fraction.
 * DSB2018's crops of one experiment share size, exposure, stain and nucleus size, so they land in one
 * cluster. Then, kind by kind, clusters are taken in a seeded random order into the validation set until it
 * holds at least {@code fraction} of that kind's images; a cluster that would take the kind's validation part
 * past 1.5 × that share is passed over (so one big cluster cannot empty a kind's training part). Every kind
 * with two or more clusters gets at least one validation cluster and keeps at least one for training; a kind
 * whose images all fall in one cluster stays whole in the training part.
 *
 * <p>The split depends only on the pixels, the labels and the seed, so it is the same on every machine.
 */
public final class GroupedSplit {
    /** Images per cluster aimed at. */
    public static final int IMAGES_PER_GROUP = 12;

    /** One image: its sample, features, kind and group ({@code kind-label/index}). */
    public record Entry(NucleiSample sample, ImageFeatures features, NucleiKind kind, String group, boolean validation) {
    }

    private final List<Entry> entries;

    private GroupedSplit(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /**
     * Measures every sample (on {@code threads} threads) and splits them. Samples must have truth.
     *
     * @param samples  the images with their truth
     * @param fraction the validation part of each kind, in (0, 1)
     * @param seed     seed of the clustering and of which groups are held out
     * @param threads  threads measuring the images, ≥ 1
     * @return the split
     * @throws IOException when an image or its truth cannot be read
     */
    public static GroupedSplit of(List<NucleiSample> samples, double fraction, long seed, int threads) throws IOException {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("GroupedSplit: validation fraction must be in (0, 1), got " + fraction);
        }
        List<ImageFeatures> features = measure(samples, threads);
        return of(samples, features, fraction, seed);
    }

    /**
     * Splits samples whose features are already measured (same order).
     *
     * @param samples  the images
     * @param features their features, in the same order
     * @param fraction the validation part of each kind, in (0, 1)
     * @param seed     seed of the clustering and of which groups are held out
     * @return the split
     */
    public static GroupedSplit of(List<NucleiSample> samples, List<ImageFeatures> features, double fraction, long seed) {
        int n = samples.size();
        Map<NucleiKind, List<Integer>> byKind = new EnumMap<>(NucleiKind.class);
        NucleiKind[] kinds = new NucleiKind[n];
        for (int i = 0; i < n; i++) {
            kinds[i] = NucleiKind.of(features.get(i));
            byKind.computeIfAbsent(kinds[i], k -> new ArrayList<>()).add(i);
        }
        String[] group = new String[n];
        boolean[] val = new boolean[n];
        Random random = new Random(seed);
        for (Map.Entry<NucleiKind, List<Integer>> e : byKind.entrySet()) {
            List<Integer> members = e.getValue();
            int k = Math.max(2, (int) Math.round(members.size() / (double) IMAGES_PER_GROUP));
            k = Math.min(k, members.size());
            double[][] x = new double[members.size()][];
            for (int i = 0; i < x.length; i++) {
                x[i] = vector(features.get(members.get(i)));
            }
            standardise(x);
            int[] cluster = kMeans(x, k, random);
            Map<Integer, List<Integer>> clusters = new LinkedHashMap<>();
            for (int i = 0; i < x.length; i++) {
                clusters.computeIfAbsent(cluster[i], c -> new ArrayList<>()).add(members.get(i));
                group[members.get(i)] = e.getKey().label() + "/" + cluster[i];
            }
            List<List<Integer>> order = new ArrayList<>(clusters.values());
            Collections.shuffle(order, random);
            int taken = 0, need = (int) Math.ceil(fraction * members.size()), cap = (int) Math.ceil(1.5 * need);
            int left = order.size();
            for (List<Integer> c : order) {
                if (taken >= need || left == 1) {
                    break;
                }
                if (taken + c.size() <= cap) {
                    c.forEach(i -> val[i] = true);
                    taken += c.size();
                    left--;
                }
            }
            if (taken == 0 && order.size() > 1) {
                List<Integer> smallest = order.stream().min((p, q) -> Integer.compare(p.size(), q.size())).orElseThrow();
                smallest.forEach(i -> val[i] = true);
            }
        }
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Entry(samples.get(i), features.get(i), kinds[i], group[i], val[i]));
        }
        return new GroupedSplit(out);
    }

    /** {@return every image in the input order} */
    public List<Entry> entries() {
        return entries;
    }

    /** {@return the training samples, in the given order} */
    public List<NucleiSample> train() {
        return entries.stream().filter(e -> !e.validation()).map(Entry::sample).toList();
    }

    /** {@return the validation samples, in the given order} */
    public List<NucleiSample> validation() {
        return entries.stream().filter(Entry::validation).map(Entry::sample).toList();
    }

    /** {@return kind by image id} */
    public Map<String, NucleiKind> kinds() {
        Map<String, NucleiKind> m = new LinkedHashMap<>();
        entries.forEach(e -> m.put(e.sample().id(), e.kind()));
        return m;
    }

    /** {@return CSV: image_id,kind,group,split (train/validation), one row per image} */
    public String toCsv() {
        StringBuilder b = new StringBuilder("image_id,kind,group,split\n");
        for (Entry e : entries) {
            b.append(e.sample().id()).append(',').append(e.kind().label()).append(',').append(e.group()).append(',')
                    .append(e.validation() ? "validation" : "train").append('\n');
        }
        return b.toString();
    }

    static List<ImageFeatures> measure(List<NucleiSample> samples, int threads) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<ImageFeatures>> futures = new ArrayList<>();
            for (NucleiSample s : samples) {
                futures.add(pool.submit(() -> ImageFeatures.of(s.readImage(), s.readLabels())));
            }
            List<ImageFeatures> out = new ArrayList<>();
            for (Future<ImageFeatures> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("GroupedSplit: interrupted while measuring images", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            throw new IllegalStateException("GroupedSplit: measuring an image failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static double[] vector(ImageFeatures f) {
        return new double[] {Math.log(f.width()), Math.log(f.height()), f.meanGray(), f.stdGray(), f.texture(),
                f.redMinusBlue(), Math.log(1 + f.medianArea()), f.foreground(), f.touching()};
    }

    private static void standardise(double[][] x) {
        int d = x[0].length, n = x.length;
        for (int j = 0; j < d; j++) {
            double m = 0, s = 0;
            for (double[] r : x) {
                m += r[j];
            }
            m /= n;
            for (double[] r : x) {
                s += (r[j] - m) * (r[j] - m);
            }
            s = Math.sqrt(s / n);
            for (double[] r : x) {
                r[j] = s > 1e-12 ? (r[j] - m) / s : 0;
            }
        }
    }

    /** k-means with k-means++ seeding; returns each row's cluster 0..k-1 (empty clusters dropped and renumbered). */
    static int[] kMeans(double[][] x, int k, Random random) {
        int n = x.length;
        double[][] c = new double[k][];
        c[0] = x[random.nextInt(n)].clone();
        double[] d2 = new double[n];
        for (int j = 1; j < k; j++) {
            double total = 0;
            for (int i = 0; i < n; i++) {
                double best = Double.MAX_VALUE;
                for (int q = 0; q < j; q++) {
                    best = Math.min(best, dist2(x[i], c[q]));
                }
                d2[i] = best;
                total += best;
            }
            double r = random.nextDouble() * total;
            int pick = n - 1;
            for (int i = 0; i < n; i++) {
                r -= d2[i];
                if (r <= 0) {
                    pick = i;
                    break;
                }
            }
            c[j] = x[pick].clone();
        }
        int[] a = new int[n];
        for (int it = 0; it < 50; it++) {
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                int best = 0;
                for (int q = 1; q < k; q++) {
                    if (dist2(x[i], c[q]) < dist2(x[i], c[best])) {
                        best = q;
                    }
                }
                if (best != a[i] || it == 0) {
                    changed |= best != a[i];
                    a[i] = best;
                }
            }
            for (int q = 0; q < k; q++) {
                double[] m = new double[x[0].length];
                int count = 0;
                for (int i = 0; i < n; i++) {
                    if (a[i] == q) {
                        count++;
                        for (int t = 0; t < m.length; t++) {
                            m[t] += x[i][t];
                        }
                    }
                }
                if (count > 0) {
                    for (int t = 0; t < m.length; t++) {
                        m[t] /= count;
                    }
                    c[q] = m;
                }
            }
            if (!changed && it > 0) {
                break;
            }
        }
        int[] renumber = new int[k];
        java.util.Arrays.fill(renumber, -1);
        int next = 0;
        for (int i = 0; i < n; i++) {
            if (renumber[a[i]] < 0) {
                renumber[a[i]] = next++;
            }
            a[i] = renumber[a[i]];
        }
        return a;
    }

    private static double dist2(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return s;
    }
}
