package dev.nucleon.segmentation.head;

import dev.nucleon.core.Tensor;
import dev.nucleon.core.backend.UpsampleMode;
import dev.nucleon.core.ops.Shaping;
import dev.nucleon.core.ops.Upsampling;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.morphology.DistanceTransform;
import dev.nucleon.segmentation.preprocess.ThreeClassTarget;

import java.util.Locale;

/**
 * What a segmentation network predicts per pixel, and so how its output becomes instances. Every head's
 * {@linkplain #maps(Tensor) maps} start with the nucleus probability (the whole nucleus, so masks keep their full
 * size); the second map, when there is one, is what tells touching nuclei apart. Only {@link #CLASSES} has network
 * outputs ({@link #channels()}) that differ from its maps ({@link #mapCount()}).
 *
 * <table>
 *   <caption>heads</caption>
 *   <tr><th>head</th><th>channels (targets)</th><th>instances</th></tr>
 *   <tr><td>{@link #FOREGROUND}</td><td>1: nucleus minus the one-pixel seams where two nuclei touch</td>
 *       <td>threshold, watershed on the distance transform ({@code InstanceSegmentation})</td></tr>
 *   <tr><td>{@link #CONTOUR}</td><td>2: nucleus; contour = nucleus pixels within {@value #CONTOUR_WIDTH} px
 *       (3×3 steps) of the background or another nucleus (paper 001's border class, {@link ThreeClassTarget}) — the DSB2018 winners' mask + contour targets</td>
 *       <td>markers = connected cores where p_nucleus·(1 − p_contour) &gt; 0.5, watershed of that score inside
 *       p_nucleus &gt; threshold ({@link CoreWatershed})</td></tr>
 *   <tr><td>{@link #DISTANCE}</td><td>2: nucleus; distance to the nucleus' border divided by its largest
 *       value inside the same nucleus (1 at each centre, falling to 1/max at the rim)</td>
 *       <td>markers = connected cores where the predicted normalised distance &gt; 0.5, same watershed</td></tr>
 *   <tr><td>{@link #CLASSES}</td><td>3: one class per pixel, in {@link ThreeClassTarget}'s order — background,
 *       nucleus interior, nucleus border ({@value #CONTOUR_WIDTH} px as for {@link #CONTOUR}) — paper 001's Simple
 *       CNN targets, trained with {@link dev.nucleon.segmentation.loss.CategoricalCrossEntropy}</td>
 *       <td>maps: nucleus = 1 − q_background, interior = q_interior (q = the outputs divided by their sum, so sigmoid
 *       and softmax outputs read alike); markers = connected cores where q_interior &gt; 0.5, same watershed</td></tr>
 * </table>
 */
public enum Head {
    /** One channel: nucleus probability, touching nuclei kept apart by a background seam. */
    FOREGROUND(1),
    /** Two channels: nucleus probability and nucleus-contour probability. */
    CONTOUR(2),
    /** Two channels: nucleus probability and the distance to the nucleus' border, normalised per nucleus. */
    DISTANCE(2),
    /** Three channels: background, nucleus-interior and nucleus-border class scores (paper 001). */
    CLASSES(3);

    /** Contour width in pixels of the {@link #CONTOUR} head's second target. */
    public static final int CONTOUR_WIDTH = 2;

    private final int channels;

    Head(int channels) {
        this.channels = channels;
    }

    /** {@return output channels the network needs} */
    public int channels() {
        return channels;
    }

    /** {@return how many maps {@link #maps(Tensor)} gives: 2 for {@link #CLASSES}, else {@link #channels()}} */
    public int mapCount() {
        return this == CLASSES ? 2 : channels;
    }

    /**
     * The network's output as this head's {@link #channels()} at the input's size — what the loss and the maps read:
     * <ul>
     *   <li>an output smaller than the input by an integer factor f (paper 003's ResFCN gives 128² for a 256² input)
     *       is upsampled bilinearly by f (differentiable, so the loss trains through it);</li>
     *   <li>a {@link #FOREGROUND} head reading a two-class softmax output (background, nucleus; ResFCN) takes the
     *       nucleus class.</li>
     * </ul>
     * Any other output is returned unchanged.
     *
     * @param output (N, K, h, w) network output
     * @param height the input's height H
     * @param width  the input's width W
     * @return (N, K', H, W), K' = {@link #channels()} where the rules above apply
     * @throws IllegalArgumentException when the output's size is not the input's divided by one integer factor
     */
    public Tensor fromNetwork(Tensor output, int height, int width) {
        int[] s = output.shape();
        Tensor y = output;
        if (s.length == 4 && (s[2] != height || s[3] != width)) {
            int f = height / s[2];
            if (f < 2 || s[2] * f != height || s[3] * f != width) {
                throw new IllegalArgumentException("the network maps " + height + "x" + width + " to " + s[2] + "x"
                        + s[3] + ", not the input's size divided by an integer");
            }
            y = Upsampling.upsample(y, f, UpsampleMode.BILINEAR);
        }
        if (this == FOREGROUND && s.length == 4 && s[1] == 2) {
            y = y.slice(1, 1, 2);
        }
        return y;
    }

