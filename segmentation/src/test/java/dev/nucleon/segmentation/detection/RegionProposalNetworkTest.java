package dev.nucleon.segmentation.detection;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RegionProposalNetwork}: proposals against a brute-force transcription of torchvision's
 * {@code filter_proposals} (decode in double, per-level top-k by sort, greedy NMS by pairs), the head's output
 * laid out in the anchors' order, and the two losses against hand-computed values.
 */
class RegionProposalNetworkTest {

    private static final int[][] GRIDS = {{16, 16}, {8, 8}, {4, 4}, {2, 2}, {1, 1}};

    /** torchvision's RPN proposals for one image, written the slow obvious way. */
    static List<float[]> reference(float[] logits, float[] deltas, float[] anchors, int[] counts, int pre, int post,
                                   int h, int w) {
        double clip = Math.log(1000.0 / 16);
        List<float[]> candidates = new ArrayList<>(); // x1, y1, x2, y2, score, level, candidate index
        int offset = 0;
        for (int l = 0; l < counts.length; l++) {
            Integer[] order = new Integer[counts[l]];
            for (int j = 0; j < order.length; j++) {
                order[j] = offset + j;
            }
            Arrays.sort(order, Comparator.comparingDouble((Integer j) -> -logits[j])); // stable: ties by index
            for (int j = 0; j < Math.min(pre, counts[l]); j++) {
                int a = order[j];
                double aw = anchors[4 * a + 2] - anchors[4 * a];
                double ah = anchors[4 * a + 3] - anchors[4 * a + 1];
                double cx = anchors[4 * a] + 0.5 * aw + deltas[4 * a] * aw;
                double cy = anchors[4 * a + 1] + 0.5 * ah + deltas[4 * a + 1] * ah;
                double pw = Math.exp(Math.min(deltas[4 * a + 2], clip)) * aw;
                double ph = Math.exp(Math.min(deltas[4 * a + 3], clip)) * ah;
                double x1 = Math.max(0, Math.min(w, cx - 0.5 * pw));
                double y1 = Math.max(0, Math.min(h, cy - 0.5 * ph));
                double x2 = Math.max(0, Math.min(w, cx + 0.5 * pw));
                double y2 = Math.max(0, Math.min(h, cy + 0.5 * ph));
                float score = (float) (1 / (1 + Math.exp(-logits[a])));
                if (x2 - x1 >= 1e-3 && y2 - y1 >= 1e-3) {
                    candidates.add(new float[] {(float) x1, (float) y1, (float) x2, (float) y2, score, l,
                        candidates.size()});
                }
            }
            offset += counts[l];
        }
        List<float[]> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingDouble((float[] c) -> -c[4])); // stable
        List<float[]> kept = new ArrayList<>();
        for (float[] c : sorted) {
            boolean suppressed = false;
            for (float[] k : kept) {
                suppressed |= k[5] == c[5] && iou(k, c) > 0.7;
            }
            if (!suppressed) {
                kept.add(c);
            }
        }
        return kept.subList(0, Math.min(post, kept.size()));
    }

    static double iou(float[] a, float[] b) {
        double iw = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
        double ih = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
        double inter = iw * ih;
        return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter);
    }

    @Test
    void proposalsMatchABruteForceReference() {
        RegionProposalNetwork rpn = new RegionProposalNetwork(8, 50, 50, 40, 40, 256);
        rpn.eval();
        Tensor anchors = rpn.anchorGenerator().anchors(64, 64, GRIDS);
        int t = anchors.size(0);
        int[] counts = {16 * 16 * 3, 8 * 8 * 3, 4 * 4 * 3, 2 * 2 * 3, 3};
        assertEquals(t, Arrays.stream(counts).sum());
        Tensor logits = Tensor.normal(11, 0, 2, 2, t);
        Tensor deltas = Tensor.uniform(12, -0.6f, 0.6f, 2, t, 4);
        List<RegionProposalNetwork.Proposals> got = rpn.proposals(
                new RegionProposalNetwork.HeadOutput(logits, deltas, counts, anchors), 64, 64);
        assertEquals(2, got.size());
        float[] l = logits.toArray();
        float[] d = deltas.toArray();
        for (int i = 0; i < 2; i++) {
            List<float[]> expected = reference(Arrays.copyOfRange(l, i * t, (i + 1) * t),
                    Arrays.copyOfRange(d, i * t * 4, (i + 1) * t * 4), anchors.toArray(), counts, 50, 40, 64, 64);
            RegionProposalNetwork.Proposals p = got.get(i);
            assertEquals(expected.size(), p.count(), "image " + i + ": proposal count");
            assertTrue(p.count() > 20 && p.count() <= 40, "some proposals survive NMS, at most post-NMS top-n");
            for (int j = 0; j < p.count(); j++) {
                float[] e = expected.get(j);
                assertArrayEquals(Arrays.copyOf(e, 4), Arrays.copyOfRange(p.boxes(), 4 * j, 4 * j + 4), 1e-3f,
                        "image " + i + " proposal " + j);
                assertEquals(e[4], p.scores()[j], 1e-6f);
                assertTrue(p.boxes()[4 * j] >= 0 && p.boxes()[4 * j + 2] <= 64, "clipped to the image");
            }
        }
        // in training mode the (here larger) training counts apply: pre 50 → post 40 are the same numbers, so use
        // a network whose counts differ between the modes
        RegionProposalNetwork modes = new RegionProposalNetwork(8, 50, 10, 40, 5, 256);
        RegionProposalNetwork.HeadOutput out = new RegionProposalNetwork.HeadOutput(logits, deltas, counts, anchors);
        modes.eval();
        assertTrue(modes.proposals(out, 64, 64).get(0).count() <= 5);
        modes.train();
        assertEquals(got.get(0).count(), modes.proposals(out, 64, 64).get(0).count());
    }

    @Test
    void headOutputFollowsTheAnchorOrder() {
        RegionProposalNetwork rpn = new RegionProposalNetwork(4, 50, 50, 40, 40, 256);
        rpn.initialize(3);
        List<Tensor> levels = new ArrayList<>();
        for (int[] g : GRIDS) {
            levels.add(Tensor.uniform(g[0] + 100L, -1, 1, 2, 4, g[0], g[1]));
        }
        try (var scope = Autograd.noGrad()) {
            RegionProposalNetwork.HeadOutput out = rpn.head(levels, 64, 64);
            RpnHead head = (RpnHead) rpn.child("head");
            int offset = 0;
            for (int lv = 0; lv < GRIDS.length; lv++) {
                Tensor raw = head.forward(levels.get(lv));
                int h = GRIDS[lv][0];
                int w = GRIDS[lv][1];
                for (int n = 0; n < 2; n++) {
                    for (int a = 0; a < 3; a++) {
                        int i = h - 1;
                        int j = w / 2;
                        int anchor = offset + (i * w + j) * 3 + a;
                        assertEquals(raw.get(n, a, i, j), out.objectness().get(n, anchor), 0f);
                        for (int c = 0; c < 4; c++) {
                            assertEquals(raw.get(n, 3 + 4 * a + c, i, j), out.deltas().get(n, anchor, c), 0f);
                        }
                    }
                }
                offset += h * w * 3;
            }
            assertEquals(offset, out.anchors().size(0));
        }
    }

    @Test
    void lossesMatchHandComputedValues() {
        // four anchors: a0 = the ground truth (positive), a1 far (negative), a2 IoU 0.5 (ignored), a3 far (negative)
        float[] anchors = {0, 0, 10, 10, 40, 40, 50, 50, 0, 0, 10, 20, 30, 0, 40, 10};
        float[] gt = {0, 0, 10, 10};
        float[] logits = {2f, -1f, 0.5f, 0.3f};
        float[] deltas = new float[16];
        deltas[0] = 0.1f;
        deltas[1] = -0.2f;
        deltas[2] = 0.05f;
        deltas[4] = 9f; // a1's deltas are not regressed (negative)
        RegionProposalNetwork rpn = new RegionProposalNetwork(8, 10, 10, 10, 10, 256);
        Tensor logitTensor = Tensor.of(logits, 1, 4).requiresGrad(true);
        Tensor deltaTensor = Tensor.of(deltas, 1, 4, 4).requiresGrad(true);
        Tensor[] losses = rpn.losses(new RegionProposalNetwork.HeadOutput(logitTensor, deltaTensor, new int[] {4},
                Tensor.of(anchors, 4, 4)), List.of(gt), new SplittableRandom(0));
        // sampled: a0 (positive), a1, a3 (negatives); BCE with logits: softplus(−x) for label 1, softplus(x) for 0
        double objectness = (Math.log1p(Math.exp(-2)) + Math.log1p(Math.exp(-1)) + Math.log1p(Math.exp(0.3))) / 3;
        assertEquals(objectness, losses[0].item(), 1e-6);
        // targets 0 (the anchor is the box); smooth-L1 β = 1/9: 0.1 < β → 0.5·0.01·9; 0.2 → 0.2 − 1/18; 0.05 → 0.5·0.0025·9
        double box = (0.045 + (0.2 - 1.0 / 18) + 0.01125) / 3;
        assertEquals(box, losses[1].item(), 1e-6);
        losses[0].add(losses[1]).backward();
        // ∂/∂logit: (σ(x) − y)/3 for sampled anchors, 0 for the ignored one
        float[] gl = logitTensor.grad().toArray();
        assertEquals((1 / (1 + Math.exp(-2)) - 1) / 3, gl[0], 1e-6);
        assertEquals(0f, gl[2], 0f);
        assertEquals(1 / (1 + Math.exp(-0.3)) / 3, gl[3], 1e-6);
        // ∂/∂delta of the positive: d/β / 3 inside β, sign/3 outside; others 0
        float[] gd = deltaTensor.grad().toArray();
        assertArrayEquals(new float[] {0.9f / 3, -1f / 3, 0.45f / 3, 0f, 0, 0, 0, 0}, Arrays.copyOf(gd, 8), 1e-5f);
    }

    @Test
    void noGroundTruthGivesNegativesOnly() {
        RegionProposalNetwork rpn = new RegionProposalNetwork(8, 10, 10, 10, 10, 4);
        float[] anchors = {0, 0, 10, 10, 40, 40, 50, 50, 0, 0, 10, 20, 30, 0, 40, 10, 5, 5, 20, 20, 1, 1, 3, 3};
        Tensor logits = Tensor.of(new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f}, 1, 6).requiresGrad(true);
        Tensor[] losses = rpn.losses(new RegionProposalNetwork.HeadOutput(logits, Tensor.zeros(1, 6, 4)
                .requiresGrad(true), new int[] {6}, Tensor.of(anchors, 6, 4)), List.of(new float[0]),
                new SplittableRandom(0));
        // 4 of the 6 anchors, all negatives: mean softplus(x) over the 4 drawn
        float[] g;
        losses[0].backward();
        g = logits.grad().toArray();
        double expected = 0;
        int drawn = 0;
        for (int i = 0; i < 6; i++) {
            if (g[i] != 0) {
                drawn++;
                expected += Math.log1p(Math.exp(0.1 * (i + 1)));
            }
        }
        assertEquals(4, drawn);
        assertEquals(expected / 4, losses[0].item(), 1e-6);
        assertEquals(0f, losses[1].item(), 0f);
    }

    @Test
    void anchorsStartAtTheSmallestSideAndDoublePerLevel() {
        for (float[] c : new float[][] {{32, 32, 512}, {8, 8, 128}}) {
            RegionProposalNetwork rpn = c[0] == 32 ? new RegionProposalNetwork(8, 10, 10, 10, 10, 256)
                    : new RegionProposalNetwork(8, 10, 10, 10, 10, 256, c[0]);
            AnchorGenerator g = rpn.anchorGenerator();
            assertEquals(5, g.levels());
            float[] p2 = g.cellAnchors(0).toArray(); // ratios 0.5, 1, 2: the square one is the second
            float[] p6 = g.cellAnchors(4).toArray();
            assertEquals(c[1], p2[4 + 2] - p2[4], 1e-4f, "P2 square anchor side");
            assertEquals(c[2], p6[4 + 2] - p6[4], 1e-4f, "P6 square anchor side");
        }
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new RegionProposalNetwork(8, 10, 10, 10, 10, 256, 0));
        assertTrue(e.getMessage().contains("smallest anchor"), e.getMessage());
        MaskRcnn preset = (MaskRcnn) dev.nucleon.segmentation.networks.Presets.build("mask-rcnn",
                java.util.Map.of("depth", 18, "fpn_channels", 8, "representation", 16, "mask_channels", 8,
                        "anchor", 8));
        float[] fromPreset = preset.rpn().anchorGenerator().cellAnchors(0).toArray();
        assertEquals(8, fromPreset[4 + 2] - fromPreset[4], 1e-4f, "the preset's anchor option reaches the RPN");
    }
}
