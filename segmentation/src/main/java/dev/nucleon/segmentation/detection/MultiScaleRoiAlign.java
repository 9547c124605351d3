package dev.nucleon.segmentation.detection;

import dev.nucleon.core.Tensor;
import dev.nucleon.core.ops.Indexing;
import dev.nucleon.core.ops.RoiAlign;
import dev.nucleon.core.ops.Shaping;

import java.util.ArrayList;
import java.util.List;

/**
 * RoIAlign over a feature pyramid, torchvision's {@code MultiScaleRoIAlign}: each box is pooled from the one level
 * its size picks (Lin et al., FPN, eq. 1; torchvision's {@code LevelMapper}),
 * <pre>
 *   k = clamp(⌊k0 + log2(√(w·h) / 224) + 1e-6⌋, k_min, k_max)          k0 = 4, canonical size 224
 * </pre>
 * so a 224² box reads P4, a 112² box P3. Each level's scale is inferred from its size, 2^round(log2(H_level /
 * H_image)), k_min and k_max from the finest and coarsest (P2 … P5: 2 and 5). Pooling is core's
 * {@link RoiAlign#roiAlign} with {@code aligned = false} and the given sampling ratio (2 in Mask R-CNN), at 7×7 for
 * the box head and 14×14 for the mask head. Differentiable in the feature maps.
 */
public final class MultiScaleRoiAlign {

    /** The LevelMapper's canonical box size. */
    public static final float CANONICAL_SCALE = 224;
    /** The LevelMapper's level of a canonical box. */
    public static final int CANONICAL_LEVEL = 4;
    private static final double EPS = 1e-6;

    private final int outputSize;
    private final int samplingRatio;

    /**
     * A pooler.
     *
     * @param outputSize    the side of each pooled patch (7 or 14)
     * @param samplingRatio bilinear samples per bin and axis (2; 0 adaptive)
     */
    public MultiScaleRoiAlign(int outputSize, int samplingRatio) {
        this.outputSize = outputSize;
        this.samplingRatio = samplingRatio;
    }

    /**
     * {@return per box, its pyramid level (k − k_min, an index into the maps)}
     *
     * @param boxes n·4 floats (x1, y1, x2, y2)
     * @param kMin  the finest level's k (2 for P2)
     * @param kMax  the coarsest level's k (5 for P5)
     */
    public static int[] levels(float[] boxes, int kMin, int kMax) {
        int[] out = new int[boxes.length / 4];
        for (int i = 0; i < out.length; i++) {
            double s = Math.sqrt((double) (boxes[4 * i + 2] - boxes[4 * i]) * (boxes[4 * i + 3] - boxes[4 * i + 1]));
            double k = Math.floor(CANONICAL_LEVEL + Math.log(s / CANONICAL_SCALE) / Math.log(2) + EPS);
            out[i] = (int) Math.max(kMin, Math.min(kMax, k)) - kMin; // log2(0) = −∞ → k_min
        }
        return out;
    }

    /**
     * {@return the (R, C, S, S) patches of every box of every image, the images' boxes one after another}
     *
     * @param maps   the pyramid levels (N, C, H_l, W_l), finest first (P2 … P5; not the extra P6)
     * @param boxes  per image, its boxes as n·4 floats in image pixels
     * @param imageH the image height
     * @throws IllegalArgumentException when there are no boxes at all or the image counts disagree
     */
    public Tensor pool(List<Tensor> maps, List<float[]> boxes, int imageH) {
        if (boxes.size() != maps.get(0).size(0)) {
            throw new IllegalArgumentException("multi-scale roi_align: boxes of " + boxes.size() + " images for maps of "
                    + maps.get(0).size(0));
        }
        int[] scaleLog2 = new int[maps.size()];
        for (int l = 0; l < maps.size(); l++) {
            scaleLog2[l] = (int) Math.round(Math.log((double) maps.get(l).size(2) / imageH) / Math.log(2));
        }
        int kMin = -scaleLog2[0];
        int kMax = -scaleLog2[maps.size() - 1];
        int total = 0;
        for (float[] b : boxes) {
            total += b.length / 4;
        }
        if (total == 0) {
            throw new IllegalArgumentException("multi-scale roi_align: no boxes to pool");
        }
        float[] all = new float[4 * total];
        float[] image = new float[total];
        int r = 0;
        for (int i = 0; i < boxes.size(); i++) {
            float[] b = boxes.get(i);
            System.arraycopy(b, 0, all, 4 * r, b.length);
            for (int j = 0; j < b.length / 4; j++) {
                image[r++] = i;
            }
        }
        int[] level = levels(all, kMin, kMax);
        List<Tensor> pooled = new ArrayList<>();
        int[] order = new int[total]; // order[j] = the box whose patch is row j of the concatenation
        int row = 0;
        for (int l = 0; l < maps.size(); l++) {
            int count = 0;
            for (int lv : level) {
                count += lv == l ? 1 : 0;
            }
            if (count == 0) {
                continue;
            }
            float[] rois = new float[5 * count];
            int k = 0;
            for (int j = 0; j < total; j++) {
                if (level[j] == l) {
                    rois[5 * k] = image[j];
                    System.arraycopy(all, 4 * j, rois, 5 * k + 1, 4);
                    order[row++] = j;
                    k++;
                }
            }
            Tensor x = maps.get(l);
            Tensor roiTensor = Tensor.of(rois, count, 5).to(x.device());
            pooled.add(RoiAlign.roiAlign(x, roiTensor, outputSize, outputSize, (float) Math.pow(2, scaleLog2[l]),
                    samplingRatio, false));
        }
        int[] inverse = new int[total];
        for (int j = 0; j < total; j++) {
            inverse[order[j]] = j;
        }
        Tensor joined = pooled.size() == 1 ? pooled.get(0) : Shaping.concat(0, pooled.toArray(new Tensor[0]));
        return Indexing.gather(joined, 0, inverse);
    }
}
