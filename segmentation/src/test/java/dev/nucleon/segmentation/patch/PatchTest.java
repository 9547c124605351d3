package dev.nucleon.segmentation.patch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.TestData;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.io.ImageFileReader;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PatchTest {
    @Test
    void gridOriginsFlushAndPadded() {
        assertArrayEquals(new int[] {0}, PatchGrid.origins(256, 256, 256));
        assertArrayEquals(new int[] {0}, PatchGrid.origins(200, 256, 256));
        assertArrayEquals(new int[] {0, 64}, PatchGrid.origins(320, 256, 256));
        assertArrayEquals(new int[] {0, 256, 440}, PatchGrid.origins(696, 256, 256));
        assertArrayEquals(new int[] {0, 256, 512, 768}, PatchGrid.origins(1024, 256, 256));
        assertArrayEquals(new int[] {0, 100, 200, 300, 344}, PatchGrid.origins(600, 256, 100));
        // 696x520 (DSB's common size): 3 x 3 patches
        assertEquals(9, PatchGrid.paper004(696, 520).origins().size());
    }

    @Test
    void smallImagesAreZeroPadded() {
        FloatImage img = new FloatImage(2, 1, 1, new float[] {0.5f, 0.7f});
        PatchGrid g = new PatchGrid(2, 1, 4, 4);
        FloatImage p = g.extract(img, 0, 0);
        assertArrayEquals(new float[] {0.5f, 0.7f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, p.data());
        List<Patch> all = g.extractAll(img, LabelImage.parse("12"));
        assertEquals(1, all.size());
        assertEquals(2, all.get(0).labels().get(1, 0));
        assertEquals(0, all.get(0).labels().get(3, 3));
    }

    @Test
    void maxStitchingReassemblesTheImage() throws IOException {
        FloatImage img = ImageFileReader.read(TestData.image(TestData.COLOUR_ID)); // 320 x 256
        PatchGrid g = new PatchGrid(img.width(), img.height(), 128, 128);
        MaxStitcher s = new MaxStitcher(img.width(), img.height(), img.channels());
        for (int[] o : g.origins()) {
            s.add(g.extract(img, o[0], o[1]), o[0], o[1]);
        }
        assertArrayEquals(img.data(), s.result().data());
        MaxStitcher m = new MaxStitcher(3, 1, 1);
        m.add(new FloatImage(2, 1, 1, new float[] {0.2f, 0.9f}), 0, 0);
        m.add(new FloatImage(2, 1, 1, new float[] {0.5f, -1f}), 1, 0);
        assertArrayEquals(new float[] {0.2f, 0.9f, -1f}, m.result().data());
        MaxStitcher partial = new MaxStitcher(3, 1, 1);
        partial.add(new FloatImage(1, 1, 1, new float[] {-2f}), 0, 0);
        assertArrayEquals(new float[] {-2f, 0, 0}, partial.result().data(), "uncovered pixels are 0");
    }

    @Test
    void tilingWithIdentityAndNeighbourhoodModelsIsSeamless() throws IOException {
        FloatImage img = ImageFileReader.read(TestData.image(TestData.COLOUR_ID)).withoutAlpha();
        TiledInference t = new TiledInference(100, 4, TiledInference.Padding.REFLECT);
        assertArrayEquals(img.data(), t.run(img, tile -> tile).data());
        TileModel mean = tile -> boxMean(tile, 2);
        FloatImage tiled = t.run(img, mean);
        // reference: the model on the whole image padded by reflection, cropped
        FloatImage whole = new TiledInference(10_000, 4, TiledInference.Padding.REFLECT).run(img, mean);
        assertArrayEquals(whole.data(), tiled.data(), 1e-6f);
        // too small a margin shows seams
        FloatImage seamy = new TiledInference(100, 1, TiledInference.Padding.REFLECT).run(img, mean);
        float diff = 0;
        for (int i = 0; i < whole.data().length; i++) {
            diff = Math.max(diff, Math.abs(whole.data()[i] - seamy.data()[i]));
        }
        assertTrue(diff > 1e-3, "margin smaller than the receptive radius leaves seams");
        FloatImage zero = new TiledInference(64, 3, TiledInference.Padding.ZERO).readWithContext(
                RegionSource.of(img), 0, 0, 64, 64);
        assertEquals(70, zero.width());
        assertEquals(0f, zero.get(0, 0, 0));
        assertEquals(img.get(0, 0, 0), zero.get(3, 3, 0));
    }

    @Test
    void tilesAFileRegionByRegion(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        FloatImage img = dev.nucleon.segmentation.preprocess.Grayscale.of(
                ImageFileReader.read(TestData.image(TestData.COLOUR_ID)));
        java.nio.file.Path tif = dir.resolve("big.tif");
        dev.nucleon.segmentation.io.ImageFileWriter.writeGray(img, tif, 16);
        ImageFileRegionSource src = new ImageFileRegionSource(tif, 0);
        assertEquals(320, src.width());
        assertEquals(256, src.height());
        assertEquals(1, src.channels());
        FloatImage out = FloatImage.zeros(320, 256, 1);
        new TiledInference(96, 5, TiledInference.Padding.REFLECT).run(src, t -> t, RegionSink.into(out));
        assertArrayEquals(ImageFileReader.read(tif).data(), out.data());
    }

    /** A fake neighbourhood "model": mean over a (2r+1)² window, clamped at the tile edge. */
    static FloatImage boxMean(FloatImage t, int r) {
        int w = t.width(), h = t.height(), n = w * h;
        float[] out = new float[t.data().length];
        for (int c = 0; c < t.channels(); c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float s = 0;
                    for (int dy = -r; dy <= r; dy++) {
                        for (int dx = -r; dx <= r; dx++) {
                            int xx = Math.max(0, Math.min(w - 1, x + dx)), yy = Math.max(0, Math.min(h - 1, y + dy));
                            s += t.data()[c * n + yy * w + xx];
                        }
                    }
                    out[c * n + y * w + x] = s / ((2 * r + 1) * (2 * r + 1));
                }
            }
        }
        return new FloatImage(w, h, t.channels(), out);
    }
}
