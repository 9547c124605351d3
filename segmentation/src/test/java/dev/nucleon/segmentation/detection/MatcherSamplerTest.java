package dev.nucleon.segmentation.detection;

import dev.nucleon.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The training rules of Mask R-CNN's two stages: {@link Matcher} (thresholds, ties, the best anchor of each box),
 * {@link BalancedSampler} (counts, fractions, seeding) and the RPN's anchor labels on real anchors.
 */
class MatcherSamplerTest {

    private static final int BELOW = Matcher.BELOW_LOW_THRESHOLD;
    private static final int BETWEEN = Matcher.BETWEEN_THRESHOLDS;

    @Test
    void thresholdsTiesAndLowQualityMatches() {
        // 2 ground-truth boxes × 6 predictions
        float[] iou = {
            0.80f, 0.50f, 0.10f, 0.70f, 0.40f, 0.00f,   // gt 0
            0.75f, 0.20f, 0.29f, 0.70f, 0.00f, 0.00f,   // gt 1
        };
        // RPN rule: ≥ 0.7 positive, < 0.3 negative; ties (p3: 0.7 and 0.7) go to the lowest gt
        assertArrayEquals(new int[] {0, BETWEEN, BELOW, 0, BETWEEN, BELOW},
                new Matcher(0.7f, 0.3f, false).match(iou, 2, 6));
        // with low-quality matches: gt 1's best is p0 (0.75, already gt 0's) — unchanged; gt 0's best p0 too.
        float[] weak = {
            0.50f, 0.20f, 0.10f,   // gt 0: best p0 at 0.5 (between) → becomes a match
            0.10f, 0.25f, 0.25f,   // gt 1: best p1 and p2 at 0.25 (below) → both become matches (ties all kept)
        };
        assertArrayEquals(new int[] {BETWEEN, BELOW, BELOW}, new Matcher(0.7f, 0.3f, false).match(weak, 2, 3));
        assertArrayEquals(new int[] {0, 1, 1}, new Matcher(0.7f, 0.3f, true).match(weak, 2, 3));
        // the RoI heads' rule 0.5/0.5: no "between"
        assertArrayEquals(new int[] {0, 0, BELOW, 0, BELOW, BELOW}, new Matcher(0.5f, 0.5f, false).match(iou, 2, 6));
        // no ground truth: everything background
        assertArrayEquals(new int[] {BELOW, BELOW}, new Matcher(0.7f, 0.3f, true).match(new float[0], 0, 2));
        assertThrows(IllegalArgumentException.class, () -> new Matcher(0.3f, 0.7f, true));
    }

    @Test
    void samplerRespectsCountsFractionsAndSeed() {
        int[] labels = new int[1000];
        Arrays.fill(labels, 0);
        for (int i = 0; i < 300; i++) {
            labels[3 * i] = 1;          // 300 positives
        }
        for (int i = 0; i < 100; i++) {
            labels[3 * i + 1] = -1;     // 100 ignored
        }
        BalancedSampler sampler = new BalancedSampler(256, 0.5f);
        BalancedSampler.Sample s = sampler.sample(labels, new SplittableRandom(1));
        assertEquals(128, s.positive().length, "at most 50 % positives");
        assertEquals(128, s.negative().length, "negatives fill the batch");
        assertTrue(IntStream.of(s.positive()).allMatch(i -> labels[i] == 1));
        assertTrue(IntStream.of(s.negative()).allMatch(i -> labels[i] == 0), "ignored anchors are never drawn");
        assertEquals(256, IntStream.of(s.all()).distinct().count(), "without replacement");
        assertArrayEquals(s.all(), IntStream.of(s.all()).sorted().toArray());
        // seeded: the same generator state gives the same sample, another seed another one
        assertArrayEquals(s.all(), sampler.sample(labels, new SplittableRandom(1)).all());
        assertFalse(Arrays.equals(s.all(), sampler.sample(labels, new SplittableRandom(2)).all()));
        // few positives: all of them, the rest negatives
        int[] few = new int[500];
        few[7] = 1;
        few[400] = 2;
        BalancedSampler.Sample f = sampler.sample(few, new SplittableRandom(3));
        assertArrayEquals(new int[] {7, 400}, f.positive());
        assertEquals(254, f.negative().length);
        // the RoI heads' 512 at 25 %: at most 128 positives
        BalancedSampler.Sample r = new BalancedSampler(512, 0.25f).sample(labels, new SplittableRandom(4));
        assertEquals(128, r.positive().length);
        assertEquals(384, r.negative().length);
        // fewer candidates than the batch: everything non-ignored
        BalancedSampler.Sample small = sampler.sample(new int[] {0, 1, -1, 0}, new SplittableRandom(5));
        assertArrayEquals(new int[] {0, 1, 3}, small.all());
    }

    @Test
    void rpnAnchorLabelsOnRealAnchors() {
        RegionProposalNetwork rpn = new RegionProposalNetwork(8, 100, 100, 50, 50, 256);
        int[][] grids = {{16, 16}, {8, 8}, {4, 4}, {2, 2}, {1, 1}};
        Tensor anchors = rpn.anchorGenerator().anchors(64, 64, grids);
        float[] a = anchors.toArray();
        int t = anchors.size(0);
        // a ground-truth box exactly on anchor 100 (level P2): that anchor is positive, matched to box 0
        float[] gt = Arrays.copyOfRange(a, 400, 404);
        gt[0] += 0.5f; // not exactly: IoU just under 1, still the best and ≥ 0.7
        int[] matched = new int[t];
        int[] labels = rpn.anchorLabels(anchors, gt, matched);
        assertEquals(1, labels[100]);
        assertEquals(0, matched[100]);
        // reference: label from the IoU by the rules, computed here
        float[] iou = dev.nucleon.core.ops.Boxes.iou(Tensor.of(gt, 1, 4), anchors).toArray();
        float best = 0;
        for (float v : iou) {
            best = Math.max(best, v);
        }
        for (int i = 0; i < t; i++) {
            int expected = iou[i] >= 0.7f || iou[i] == best ? 1 : iou[i] < 0.3f ? 0 : -1;
            assertEquals(expected, labels[i], "anchor " + i + " IoU " + iou[i]);
        }
        // no ground truth: every anchor negative
        assertTrue(IntStream.of(rpn.anchorLabels(anchors, new float[0], matched)).allMatch(l -> l == 0));
    }
}
