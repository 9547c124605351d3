package dev.nucleon.segmentation;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;

/** Where the tests find data: the small copies in test resources, and the real DSB2018 folder when present. */
public final class TestData {
    private TestData() {
    }

    /**
     * The shared DSB2018 stage1_train folder: system property {@code nucleon.dsb2018} if set, else
     * {@code shared/datasets/dsb2018/stage1_train} found by walking up from the working directory
     * (CI has shared/ beside the repository root). Empty when absent: tests then skip.
     */
    public static Optional<Path> dsb2018() {
        String prop = System.getProperty("nucleon.dsb2018");
        if (prop != null && !prop.isBlank()) {
            Path p = Paths.get(prop);
            return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
        }
        Path dir = Paths.get("").toAbsolutePath();
        while (dir != null) {
            Path p = dir.resolve("shared/datasets/dsb2018/stage1_train");
            if (Files.isDirectory(p)) {
                return Optional.of(p);
            }
            dir = dir.getParent();
        }
        return Optional.empty();
    }

    /** The three real DSB2018 samples copied into test resources (staged layout, with manifest.csv). */
    public static Path resourceDataset() {
        try {
            return Paths.get(TestData.class.getResource("/dsb2018").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A gray 256x256 sample with 17 nuclei. */
    public static final String GRAY_ID = "13c8ff1f49886e91c98ce795c93648ad8634c782ff57eb928ce29496b0425057";
    /** A gray 256x256 sample with 11 nuclei. */
    public static final String GRAY_ID_2 = "16c3d5935ba94b720becc24b7a05741c26149e221e3401924080f41e2f891368";
    /** A colour (H&E-like) 320x256 sample with 2 nuclei. */
    public static final String COLOUR_ID = "af576e8ec3a8d0b57eb6a311299e9e4fd2047970d3dd9d6f52e54ea6a91109da";

    public static Path image(String id) {
        return resourceDataset().resolve(id).resolve("image.png");
    }

    public static Path labels(String id) {
        return resourceDataset().resolve(id).resolve("labels.png");
    }
}
