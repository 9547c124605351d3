package dev.nucleon.segmentation.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.image.FloatImage;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Channels, pages and calibration of TIFF files as microscopes and ImageJ write them (written by {@link TiffBuilder},
 * not by ImageIO): a multi-channel or multi-page file is never silently read on its first plane.
 */
class ImagePlaneTest {
    @TempDir
    Path dir;

    private static final int W = 6, H = 4;

    /** (H, W, S) samples where sample s of pixel i is {@code base + 10·s + i}. */
    private static int[] samples(int s, int base) {
        int[] v = new int[W * H * s];
        for (int i = 0; i < W * H; i++) {
            for (int c = 0; c < s; c++) {
                v[i * s + c] = base + 10 * c + i;
            }
        }
        return v;
    }

    @Test
    void twoSamplesWithoutExtraSamplesAreTwoChannelsThatMustBeChosen() throws IOException {
        Path f = new TiffBuilder(W, H, 2, 8).page(samples(2, 0)).write(dir.resolve("two.tif"));
        ImageHeader h = ImageFileReader.probe(f);
        assertTrue(h.separateChannels(), h.toString());
        assertEquals(2, h.choosableChannels());
        ImageFileException e = assertThrows(ImageFileException.class, () -> ImagePlane.choose(f, h, null, null));
        assertEquals(f + ": holds 2 channels (samples per pixel) and 1 page (8-bit 6x4); choose with --channel 0..1",
                e.getMessage());
        ImagePlane second = ImagePlane.choose(f, h, 1, null);
        assertEquals(new ImagePlane(0, 1), second);
        FloatImage img = ImageFileReader.read(f, second);
        assertEquals(1, img.channels());
        assertEquals((10 + 7) / 255f, img.get(1, 1), 1e-6); // pixel 7 = (1, 1)
        BufferedImage compact = ImageFileReader.readCompact(f, second);
        assertEquals(1, compact.getRaster().getNumBands());
        assertEquals(10 + 7, compact.getRaster().getSample(1, 1, 0));
        ImageFileException out = assertThrows(ImageFileException.class, () -> ImagePlane.choose(f, h, 2, null));
        assertEquals(f + ": channel 2 requested, the file holds 2 channels (0..1)", out.getMessage());
    }

    @Test
    void grayWithAnExtraSamplesAlphaAndRgbStayAutomatic() throws IOException {
        Path ga = new TiffBuilder(W, H, 2, 8).page(samples(2, 0)).extraSamples(2).write(dir.resolve("ga.tif"));
        assertFalse(ImageFileReader.probe(ga).separateChannels());
        assertEquals(ImagePlane.FIRST, ImagePlane.choose(ga, ImageFileReader.probe(ga), null, null));
        Path rgb = new TiffBuilder(W, H, 3, 8).photometric(2).page(samples(3, 0)).write(dir.resolve("rgb.tif"));
        ImageHeader h = ImageFileReader.probe(rgb);
        assertEquals(ImagePlane.FIRST, ImagePlane.choose(rgb, h, null, null));
        assertEquals(3, ImageFileReader.read(rgb, ImagePlane.FIRST).channels());
        FloatImage blue = ImageFileReader.read(rgb, ImagePlane.choose(rgb, h, 2, null)); // a colour picked by index
        assertEquals(1, blue.channels());
        assertEquals((20 + 7) / 255f, blue.get(1, 1), 1e-6);
        assertThrows(ImageFileException.class, () -> ImagePlane.choose(rgb, h, 3, null));
    }

    @Test
    void anImageJHyperstackHasItsChannelsAsPagesInChannelFastestOrder() throws IOException {
        TiffBuilder b = new TiffBuilder(W, H, 1, 16)
                .description("ImageJ=1.54f\nimages=6\nchannels=2\nslices=3\nhyperstack=true\nmode=composite\n");
        for (int p = 0; p < 6; p++) {
            b.page(samples(1, 1000 * p));
        }
        Path f = b.write(dir.resolve("stack.tif"));
        ImageHeader h = ImageFileReader.probe(f);
        assertEquals(6, h.pages());
        assertEquals(2, h.stackChannels());
        assertEquals(3, h.stackPositions());
        ImageFileException e = assertThrows(ImageFileException.class, () -> ImagePlane.choose(f, h, null, null));
        assertEquals(f + ": holds 2 channels (ImageJ hyperstack) and 3 pages (16-bit 6x4); choose with --channel 0..1"
                + " --page 0..2", e.getMessage());
        ImagePlane plane = ImagePlane.choose(f, h, 1, 2); // c + C·z = 1 + 2·2
        assertEquals(new ImagePlane(5, -1), plane);
        assertEquals((5000 + 7) / 65535f, ImageFileReader.read(f, plane).get(1, 1), 1e-7);
        ImageFileException page = assertThrows(ImageFileException.class, () -> ImagePlane.choose(f, h, 0, 3));
        assertEquals(f + ": page 3 requested, the file holds 3 pages (0..2)", page.getMessage());
    }

