package dev.nucleon.segmentation.dataset;

import dev.nucleon.segmentation.io.ImageFileException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A folder of DSB2018-style samples, one sub-folder per image id, in either layout:
 *
 * <pre>
 * staged:   &lt;id&gt;/image.png  + &lt;id&gt;/labels.png          (16-bit instance label map)
 * contest:  &lt;id&gt;/images/&lt;id&gt;.png + &lt;id&gt;/masks/*.png     (one binary mask per nucleus)
 * </pre>
 *
 * Truth is optional (test images have none). A folder holding {@code stage1_train/} is opened at that
 * sub-folder. Samples are sorted by id. When a {@code manifest.csv} with {@code image_id} and
 * {@code image_kind} columns sits in the folder or its parent, it answers grayscale/colour questions
 * without decoding images.
 */
public final class Dsb2018Dataset {
    private final Path folder;
    private final List<NucleiSample> samples;
    private final Map<String, ImageKind> manifestKinds;

    private Dsb2018Dataset(Path folder, List<NucleiSample> samples, Map<String, ImageKind> manifestKinds) {
        this.folder = folder;
        this.samples = List.copyOf(samples);
        this.manifestKinds = manifestKinds;
    }

    /**
     * Scans {@code folder}.
     *
     * @param folder a DSB2018-layout folder: {@code <id>/image.png} + {@code labels.png}, or {@code <id>/images/}
     *               + {@code masks/}
     * @return the dataset, samples sorted by id
     * @throws ImageFileException when the folder is missing or holds no sample in either layout
     * @throws IOException        when the folder cannot be listed
     */
    public static Dsb2018Dataset open(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new ImageFileException(folder, "dataset folder does not exist or is not a folder");
        }
        List<NucleiSample> samples = scan(folder);
        if (samples.isEmpty() && Files.isDirectory(folder.resolve("stage1_train"))) {
            folder = folder.resolve("stage1_train");
            samples = scan(folder);
        }
        if (samples.isEmpty()) {
            throw new ImageFileException(folder, "no DSB2018 samples found: expected <id>/image.png or "
                    + "<id>/images/<id>.png sub-folders");
        }
        return new Dsb2018Dataset(folder, samples, readManifest(folder));
    }

    private static List<NucleiSample> scan(Path folder) throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> s = Files.list(folder)) {
            s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")).forEach(dirs::add);
        }
        dirs.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        List<NucleiSample> out = new ArrayList<>();
        for (Path d : dirs) {
            String id = d.getFileName().toString();
            Path staged = d.resolve("image.png");
            if (Files.isRegularFile(staged)) {
                Path labels = d.resolve("labels.png");
                Path masks = d.resolve("masks");
                out.add(new NucleiSample(id, staged, Files.isRegularFile(labels) ? labels : null,
                        Files.isRegularFile(labels) || !Files.isDirectory(masks) ? null : masks));
                continue;
            }
            Path images = d.resolve("images");
            if (Files.isDirectory(images)) {
                Path img = images.resolve(id + ".png");
                if (!Files.isRegularFile(img)) {
                    try (Stream<Path> s = Files.list(images)) {
                        img = s.filter(p -> p.getFileName().toString().toLowerCase(java.util.Locale.ROOT)
                                .endsWith(".png")).sorted().findFirst().orElse(null);
                    }
                }
                if (img != null) {
                    Path masks = d.resolve("masks");
                    out.add(new NucleiSample(id, img, null, Files.isDirectory(masks) ? masks : null));
                }
            }
        }
        return out;
    }

    private static Map<String, ImageKind> readManifest(Path folder) throws IOException {
        for (Path m : new Path[] {folder.resolve("manifest.csv"),
                folder.getParent() == null ? null : folder.getParent().resolve("manifest.csv")}) {
            if (m == null || !Files.isRegularFile(m)) {
                continue;
            }
            List<String> lines = Files.readAllLines(m);
            if (lines.isEmpty()) {
                continue;
            }
            String[] h = lines.get(0).split(",");
            int id = -1, kind = -1;
            for (int i = 0; i < h.length; i++) {
                if (h[i].trim().equals("image_id")) {
                    id = i;
                } else if (h[i].trim().equals("image_kind")) {
                    kind = i;
                }
            }
            if (id < 0 || kind < 0) {
                continue;
            }
            Map<String, ImageKind> kinds = new HashMap<>();
            for (int ln = 1; ln < lines.size(); ln++) {
                String[] f = lines.get(ln).split(",");
                if (f.length > Math.max(id, kind)) {
                    try {
                        kinds.put(f[id].trim(), ImageKind.parse(f[kind]));
                    } catch (IllegalArgumentException e) {
                        throw new ImageFileException(m, "line " + (ln + 1) + ": " + e.getMessage());
                    }
                }
            }
            return kinds;
        }
        return Map.of();
    }

    /** {@return the folder the samples were found in} */
    public Path folder() {
        return folder;
    }

    /**
     * Samples sorted by id.
     *
     * @return the samples (unmodifiable)
     */
    public List<NucleiSample> samples() {
        return samples;
    }

    /** {@return how many samples} */
    public int size() {
        return samples.size();
    }

    /**
     * {@return the sample with this id, or null}
     *
     * @param id a sample's id (its folder's name)
     */
    public NucleiSample get(String id) {
        for (NucleiSample s : samples) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        return null;
    }

    /**
     * {@return grayscale or colour: from the manifest when it lists the id, else by decoding the image}
     *
     * @param sample a sample of this dataset
     * @throws IOException when the image must be decoded and cannot be
     */
    public ImageKind kindOf(NucleiSample sample) throws IOException {
        ImageKind k = manifestKinds.get(sample.id());
        return k != null ? k : ImageKind.of(sample.readImage());
    }

    /**
     * {@return the samples of one kind (paper 004: {@code filter(ImageKind.GRAY)})}
     *
     * @param kind the kind kept
     * @throws IOException when an image must be decoded and cannot be
     */
    public Dsb2018Dataset filter(ImageKind kind) throws IOException {
        List<NucleiSample> keep = new ArrayList<>();
        for (NucleiSample s : samples) {
            if (kindOf(s) == kind) {
                keep.add(s);
            }
        }
        return new Dsb2018Dataset(folder, keep, manifestKinds);
    }

    /**
     * {@return a deterministic split of the samples by seed, see {@link DatasetSplit}}
     *
     * @param validationFraction the part that goes to validation, in [0, 1]
     * @param seed               the shuffle's seed
     */
    public DatasetSplit<NucleiSample> split(double validationFraction, long seed) {
        return DatasetSplit.of(samples, validationFraction, seed);
    }
}
