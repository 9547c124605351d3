package dev.nucleon.segmentation.inference;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.instance.MeasurementsCsv;
import dev.nucleon.segmentation.instance.NucleusMeasurement;
import dev.nucleon.segmentation.instance.RegionMeasurements;
import dev.nucleon.segmentation.io.ImageFileException;
import dev.nucleon.segmentation.io.ImageFileReader;
import dev.nucleon.segmentation.io.ImageFileWriter;
import dev.nucleon.segmentation.io.ImageHeader;
import dev.nucleon.segmentation.io.ImagePlane;
import dev.nucleon.segmentation.io.StreamedOverlay;
import dev.nucleon.segmentation.patch.BlendedTiling;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Segmentation of images too large to hold as floats several times over (a 20000 × 20000 slide scan): the image
 * is decoded once, to its compact integer form, and everything else streams through bands of rows.
 * <ol>
 *   <li><b>Input</b>: {@link StreamedNetworkInput} — normalisation statistics from histograms in a first pass,
 *       then rows converted on demand;</li>
 *   <li><b>network</b>: {@link BlendedTiling#runRows} — the predictor's blended tiles (its flip TTA too), one row
 *       of tiles at a time; each output row leaves as soon as no later tile covers it;</li>
 *   <li><b>instances by bands</b>: the head output is cut into bands of {@value #BAND_ROWS} rows, each decoded to
 *       instances ({@link Predictor#decode}) with {@value #CONTEXT_ROWS} rows of context above and below; a band
 *       keeps the labels of its own rows;</li>
 *   <li><b>merge across band borders</b> (union-find): around each border both bands labelled the same
 *       {@code 2 · CONTEXT_ROWS} rows; a label of the upper band and one of the lower band are the same nucleus
 *       when both reach the border and they share at least half of the smaller one's pixels there. A nucleus cut by the border keeps one
 *       label; two touching nuclei, which the two bands separate alike, stay apart. Labels are then numbered
 *       1, 2, … in raster order of first appearance.</li>
 * </ol>
 * Memory: the decoded image ({@link ImageHeader#decodedBytes}), one int label map (4 bytes per pixel), and
 * buffers of a band's size — instead of the float image, the network input, the head output, several post-processing
 * planes and an overlay, each of the whole image ({@link #wholeImageBytes}).
 *
 * <p><b>Rescaling is off for streamed images</b>: estimating the nucleus size needs a first full pass over the image
 * and resizing needs it whole, which is what streaming avoids; a streamed image is segmented at its own scale
 * (as {@code --diameter 0}). Given rows equal to the whole-image conversion and the same tiles, the head output
 * equals the whole-image one (up to float rounding of differently batched forward passes); the labels differ only
 * where a band's {@value #CONTEXT_ROWS} rows of context do not hold the whole of a nucleus cut by its border.
 */
final class StreamedSegmentation {
    /**
     * Images with more pixels than this (4096 × 4096, 16.8 megapixels) take the streamed path in {@code segment}:
     * below it the whole-image path needs at most about 1 GB; above it its several whole-image float planes grow
     * past the default heap of small machines (8000 × 8000 took 3.1 GB).
     */
    public static final long STREAM_ABOVE_PIXELS = 4096L * 4096;
    /** Rows of a band the instance step sees at once (plus context). */
    public static final int BAND_ROWS = 512;
    /** Rows of context above and below a band, and half the overlap in which bands are matched. */
    public static final int CONTEXT_ROWS = 64;
    /**
     * Bytes per pixel of the whole-image path beyond the decoded raster: float image and network input (4 B per
     * channel each), head output, blending sums, post-processing planes, labels and the float overlay; an upper
     * estimate from the measured 3.1 GB RSS of an 8000 × 8000 gray image (48 B per pixel).
     */
    static final long WHOLE_IMAGE_BYTES_PER_PIXEL = 48;

    private StreamedSegmentation() {
    }

    /** What one streamed image gave: its measurements, the label file written (a .tif past 65,535 nuclei), labels. */
    public record Result(List<NucleusMeasurement> nuclei, Path labelsFile, LabelImage labels) {
    }

    /** {@return whether {@code segment} streams an image of this header ({@link #STREAM_ABOVE_PIXELS})} */
    public static boolean streams(ImageHeader header) {
        return header.pixels() > STREAM_ABOVE_PIXELS;
    }

    /** {@return estimated heap the whole-image path needs for an image of this header, bytes} */
    public static long wholeImageBytes(ImageHeader header) {
        return header.decodedBytes() + header.floatBytes() + WHOLE_IMAGE_BYTES_PER_PIXEL * header.pixels();
    }

    /**
     * Estimated heap the streamed path needs, bytes: the decoded raster, the int label map, and per band of
     * {@code BAND_ROWS + 2·CONTEXT_ROWS + 256} rows about 64 bytes per pixel (head output, post-processing planes,
     * tiles in flight).
     */
    public static long streamedBytes(ImageHeader header) {
        long bandPixels = (long) header.width() * (BAND_ROWS + 2 * CONTEXT_ROWS + 256);
        return header.decodedBytes() + 4 * header.pixels() + 64 * bandPixels;
    }

    /**
     * Refuses, before decoding, an image whose path would need more than the heap can ever give, with a message
     * saying how much it needs.
     *
     * @param needed bytes the chosen path needs ({@link #streamedBytes} or {@link #wholeImageBytes})
     */
    public static void checkFits(Path file, ImageHeader header, long needed) throws ImageFileException {
        long heap = Runtime.getRuntime().maxMemory();
        if (needed > heap) {
            throw new ImageFileException(file, "image of " + header.width() + "x" + header.height() + " px ("
                    + header.channels() + " channel(s), " + header.bits() + "-bit) needs about "
                    + ImageHeader.formatBytes(needed) + " of memory, the Java heap has "
                    + ImageHeader.formatBytes(heap) + " (raise it with -Xmx, e.g. NUCLEON_JAVA_OPTS=-Xmx"
                    + Math.max(1, (needed + (1L << 30) - 1) >> 30) + "g)");
        }
    }

    /**
     * Segments an image file by streaming and writes its label map ({@link ImageFileWriter#writeLabelsFitting}),
     * its overlay ({@link StreamedOverlay}) and its measurements ({@link MeasurementsCsv}); no output is a copy
     * of the whole image.
     */
    public static Result segmentFile(Predictor predictor, Path file, Path labelsFile, Path overlayFile,
            Path measurementsFile) throws IOException {
        return segmentFile(predictor, file, ImagePlane.FIRST, file.toString(), Double.NaN, labelsFile, overlayFile,
                measurementsFile);
    }

    /**
     * Segments one plane of an image file by streaming (its page, and one sample of it alone when the plane names
     * one, sharing the decoded raster) and writes its outputs; the measurements name {@code image} and are in µm
     * when {@code micronsPerPixel} is known ({@link MeasurementsCsv}).
     *
     * @param predictor        the model and its settings
     * @param file             the image file
     * @param plane            the page and sample to segment
     * @param image            the image's name in the measurements
     * @param micronsPerPixel  the pixel width in µm, NaN when unknown
     * @param labelsFile       where the label map goes
     * @param overlayFile      where the overlay goes
     * @param measurementsFile where the measurements go
     * @return what the image gave
     * @throws IOException when the image cannot be read or segmented, or an output cannot be written
     */
    public static Result segmentFile(Predictor predictor, Path file, ImagePlane plane, String image,
            double micronsPerPixel, Path labelsFile, Path overlayFile, Path measurementsFile) throws IOException {
        ImageHeader header = ImageFileReader.probe(file, plane.page());
        checkFits(file, header, streamedBytes(header));
        BufferedImage decoded = ImageFileReader.readCompact(file, plane);
        if (!StreamedNetworkInput.accepts(decoded)) {
            throw new ImageFileException(file, "an image this large (" + header + ") is segmented by streaming, "
                    + "which reads 8- and 16-bit integer images without a palette");
        }
        if (predictor.colourModel() != null && ColourRule.isColour(decoded.getRaster())) {
            predictor = predictor.colourModel(); // the Predictor's rule for whole images, on the decoded samples
        }
        if (!StreamedNetworkInput.streams(predictor.input())) {
            throw new ImageFileException(file, "an image this large (" + header + ") is segmented by streaming, "
                    + "and this model's input conversion (" + predictor.input() + ") needs the whole image at once");
        }
        LabelImage labels = segment(predictor, decoded);
        List<NucleusMeasurement> rows = measure(labels, decoded);
        Path written = ImageFileWriter.writeLabelsFitting(labels, labelsFile);
        StreamedOverlay.write(decoded, labels, overlayFile);
        MeasurementsCsv.write(image, rows, micronsPerPixel, measurementsFile);
        return new Result(rows, written, labels);
    }

    /** {@return the instances of a decoded image, streamed (see the class comment)} */
    public static LabelImage segment(Predictor predictor, BufferedImage image) {
        StreamedNetworkInput input = new StreamedNetworkInput(image, predictor.input());
        int w = input.width(), h = input.height();
        int[] tiling = predictor.blendedTiling();
        Bands bands = new Bands(predictor, w, h, predictor.head().mapCount(), tiling[0]);
        new BlendedTiling(tiling[0], tiling[1]).runRows(w, h, input.channels(), input::rows,
                predictor::forwardTiles, predictor.batchSize(), bands::accept);
        return bands.finish();
    }

    /**
     * {@link RegionMeasurements} of the labels, with the mean and max intensity of the gray image (as
     * {@code Grayscale.of(ImageFileReader.read(file))}) taken from the decoded raster row by row.
     */
    static List<NucleusMeasurement> measure(LabelImage labels, BufferedImage image) {
        List<NucleusMeasurement> shape = RegionMeasurements.measure(labels, null);
        int max = labels.maxLabel(), w = labels.width(), h = labels.height();
        double[] sum = new double[max + 1];
        float[] top = new float[max + 1];
        Arrays.fill(top, Float.NEGATIVE_INFINITY);
        Raster r = image.getRaster();
        int colour = r.getNumBands() >= 3 ? 3 : 1;
        float scale = (float) (1.0 / ((double) (1L << r.getSampleModel().getSampleSize(0)) - 1.0));
        int[][] row = new int[colour][w];
        int[] l = labels.data();
        for (int y = 0; y < h; y++) {
            for (int c = 0; c < colour; c++) {
                r.getSamples(0, y, w, 1, c, row[c]);
            }
            for (int x = 0; x < w; x++) {
                int k = l[y * w + x];
                if (k <= 0) {
                    continue;
                }
                float g = colour == 3 ? StreamedNetworkInput.gray(row[0][x] * scale, row[1][x] * scale,
                        row[2][x] * scale) : row[0][x] * scale;
                sum[k] += g;
                top[k] = Math.max(top[k], g);
            }
        }
        List<NucleusMeasurement> out = new ArrayList<>(shape.size());
        for (NucleusMeasurement m : shape) {
            int k = m.label();
            out.add(new NucleusMeasurement(k, m.area(), m.centroidX(), m.centroidY(), m.x0(), m.y0(), m.x1(), m.y1(),
                    m.equivalentDiameter(), m.perimeter(), m.circularity(), sum[k] / m.area(), top[k]));
        }
        return out;
    }

    /**
     * Head-output rows arriving top to bottom, decoded band by band into one label map of provisional labels,
     * merged across band borders by union-find.
     */
    private static final class Bands {
        private final Predictor predictor;
        private final int width;
        private final int height;
        private final int channels;
        /** Provisional labels, then (after {@link #finish}) the final ones, (H, W). */
        private final int[] labels;
        /** The buffered head-output rows [bufferStart, bufferEnd), (K, capacity, W). */
        private final float[] buffer;
        private final int capacity;
        private int bufferStart;
        private int bufferEnd;
        /** The next band's first own row. */
        private int bandStart;
        /** Provisional labels used so far; band labels k become offset + k. */
        private int offset;
        private int[] parent = new int[1024];
        /** The previous band's provisional labels over rows [previousStart, previousStart + rows), or null. */
        private int[] previous;
        private int previousStart;

        Bands(Predictor predictor, int width, int height, int channels, int tile) {
            this.predictor = predictor;
            this.width = width;
            this.height = height;
            this.channels = channels;
            this.labels = new int[Math.multiplyExact(width, height)];
            this.capacity = Math.min(height, BAND_ROWS + 2 * CONTEXT_ROWS + tile);
            this.buffer = new float[channels * capacity * width];
        }

        /** A chunk of (K, n, W) head-output rows starting at y0. */
        void accept(int y0, int n, float[] rows) {
            if (y0 != bufferEnd) {
                throw new IllegalStateException("StreamedSegmentation: rows " + y0 + " arrived, expected " + bufferEnd);
            }
            int done = 0;
            while (done < n) {
                int take = Math.min(n - done, capacity - (bufferEnd - bufferStart));
                if (take <= 0) {
                    throw new IllegalStateException("StreamedSegmentation: band buffer full at row " + bufferEnd);
                }
                for (int c = 0; c < channels; c++) {
                    System.arraycopy(rows, (c * n + done) * width, buffer,
                            (c * capacity + bufferEnd - bufferStart) * width, take * width);
                }
                bufferEnd += take;
                done += take;
                decodeReadyBands();
            }
        }

        /** Decodes every band whose rows and context below have all arrived. */
        private void decodeReadyBands() {
            while (bandStart < height) {
                int end = Math.min(height, bandStart + BAND_ROWS), contextEnd = Math.min(height, end + CONTEXT_ROWS);
                if (bufferEnd < contextEnd) {
                    return;
                }
                int contextStart = Math.max(0, bandStart - CONTEXT_ROWS);
                decodeBand(contextStart, bandStart, end, contextEnd);
                bandStart = end;
                drop(Math.max(0, bandStart - CONTEXT_ROWS));
            }
        }

        /** Decodes rows [from, to), keeps the labels of [own, ownEnd), matches the previous band above. */
        private void decodeBand(int from, int own, int ownEnd, int to) {
            int rows = to - from;
            float[] out = new float[channels * rows * width];
            for (int c = 0; c < channels; c++) {
                System.arraycopy(buffer, (c * capacity + from - bufferStart) * width, out, c * rows * width,
                        rows * width);
            }
            LabelImage band = predictor.decode(new FloatImage(width, rows, channels, out));
            int[] local = band.data();
            int count = band.maxLabel();
            ensureParents(offset + count + 1);
            for (int k = 1; k <= count; k++) {
                parent[offset + k] = offset + k;
            }
            // provisional labels of the whole band (context included), for matching and for the band's own rows
            for (int i = 0; i < local.length; i++) {
                if (local[i] > 0) {
                    local[i] += offset;
                }
            }
            if (previous != null) {
                merge(previous, previousStart, local, from, own);
            }
            System.arraycopy(local, (own - from) * width, labels, own * width, (ownEnd - own) * width);
            // the rows the next band will see again: [ownEnd − CONTEXT_ROWS, to)
            int keepFrom = Math.max(from, ownEnd - CONTEXT_ROWS);
            previous = Arrays.copyOfRange(local, (keepFrom - from) * width, rows * width);
            previousStart = keepFrom;
            offset += count;
        }

        /**
         * Unites the labels of the band above ({@code upper} from row upperStart) and of this band ({@code lower}
         * from row lowerStart) that both touch the border ({@code cut}: rows cut − 1 or cut) and share at least half
         * of the smaller one's pixels in the rows both labelled. Labels that do not reach the border are written
         * from one band only and need no match; near the edge of its context a band may see a nucleus cut off and
         * label it differently, so matching them could join two nuclei the other band rightly separated.
         */
        private void merge(int[] upper, int upperStart, int[] lower, int lowerStart, int cut) {
            int from = Math.max(upperStart, lowerStart);
            int to = Math.min(upperStart + upper.length / width, lowerStart + lower.length / width);
            Map<Long, Integer> shared = new HashMap<>();
            int[] size = new int[offset + maxLabel(lower) + 1];
            for (int y = from; y < to; y++) {
                int u = (y - upperStart) * width, d = (y - lowerStart) * width;
                for (int x = 0; x < width; x++) {
                    int a = upper[u + x], b = lower[d + x];
                    size[a]++;
                    size[b]++;
                    if (a > 0 && b > 0) {
                        shared.merge(((long) a << 32) | b, 1, Integer::sum);
                    }
                }
            }
            boolean[] touches = new boolean[size.length];
            for (int y = cut - 1; y <= cut; y++) {
                for (int x = 0; x < width; x++) {
                    touches[upper[(y - upperStart) * width + x]] = true;
                    touches[lower[(y - lowerStart) * width + x]] = true;
                }
            }
            for (Map.Entry<Long, Integer> e : shared.entrySet()) {
                int a = (int) (e.getKey() >>> 32), b = (int) (long) e.getKey();
                if (touches[a] && touches[b] && 2L * e.getValue() >= Math.min(size[a], size[b])) {
                    union(a, b);
                }
            }
        }

        private static int maxLabel(int[] a) {
            int m = 0;
            for (int v : a) {
                m = Math.max(m, v);
            }
            return m;
        }

        /** Forgets buffered rows above {@code row}. */
        private void drop(int row) {
            int n = row - bufferStart;
            if (n <= 0) {
                return;
            }
            int keep = bufferEnd - row;
            for (int c = 0; c < channels; c++) {
                System.arraycopy(buffer, (c * capacity + n) * width, buffer, c * capacity * width, keep * width);
            }
            bufferStart = row;
        }

        private void ensureParents(int n) {
            if (parent.length < n) {
                parent = Arrays.copyOf(parent, Math.max(n, 2 * parent.length));
            }
        }

        private int find(int a) {
            while (parent[a] != a) {
                parent[a] = parent[parent[a]];
                a = parent[a];
            }
            return a;
        }

        private void union(int a, int b) {
            int ra = find(a), rb = find(b);
            if (ra != rb) {
                parent[Math.max(ra, rb)] = Math.min(ra, rb);
            }
        }

        /** Final labels 1, 2, … in raster order of first appearance, one per merged set. */
        LabelImage finish() {
            if (bandStart < height) {
                throw new IllegalStateException("StreamedSegmentation: rows up to " + bufferEnd + " of " + height
                        + " arrived");
            }
            int[] number = new int[offset + 1];
            int next = 0;
            for (int i = 0; i < labels.length; i++) {
                int k = labels[i];
                if (k > 0) {
                    int root = find(k);
                    if (number[root] == 0) {
                        number[root] = ++next;
                    }
                    labels[i] = number[root];
                }
            }
            return new LabelImage(width, height, labels);
        }
    }
}
