package dev.nucleon.segmentation.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.layers.Conv2d;
import dev.nucleon.nn.layers.Sequential;
import dev.nucleon.nn.layers.Sigmoid;
import dev.nucleon.segmentation.head.Head;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.instance.MeasurementsCsv;
import dev.nucleon.segmentation.instance.NucleusMeasurement;
import dev.nucleon.segmentation.instance.RegionMeasurements;
import dev.nucleon.segmentation.io.ImageFileException;
import dev.nucleon.segmentation.io.ImageFileReader;
import dev.nucleon.segmentation.io.ImageHeader;
import dev.nucleon.segmentation.io.Overlay;
import dev.nucleon.segmentation.patch.BlendedTiling;
import dev.nucleon.segmentation.preprocess.Grayscale;
import dev.nucleon.segmentation.preprocess.NetworkInput;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 15, case 14: big images segmented by streaming give the whole-image path's results. */
class StreamedSegmentationTest {
    @TempDir
    Path dir;

    /**
     * A 3×3 mean filter, scaled and shifted into a sigmoid: probability above 0.5 where the local mean is above
     * 0.5, so blobs come out as nuclei (a stand-in for a trained network, tiny and deterministic).
     */
    static Module blobDetector() {
        Conv2d conv = new Conv2d(1, 1, 3, 1, 1);
        float[] k = new float[9];
        java.util.Arrays.fill(k, 12f / 9);
        conv.weight().assign(Tensor.of(k, 1, 1, 3, 3));
        conv.bias().assign(Tensor.of(new float[] {-6f}, 1));
        return new Sequential(conv, new Sigmoid()).eval();
    }

