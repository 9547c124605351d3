package dev.nucleon.core.reference;

/**
 * Non-maximum suppression split as torchvision's CUDA {@code nms} splits it: a suppression bitmask that a device
 * computes in parallel ({@link #suppressionMask}, the specification of {@code Backend.nmsMask} and its host
 * default), then a sequential greedy scan on the host ({@link #greedyScan}). Together they keep exactly the boxes
 * {@code Boxes.batchedNms}' direct greedy loop keeps: box j is dropped iff some kept box i before it in score order
 * (same class) has IoU(i, j) &gt; threshold, and the scan visits the boxes in that order.
 *
 * <p>The mask of n boxes is n rows of {@code words(n) = ⌈n / 64⌉} 64-bit words: bit (j mod 64) of word
 * {@code mask[i·words + j/64]} is set iff j &gt; i, class(i) = class(j) and IoU(i, j) &gt; threshold.
 */
public final class NmsLoops {

    private NmsLoops() {
    }

    /**
     * {@return ⌈n / 64⌉, the 64-bit words of one row of the suppression mask of n boxes}
     *
     * @param n the number of boxes, ≥ 0
     */
    public static int words(int n) {
        return (n + 63) >>> 6;
    }

    /**
     * IoU of boxes i and j of a flat (·, 4) array, in float, in this order of operations (the device kernels
     * repeat it operation for operation, so their masks equal this one bit for bit):
     * <pre>
     *   area_k = (x2_k − x1_k)·(y2_k − y1_k)
     *   w = max(0, min(x2_i, x2_j) − max(x1_i, x1_j)),  h likewise in y
     *   IoU = (w·h) / (area_i + area_j − w·h)
     * </pre>
     * A zero union gives NaN (never above a threshold); max and min are Java's (NaN wins).
     *
     * @param boxes (n·4) floats: x1, y1, x2, y2
     * @param i     one box
     * @param j     the other
     * @return |i ∩ j| / |i ∪ j|
     */
    public static float iou(float[] boxes, int i, int j) {
        float areaI = (boxes[4 * i + 2] - boxes[4 * i]) * (boxes[4 * i + 3] - boxes[4 * i + 1]);
        float areaJ = (boxes[4 * j + 2] - boxes[4 * j]) * (boxes[4 * j + 3] - boxes[4 * j + 1]);
        float w = Math.max(0f, Math.min(boxes[4 * i + 2], boxes[4 * j + 2]) - Math.max(boxes[4 * i], boxes[4 * j]));
        float h = Math.max(0f, Math.min(boxes[4 * i + 3], boxes[4 * j + 3]) - Math.max(boxes[4 * i + 1], boxes[4 * j + 1]));
        float inter = w * h;
        return inter / (areaI + areaJ - inter);
    }

    /**
     * {@return the suppression mask of n boxes already sorted by descending score}: n·words(n) words, bit j of
     * row i set iff j &gt; i, classes agree and {@link #iou} &gt; threshold.
     *
     * @param boxes        (n, 4) floats, x1, y1, x2, y2, highest score first
     * @param classes      n class labels (whole numbers as floats), or null for one class
     * @param n            the number of boxes
     * @param iouThreshold the IoU above which box i suppresses box j
     */
    public static long[] suppressionMask(float[] boxes, float[] classes, int n, float iouThreshold) {
        int words = words(n);
        long[] mask = new long[Math.multiplyExact(n, words)];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if ((classes == null || classes[i] == classes[j]) && iou(boxes, i, j) > iouThreshold) {
                    mask[i * words + (j >>> 6)] |= 1L << (j & 63);
                }
            }
        }
        return mask;
    }

    /**
     * {@return the positions (in score order) greedy NMS keeps, ascending}: visit i = 0 … n−1; keep i unless an
     * earlier kept box's row has bit i set; a kept box's row is OR-ed into the removed set.
     *
     * @param mask n·words(n) words from {@link #suppressionMask} or a device's {@code nmsMask}
     * @param n    the number of boxes
     */
    public static int[] greedyScan(long[] mask, int n) {
        int words = words(n);
        long[] removed = new long[words];
        int[] keep = new int[n];
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if ((removed[i >>> 6] & (1L << (i & 63))) != 0) {
                continue;
            }
            keep[kept++] = i;
            for (int w = i >>> 6; w < words; w++) {
                removed[w] |= mask[i * words + w];
            }
        }
        return java.util.Arrays.copyOf(keep, kept);
    }

    /**
     * {@return 64-bit mask words from their halves}, as a device backend downloads them: word k is the raw bits of
     * halves[2k] (bits 0…31) and halves[2k + 1] (bits 32…63), each half a uint32 stored in a float's place (read with
     * {@link Float#floatToRawIntBits}, so half-words that spell a NaN survive).
     *
     * @param halves 2·words floats
     */
    public static long[] joinHalves(float[] halves) {
        long[] words = new long[halves.length / 2];
        for (int k = 0; k < words.length; k++) {
            words[k] = Integer.toUnsignedLong(Float.floatToRawIntBits(halves[2 * k]))
                    | (long) Float.floatToRawIntBits(halves[2 * k + 1]) << 32;
        }
        return words;
    }
}
