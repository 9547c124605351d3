package dev.nucleon.core.testing.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Format-blind mutations of a byte string, each a pure function of its input and the random source, so an
 * input is reproducible from (seed, iteration). They are the usual havoc set of mutation fuzzers:
 * bit flips, byte insertion and deletion, truncation, splicing two inputs, "interesting" integers
 * (0, −1, 2^31 − 1, 2^32, huge lengths) written at a random offset in every width and byte order, and the same
 * integers written as decimal text over a run of digits (CSV run lengths, JSON numbers, a safetensors
 * header's shapes and offsets).
 */
public final class Mutations {

    /** Integers that sit on type and size boundaries, where length and overflow checks go wrong. */
    public static final long[] INTERESTING = {
        0, 1, -1, 2, 7, 8, 16, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 46341, 65537,
        0x7fffffffL, 0x80000000L, 0xffffffffL, 0x100000000L, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE,
        Integer.MIN_VALUE, -2, -0x8000, 100_000, 1_000_000_000
    };

    /** The same boundaries as decimal text, plus text a number parser must refuse. */
    public static final List<String> INTERESTING_TEXT = List.of(
        "0", "-0", "1", "-1", "2", "00", "65535", "65536", "46341", "100000", "2147483647", "2147483648",
        "-2147483648", "4294967295", "4294967296", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "99999999999999999999999999", "1e308", "1e999", "1.5", "-1e-9", "NaN", "", " ",
        "0x10", "+1");

    private Mutations() {
    }

    /** One random format-blind mutation of {@code in} ({@code other} is the partner of a splice). */
    public static byte[] any(byte[] in, byte[] other, SplittableRandom rnd) {
        return switch (rnd.nextInt(9)) {
            case 0 -> flipBits(in, rnd);
            case 1 -> insertBytes(in, rnd);
            case 2 -> deleteBytes(in, rnd);
            case 3 -> truncate(in, rnd);
            case 4 -> splice(in, other, rnd);
            case 5, 6 -> interestingInteger(in, rnd);
            case 7 -> interestingText(in, rnd);
            default -> randomBytes(in, rnd);
        };
    }

    /** Flips 1–8 random bits. */
    public static byte[] flipBits(byte[] in, SplittableRandom rnd) {
        if (in.length == 0) {
            return in;
        }
        byte[] out = in.clone();
        int n = 1 + rnd.nextInt(8);
        for (int i = 0; i < n; i++) {
            int at = rnd.nextInt(out.length);
            out[at] ^= (byte) (1 << rnd.nextInt(8));
        }
        return out;
    }

    /** Overwrites 1–4 random bytes with random values. */
    public static byte[] randomBytes(byte[] in, SplittableRandom rnd) {
        if (in.length == 0) {
            return in;
        }
        byte[] out = in.clone();
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            out[rnd.nextInt(out.length)] = (byte) rnd.nextInt(256);
        }
        return out;
    }

    /** Inserts 1–64 bytes (random, one repeated value, or a copy of a piece of the input) at a random offset. */
    public static byte[] insertBytes(byte[] in, SplittableRandom rnd) {
        int at = rnd.nextInt(in.length + 1);
        int n = 1 + rnd.nextInt(rnd.nextBoolean() ? 4 : 64);
        byte[] piece = new byte[n];
        switch (rnd.nextInt(3)) {
            case 0 -> {
                for (int i = 0; i < n; i++) {
                    piece[i] = (byte) rnd.nextInt(256);
                }
            }
            case 1 -> Arrays.fill(piece, (byte) rnd.nextInt(256));
            default -> {
                if (in.length > 0) {
                    int from = rnd.nextInt(in.length);
                    n = Math.min(n, in.length - from);
                    piece = Arrays.copyOfRange(in, from, from + n);
                }
            }
        }
        byte[] out = new byte[in.length + piece.length];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(piece, 0, out, at, piece.length);
        System.arraycopy(in, at, out, at + piece.length, in.length - at);
        return out;
    }

    /** Deletes 1–64 bytes at a random offset. */
    public static byte[] deleteBytes(byte[] in, SplittableRandom rnd) {
        if (in.length == 0) {
            return in;
        }
        int at = rnd.nextInt(in.length);
        int n = Math.min(in.length - at, 1 + rnd.nextInt(rnd.nextBoolean() ? 4 : 64));
        byte[] out = new byte[in.length - n];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(in, at + n, out, at, in.length - at - n);
        return out;
    }

    /** Keeps a random prefix. */
    public static byte[] truncate(byte[] in, SplittableRandom rnd) {
        return in.length == 0 ? in : Arrays.copyOf(in, rnd.nextInt(in.length));
    }

    /** A random prefix of {@code a} followed by a random suffix of {@code b}. */
    public static byte[] splice(byte[] a, byte[] b, SplittableRandom rnd) {
        int cutA = rnd.nextInt(a.length + 1);
        int cutB = rnd.nextInt(b.length + 1);
        byte[] out = new byte[cutA + b.length - cutB];
        System.arraycopy(a, 0, out, 0, cutA);
        System.arraycopy(b, cutB, out, cutA, b.length - cutB);
        return out;
    }

    /** Writes one of {@link #INTERESTING} at a random offset, 1, 2, 4 or 8 bytes wide, either byte order. */
    public static byte[] interestingInteger(byte[] in, SplittableRandom rnd) {
        if (in.length == 0) {
            return in;
        }
        int width = 1 << rnd.nextInt(4);
        return putInteger(in, rnd.nextInt(in.length), width, rnd.nextBoolean(), pick(rnd));
    }

    /** A random entry of {@link #INTERESTING}. */
    public static long pick(SplittableRandom rnd) {
        return INTERESTING[rnd.nextInt(INTERESTING.length)];
    }

    /**
     * {@code in} with {@code value} written over {@code width} bytes at {@code at} (clipped at the end).
     *
     * @param bigEndian most significant byte first
     */
    public static byte[] putInteger(byte[] in, int at, int width, boolean bigEndian, long value) {
        byte[] out = in.clone();
        for (int i = 0; i < width && at + i < out.length; i++) {
            int shift = 8 * (bigEndian ? width - 1 - i : i);
            out[at + i] = (byte) (value >>> shift);
        }
        return out;
    }

    /**
     * Replaces one run of ASCII digits (with its sign) by an {@link #INTERESTING_TEXT} entry, or, one time in
     * sixteen, by 10 to 10^6 digits (a number parser that is quadratic in the length hangs on those); inputs
     * without digits get the text inserted at a random offset.
     */
    public static byte[] interestingText(byte[] in, SplittableRandom rnd) {
        return replaceNumber(in, 0, in.length, rnd);
    }

    /** As {@link #interestingText}, choosing among the digit runs that start in [from, to). */
    public static byte[] replaceNumber(byte[] in, int from, int to, SplittableRandom rnd) {
        byte[] text = INTERESTING_TEXT.get(rnd.nextInt(INTERESTING_TEXT.size())).getBytes(StandardCharsets.US_ASCII);
        if (rnd.nextInt(16) == 0) {
            text = new byte[(int) Math.pow(10, 1 + rnd.nextInt(6))];
            Arrays.fill(text, (byte) '7');
        }
        int runs = 0;
        for (int i = from; i < to; i++) {
            if (isDigit(in[i]) && (i == 0 || !isDigit(in[i - 1]))) {
                runs++;
            }
        }
        if (runs == 0) {
            int at = from + rnd.nextInt(to - from + 1);
            return replace(in, at, at, text);
        }
        int chosen = rnd.nextInt(runs);
        for (int i = from; i < to; i++) {
            if (isDigit(in[i]) && (i == 0 || !isDigit(in[i - 1])) && chosen-- == 0) {
                int start = i > 0 && in[i - 1] == '-' ? i - 1 : i;
                int end = i;
                while (end < in.length && isDigit(in[end])) {
                    end++;
                }
                return replace(in, start, end, text);
            }
        }
        throw new AssertionError();
    }

    /** {@code in} with bytes [from, to) replaced by {@code piece}. */
    public static byte[] replace(byte[] in, int from, int to, byte[] piece) {
        byte[] out = new byte[in.length - (to - from) + piece.length];
        System.arraycopy(in, 0, out, 0, from);
        System.arraycopy(piece, 0, out, from, piece.length);
        System.arraycopy(in, to, out, from + piece.length, in.length - to);
        return out;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }
}
