package dev.nucleon.segmentation.dataset;

import dev.nucleon.segmentation.image.BinaryMask;
import dev.nucleon.segmentation.image.LabelImage;

import java.util.ArrayList;
import java.util.List;

/**
 * The DSB2018 contest's run-length encoding of one object mask: a space-separated list of
 * {@code start length} pairs; pixels are numbered from 1 in column-major order (top to bottom, then
 * left to right), so pixel number p is at {@code row = (p − 1) mod height}, {@code col = (p − 1) div height};
 * a run covers {@code start .. start + length − 1}. Runs are written in increasing order and never overlap.
 */
public final class RunLengthEncoding {
    private RunLengthEncoding() {
    }

    /**
     * The runs of a mask in the contest's order: column-major (top to bottom, then left to right), 1-based starts.
     *
     * @return {start1, length1, start2, length2, …}, empty for an empty mask
     * @param mask the mask
     */
    public static int[] encode(BinaryMask mask) {
        int w = mask.width(), h = mask.height();
        boolean[] d = mask.data();
        int[] runs = new int[16];
        int n = 0, start = 0, len = 0;
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) {
                int p = x * h + y + 1;
                if (d[y * w + x]) {
                    if (len == 0) {
                        start = p;
                    }
                    len++;
                } else if (len > 0) {
                    if (n + 2 > runs.length) {
                        runs = java.util.Arrays.copyOf(runs, runs.length * 2);
                    }
                    runs[n++] = start;
                    runs[n++] = len;
                    len = 0;
                }
            }
        }
        if (len > 0) {
            if (n + 2 > runs.length) {
                runs = java.util.Arrays.copyOf(runs, runs.length + 2);
            }
            runs[n++] = start;
            runs[n++] = len;
        }
        return java.util.Arrays.copyOf(runs, n);
    }

    /**
     * {@return the contest's text form, e.g. {@code "1 3 10 2"}; empty string for an empty mask}
     *
     * @param mask the mask
     */
    public static String encodeToString(BinaryMask mask) {
        int[] r = encode(mask);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < r.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(r[i]);
        }
        return sb.toString();
    }

    /**
     * {@return one encoding per label of an instance label map, in increasing label order (absent labels skipped)}
     *
     * @param labels an instance label map
     */
    public static List<String> encodeLabels(LabelImage labels) {
        int max = labels.maxLabel();
        int[] area = labels.areas();
        List<String> out = new ArrayList<>();
        for (int k = 1; k <= max; k++) {
            if (area[k] > 0) {
                out.add(encodeToString(labels.mask(k)));
            }
        }
        return out;
    }

    /**
     * Decodes one mask.
     *
     * @param rle    the runs, {@code "start length start length …"}, 1-based column-major starts
     * @param width  the image's width, pixels
     * @param height the image's height, pixels
     * @throws IllegalArgumentException naming the problem: odd number of values, non-numbers, start &lt; 1,
     *     length &lt; 1, a run past the last pixel, runs out of order or overlapping; a negative image size or one
     *     too large to allocate (checked before allocating)
     * @return the mask
     */
    public static BinaryMask decode(String rle, int width, int height) {
        checkSize(width, height, 1);
        long[] runs = runs(rle, width, height);
        boolean[] d = new boolean[width * height];
        for (int i = 0; i < runs.length; i += 2) {
            for (long p = runs[i]; p < runs[i] + runs[i + 1]; p++) {
                int q = (int) (p - 1);
                int row = q % height, col = q / height;
                d[row * width + col] = true;
            }
        }
        return new BinaryMask(width, height, d);
    }

    /** The {start, length} pairs of one encoding, checked as {@link #decode} says, before any image is allocated. */
    private static long[] runs(String rle, int width, int height) {
        long total = (long) width * height;
        String s = rle == null ? "" : rle.trim();
        if (s.isEmpty()) {
            return new long[0];
        }
        String[] tok = s.split("\\s+");
        if (tok.length % 2 != 0) {
            throw new IllegalArgumentException("RLE has an odd number of values (" + tok.length
                    + "): expected 'start length' pairs");
        }
        long[] runs = new long[tok.length];
        long previousEnd = 0;
        for (int i = 0; i < tok.length; i += 2) {
            long start, len;
            try {
                start = Long.parseLong(tok[i]);
                len = Long.parseLong(tok[i + 1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("RLE value is not an integer: '" + tok[i] + " " + tok[i + 1] + "'");
            }
            if (start < 1) {
                throw new IllegalArgumentException("RLE run " + (i / 2 + 1) + " starts at " + start
                        + ", pixels are numbered from 1");
            }
            if (len < 1) {
                throw new IllegalArgumentException("RLE run " + (i / 2 + 1) + " has length " + len);
            }
            if (len > total || start > total - len + 1) { // start + len - 1 > total, without overflow
                throw new IllegalArgumentException("RLE run " + (i / 2 + 1) + " (" + start + " " + len
                        + ") ends past the last pixel " + total + " of a " + width + "x" + height + " image");
            }
            if (start <= previousEnd) {
                throw new IllegalArgumentException("RLE run " + (i / 2 + 1) + " (" + start + " " + len
                        + ") overlaps or precedes the previous run ending at " + previousEnd);
            }
            runs[i] = start;
            runs[i + 1] = len;
            previousEnd = start + len - 1;
        }
        return runs;
    }

    /**
     * Refuses, before anything is allocated, a size that is negative, has more pixels than one array holds, or
     * needs more than the heap's maximum at {@code bytesPerPixel}.
     */
    private static void checkSize(int width, int height, int bytesPerPixel) {
        if (width < 0 || height < 0) {
            throw new IllegalArgumentException("image size " + width + "x" + height + " is negative");
        }
        long pixels = (long) width * height;
        if (pixels > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("image size " + width + "x" + height + " = " + pixels
                    + " pixels, more than one array can hold (2^31)");
        }
        long max = Runtime.getRuntime().maxMemory();
        if (pixels * bytesPerPixel > max) {
            throw new IllegalArgumentException("a " + width + "x" + height + " image needs about "
                    + (pixels * bytesPerPixel >> 20) + " MB, more than the Java heap's maximum of " + (max >> 20)
                    + " MB (raise -Xmx)");
        }
    }

    /**
     * Decodes the masks of one image into a label map, the i-th mask (0-based) becoming label i + 1.
     * Where masks overlap the later one wins.
     *
     * @param rles   one run-length encoding per nucleus
     * @param width  the image's width, pixels
     * @param height the image's height, pixels
     * @return the label map, labels 1..rles.size()
     * @throws IllegalArgumentException when an encoding is malformed, as {@link #decode}
     */
    public static LabelImage decodeLabels(List<String> rles, int width, int height) {
        checkSize(width, height, 4);
        List<long[]> masks = new ArrayList<>();
        for (String rle : rles) {
            masks.add(runs(rle, width, height)); // every mask is checked before the label map is allocated
        }
        int[] out = new int[width * height];
        for (int k = 0; k < masks.size(); k++) {
            long[] runs = masks.get(k);
            for (int i = 0; i < runs.length; i += 2) {
                for (long p = runs[i]; p < runs[i] + runs[i + 1]; p++) {
                    int q = (int) (p - 1);
                    out[(q % height) * width + q / height] = k + 1;
                }
            }
        }
        return new LabelImage(width, height, out);
    }
}
