package dev.nucleon.segmentation.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.image.FloatImage;

import java.io.IOException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A 10,000 × 10,000 image (400 MB as floats, never materialised) streamed through the tiler from a
 * procedural source into a verifying sink: bounded memory, every output pixel checked.
 */
class LargeImageTilingTest {
    static final int SIZE = 10_000;

    /** A cheap deterministic pseudo-random image, computed on demand. */
    static float value(int x, int y) {
        int hsh = x * 0x27d4eb2d ^ y * 0x165667b1;
        hsh ^= hsh >>> 15;
        return (hsh & 0xffff) / 65536f;
    }

    static final class Procedural implements RegionSource {
        final int w;
        final int h;
        long largestRead;

        Procedural(int w, int h) {
            this.w = w;
            this.h = h;
        }

        @Override
        public int width() {
            return w;
        }

        @Override
        public int height() {
            return h;
        }

        @Override
        public int channels() {
            return 1;
        }

        @Override
        public FloatImage read(int x, int y, int rw, int rh) {
            largestRead = Math.max(largestRead, (long) rw * rh);
            float[] d = new float[rw * rh];
            for (int yy = 0; yy < rh; yy++) {
                for (int xx = 0; xx < rw; xx++) {
                    d[yy * rw + xx] = value(x + xx, y + yy);
                }
            }
            return new FloatImage(rw, rh, 1, d);
        }
    }

    @Test
    void pointwiseModelOnTenThousandSquared() throws IOException {
        Procedural src = new Procedural(SIZE, SIZE);
        long[] written = {0};
        new TiledInference(1024, 8, TiledInference.Padding.REFLECT).run(src, tile -> {
            float[] d = tile.data().clone();
            for (int i = 0; i < d.length; i++) {
                d[i] = 2 * d[i] + 1;
            }
            return new FloatImage(tile.width(), tile.height(), 1, d);
        }, (x, y, region) -> {
            float[] d = region.data();
            for (int yy = 0; yy < region.height(); yy++) {
                for (int xx = 0; xx < region.width(); xx++) {
                    if (d[yy * region.width() + xx] != 2 * value(x + xx, y + yy) + 1) {
                        throw new AssertionError("pixel " + (x + xx) + "," + (y + yy));
                    }
                }
            }
            written[0] += (long) region.width() * region.height();
        });
        assertTrue(written[0] >= (long) SIZE * SIZE, "every pixel written");
        assertTrue(src.largestRead <= (1024L + 16) * (1024 + 16), "bounded memory: one tile at a time");
    }

    @Test
    void neighbourhoodModelOnAMidSizeImage() throws IOException {
        checkNeighbourhood(2_500, 1_700, 512);
    }

    @Test
    @Tag("slow")
    void neighbourhoodModelOnTenThousandSquared() throws IOException {
        checkNeighbourhood(SIZE, SIZE, 1024);
    }

    private static void checkNeighbourhood(int w, int h, int tile) throws IOException {
        Procedural src = new Procedural(w, h);
        boolean[] seen = new boolean[0];
        long[] count = {0};
        new TiledInference(tile, 2, TiledInference.Padding.REFLECT).run(src, t -> PatchTest.boxMean(t, 1),
                (x, y, region) -> {
                    for (int yy = 0; yy < region.height(); yy++) {
                        for (int xx = 0; xx < region.width(); xx++) {
                            int gx = x + xx, gy = y + yy;
                            float s = 0;
                            for (int dy = -1; dy <= 1; dy++) {
                                for (int dx = -1; dx <= 1; dx++) {
                                    s += value(TiledInference.reflect101(gx + dx, w), TiledInference.reflect101(gy + dy, h));
                                }
                            }
                            float got = region.get(xx, yy);
                            if (Math.abs(got - s / 9f) > 1e-5f) {
                                throw new AssertionError("seam at " + gx + "," + gy + ": " + got + " vs " + s / 9f);
                            }
                        }
                    }
                    count[0] += (long) region.width() * region.height();
                });
        assertEquals(0, seen.length);
        assertTrue(count[0] >= (long) w * h);
        assertTrue(src.largestRead <= (long) (tile + 4) * (tile + 4));
    }
}
