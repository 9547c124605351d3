package dev.nucleon.segmentation.dataset;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.io.ImageFileException;
import dev.nucleon.segmentation.io.ImageFileReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One image of a nuclei dataset and where its truth lives: either an instance label map
 * ({@code labelsFile}, staged layout) or a folder of one-nucleus masks ({@code masksFolder}, the contest's
 * layout). Nothing is decoded until asked.
 *
 * @param id image id (the folder name, e.g. the 64-hex-digit Kaggle ImageId)
 * @param imageFile the image
 * @param labelsFile 16-bit instance label map, or null
 * @param masksFolder folder of binary mask PNGs, one nucleus each, or null
 */
public record NucleiSample(String id, Path imageFile, Path labelsFile, Path masksFolder) {

    /** {@return whether the sample has truth (labels or masks)} */
    public boolean hasTruth() {
        return labelsFile != null || masksFolder != null;
    }

    /**
     * {@return the image scaled to [0, 1], channels as stored (DSB2018: RGBA)}
     *
     * @throws ImageFileException when the image cannot be read (the message names the file)
     */
    public FloatImage readImage() throws ImageFileException {
        return ImageFileReader.read(imageFile);
    }

    /**
     * The instance label map. From masks: the k-th mask file in byte-wise name order becomes label k
     * (the order used to stage labels.png, so both layouts give identical maps); any non-zero mask pixel
     * is the nucleus; where masks overlap the later one wins.
     *
     * @return (H, W) labels 1..N, 0 background
     * @throws IOException when the labels or a mask cannot be read, or the sample has no truth
     */
    public LabelImage readLabels() throws IOException {
        if (labelsFile != null) {
            return ImageFileReader.readLabels(labelsFile);
        }
        if (masksFolder == null) {
            throw new ImageFileException(imageFile, "sample " + id + " has no labels.png and no masks/ folder");
        }
        List<Path> masks = maskFiles();
        int[] size = ImageFileReader.dimensions(imageFile, 0);
        int[] out = new int[size[0] * size[1]];
        for (int k = 0; k < masks.size(); k++) {
            Path m = masks.get(k);
            FloatImage mask = ImageFileReader.readRaw(m, 0);
            if (mask.width() != size[0] || mask.height() != size[1]) {
                throw new ImageFileException(m, "mask is " + mask.width() + "x" + mask.height() + ", image "
                        + size[0] + "x" + size[1]);
            }
            float[] d = mask.data();
            for (int i = 0; i < out.length; i++) {
                if (d[i] > 0) {
                    out[i] = k + 1;
                }
            }
        }
        return new LabelImage(size[0], size[1], out);
    }

    /**
     * {@return the mask files (PNG/TIF) of the masks folder in byte-wise name order}
     *
     * @throws IOException when the folder cannot be listed
     */
    public List<Path> maskFiles() throws IOException {
        List<Path> masks = new ArrayList<>();
        try (Stream<Path> s = Files.list(masksFolder)) {
            s.filter(p -> {
                String n = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
                return !n.startsWith(".") && (n.endsWith(".png") || n.endsWith(".tif") || n.endsWith(".tiff"));
            }).forEach(masks::add);
        }
        masks.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        return masks;
    }
}
