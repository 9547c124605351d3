package dev.nucleon.segmentation.io;

import dev.nucleon.core.testing.fuzz.Mutations;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * Header-field mutations of the image formats the reader takes, for {@link ImageFileReaderFuzzTest}: the
 * fields that declare sizes, sample layouts and offsets are set to boundary values, so the decoders are
 * tried on files that claim more (or less, or something else) than they hold.
 */
final class ImageHeaderMutations {

    private static final int[] SMALL = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 16, 24, 32, 64, 255};

    private ImageHeaderMutations() {
    }

    /** A boundary value half of the time, a small one otherwise. */
    private static long value(SplittableRandom rnd) {
        return rnd.nextBoolean() ? Mutations.pick(rnd) : SMALL[rnd.nextInt(SMALL.length)];
    }

    // ----- PNG: 8-byte signature, then chunks (length, type, data, CRC32 of type+data), IHDR first --------------

    /** IHDR width (offset 16), height (20), bit depth (24), colour type (25), interlace (28), or a chunk's length. */
    static byte[] png(byte[] in, SplittableRandom rnd) {
        if (in.length < 33) {
            return in;
        }
        return switch (rnd.nextInt(6)) {
            case 0 -> Mutations.putInteger(in, 16, 4, true, value(rnd));
            case 1 -> Mutations.putInteger(in, 20, 4, true, value(rnd));
            case 2 -> Mutations.putInteger(in, 24, 1, true, SMALL[rnd.nextInt(SMALL.length)]);
            case 3 -> Mutations.putInteger(in, 25, 1, true, SMALL[rnd.nextInt(SMALL.length)]);
            case 4 -> Mutations.putInteger(in, 28, 1, true, rnd.nextInt(3));
            default -> {
                int at = randomPngChunk(in, rnd);
                yield at < 0 ? in : Mutations.putInteger(in, at, 4, true, value(rnd));
            }
        };
    }

    /** Offset of a random chunk's length field, or -1. */
    private static int randomPngChunk(byte[] in, SplittableRandom rnd) {
        int count = 0, chosen = -1;
        for (int at = 8; at + 12 <= in.length; ) {
            count++;
            if (rnd.nextInt(count) == 0) {
                chosen = at;
            }
            long len = ByteBuffer.wrap(in, at, 4).getInt() & 0xffffffffL;
            if (len > in.length) {
                break;
            }
            at += 12 + (int) len;
        }
        return chosen;
    }

    /** Recomputes every chunk's CRC, so a mutated chunk reaches the decoder instead of failing its checksum. */
    static byte[] pngFixCrcs(byte[] in) {
        byte[] out = in.clone();
        for (int at = 8; at + 12 <= out.length; ) {
            long len = ByteBuffer.wrap(out, at, 4).getInt() & 0xffffffffL;
            if (at + 12 + len > out.length) {
                break;
            }
            CRC32 crc = new CRC32();
            crc.update(out, at + 4, 4 + (int) len);
            ByteBuffer.wrap(out, at + 8 + (int) len, 4).putInt((int) crc.getValue());
            at += 12 + (int) len;
        }
        return out;
    }

    // ----- TIFF: byte order, 42, first IFD offset; an IFD is a count and 12-byte entries (tag, type, count, value) --

    /** A field of a random entry of the first IFD (width, height, bits per sample, strip offsets and counts, …). */
    static byte[] tiff(byte[] in, SplittableRandom rnd) {
        if (in.length < 8) {
            return in;
        }
        ByteOrder order = in[0] == 'M' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        boolean big = order == ByteOrder.BIG_ENDIAN;
        long ifd = ByteBuffer.wrap(in, 4, 4).order(order).getInt() & 0xffffffffL;
        if (rnd.nextInt(8) == 0 || ifd + 2 > in.length) {
            return Mutations.putInteger(in, 4, 4, big, value(rnd));
        }
        int count = ByteBuffer.wrap(in, (int) ifd, 2).order(order).getShort() & 0xffff;
        if (count == 0 || rnd.nextInt(10) == 0) {
            return Mutations.putInteger(in, (int) ifd, 2, big, value(rnd));
        }
        int entry = (int) ifd + 2 + 12 * rnd.nextInt(count);
        if (entry + 12 > in.length) {
            return in;
        }
        int type = ByteBuffer.wrap(in, entry + 2, 2).order(order).getShort() & 0xffff;
        return switch (rnd.nextInt(4)) {
            case 0 -> Mutations.putInteger(in, entry + 2, 2, big, 1 + rnd.nextInt(13)); // type
            case 1 -> Mutations.putInteger(in, entry + 4, 4, big, value(rnd)); // count
            default -> Mutations.putInteger(in, entry + 8, type == 3 ? 2 : 4, big, value(rnd)); // value (SHORT or LONG)
        };
    }

    // ----- JPEG: markers FF xx with 2-byte big-endian segment lengths; SOFn holds precision, height, width, components --

    /** SOF height, width, precision or component count, or a random segment's length. */
    static byte[] jpeg(byte[] in, SplittableRandom rnd) {
        int sof = -1;
        for (int i = 2; i + 10 < in.length; i++) {
            if ((in[i] & 0xff) == 0xFF && (in[i + 1] & 0xff) >= 0xC0 && (in[i + 1] & 0xff) <= 0xC3) {
                sof = i;
                break;
            }
        }
        if (sof < 0 || rnd.nextInt(5) == 0) {
            int markers = 0, chosen = -1;
            for (int i = 2; i + 4 < in.length; i++) {
                if ((in[i] & 0xff) == 0xFF && (in[i + 1] & 0xff) >= 0xC0 && (in[i + 1] & 0xff) != 0xFF
                        && rnd.nextInt(++markers) == 0) {
                    chosen = i;
                }
            }
            return chosen < 0 ? in : Mutations.putInteger(in, chosen + 2, 2, true, value(rnd));
        }
        return switch (rnd.nextInt(4)) {
            case 0 -> Mutations.putInteger(in, sof + 5, 2, true, value(rnd)); // height
            case 1 -> Mutations.putInteger(in, sof + 7, 2, true, value(rnd)); // width
            case 2 -> Mutations.putInteger(in, sof + 4, 1, true, SMALL[rnd.nextInt(SMALL.length)]); // precision
            default -> Mutations.putInteger(in, sof + 9, 1, true, SMALL[rnd.nextInt(SMALL.length)]); // components
        };
    }

    // ----- BMP: 14-byte file header (size @2, pixel offset @10), then BITMAPINFOHEADER (little-endian) -------------

    private static final int[][] BMP_FIELDS = {
        {2, 4}, {10, 4}, {14, 4}, {18, 4}, {22, 4}, {26, 2}, {28, 2}, {30, 4}, {34, 4}, {46, 4}, {50, 4}
    };

    /** File size, pixel offset, header size, width, height (negative: top-down), planes, bits, compression, … */
    static byte[] bmp(byte[] in, SplittableRandom rnd) {
        int[] f = BMP_FIELDS[rnd.nextInt(BMP_FIELDS.length)];
        if (f[0] + f[1] > in.length) {
            return in;
        }
        return Mutations.putInteger(in, f[0], f[1], false, value(rnd));
    }
}
