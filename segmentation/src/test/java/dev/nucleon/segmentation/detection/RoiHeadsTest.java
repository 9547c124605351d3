package dev.nucleon.segmentation.detection;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Tensor;
import dev.nucleon.core.ops.RoiAlign;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.layers.Conv2d;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RoiHeads} and {@link MultiScaleRoiAlign}: the level mapper, pooling from the right level in the boxes'
 * order, mask targets, and the three head losses against hand-computed values (with the predictors' weights zeroed
 * so their outputs are their biases).
 */
class RoiHeadsTest {

    static List<Tensor> pyramid(long seed, int channels) {
        List<Tensor> maps = new ArrayList<>();
        for (int s = 16; s >= 2; s /= 2) {
            maps.add(Tensor.uniform(seed + s, -1, 1, 2, channels, s, s));
        }
        return maps; // P2 … P5 of a 64×64 image
    }

    @Test
    void levelMapperIsTorchvisions() {
        // k = ⌊4 + log2(√area / 224) + 1e-6⌋ clamped to [2, 5], as an index from P2
        float[] boxes = {0, 0, 224, 224, 0, 0, 112, 112, 0, 0, 111, 111, 0, 0, 20, 20, 0, 0, 1000, 1000, 0, 0, 448, 448,
            5, 5, 5, 9};
        assertArrayEquals(new int[] {2, 1, 0, 0, 3, 3, 0}, MultiScaleRoiAlign.levels(boxes, 2, 5));
    }

    @Test
    void poolsEachBoxFromItsLevelInTheBoxesOrder() {
        List<Tensor> maps = pyramid(1, 3);
        // in a 64×64 image every box is small next to the canonical 224: all read P2
        float[] image0 = {4, 4, 20, 20, 0, 0, 63, 63};
        float[] image1 = {0, 0, 64, 60, 10, 10, 30, 30};
        MultiScaleRoiAlign pool = new MultiScaleRoiAlign(7, 2);
        Tensor out = pool.pool(maps, List.of(image0, image1), 64);
        assertArrayEquals(new int[] {4, 3, 7, 7}, out.shape());
        Tensor first = RoiAlign.roiAlign(maps.get(0), Tensor.of(new float[] {1, 10, 10, 30, 30}, 1, 5), 7, 7, 0.25f, 2,
                false);
        assertArrayEquals(first.toArray(), out.slice(0, 3, 4).toArray(), 0f, "row 3 is image 1's second box");
        // the level a box reads is the mapper's: a 512×512 image whose maps are 128 … 16
        List<Tensor> large = new ArrayList<>();
        for (int s = 128; s >= 16; s /= 2) {
            large.add(Tensor.uniform(s, -1, 1, 1, 2, s, s));
        }
        float[] scaled = {0, 0, 240, 240, 8, 8, 24, 24, 0, 0, 460, 460};  // P4, P2, P5
        Tensor mixed = pool.pool(large, List.of(scaled), 512);
        int[] level = MultiScaleRoiAlign.levels(scaled, 2, 5);
        assertArrayEquals(new int[] {2, 0, 3}, level);
        for (int j = 0; j < 3; j++) {
            float[] roi = {0, scaled[4 * j], scaled[4 * j + 1], scaled[4 * j + 2], scaled[4 * j + 3]};
            Tensor direct = RoiAlign.roiAlign(large.get(level[j]), Tensor.of(roi, 1, 5), 7, 7,
                    (float) Math.pow(2, -(level[j] + 2)), 2, false);
            assertArrayEquals(direct.toArray(), mixed.slice(0, j, j + 1).toArray(), 0f, "box " + j);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pool.pool(maps, List.of(image0, image1, image0), 64));
        assertTrue(e.getMessage().contains("3 images"), e.getMessage());
    }