    /** Bright disks on a dark noisy 8-bit background, several cut by the rows {@code cuts}. */
    static BufferedImage blobs(int w, int h, long seed, int... cuts) {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        int[] px = new int[w * h];
        for (int i = 0; i < px.length; i++) {
            px[i] = 10 + r.nextInt(30);
        }
        List<int[]> disks = new ArrayList<>();
        for (int k = 0; k < w * h / 900; k++) {
            disks.add(new int[] {r.nextInt(w), r.nextInt(h), 4 + r.nextInt(6)});
        }
        for (int cut : cuts) {
            for (int x = 20; x < w - 20; x += 60) {
                disks.add(new int[] {x, cut + r.nextInt(9) - 4, 6 + r.nextInt(4)});
            }
        }
        for (int[] d : disks) {
            int cx = d[0], cy = d[1], rad = d[2];
            for (int y = Math.max(0, cy - rad); y < Math.min(h, cy + rad + 1); y++) {
                for (int x = Math.max(0, cx - rad); x < Math.min(w, cx + rad + 1); x++) {
                    if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= rad * rad) {
                        px[y * w + x] = 180 + r.nextInt(70);
                    }
                }
            }
        }
        img.getRaster().setSamples(0, 0, w, h, 0, px);
        return img;
    }

    private Path png(BufferedImage img, String name) throws IOException {
        Path p = dir.resolve(name);
        ImageIO.write(img, "png", p.toFile());
        return p;
    }

    @Test
    void streamedRowsEqualTheWholeImageConversion() throws IOException {
        Path gray = png(blobs(300, 200, 1), "gray.png");
        FloatImage whole = NetworkInput.prepare(ImageFileReader.read(gray));
        StreamedNetworkInput streamed = new StreamedNetworkInput(ImageFileReader.readCompact(gray, 0),
                NetworkInput.NAME);
        assertArrayEquals(whole.data(), streamed.rows(0, 200));
        assertArrayEquals(whole.crop(0, 57, 300, 31).data(), streamed.rows(57, 31));

        // RGB, bright background (inverted), per-plane percentiles: exact as well
        Random r = new Random(2);
        BufferedImage rgb = new BufferedImage(120, 90, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 90; y++) {
            for (int x = 0; x < 120; x++) {
                rgb.setRGB(x, y, (200 + r.nextInt(56)) << 16 | (150 + r.nextInt(100)) << 8 | r.nextInt(256));
            }
        }
        Path colour = png(rgb, "rgb.png");
        FloatImage wholeRgb = NetworkInput.prepareRgb(ImageFileReader.read(colour));
        StreamedNetworkInput streamedRgb = new StreamedNetworkInput(ImageFileReader.readCompact(colour, 0),
                NetworkInput.RGB_NAME);
        assertTrue(streamedRgb.inverted());
        assertArrayEquals(wholeRgb.data(), streamedRgb.rows(0, 90));
        // one-channel luma of a true-colour image: percentiles from a 65536-bin histogram, within 1e-4
        FloatImage wholeLuma = NetworkInput.prepare(ImageFileReader.read(colour));
        float[] luma = new StreamedNetworkInput(ImageFileReader.readCompact(colour, 0), NetworkInput.NAME).rows(0, 90);
        for (int i = 0; i < luma.length; i++) {
            assertEquals(wholeLuma.data()[i], luma[i], 1e-3);
        }
    }

    @Test
    void blendedTilesStreamedByRowsEqualTheWholeImageRun() {
        Random r = new Random(3);
        int w = 150, h = 230, c = 2;
        float[] data = new float[c * w * h];
        for (int i = 0; i < data.length; i++) {
            data[i] = r.nextFloat();
        }
        FloatImage image = new FloatImage(w, h, c, data);
        // a model whose output depends on the whole tile, so a tile cut differently would show
        BlendedTiling.TileBatch model = (x, n, side) -> {
            float[] y = new float[n * 3 * side * side];
            for (int b = 0; b < n; b++) {
                double mean = 0;
                for (int i = 0; i < c * side * side; i++) {
                    mean += x[b * c * side * side + i];
                }
                mean /= c * side * side;
                for (int k = 0; k < 3; k++) {
                    for (int i = 0; i < side * side; i++) {
                        y[(b * 3 + k) * side * side + i] = (float) (x[b * c * side * side + i] * (k + 1) + mean);
                    }
                }
            }
            return y;
        };
        for (int[] t : new int[][] {{48, 16}, {64, 0}, {256, 32}, {32, 31}}) {
            BlendedTiling tiling = new BlendedTiling(t[0], t[1]);
            FloatImage expected = tiling.run(image, model, 3);
            float[] got = new float[3 * w * h];
            int[] next = {0};
            tiling.runRows(w, h, c, (y0, n) -> image.crop(0, y0, w, n).data(), model, 3, (y0, n, rows) -> {
                assertEquals(next[0], y0, "rows arrive in order, each once");
                for (int k = 0; k < 3; k++) {
                    System.arraycopy(rows, k * n * w, got, (k * h + y0) * w, n * w);
                }
                next[0] = y0 + n;
            });
            assertEquals(h, next[0]);
            assertArrayEquals(expected.data(), got, "tile " + t[0] + ", overlap " + t[1]);
        }
    }

    /**
     * The streamed labels of a 700 × 1400 image (three bands, nuclei placed across both band borders) match the
     * whole-image path's nucleus for nucleus (IoU > 0.95), and so do the measurements.
     */
    @Test
    void streamedLabelsMatchTheWholeImagePath() throws IOException {
        int w = 700, h = 1400;
        int b1 = StreamedSegmentation.BAND_ROWS, b2 = 2 * StreamedSegmentation.BAND_ROWS;
        Path file = png(blobs(w, h, 4, b1, b2), "big.png");
        Predictor p = new Predictor(blobDetector(), NetworkInput.NAME, Head.FOREGROUND, 20).blendedTiles(128, 32);
        LabelImage whole = p.diameter(0).segment(ImageFileReader.read(file));
        LabelImage streamed = StreamedSegmentation.segment(p.diameter(Double.NaN), ImageFileReader.readCompact(file, 0));

        int n = whole.maxLabel();
        assertTrue(n > 500, n + " nuclei");
        int[] a = whole.data(), s = streamed.data();
        int[] areaW = whole.areas(), areaS = streamed.areas();
        int crossing = 0;
        for (NucleusMeasurement m : RegionMeasurements.measure(whole, null)) {
            if ((m.y0() < b1 && m.y1() > b1) || (m.y0() < b2 && m.y1() > b2)) {
                crossing++;
            }
        }
        assertTrue(crossing >= 15, crossing + " nuclei cross a band border");
        java.util.Map<Long, Integer> pairs = new java.util.HashMap<>();
        for (int i = 0; i < a.length; i++) {
            if (a[i] > 0 && s[i] > 0) {
                pairs.merge(((long) a[i] << 32) | s[i], 1, Integer::sum);
            }
        }
        double[] best = new double[n + 1];
        for (var e : pairs.entrySet()) {
            int k = (int) (e.getKey() >>> 32), j = (int) (long) e.getKey();
            double iou = e.getValue() / (double) (areaW[k] + areaS[j] - e.getValue());
            best[k] = Math.max(best[k], iou);
        }
        StringBuilder poor = new StringBuilder();
        List<NucleusMeasurement> ms = RegionMeasurements.measure(whole, null);
        for (int k = 1; k <= n; k++) {
            if (best[k] <= 0.95) {
                NucleusMeasurement m = ms.get(k - 1);
                poor.append(String.format(java.util.Locale.ROOT, " %d (IoU %.2f, rows %d..%d, x %d..%d)", k, best[k],
                        m.y0(), m.y1(), m.x0(), m.x1()));
            }
        }
        assertEquals("", poor.toString(), "nuclei without a streamed match of IoU > 0.95");
        assertEquals(n, streamed.maxLabel(), "same number of nuclei");
    }

    @Test
    void aStreamedColourImageGoesToTheColourModelAndAGrayOneStays() throws IOException {
        BufferedImage gray = blobs(260, 300, 6);
        BufferedImage rgb = new BufferedImage(260, 300, BufferedImage.TYPE_INT_RGB);
        BufferedImage tinted = new BufferedImage(260, 300, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 300; y++) {
            for (int x = 0; x < 260; x++) {
                int v = 255 - gray.getRaster().getSample(x, y, 0); // dark nuclei on a lit background
                rgb.setRGB(x, y, v << 16 | v << 8 | v);
                tinted.setRGB(x, y, v << 16 | v << 8 | Math.max(0, v - 40)); // blue lowered: a stained colour image
            }
        }
        Conv2d wide = (Conv2d) ((Sequential) blobDetector()).get(0);
        wide.bias().assign(Tensor.of(new float[] {-3f}, 1)); // a lower threshold: other labels than blobDetector's
        Predictor colour = new Predictor(new Sequential(wide, new Sigmoid()).eval(), NetworkInput.NAME, Head.FOREGROUND)
                .blendedTiles(64, 16);
        Predictor main = new Predictor(blobDetector(), NetworkInput.NAME, Head.FOREGROUND).blendedTiles(64, 16);
        Predictor pair = new Predictor(blobDetector(), NetworkInput.NAME, Head.FOREGROUND).colourModel(colour)
                .blendedTiles(64, 16);
        assertTrue(ColourRule.isColour(tinted.getRaster()));
        assertTrue(!ColourRule.isColour(rgb.getRaster()) && !ColourRule.isColour(gray.getRaster()));
        for (BufferedImage img : new BufferedImage[] {tinted, rgb}) {
            Path file = png(img, "img.png");
            Predictor alone = img == tinted ? colour : main;
            LabelImage want = ImageFileReader.readLabels(StreamedSegmentation.segmentFile(alone, file,
                    dir.resolve("a_labels.png"), dir.resolve("a_overlay.png"), dir.resolve("a.csv")).labelsFile());
            LabelImage got = ImageFileReader.readLabels(StreamedSegmentation.segmentFile(pair, file,
                    dir.resolve("b_labels.png"), dir.resolve("b_overlay.png"), dir.resolve("b.csv")).labelsFile());
            assertEquals(want, got, img == tinted ? "colour image: the colour model" : "gray as RGB: the main model");
        }
        LabelImage mainLabels = ImageFileReader.readLabels(dir.resolve("a_labels.png"));
        Path file = png(tinted, "tinted.png");
        LabelImage viaMain = ImageFileReader.readLabels(StreamedSegmentation.segmentFile(main, file,
                dir.resolve("c_labels.png"), dir.resolve("c_overlay.png"), dir.resolve("c.csv")).labelsFile());
        LabelImage viaColour = ImageFileReader.readLabels(StreamedSegmentation.segmentFile(colour, file,
                dir.resolve("d_labels.png"), dir.resolve("d_overlay.png"), dir.resolve("d.csv")).labelsFile());
        assertTrue(!viaMain.equals(viaColour) && mainLabels.countLabels() > 0,
                "the two networks give different labels, so the comparison above says which one ran");
    }

    @Test
    void segmentFileWritesLabelsOverlayAndMeasurements() throws IOException {
        Path file = png(blobs(260, 300, 5, 150), "img.png");
        Predictor p = new Predictor(blobDetector(), NetworkInput.NAME, Head.FOREGROUND).blendedTiles(64, 16);
        StreamedSegmentation.Result r = StreamedSegmentation.segmentFile(p, file, dir.resolve("img_labels.png"),
                dir.resolve("img_overlay.png"), dir.resolve("img_nuclei.csv"));
        assertEquals(dir.resolve("img_labels.png"), r.labelsFile());
        LabelImage labels = ImageFileReader.readLabels(r.labelsFile());
        assertEquals(r.nuclei().size(), labels.countLabels());
        FloatImage image = ImageFileReader.read(file);
        // measurements and overlay as the whole-image writers make them from the same labels
        assertEquals(MeasurementsCsv.toCsv(file.toString(), RegionMeasurements.measure(labels, Grayscale.of(image)),
                Double.NaN),
                Files.readString(dir.resolve("img_nuclei.csv")));
        FloatImage overlay = ImageFileReader.read(dir.resolve("img_overlay.png"));
        FloatImage expected = Overlay.outlines(image, labels);
        for (int i = 0; i < expected.data().length; i++) {
            assertEquals(Math.round(expected.data()[i] * 255), Math.round(overlay.data()[i] * 255), "sample " + i);
        }
    }

    @Test
    void sizesFromTheHeaderDecideTheStreamingAndTheMemoryMessage() {
        ImageHeader small = new ImageHeader(4096, 4096, 1, 8, false, "PNG");
        ImageHeader big = new ImageHeader(8000, 8000, 1, 8, false, "PNG");
        ImageHeader huge = new ImageHeader(200_000, 200_000, 3, 8, false, "TIFF");
        assertFalse(StreamedSegmentation.streams(small));
        assertTrue(StreamedSegmentation.streams(big));
        assertTrue(StreamedSegmentation.streamedBytes(big) < StreamedSegmentation.wholeImageBytes(big) / 4);
        ImageFileException e = assertThrows(ImageFileException.class, () -> StreamedSegmentation.checkFits(
                Path.of("slide.tif"), huge, StreamedSegmentation.streamedBytes(huge)));
        assertTrue(e.getMessage().startsWith("slide.tif: image of 200000x200000 px"), e.getMessage());
        assertTrue(e.getMessage().contains("needs about 271.5 GiB of memory, the Java heap has"), e.getMessage());
    }
}
