package dev.nucleon.segmentation.detection;

import dev.nucleon.core.Tensor;
import dev.nucleon.core.ops.Shaping;

/**
 * Box regression targets as (dx, dy, dw, dh) deltas of a box relative to a reference box (an anchor or a proposal),
 * torchvision's {@code BoxCoder} (Girshick et al., R-CNN). With widths w = x2 − x1, heights h = y2 − y1, centres
 * (cx, cy) = (x1 + w/2, y1 + h/2), reference box a, target box g and weights (wx, wy, ww, wh):
 * <pre>
 *   encode:  dx = wx·(g_cx − a_cx)/a_w    dy = wy·(g_cy − a_cy)/a_h    dw = ww·ln(g_w/a_w)    dh = wh·ln(g_h/a_h)
 *   decode:  cx = dx/wx·a_w + a_cx        cy = dy/wy·a_h + a_cy
 *            w  = exp(min(dw/ww, clip))·a_w        h = exp(min(dh/wh, clip))·a_h       box = (cx ∓ w/2, cy ∓ h/2)
 * </pre>
 * with clip = ln(1000/16), so one step never grows a box more than 62.5×. Both are composed of tensor ops, so they
 * run on the boxes' device and are differentiable (decode's gradient is 0 where the clip is active, as torch's
 * {@code clamp}). Mask R-CNN uses weights (1, 1, 1, 1) in the RPN and (10, 10, 5, 5) in the box head.
 */
public final class BoxCoder {

    /** torchvision's {@code bbox_xform_clip}: ln(1000/16). */
    public static final float DEFAULT_CLIP = (float) Math.log(1000.0 / 16);

    private final float wx;
    private final float wy;
    private final float ww;
    private final float wh;
    private final float clip;

    /**
     * A coder with the default clip ln(1000/16).
     *
     * @param wx the weight of dx, &gt; 0
     * @param wy the weight of dy, &gt; 0
     * @param ww the weight of dw, &gt; 0
     * @param wh the weight of dh, &gt; 0
     */
    public BoxCoder(float wx, float wy, float ww, float wh) {
        this(wx, wy, ww, wh, DEFAULT_CLIP);
    }

    /**
     * A coder.
     *
     * @param wx   the weight of dx, &gt; 0
     * @param wy   the weight of dy, &gt; 0
     * @param ww   the weight of dw, &gt; 0
     * @param wh   the weight of dh, &gt; 0
     * @param clip the largest log-scale decode applies
     * @throws IllegalArgumentException when a weight is not positive
     */
    public BoxCoder(float wx, float wy, float ww, float wh, float clip) {
        if (!(wx > 0 && wy > 0 && ww > 0 && wh > 0)) {
            throw new IllegalArgumentException("box coder: weights must be > 0, got (" + wx + ", " + wy + ", " + ww
                    + ", " + wh + ")");
        }
        this.wx = wx;
        this.wy = wy;
        this.ww = ww;
        this.wh = wh;
        this.clip = clip;
    }

    /**
     * {@return the (N, 4) deltas that move each reference box onto its target}
     *
     * @param targets    (N, 4) boxes (x1, y1, x2, y2), e.g. the ground truth matched to each anchor
     * @param references (N, 4) boxes, the anchors or proposals, on the targets' device
     * @throws IllegalArgumentException when the shapes are not both (N, 4)
     */
    public Tensor encode(Tensor targets, Tensor references) {
        requireBoxes("encode", "targets", targets, -1);
        requireBoxes("encode", "references", references, targets.size(0));
        Tensor[] a = geometry(references);
        Tensor[] g = geometry(targets);
        Tensor dx = g[2].sub(a[2]).div(a[0]).mul(wx);
        Tensor dy = g[3].sub(a[3]).div(a[1]).mul(wy);
        Tensor dw = g[0].div(a[0]).log().mul(ww);
        Tensor dh = g[1].div(a[1]).log().mul(wh);
        return Shaping.concat(1, dx, dy, dw, dh);
    }

    /**
     * {@return the boxes the deltas make of the reference boxes: (N, 4·K) for deltas (N, 4·K), K boxes per
     * reference (per-class deltas of the box head, K = 1 in the RPN)}
     *
     * @param deltas     (N, 4·K) as (dx, dy, dw, dh) per box
     * @param references (N, 4) boxes, on the deltas' device
     * @throws IllegalArgumentException when the shapes disagree
     */
    public Tensor decode(Tensor deltas, Tensor references) {
        if (deltas.rank() != 2 || deltas.size(1) % 4 != 0 || deltas.size(1) == 0) {
            throw new IllegalArgumentException("decode: deltas must be (N, 4·K), got "
                    + java.util.Arrays.toString(deltas.shape()));
        }
        requireBoxes("decode", "references", references, deltas.size(0));
        int n = deltas.size(0);
        int k = deltas.size(1) / 4;
        Tensor d = deltas.reshape(n, k, 4);
        Tensor[] a = geometry(references.reshape(n, 1, 4));          // each (N, 1, 1), broadcast over K
        Tensor dx = d.slice(2, 0, 1).div(wx);
        Tensor dy = d.slice(2, 1, 2).div(wy);
        Tensor dw = d.slice(2, 2, 3).div(ww).clamp(-Float.MAX_VALUE, clip);
        Tensor dh = d.slice(2, 3, 4).div(wh).clamp(-Float.MAX_VALUE, clip);
        Tensor cx = dx.mul(a[0]).add(a[2]);
        Tensor cy = dy.mul(a[1]).add(a[3]);
        Tensor halfW = dw.exp().mul(a[0]).mul(0.5f);
        Tensor halfH = dh.exp().mul(a[1]).mul(0.5f);
        return Shaping.concat(2, cx.sub(halfW), cy.sub(halfH), cx.add(halfW), cy.add(halfH)).reshape(n, 4 * k);
    }

    /** (width, height, centre x, centre y) of boxes whose last axis is (x1, y1, x2, y2), each with that axis of size 1. */
    private static Tensor[] geometry(Tensor boxes) {
        int last = boxes.rank() - 1;
        Tensor x1 = boxes.slice(last, 0, 1);
        Tensor y1 = boxes.slice(last, 1, 2);
        Tensor w = boxes.slice(last, 2, 3).sub(x1);
        Tensor h = boxes.slice(last, 3, 4).sub(y1);
        return new Tensor[] {w, h, x1.add(w.mul(0.5f)), y1.add(h.mul(0.5f))};
    }

    private static void requireBoxes(String op, String what, Tensor t, int n) {
        if (t.rank() != 2 || t.size(1) != 4 || (n >= 0 && t.size(0) != n)) {
            throw new IllegalArgumentException(op + ": " + what + " must be (" + (n >= 0 ? n : "N") + ", 4), got "
                    + java.util.Arrays.toString(t.shape()));
        }
    }
}
