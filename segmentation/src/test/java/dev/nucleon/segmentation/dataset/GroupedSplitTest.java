package dev.nucleon.segmentation.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.io.ImageFileWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupedSplitTest {
    /**
     * One synthetic "experiment": {@code images} crops of one size, background and stain, each with {@code count}
     * discs of radius {@code radius} at random cells of a grid (never touching, never clipped).
     *
     * @param background gray level, or R, G, B for colour
     * @param nucleus    likewise
     */
    record Experiment(String name, NucleiKind kind, int images, int width, int height, float[] background,
                      float[] nucleus, int radius, int count) {
    }

    /** Per kind three experiments of 6, 10 and 14 images (30: k-means with k = 3), each unlike the others. */
    static final List<Experiment> EXPERIMENTS = List.of(
            new Experiment("fs-a", NucleiKind.FLUO_SMALL, 6, 64, 64, g(0.05f), g(0.8f), 4, 6),
            new Experiment("fs-b", NucleiKind.FLUO_SMALL, 10, 96, 80, g(0.12f), g(0.55f), 3, 8),
            new Experiment("fs-c", NucleiKind.FLUO_SMALL, 14, 128, 112, g(0.02f), g(0.95f), 5, 10),
            new Experiment("fl-a", NucleiKind.FLUO_LARGE, 6, 128, 128, g(0.05f), g(0.7f), 17, 3),
            new Experiment("fl-b", NucleiKind.FLUO_LARGE, 10, 160, 144, g(0.15f), g(0.9f), 19, 3),
            new Experiment("fl-c", NucleiKind.FLUO_LARGE, 14, 192, 160, g(0.02f), g(0.5f), 21, 4),
            new Experiment("fd-a", NucleiKind.FLUO_DENSE, 6, 64, 64, g(0.05f), g(0.8f), 6, 9),
            new Experiment("fd-b", NucleiKind.FLUO_DENSE, 10, 96, 80, g(0.15f), g(0.6f), 7, 12),
            new Experiment("fd-c", NucleiKind.FLUO_DENSE, 14, 128, 112, g(0.02f), g(0.95f), 8, 16),
            new Experiment("bf-a", NucleiKind.BRIGHTFIELD, 6, 64, 64, g(0.8f), g(0.3f), 5, 6),
            new Experiment("bf-b", NucleiKind.BRIGHTFIELD, 10, 96, 80, g(0.9f), g(0.5f), 6, 8),
            new Experiment("bf-c", NucleiKind.BRIGHTFIELD, 14, 128, 112, g(0.7f), g(0.2f), 7, 10),
            new Experiment("co-a", NucleiKind.COLOUR, 6, 64, 64, rgb(0.92f, 0.85f, 0.9f), rgb(0.45f, 0.25f, 0.6f), 5, 6),
            new Experiment("co-b", NucleiKind.COLOUR, 10, 96, 80, rgb(0.95f, 0.8f, 0.75f), rgb(0.6f, 0.3f, 0.35f), 7, 8),
            new Experiment("co-c", NucleiKind.COLOUR, 14, 128, 112, rgb(0.85f, 0.85f, 0.95f), rgb(0.3f, 0.2f, 0.7f), 9,
                    10));

    @TempDir
    static Path dir;
    static List<NucleiSample> samples;

    private static float[] g(float v) {
        return new float[] {v};
    }

    private static float[] rgb(float r, float gr, float b) {
        return new float[] {r, gr, b};
    }

    @BeforeAll
    static void writeExperiments() throws IOException {
        Random random = new Random(11);
        for (Experiment e : EXPERIMENTS) {
            for (int i = 0; i < e.images(); i++) {
                write(e, dir.resolve(e.name() + "-" + i), random);
            }
        }
        samples = Dsb2018Dataset.open(dir).samples();
    }

    private static void write(Experiment e, Path folder, Random random) throws IOException {
        int w = e.width(), h = e.height(), n = w * h, c = e.background().length, cell = 2 * e.radius() + 4;
        float[] img = new float[c * n];
        int[] lab = new int[n];
        List<Integer> cells = new ArrayList<>();
        for (int k = 0; k < (w / cell) * (h / cell); k++) {
            cells.add(k);
        }
        assertTrue(cells.size() >= e.count(), e.name() + ": too many nuclei for the grid");
        Collections.shuffle(cells, random);
        for (int k = 0; k < e.count(); k++) {
            int cx = (cells.get(k) % (w / cell)) * cell + cell / 2 + random.nextInt(3) - 1;
            int cy = (cells.get(k) / (w / cell)) * cell + cell / 2 + random.nextInt(3) - 1;
            for (int y = cy - e.radius(); y <= cy + e.radius(); y++) {
                for (int x = cx - e.radius(); x <= cx + e.radius(); x++) {
                    if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= e.radius() * e.radius()) {
                        lab[y * w + x] = k + 1;
                    }
                }
            }
        }
        for (int i = 0; i < n; i++) {
            float[] v = lab[i] > 0 ? e.nucleus() : e.background();
            float noise = (random.nextFloat() - 0.5f) * 0.04f;
            for (int b = 0; b < c; b++) {
                img[b * n + i] = Math.max(0f, Math.min(1f, v[b] + noise));
            }
        }
        Files.createDirectories(folder);
        FloatImage image = new FloatImage(w, h, c, img);
        if (c == 1) {
            ImageFileWriter.writeGray(image, folder.resolve("image.png"), 8);
        } else {
            ImageFileWriter.writeRgb(image, folder.resolve("image.png"));
        }
        ImageFileWriter.writeLabels(new LabelImage(w, h, lab), folder.resolve("labels.png"));
    }

    private static String experiment(GroupedSplit.Entry e) {
        return e.sample().id().substring(0, 4);
    }

    /** Whether the entries grouped by {@code key} each lie on one side only. */
    private static void noneStraddles(GroupedSplit split, Function<GroupedSplit.Entry, String> key, String what) {
        Map<String, Set<Boolean>> sides = new HashMap<>();
        for (GroupedSplit.Entry e : split.entries()) {
            sides.computeIfAbsent(key.apply(e), k -> new HashSet<>()).add(e.validation());
        }
        sides.forEach((k, s) -> assertEquals(1, s.size(), what + " " + k + " is on both sides"));
    }

    /** Every kind present has images on both sides. */
    private static Set<NucleiKind> kindsOnBothSides(GroupedSplit split) {
        Map<NucleiKind, Set<Boolean>> sides = new EnumMap<>(NucleiKind.class);
        for (GroupedSplit.Entry e : split.entries()) {
            sides.computeIfAbsent(e.kind(), k -> new HashSet<>()).add(e.validation());
        }
        sides.forEach((k, s) -> assertEquals(2, s.size(), k.label() + " must have training and validation images"));
        return sides.keySet();
    }

    @Test
    void syntheticImagesGetTheirIntendedKinds() throws IOException {
        GroupedSplit split = GroupedSplit.of(samples, 0.2, 2018, 2);
        for (GroupedSplit.Entry e : split.entries()) {
            String prefix = experiment(e);
            Experiment x = EXPERIMENTS.stream().filter(p -> p.name().equals(prefix)).findFirst().orElseThrow();
            assertEquals(x.kind(), e.kind(), e.sample().id() + ": " + e.features());
        }
    }

    @Test
    void sameSeedSameSplitWhateverTheThreads() throws IOException {
        GroupedSplit a = GroupedSplit.of(samples, 0.2, 2018, 1);
        GroupedSplit b = GroupedSplit.of(samples, 0.2, 2018, 2);
        assertEquals(a.toCsv(), b.toCsv());
        GroupedSplit c = GroupedSplit.of(samples, a.entries().stream().map(GroupedSplit.Entry::features).toList(),
                0.2, 2018);
        assertEquals(a.toCsv(), c.toCsv());
        assertEquals(a.validation(), c.validation());
    }

    @Test
    void wholeGroupsAndExperimentsGoToOneSideAndEveryKindToBoth() throws IOException {
        for (long seed : new long[] {2018, 1, 7}) {
            GroupedSplit split = GroupedSplit.of(samples, 0.2, seed, 2);
            noneStraddles(split, GroupedSplit.Entry::group, "group");
            noneStraddles(split, GroupedSplitTest::experiment, "experiment");
            assertEquals(EnumSet.allOf(NucleiKind.class), kindsOnBothSides(split));
            int all = split.entries().size(), val = split.validation().size();
            assertEquals(150, all);
            assertEquals(all, val + split.train().size());
            double f = val / (double) all;
            assertTrue(f >= 0.15 && f <= 0.3, "validation fraction " + f + " for 0.2 (seed " + seed + ")");
            assertEquals(all, split.kinds().size());
        }
    }

    /** The shared stage1_train_fixed folder, found by walking up from the working directory, or null. */
    static Path stage1TrainFixed() {
        Path d = Paths.get("").toAbsolutePath();
        while (d != null) {
            Path p = d.resolve("shared/datasets/dsb2018/stage1_train_fixed");
            if (Files.isDirectory(p)) {
                return p;
            }
            d = d.getParent();
        }
        return null;
    }

    @Test
    void realStage1TrainFixedHoldsOut152Of664() throws IOException {
        Path folder = stage1TrainFixed();
        assumeTrue(folder != null, "shared/datasets/dsb2018/stage1_train_fixed not found: skipping");
        List<NucleiSample> all = Dsb2018Dataset.open(folder).samples();
        assertEquals(664, all.size());
        List<ImageFeatures> features = GroupedSplit.measure(all, Runtime.getRuntime().availableProcessors());
        GroupedSplit split = GroupedSplit.of(all, features, 0.2, 2018);
        assertEquals(152, split.validation().size());
        assertEquals(512, split.train().size());
        assertEquals(EnumSet.allOf(NucleiKind.class), kindsOnBothSides(split));
        noneStraddles(split, GroupedSplit.Entry::group, "group");
        assertEquals(107, split.entries().stream().filter(e -> e.kind() == NucleiKind.COLOUR).count());
        assertEquals(16, split.entries().stream().filter(e -> e.kind() == NucleiKind.BRIGHTFIELD).count());
        assertEquals(split.toCsv(), GroupedSplit.of(all, features, 0.2, 2018).toCsv(), "same seed, same split");
        // the split the README's scores were measured on is committed; it must be what the code computes
        Path csv = Paths.get("").toAbsolutePath().getParent().resolve("docs/validation/dsb2018-grouped-split.csv");
        assertEquals(Files.readString(csv), split.toCsv(), csv.toString());
    }
}
