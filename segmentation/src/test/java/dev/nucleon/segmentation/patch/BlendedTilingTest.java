package dev.nucleon.segmentation.patch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.image.FloatImage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@link BlendedTiling}: exact reconstruction under an identity model, the blend as a convex combination
 * checked against an independent double-precision evaluation of the class comment's formulas, tile origins
 * over many lengths, seam suppression for a model with border effects, argument checks and batching.
 */
class BlendedTilingTest {
    /**
     * Relative to max(1, |expected|). The output is Σ w·p / Σ w over at most 4 tiles per pixel (2 per axis
     * in these geometries, more only where tiles are tiny), each product and sum rounded once in float32:
     * ≤ ~10 roundings of 2⁻²⁴ ≈ 6·10⁻⁸; an indexing or weighting mistake errs by orders of magnitude more.
     */
    static final double TOLERANCE = 1e-6;

    static FloatImage random(int w, int h, int c, long seed) {
        Random r = new Random(seed);
        float[] d = new float[w * h * c];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextFloat();
        }
        return new FloatImage(w, h, c, d);
    }

    /** (n, 2, s, s) → (n, 2, s, s): channel 0 copied, channel 1 doubled. */
    static float[] identityAndDouble(float[] x, int n, int side) {
        int plane = side * side;
        float[] y = new float[x.length];
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < plane; i++) {
                y[(2 * b) * plane + i] = x[(2 * b) * plane + i];
                y[(2 * b + 1) * plane + i] = 2 * x[(2 * b + 1) * plane + i];
            }
        }
        return y;
    }

    @Test
    void identityModelReproducesTheInput() {
        int[][] sizes = {{1, 1}, {17, 300}, {300, 17}, {256, 256}, {257, 513}, {600, 400}};
        int[][] configs = {{256, 32}, {256, 64}, {64, 0}};
        for (int[] size : sizes) {
            FloatImage in = random(size[0], size[1], 2, 31L * size[0] + size[1]);
            for (int[] cfg : configs) {
                FloatImage out = new BlendedTiling(cfg[0], cfg[1]).run(in, BlendedTilingTest::identityAndDouble, 3);
                String where = size[0] + "x" + size[1] + ", tile " + cfg[0] + ", overlap " + cfg[1];
                assertEquals(in.width(), out.width(), where);
                assertEquals(in.height(), out.height(), where);
                assertEquals(2, out.channels(), where);
                for (int y = 0; y < in.height(); y++) {
                    for (int x = 0; x < in.width(); x++) {
                        assertClose(in.get(x, y, 0), out.get(x, y, 0), where + " at " + x + "," + y + " ch 0");
                        assertClose(2 * in.get(x, y, 1), out.get(x, y, 1), where + " at " + x + "," + y + " ch 1");
                    }
                }
            }
        }
    }

    /** The class comment's window, in double, written out independently of {@link BlendedTiling#window}. */
    static double weight(int i, int origin, int length, int tile, int overlap) {
        double w = 1;
        if (origin > 0) {
            w = Math.min(w, (i + 1.0) / (overlap + 1));
        }
        if (origin + tile < length) {
            w = Math.min(w, (tile - i) / (overlap + 1.0));
        }
        return w;
    }

    @Test
    void tileConstantModelGivesConvexCombinationsAndExactValuesWhereOneTileCovers() {
        // {width, height, tile, overlap}
        int[][] cases = {{300, 257, 64, 16}, {256, 128, 64, 0}, {600, 400, 256, 64}, {40, 300, 64, 8},
                {130, 70, 64, 1}};
        for (int[] cs : cases) {
            int w = cs[0], h = cs[1], tile = cs[2], overlap = cs[3];
            String where = w + "x" + h + ", tile " + tile + ", overlap " + overlap;
            int[] xs = BlendedTiling.origins(w, tile, overlap), ys = BlendedTiling.origins(h, tile, overlap);
            // input channels are the pixel's coordinates, so a tile's first pixel tells the model its origin
            float[] coords = new float[2 * w * h];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    coords[y * w + x] = x;
                    coords[w * h + y * w + x] = y;
                }
            }
            FloatImage in = new FloatImage(w, h, 2, coords);
            FloatImage out = new BlendedTiling(tile, overlap).run(in, (x, n, side) -> {
                float[] y = new float[n * side * side];
                for (int b = 0; b < n; b++) {
                    int ox = (int) x[2 * b * side * side], oy = (int) x[(2 * b + 1) * side * side];
                    Arrays.fill(y, b * side * side, (b + 1) * side * side,
                            value(indexOf(xs, ox), indexOf(ys, oy)));
                }
                return y;
            }, 4);
            assertEquals(1, out.channels(), where);

            int single = 0, multiple = 0;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double num = 0, den = 0, lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
                    int covering = 0;
                    for (int ty = 0; ty < ys.length; ty++) {
                        if (y < ys[ty] || y >= ys[ty] + tile) {
                            continue;
                        }
                        for (int tx = 0; tx < xs.length; tx++) {
                            if (x < xs[tx] || x >= xs[tx] + tile) {
                                continue;
                            }
                            double wt = weight(x - xs[tx], xs[tx], w, tile, overlap)
                                    * weight(y - ys[ty], ys[ty], h, tile, overlap);
                            float v = value(tx, ty);
                            num += wt * v;
                            den += wt;
                            lo = Math.min(lo, v);
                            hi = Math.max(hi, v);
                            covering++;
                        }
                    }
                    float got = out.get(x, y);
                    String at = where + " at " + x + "," + y;
                    assertClose(num / den, got, at);
                    assertTrue(got >= lo - TOLERANCE * hi && got <= hi + TOLERANCE * hi,
                            at + ": " + got + " outside [" + lo + ", " + hi + "]");
                    if (covering == 1) {
                        assertEquals(lo, got, 0.0, at + " is covered by one tile only");
                        single++;
                    } else {
                        multiple++;
                    }
                }
            }
            assertTrue(single > 0, where + ": no pixel covered by a single tile");
            assertTrue(overlap == 0 && w % tile == 0 && h % tile == 0 ? multiple == 0 : multiple > 0,
                    where + ": " + multiple + " pixels covered by several tiles");
        }
    }

    static float value(int tx, int ty) {
        return 1 + tx + 10 * ty;
    }

    static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        throw new AssertionError("origin " + v + " not among the tile origins");
    }

    @Test
    void originsCoverTheSideEvenlyWithTheRequestedOverlap() {
        assertArrayEquals(new int[] {0}, BlendedTiling.origins(1, 256, 32));
        assertArrayEquals(new int[] {0}, BlendedTiling.origins(256, 256, 32));
        assertArrayEquals(new int[] {0, 1}, BlendedTiling.origins(257, 256, 32));
        assertArrayEquals(new int[] {0, 172, 344}, BlendedTiling.origins(600, 256, 32));
        assertArrayEquals(new int[] {0, 256}, BlendedTiling.origins(512, 256, 0));
        assertArrayEquals(new int[] {0, 59, 118, 177, 236}, BlendedTiling.origins(300, 64, 0));
        assertArrayEquals(new int[] {0, 48, 96, 144, 192}, BlendedTiling.origins(256, 64, 8));
        assertArrayEquals(new int[] {0, 47, 94, 142, 189, 236}, BlendedTiling.origins(300, 64, 8)); // 47.2 · i rounded

        int[][] configs = {{16, 0}, {16, 15}, {64, 0}, {64, 8}, {256, 32}, {256, 64}, {256, 255}};
        for (int[] cfg : configs) {
            int tile = cfg[0], overlap = cfg[1];
            for (int length = 1; length <= 1200; length++) {
                int[] o = BlendedTiling.origins(length, tile, overlap);
                String where = "length " + length + ", tile " + tile + ", overlap " + overlap;
                int expectedCount = length <= tile ? 1
                        : (int) Math.ceil((double) (length - overlap) / (tile - overlap));
                assertEquals(expectedCount, o.length, where);
                assertEquals(0, o[0], where);
                assertEquals(Math.max(0, length - tile), o[o.length - 1], where);
                int minStep = Integer.MAX_VALUE, maxStep = 0;
                for (int i = 0; i + 1 < o.length; i++) {
                    int step = o[i + 1] - o[i];
                    assertTrue(step > 0, where + ": origins not increasing at " + i);
                    assertTrue(o[i] + tile - o[i + 1] >= overlap, where + ": tiles " + i + " and " + (i + 1)
                            + " overlap by " + (o[i] + tile - o[i + 1]));
                    minStep = Math.min(minStep, step);
                    maxStep = Math.max(maxStep, step);
                }
                for (int v : o) {
                    assertTrue(v >= 0 && (length <= tile || v + tile <= length), where + ": tile at " + v
                            + " leaves the image");
                }
                assertTrue(o.length < 2 || maxStep - minStep <= 1, where + ": steps " + minStep + ".." + maxStep);
            }
        }
    }

    @Test
    void windowRampsOverTheOverlapExceptAtTheImageBorder() {
        assertArrayEquals(new float[] {.25f, .5f, .75f, 1, 1, .75f, .5f, .25f},
                BlendedTiling.window(8, 3, true, true));
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, .75f, .5f, .25f}, BlendedTiling.window(8, 3, false, true));
        assertArrayEquals(new float[] {.25f, .5f, .75f, 1, 1, 1, 1, 1}, BlendedTiling.window(8, 3, true, false));
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 1, 1}, BlendedTiling.window(8, 0, true, true));
    }

    @Test
    void sidesShorterThanATileArePaddedByReflection() {
        // (W, H) = (3, 2) and (20, 5) with 16-pixel tiles; the 20-wide image needs no padding along x
        for (int[] size : new int[][] {{3, 2}, {20, 5}, {1, 1}}) {
            int w = size[0], h = size[1];
            float[] d = new float[w * h];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    d[y * w + x] = 100 * y + x;
                }
            }
            List<float[]> tiles = new ArrayList<>();
            new BlendedTiling(16, 4).run(new FloatImage(w, h, 1, d), (x, n, side) -> {
                for (int b = 0; b < n; b++) {
                    tiles.add(Arrays.copyOfRange(x, b * side * side, (b + 1) * side * side));
                }
                return x.clone();
            }, 8);
            int[] xs = BlendedTiling.origins(w, 16, 4);
            assertEquals(xs.length, tiles.size());
            for (int t = 0; t < xs.length; t++) {
                for (int j = 0; j < 16; j++) {
                    for (int i = 0; i < 16; i++) {
                        float expected = 100 * reflect(j, h) + reflect(xs[t] + i, w);
                        assertEquals(expected, tiles.get(t)[j * 16 + i], 0.0,
                                w + "x" + h + ", tile " + t + " at " + i + "," + j);
                    }
                }
            }
        }
        // numpy.pad([0, 1, 2], (0, 13), 'reflect') and numpy.pad([0, 1], (0, 14), 'reflect'), written out
        assertArrayEquals(new int[] {0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1},
                IntStream.range(0, 16).map(i -> reflect(i, 3)).toArray());
        assertArrayEquals(new int[] {0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1},
                IntStream.range(0, 16).map(i -> reflect(i, 2)).toArray());
    }

    /** numpy's 'reflect' past the end of [0, n), repeated: 0 1 … n−1 n−2 … 1 0 1 …; 0 when n = 1. */
    static int reflect(int p, int n) {
        if (n == 1) {
            return 0;
        }
        int q = p % (2 * n - 2);
        return q < n ? q : 2 * n - 2 - q;
    }

    /** (n, 1, s, s) → (n, 1, s, s): 3×3 mean with zero padding at the tile's edge. */
    static float[] boxBlur(float[] x, int n, int side) {
        float[] y = new float[x.length];
        int plane = side * side;
        for (int b = 0; b < n; b++) {
            for (int j = 0; j < side; j++) {
                for (int i = 0; i < side; i++) {
                    float s = 0;
                    for (int dj = -1; dj <= 1; dj++) {
                        for (int di = -1; di <= 1; di++) {
                            int jj = j + dj, ii = i + di;
                            if (jj >= 0 && jj < side && ii >= 0 && ii < side) {
                                s += x[b * plane + jj * side + ii];
                            }
                        }
                    }
                    y[b * plane + j * side + i] = s / 9;
                }
            }
        }
        return y;
    }

    /** |blended − whole-image blur| per pixel, (H, W) row-major. */
    static double[] blurError(FloatImage in, int tile, int overlap) {
        FloatImage blended = new BlendedTiling(tile, overlap).run(in, BlendedTilingTest::boxBlur, 5);
        float[] truth = boxBlur(in.data(), 1, in.width()); // square image: one tile of the whole image
        double[] err = new double[truth.length];
        for (int i = 0; i < err.length; i++) {
            err[i] = Math.abs(blended.data()[i] - truth[i]);
        }
        return err;
    }

    static double max(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, v);
        }
        return m;
    }

    /** Whether coordinate p is the first or last pixel of some tile that does not end at the image border. */
    static boolean onInteriorTileEdge(int p, int[] origins, int tile, int length) {
        for (int o : origins) {
            if ((o > 0 && p == o) || (o + tile < length && p == o + tile - 1)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void overlapSuppressesTheSeamsOfAModelWithBorderEffects() {
        int size = 256, tile = 64;
        float[] d = new float[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                d[y * size + x] = (float) (0.6 + 0.3 * Math.sin(x / 23.0) * Math.cos(y / 31.0));
            }
        }
        FloatImage in = new FloatImage(size, size, 1, d);

        // overlap 0: a 4×4 grid of disjoint tiles; the blur is wrong exactly on the tiles' inner edges
        double[] plain = blurError(in, tile, 0);
        double plainMax = max(plain);
        assertTrue(plainMax > 0.1, "non-overlapping seam error " + plainMax);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                boolean seam = x % tile == 0 && x > 0 || x % tile == tile - 1 && x < size - 1
                        || y % tile == 0 && y > 0 || y % tile == tile - 1 && y < size - 1;
                assertTrue(seam ? plain[y * size + x] > 0.05 : plain[y * size + x] < TOLERANCE,
                        "overlap 0 at " + x + "," + y + ": error " + plain[y * size + x]);
            }
        }

        double previous = plainMax;
        for (int overlap : new int[] {2, 8, 32}) {
            double[] err = blurError(in, tile, overlap);
            int[] o = BlendedTiling.origins(size, tile, overlap);
            double seamMax = 0;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double e = err[y * size + x];
                    if (onInteriorTileEdge(x, o, tile, size) || onInteriorTileEdge(y, o, tile, size)) {
                        seamMax = Math.max(seamMax, e);
                    } else {
                        // every covering tile is exact here, and blending exact values stays exact
                        assertTrue(e < TOLERANCE, "overlap " + overlap + " at " + x + "," + y + ": error " + e);
                    }
                }
            }
            // a tile's edge pixel weighs 1/(overlap+1) against a neighbour near full weight, once per axis
            double bound = plainMax * 2.0 / (overlap + 1);
            assertTrue(seamMax <= bound, "overlap " + overlap + ": seam error " + seamMax + " > " + bound);
            assertTrue(seamMax < previous, "overlap " + overlap + ": seam error " + seamMax
                    + " not below the smaller overlap's " + previous);
            previous = seamMax;
        }
    }

    @Test
    void badArgumentsAreRejectedWithTheirValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BlendedTiling(15, 0));
        assertTrue(e.getMessage().contains("15"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BlendedTiling(64, 64));
        assertTrue(e.getMessage().contains("overlap 64") && e.getMessage().contains("tile 64"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BlendedTiling(64, -1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        FloatImage in = random(100, 80, 2, 1);
        e = assertThrows(IllegalArgumentException.class,
                () -> new BlendedTiling(64, 8).run(in, BlendedTilingTest::identityAndDouble, 0));
        assertTrue(e.getMessage().contains("batchSize") && e.getMessage().contains("0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BlendedTiling.origins(0, 64, 8));
        assertTrue(e.getMessage().contains("length 0"), e.getMessage());

        IllegalStateException s = assertThrows(IllegalStateException.class,
                () -> new BlendedTiling(64, 8).run(in, (x, n, side) -> new float[n * side * side + 1], 2));
        assertTrue(s.getMessage().contains(Integer.toString(2 * 64 * 64 + 1)) && s.getMessage().contains("8192"),
                s.getMessage());
        s = assertThrows(IllegalStateException.class,
                () -> new BlendedTiling(64, 8).run(in, (x, n, side) -> new float[0], 2));
        assertTrue(s.getMessage().contains("0 values"), s.getMessage());
    }

    @Test
    void tilesGoToTheModelInBatchesOfAtMostBatchSize() {
        FloatImage in = random(600, 400, 3, 7);
        int tile = 64, overlap = 8;
        int tiles = BlendedTiling.origins(600, tile, overlap).length * BlendedTiling.origins(400, tile, overlap).length;
        assertEquals(11 * 7, tiles);
        for (int batchSize : new int[] {1, 7, 77, 1000}) {
            List<Integer> calls = new ArrayList<>();
            FloatImage out = new BlendedTiling(tile, overlap).run(in, (x, n, side) -> {
                assertEquals(tile, side);
                assertEquals(n * 3 * side * side, x.length);
                calls.add(n);
                float[] y = new float[n * side * side]; // channel 0 of each tile
                for (int b = 0; b < n; b++) {
                    System.arraycopy(x, b * 3 * side * side, y, b * side * side, side * side);
                }
                return y;
            }, batchSize);
            int total = 0;
            for (int n : calls) {
                assertTrue(n >= 1 && n <= batchSize, "batch of " + n + " with batchSize " + batchSize);
                total += n;
            }
            assertEquals(tiles, total, "batchSize " + batchSize);
            assertEquals((tiles + batchSize - 1) / batchSize, calls.size(), "batchSize " + batchSize);
            assertEquals(1, out.channels());
            for (int i = 0; i < in.planeSize(); i++) {
                assertClose(in.data()[i], out.data()[i], "batchSize " + batchSize + ", pixel " + i);
            }
        }
    }

    static void assertClose(double expected, double actual, String message) {
        double allowed = TOLERANCE * Math.max(1, Math.abs(expected));
        assertTrue(Math.abs(expected - actual) <= allowed, message + ": expected " + expected + ", got " + actual);
    }
}