    @Test
    void aPlainMultiPageTiffNeedsAPage() throws IOException {
        Path f = new TiffBuilder(W, H, 1, 8).page(samples(1, 0)).page(samples(1, 50)).write(dir.resolve("pages.tif"));
        ImageHeader h = ImageFileReader.probe(f);
        assertEquals(2, h.pages());
        ImageFileException e = assertThrows(ImageFileException.class, () -> ImagePlane.choose(f, h, null, null));
        assertTrue(e.getMessage().startsWith(f + ": holds 1 channel and 2 pages"), e.getMessage());
        assertTrue(e.getMessage().endsWith("choose with --page 0..1"), e.getMessage());
        assertEquals(57 / 255f, ImageFileReader.read(f, ImagePlane.choose(f, h, null, 1)).get(1, 1), 1e-6);
        assertEquals(ImagePlane.FIRST, ImagePlane.choose(f, h, 0, 0));
    }

    @Test
    void aThumbnailPageOfAnotherSizeIsNotAStack() throws IOException {
        Path image = new TiffBuilder(W, H, 1, 8).page(samples(1, 0)).write(dir.resolve("image.tif"));
        Path thumb = new TiffBuilder(2, 2, 1, 8).page(new int[] {1, 2, 3, 4}).write(dir.resolve("thumb.tif"));
        // join the two: the image's IFD chain, then the thumbnail's, as scanners write a full image and its preview
        byte[] a = java.nio.file.Files.readAllBytes(image), b = java.nio.file.Files.readAllBytes(thumb);
        Path both = new TiffBuilder(W, H, 1, 8).page(samples(1, 0)).page(samples(1, 0)).write(dir.resolve("x.tif"));
        assertEquals(2, ImageFileReader.probe(both).pages(), "same-size pages are a stack");
        java.nio.ByteBuffer joined = java.nio.ByteBuffer.allocate(a.length + b.length)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).put(a).put(b);
        int bIfd = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(4) + a.length;
        int aIfd = joined.getInt(4);
        int entries = joined.getShort(aIfd) & 0xFFFF;
        joined.putInt(aIfd + 2 + 12 * entries, bIfd); // the image's next-IFD pointer
        int bEntries = joined.getShort(bIfd) & 0xFFFF;
        for (int e = 0; e < bEntries; e++) { // shift the thumbnail's strip offset by the image's length
            int at = bIfd + 2 + 12 * e;
            if ((joined.getShort(at) & 0xFFFF) == 273) {
                joined.putInt(at + 8, joined.getInt(at + 8) + a.length);
            }
        }
        Path withThumbnail = java.nio.file.Files.write(dir.resolve("thumbnail.tif"), joined.array());
        assertEquals(2, ImageFileReader.pageCount(withThumbnail));
        ImageHeader h = ImageFileReader.probe(withThumbnail);
        assertEquals(1, h.pages());
        assertEquals(ImagePlane.FIRST, ImagePlane.choose(withThumbnail, h, null, null));
        assertEquals(7 / 255f, ImageFileReader.read(withThumbnail, ImagePlane.FIRST).get(1, 1), 1e-6);
    }

    @Test
    void calibrationComesFromImageJsUnitOrFromInchAndCentimetreResolutions() throws IOException {
        int[] px = samples(1, 0);
        Path imageJ = new TiffBuilder(W, H, 1, 8).page(px).resolution(1 / 0.325, 1)
                .description("ImageJ=1.54f\nunit=micron\n").write(dir.resolve("ij.tif"));
        assertEquals(0.325, ImageFileReader.probe(imageJ).micronsPerPixel(), 1e-6);
        Path imageJNm = new TiffBuilder(W, H, 1, 8).page(px).resolution(1 / 250.0, 1)
                .description("ImageJ=1.54f\nunit=nm\n").write(dir.resolve("nm.tif"));
        assertEquals(0.25, ImageFileReader.probe(imageJNm).micronsPerPixel(), 1e-6);
        Path mu = new TiffBuilder(W, H, 1, 8).page(px).resolution(2, 1)
                .description("ImageJ=1.54f\nunit=\\u00B5m\n").write(dir.resolve("mu.tif"));
        assertEquals(0.5, ImageFileReader.probe(mu).micronsPerPixel(), 1e-6);
        Path cm = new TiffBuilder(W, H, 1, 8).page(px).resolution(40_000, 3).write(dir.resolve("cm.tif"));
        assertEquals(0.25, ImageFileReader.probe(cm).micronsPerPixel(), 1e-6);
        Path inch = new TiffBuilder(W, H, 1, 8).page(px).resolution(25_400 / 0.5, 2).write(dir.resolve("in.tif"));
        assertEquals(0.5, ImageFileReader.probe(inch).micronsPerPixel(), 1e-6);
        Path screen = new TiffBuilder(W, H, 1, 8).page(px).resolution(72, 2).write(dir.resolve("72dpi.tif"));
        assertTrue(Double.isNaN(ImageFileReader.probe(screen).micronsPerPixel()), "72 dpi is no calibration");
        Path none = new TiffBuilder(W, H, 1, 8).page(px).resolution(3, 1).write(dir.resolve("none.tif"));
        assertTrue(Double.isNaN(ImageFileReader.probe(none).micronsPerPixel()), "unit none without ImageJ's unit");
        Path bare = new TiffBuilder(W, H, 1, 8).page(px).write(dir.resolve("bare.tif"));
        assertTrue(Double.isNaN(ImageFileReader.probe(bare).micronsPerPixel()));
        Path pixelUnit = new TiffBuilder(W, H, 1, 8).page(px).resolution(1, 1)
                .description("ImageJ=1.54f\nunit=pixel\n").write(dir.resolve("px.tif"));
        assertTrue(Double.isNaN(ImageFileReader.probe(pixelUnit).micronsPerPixel()));
    }
}