    @Test
    void maskTargetsAreTheGroundTruthMaskOverTheBox() {
        // a mask whose left half (x < 32) is 1: over the box (16, 16, 48, 48) the target's left half is ~1, right ~0
        float[] m = new float[64 * 64];
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 32; x++) {
                m[y * 64 + x] = 1;
            }
        }
        RoiHeads.GroundTruth gt = new RoiHeads.GroundTruth(new float[] {0, 0, 32, 64}, new int[] {1},
                Tensor.of(m, 1, 64, 64));
        Tensor t = RoiHeads.maskTargets(List.of(gt), List.of(0), List.of(0), List.of(new float[] {16, 16, 48, 48}));
        assertArrayEquals(new int[] {1, 28, 28}, t.shape());
        for (int y = 0; y < 28; y++) {
            assertEquals(1f, t.get(0, y, 2), 0f);
            assertEquals(1f, t.get(0, y, 12), 1e-6f);
            assertEquals(0f, t.get(0, y, 15), 1e-6f);
            assertEquals(0f, t.get(0, y, 27), 0f);
        }
    }

    private static void setPredictor(Module m, String layer, float[] bias) {
        Conv2d conv = (Conv2d) m.child(layer);
        conv.weight().assign(conv.weight().value().zerosLike());
        conv.bias().assign(Tensor.of(bias, bias.length));
    }

    @Test
    void lossesMatchHandComputedValues() {
        RoiHeads heads = new RoiHeads(3, 16, 4, 2, 512, 0.05f, 0.5f, 100);
        heads.initialize(5);
        setPredictor(heads.child("box_predictor"), "cls_score", new float[] {0.2f, -0.3f});
        float[] deltas = {0.3f, 0.3f, 0.3f, 0.3f, 0.05f, -0.1f, 0.2f, 0f}; // class 0, class 1
        setPredictor(heads.child("box_predictor"), "bbox_pred", deltas);
        setPredictor(heads.child("mask_predictor"), "mask_fcn_logits", new float[] {-2f, 0.7f});
        float[] ones = new float[64 * 64];
        java.util.Arrays.fill(ones, 1f);
        RoiHeads.GroundTruth gt = new RoiHeads.GroundTruth(new float[] {8, 8, 40, 40}, new int[] {1},
                Tensor.of(ones, 1, 64, 64));
        RoiHeads.GroundTruth none = new RoiHeads.GroundTruth(new float[0], new int[0], null);
        // image 0: a proposal on the box (foreground) and one away from it (background); + the box itself (foreground)
        // image 1: no ground truth, one proposal (background)
        List<float[]> proposals = List.of(new float[] {8, 8, 40, 40, 44, 44, 60, 60}, new float[] {4, 4, 20, 20});
        Tensor[] losses = heads.losses(pyramid(3, 3), proposals, List.of(gt, none), 64, new SplittableRandom(0));
        double logSum = Math.log(Math.exp(0.2) + Math.exp(-0.3));
        double ceForeground = logSum + 0.3;
        double ceBackground = logSum - 0.2;
        assertEquals((2 * ceForeground + 2 * ceBackground) / 4, losses[0].item(), 1e-6, "loss_classifier");
        // two foreground RoIs, both exactly on the box (targets 0); class-1 deltas (0.05, −0.1, 0.2, 0), β = 1/9
        double perRoi = 0.5 * 0.05 * 0.05 * 9 + 0.5 * 0.1 * 0.1 * 9 + (0.2 - 0.5 / 9);
        assertEquals(2 * perRoi / 4, losses[1].item(), 1e-6, "loss_box_reg");
        // mask logits 0.7 everywhere in class 1's channel, targets 1 (the mask covers the image): softplus(−0.7)
        assertEquals(Math.log1p(Math.exp(-0.7)), losses[2].item(), 1e-6, "loss_mask");
    }

    @Test
    void detectionsFollowThePostprocessingRules() {
        RoiHeads heads = new RoiHeads(3, 16, 4, 3, 512, 0.05f, 0.5f, 2);
        heads.initialize(6);
        // class probabilities softmax(0, ln 6, ln 3) = (0.1, 0.6, 0.3); zero deltas: every box is its proposal
        setPredictor(heads.child("box_predictor"), "cls_score", new float[] {0f, (float) Math.log(6), (float) Math.log(3)});
        setPredictor(heads.child("box_predictor"), "bbox_pred", new float[12]);
        List<float[]> proposals = List.of(new float[] {0, 0, 20, 20, 1, 1, 21, 21, 30, 30, 80, 50}, new float[0]);
        List<RoiHeads.Detections> d;
        try (var scope = Autograd.noGrad()) {
            d = heads.detect(pyramid(4, 3), proposals, 64, 64);
        }
        // class 1 (0.6): the first two overlap (IoU 0.82 > 0.5) → one; class 2 (0.3) likewise; the third box is
        // clipped to (30, 30, 64, 50); top 2 of the 4 kept by score: the two class-1 boxes
        RoiHeads.Detections first = d.get(0);
        assertEquals(2, first.count());
        assertArrayEquals(new int[] {1, 1}, first.labels());
        assertArrayEquals(new float[] {0.6f, 0.6f}, first.scores(), 1e-6f);
        assertArrayEquals(new float[] {0, 0, 20, 20, 30, 30, 64, 50}, first.boxes(), 1e-4f);
        assertArrayEquals(new int[] {2, 1, 28, 28}, first.masks().shape());
        for (float p : first.masks().toArray()) {
            assertTrue(p >= 0 && p <= 1);
        }
        assertEquals(0, d.get(1).count());
        assertArrayEquals(new int[] {0, 1, 28, 28}, d.get(1).masks().shape());
    }
}