    /**
     * The maps instances are read from, from the network's output: the output itself, except for {@link #CLASSES},
     * whose scores q_c = y_c / Σ_k y_k (c = background, interior, border) become (1 − q_background, q_interior).
     *
     * @param output (N, {@link #channels()}, H, W) network output
     * @return (N, {@link #mapCount()}, H, W)
     */
    public Tensor maps(Tensor output) {
        if (this != CLASSES) {
            return output;
        }
        Tensor q = output.div(output.sum(new int[] {1}, true).clamp(1e-7f, Float.MAX_VALUE));
        Tensor background = q.slice(1, ThreeClassTarget.BACKGROUND, ThreeClassTarget.BACKGROUND + 1);
        Tensor interior = q.slice(1, ThreeClassTarget.NUCLEUS, ThreeClassTarget.NUCLEUS + 1);
        return Shaping.concat(1, background.neg().add(1f), interior);
    }

    /** {@return the name used on the command line and in model files} */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@link #label()}, ignoring case and surrounding blanks.
     *
     * @param s a head's label: {@code foreground}, {@code contour}, {@code distance} or {@code classes}
     * @return the head
     * @throws IllegalArgumentException when {@code s} names no head
     */
    public static Head parse(String s) {
        for (Head h : values()) {
            if (h.label().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return h;
            }
        }
        throw new IllegalArgumentException("head '" + s + "': expected foreground, contour, distance or classes");
    }

    /**
     * The training target of an instance label map.
     *
     * @param labels (H, W) instance labels, 0 background
     * @return (C, H, W) values in [0, 1], C = {@link #channels()}
     */
    public float[] target(LabelImage labels) {
        int n = labels.width() * labels.height();
        int[] l = labels.data();
        return switch (this) {
            case FOREGROUND -> foregroundWithoutSeams(labels);
            case CONTOUR -> {
                float[] t = new float[2 * n];
                int[] classes = ThreeClassTarget.of(labels, CONTOUR_WIDTH).data();
                for (int i = 0; i < n; i++) {
                    if (l[i] > 0) {
                        t[i] = 1f;
                        t[n + i] = classes[i] == ThreeClassTarget.BORDER ? 1f : 0f;
                    }
                }
                yield t;
            }
            case DISTANCE -> {
                float[] t = new float[2 * n];
                float[] d = DistanceTransform.ofLabels(labels).data();
                float[] max = new float[labels.maxLabel() + 1];
                for (int i = 0; i < n; i++) {
                    if (l[i] > 0) {
                        max[l[i]] = Math.max(max[l[i]], d[i]);
                    }
                }
                for (int i = 0; i < n; i++) {
                    if (l[i] > 0) {
                        float m = max[l[i]];
                        t[i] = 1f;
                        t[n + i] = Float.isFinite(m) ? Math.min(1f, d[i] / m) : 1f; // a nucleus filling the image
                    }
                }
                yield t;
            }
            case CLASSES -> {
                float[] t = new float[3 * n];
                int[] classes = ThreeClassTarget.of(labels, CONTOUR_WIDTH).data();
                for (int i = 0; i < n; i++) {
                    t[classes[i] * n + i] = 1f; // one-hot, channel = class index
                }
                yield t;
            }
        };
    }

    /**
     * 1 on nuclei, 0 elsewhere and on nucleus pixels whose 8-neighbourhood holds a different nucleus (the seam
     * between touching nuclei): the target of the {@link #FOREGROUND} head.
     *
     * @param labels (H, W) instance labels, 0 background
     * @return (H, W) values, 0 or 1
     */
    public static float[] foregroundWithoutSeams(LabelImage labels) {
        int w = labels.width(), h = labels.height();
        int[] l = labels.data();
        float[] t = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = l[y * w + x];
                if (v != 0 && !touchesOther(l, w, h, x, y, v)) {
                    t[y * w + x] = 1f;
                }
            }
        }
        return t;
    }

    private static boolean touchesOther(int[] l, int w, int h, int x, int y, int v) {
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                int xx = x + dx, yy = y + dy;
                if (xx >= 0 && yy >= 0 && xx < w && yy < h) {
                    int u = l[yy * w + xx];
                    if (u != 0 && u != v) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
