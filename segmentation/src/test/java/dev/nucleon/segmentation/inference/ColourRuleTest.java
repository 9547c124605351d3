package dev.nucleon.segmentation.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.io.ImageFileReader;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Which images go to the colour model: stained transmitted-light colour, not gray, JPEG-noisy gray or false colour. */
class ColourRuleTest {
    private static final int W = 64, H = 48, N = W * H;

    /** A lit background (0.8) with darker disks (0.3) — transmitted light — as R, G, B planes scaled by the gains. */
    private static FloatImage litImage(float r, float g, float b, float noise, long seed) {
        Random rnd = new Random(seed);
        float[] d = new float[3 * N];
        float[] gains = {r, g, b};
        for (int i = 0; i < N; i++) {
            int x = i % W, y = i / W;
            float v = ((x % 16 - 8) * (x % 16 - 8) + (y % 16 - 8) * (y % 16 - 8) < 25) ? 0.3f : 0.8f;
            for (int c = 0; c < 3; c++) {
                d[c * N + i] = Math.max(0, Math.min(1, v * gains[c] + noise * (float) rnd.nextGaussian()));
            }
        }
        return new FloatImage(W, H, 3, d);
    }

    @Test
    void stainedColourGoesGrayAndNearGrayStay() {
        assertTrue(ColourRule.isColour(litImage(0.9f, 0.6f, 0.9f, 0, 1)), "pink / purple, lit: H&E-like");
        assertFalse(ColourRule.isColour(litImage(1, 1, 1, 0, 1)), "three equal channels");
        FloatImage jpegGray = litImage(1, 1, 1, 0, 1);
        Random r = new Random(2);
        float[] d = jpegGray.data();
        for (int i = 0; i < N; i++) { // chroma noise of up to 4 levels of 255, as JPEG leaves on a gray image
            d[N + i] = Math.max(0, Math.min(1, d[i] + (r.nextInt(9) - 4) / 255f));
            d[2 * N + i] = Math.max(0, Math.min(1, d[i] + (r.nextInt(9) - 4) / 255f));
        }
        assertFalse(ColourRule.isColour(jpegGray), "gray with JPEG chroma noise");
        assertFalse(ColourRule.isColour(new FloatImage(W, H, 1, new float[N])), "one channel");
    }

    @Test
    void darkFalseColourFluorescenceStaysWithTheMainModel() {
        float[] d = new float[3 * N];
        for (int i = 0; i < N; i++) {
            int x = i % W, y = i / W;
            boolean nucleus = (x % 16 - 8) * (x % 16 - 8) + (y % 16 - 8) * (y % 16 - 8) < 25;
            d[2 * N + i] = nucleus ? 0.9f : 0.05f; // DAPI shown in blue: R = G = 0
        }
        assertFalse(ColourRule.isColour(new FloatImage(W, H, 3, d)));
    }

    @Test
    void aRasterOfIntegerSamplesGetsTheSameAnswer() {
        for (FloatImage image : new FloatImage[] {litImage(0.9f, 0.6f, 0.9f, 0.02f, 3), litImage(1, 1, 1, 0, 4)}) {
            for (int bits : new int[] {8, 16}) {
                int max = (1 << bits) - 1;
                BufferedImage img = new BufferedImage(W, H, bits == 8 ? BufferedImage.TYPE_3BYTE_BGR
                        : BufferedImage.TYPE_USHORT_GRAY);
                WritableRaster raster = bits == 8 ? img.getRaster()
                        : javax.imageio.ImageTypeSpecifier.createInterleaved(java.awt.color.ColorSpace.getInstance(
                                java.awt.color.ColorSpace.CS_sRGB), new int[] {0, 1, 2}, java.awt.image.DataBuffer.TYPE_USHORT,
                                false, false).createBufferedImage(W, H).getRaster();
                float[] d = image.data();
                for (int i = 0; i < N; i++) {
                    for (int c = 0; c < 3; c++) {
                        raster.setSample(i % W, i / W, c, Math.round(d[c * N + i] * max));
                    }
                }
                assertEquals(ColourRule.isColour(image), ColourRule.isColour(raster), bits + "-bit");
            }
        }
    }

    @Test
    void theDemoColourSampleIsColourAndTheGrayOnesAreNot() throws IOException {
        Path samples = Path.of("").toAbsolutePath();
        while (samples != null && !Files.isDirectory(samples.resolve("samples").resolve("0121d675"))) {
            samples = samples.getParent();
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(samples != null, "the repository's samples/ folder");
        Path dir = samples.resolve("samples");
        assertTrue(ColourRule.isColour(ImageFileReader.read(dir.resolve("0121d675/image.png"))));
        for (String gray : new String[] {"0280fa8f", "02903040", "0402a81e"}) {
            assertFalse(ColourRule.isColour(ImageFileReader.read(dir.resolve(gray + "/image.png"))), gray);
        }
    }

    /**
     * On every DSB2018 training image the rule agrees with the grouped split's kinds (its {@code colour} kind is "any
     * pixel off gray", the rule the colour model was chosen with); skipped without the shared dataset.
     */
    @Test
    void onDsb2018ItPicksExactlyTheColourKind() throws IOException {
        java.util.Optional<Path> data = dev.nucleon.segmentation.TestData.dsb2018();
        org.junit.jupiter.api.Assumptions.assumeTrue(data.isPresent(), "shared/datasets/dsb2018 not found");
        Path csv = Path.of("").toAbsolutePath();
        while (csv != null && !Files.isRegularFile(csv.resolve("docs/validation/dsb2018-grouped-split.csv"))) {
            csv = csv.getParent();
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(csv != null, "docs/validation/dsb2018-grouped-split.csv");
        dev.nucleon.segmentation.dataset.Dsb2018Dataset set = dev.nucleon.segmentation.dataset.Dsb2018Dataset.open(data.get());
        java.util.List<String> rows = Files.readAllLines(csv.resolve("docs/validation/dsb2018-grouped-split.csv"));
        int colour = 0;
        StringBuilder wrong = new StringBuilder();
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",");
            boolean is = ColourRule.isColour(set.get(f[0]).readImage());
            colour += is ? 1 : 0;
            if (is != f[1].equals("colour")) {
                wrong.append(' ').append(f[0], 0, 8).append(" (").append(f[1]).append(')');
            }
        }
        assertEquals("", wrong.toString(), "images the rule routes differently from their kind");
        assertEquals(107, colour);
    }
}
