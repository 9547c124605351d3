package dev.nucleon.segmentation.detection;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.Parameter;
import dev.nucleon.nn.layers.BatchNorm2d;
import dev.nucleon.nn.layers.Conv2d;
import dev.nucleon.segmentation.networks.Presets;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MaskRcnn} end to end on a {@link TinyDetector}: a training step reaches every parameter and its gradients
 * agree with finite differences; inference of an untrained network has the documented shapes and is
 * deterministic; images without nuclei train and infer; the {@code mask-rcnn} preset has the documented counts.
 */
class MaskRcnnTest {

    private static boolean allFinite(Tensor t) {
        for (float v : t.toArray()) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    @Test
    void aTrainingStepReachesEveryParameter() {
        MaskRcnn net = TinyDetector.create(1);
        MaskRcnn.Losses losses = net.losses(TinyDetector.images(2, 2), TinyDetector.twoImages());
        for (Tensor l : List.of(losses.objectness(), losses.rpnBoxReg(), losses.classifier(), losses.boxReg(),
                losses.mask())) {
            assertEquals(0, l.rank());
            assertTrue(Float.isFinite(l.item()) && l.item() > 0, "every loss positive: " + losses);
        }
        losses.total().backward();
        for (Map.Entry<String, Parameter> e : net.namedParameters().entrySet()) {
            Tensor g = e.getValue().grad();
            assertTrue(g != null, e.getKey() + " has no gradient");
            assertTrue(allFinite(g), e.getKey());
            float largest = 0;
            for (float v : g.toArray()) {
                largest = Math.max(largest, Math.abs(v));
            }
            assertTrue(largest > 0, e.getKey() + "'s gradient is zero");
        }
    }

    /** Central difference of {@code loss} in one element of a parameter (float, with the samplers reseeded). */
    private static double finiteDifference(MaskRcnn net, Parameter p, int index, float h,
                                           Function<MaskRcnn.Losses, Tensor> loss) {
        float[] v = p.value().toArray();
        float original = v[index];
        double[] f = new double[2];
        for (int s = 0; s < 2; s++) {
            v[index] = original + (s == 0 ? h : -h);
            p.assign(Tensor.of(v, p.shape()));
            net.reseed(3);
            try (var scope = Autograd.noGrad()) {
                f[s] = loss.apply(net.losses(TinyDetector.images(2, 2), TinyDetector.twoImages())).item();
            }
        }
        v[index] = original;
        p.assign(Tensor.of(v, p.shape()));
        return (f[0] - f[1]) / (2 * h);
    }

    @Test
    void gradientsAgreeWithFiniteDifferences() {
        MaskRcnn net = TinyDetector.create(4);
        Map<String, Parameter> params = net.namedParameters();
        Function<MaskRcnn.Losses, Tensor> rpn = l -> l.objectness().add(l.rpnBoxReg());
        Function<MaskRcnn.Losses, Tensor> heads = l -> l.classifier().add(l.boxReg()).add(l.mask());
        // the RPN's losses do not depend on the proposals, the heads' do (through top-k and NMS, which a change of
        // the RPN or the backbone can flip): each parameter is checked against the losses it reaches smoothly, at
        // its element of largest gradient
        record Check(String name, Function<MaskRcnn.Losses, Tensor> loss) {
        }
        List<Check> checks = List.of(
                new Check("backbone.conv2.weight", rpn),
                new Check("fpn.layer0.weight", rpn),
                new Check("rpn.head.cls_logits.bias", rpn),
                new Check("rpn.head.bbox_pred.weight", rpn),
                new Check("roi_heads.box_head.fc6.weight", heads),
                new Check("roi_heads.box_predictor.cls_score.bias", heads),
                new Check("roi_heads.box_predictor.bbox_pred.bias", heads),
                new Check("roi_heads.mask_head.mask_fcn2.weight", heads),
                new Check("roi_heads.mask_predictor.mask_fcn_logits.bias", heads));
        for (Check c : checks) {
            Parameter p = params.get(c.name());
            assertTrue(p != null, c.name() + " in " + params.keySet());
            net.zeroGrad();
            net.reseed(3);
            c.loss().apply(net.losses(TinyDetector.images(2, 2), TinyDetector.twoImages())).backward();
            float[] g = p.grad().toArray();
            int index = 0;
            for (int i = 1; i < g.length; i++) {
                index = Math.abs(g[i]) > Math.abs(g[index]) ? i : index;
            }
            double analytic = g[index];
            double numeric = finiteDifference(net, p, index, 1e-2f, c.loss());
            assertTrue(Math.abs(analytic) > 1e-4, c.name() + ": gradient " + analytic);
            assertEquals(numeric, analytic, 1e-5 + 2e-2 * Math.abs(numeric), c.name() + "[" + index + "]");
        }
    }

    @Test
    void adamStepsLowerTheLossesOnAFixedBatch() {
        MaskRcnn net = TinyDetector.create(9);
        dev.nucleon.nn.optim.Adam adam = new dev.nucleon.nn.optim.Adam(net, 3e-3);
        Tensor images = TinyDetector.images(10, 2);
        float[] first = null;
        float[] last = null;
        for (int step = 0; step < 25; step++) {
            net.reseed(11); // the same samples every step: a fixed objective
            net.zeroGrad();
            MaskRcnn.Losses l = net.losses(images, TinyDetector.twoImages());
            float[] values = {l.objectness().item(), l.rpnBoxReg().item(), l.classifier().item(), l.boxReg().item(),
                l.mask().item()};
            first = first == null ? values : first;
            last = values;
            l.total().backward();
            adam.step();
        }
        String trace = java.util.Arrays.toString(first) + " → " + java.util.Arrays.toString(last);
        // the RPN's two losses and the mask loss fall; the heads' box loss is not a fixed objective: at first only
        // the ground-truth boxes themselves (regression target 0) are foreground, and the better the proposals get,
        // the more foreground RoIs with real offsets it sums (in this seed it rises from 0.02 to ~0.45)
        assertTrue(last[0] < 0.8f * first[0], "loss_objectness: " + trace);
        assertTrue(last[1] < 0.8f * first[1], "loss_rpn_box_reg: " + trace);
        assertTrue(last[2] < 0.8f * first[2], "loss_classifier: " + trace);
        assertTrue(last[4] < 0.9f * first[4], "loss_mask: " + trace);
        float total0 = first[0] + first[1] + first[2] + first[3] + first[4];
        float total = last[0] + last[1] + last[2] + last[3] + last[4];
        assertTrue(total < 0.8f * total0, "total: " + trace);
    }

    @Test
    void inferenceOfAnUntrainedNetworkHasTheShapesAndRepeats() {
        MaskRcnn net = TinyDetector.create(5);
        net.eval();
        Tensor images = TinyDetector.images(6, 2);
        List<RoiHeads.Detections> first;
        List<RoiHeads.Detections> second;
        try (var scope = Autograd.noGrad()) {
            first = net.detect(images);
            second = net.detect(images);
        }
        assertEquals(2, first.size());
        for (int i = 0; i < 2; i++) {
            RoiHeads.Detections d = first.get(i);
            int n = d.count();
            assertTrue(n >= 1 && n <= 100, "untrained: some detections, at most 100: " + n);
            assertEquals(4 * n, d.boxes().length);
            assertEquals(n, d.labels().length);
            assertArrayEquals(new int[] {n, 1, 28, 28}, d.masks().shape());
            for (int j = 0; j < n; j++) {
                assertTrue(d.scores()[j] > 0.05f && d.scores()[j] <= 1f);
                assertTrue(j == 0 || d.scores()[j] <= d.scores()[j - 1], "score order");
                assertEquals(1, d.labels()[j]);
                float[] b = java.util.Arrays.copyOfRange(d.boxes(), 4 * j, 4 * j + 4);
                assertTrue(b[0] >= 0 && b[1] >= 0 && b[2] <= 64 && b[3] <= 64 && b[2] > b[0] && b[3] > b[1]);
            }
            for (float p : d.masks().toArray()) {
                assertTrue(p >= 0 && p <= 1);
            }
            RoiHeads.Detections again = second.get(i);
            assertArrayEquals(d.boxes(), again.boxes(), 0f);
            assertArrayEquals(d.scores(), again.scores(), 0f);
            assertArrayEquals(d.labels(), again.labels());
            assertArrayEquals(d.masks().toArray(), again.masks().toArray(), 0f);
        }
        // forward packs the same detections as (D, 7) rows
        Tensor packed;
        try (var scope = Autograd.noGrad()) {
            packed = net.forward(images);
        }
        assertArrayEquals(new int[] {first.get(0).count() + first.get(1).count(), 7}, packed.shape());
        assertEquals(first.get(0).scores()[0], packed.get(0, 5), 0f);
        assertEquals(1f, packed.get(first.get(0).count(), 0), 0f);
    }

    @Test
    void imagesWithoutNucleiTrainAndInfer() {
        MaskRcnn net = TinyDetector.create(7);
        // one image with a nucleus, one without; then a batch without any
        MaskRcnn.Losses mixed = net.losses(TinyDetector.images(8, 2),
                List.of(TinyDetector.ellipses(20, 8, 44, 28), MaskRcnn.Target.empty()));
        assertTrue(Float.isFinite(mixed.total().item()));
        MaskRcnn.Losses empty = net.losses(TinyDetector.images(9, 1), List.of(MaskRcnn.Target.empty()));
        assertTrue(Float.isFinite(empty.objectness().item()) && empty.objectness().item() > 0);
        assertTrue(Float.isFinite(empty.classifier().item()) && empty.classifier().item() > 0);
        assertEquals(0f, empty.rpnBoxReg().item(), 0f, "no positive anchor");
        assertEquals(0f, empty.boxReg().item(), 0f, "no foreground RoI");
        assertEquals(0f, empty.mask().item(), 0f, "no foreground RoI");
        empty.total().backward();
        assertTrue(allFinite(net.namedParameters().get("rpn.head.cls_logits.bias").grad()));
        // a blank image: no error; a network that has learnt the background (class-0 bias) finds nothing
        net.eval();
        Tensor blank = Tensor.zeros(1, 3, 64, 64);
        try (var scope = Autograd.noGrad()) {
            assertTrue(net.detect(blank).get(0).count() <= 100);
            Conv2d cls = (Conv2d) net.roiHeads().child("box_predictor").child("cls_score");
            cls.weight().assign(cls.weight().value().zerosLike());
            cls.bias().assign(Tensor.of(5f, -5f));
            RoiHeads.Detections d = net.detect(blank).get(0);
            assertEquals(0, d.count());
            assertArrayEquals(new int[] {0, 1, 28, 28}, d.masks().shape());
        }
    }

    @Test
    void badInputIsRefusedWithTheReason() {
        MaskRcnn net = TinyDetector.create(8);
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> net.losses(Tensor.zeros(1, 3, 60, 64), List.of(MaskRcnn.Target.empty())));
        assertTrue(size.getMessage().contains("multiples of 32"), size.getMessage());
        IllegalArgumentException box = assertThrows(IllegalArgumentException.class,
                () -> net.losses(Tensor.zeros(1, 3, 64, 64), List.of(new MaskRcnn.Target(new float[] {5, 5, 5, 9},
                        new int[] {1}, Tensor.zeros(1, 64, 64)))));
        assertTrue(box.getMessage().contains("positive width and height"), box.getMessage());
        IllegalArgumentException label = assertThrows(IllegalArgumentException.class,
                () -> net.losses(Tensor.zeros(1, 3, 64, 64), List.of(new MaskRcnn.Target(new float[] {5, 5, 9, 9},
                        new int[] {2}, Tensor.zeros(1, 64, 64)))));
        assertTrue(label.getMessage().contains("label 2"), label.getMessage());
        assertThrows(IllegalArgumentException.class, () -> net.losses(Tensor.zeros(1, 3, 64, 64), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new MaskRcnn(new TinyDetector.TinyBackbone(3), 2,
                new MaskRcnn.Settings(8, 16, 8, 100, 100, 50, 30, 0, 32, 0.05f, 0.5f, 100, 7, 32)));
        assertThrows(IllegalArgumentException.class, () -> new MaskRcnn(new TinyDetector.TinyBackbone(3), 1,
                TinyDetector.SETTINGS));
    }

    private static long trainable(Module m) {
        return m.parameterCount().trainable();
    }

    @Test
    void presetAtTorchvisionsSettingsHasTheDocumentedCounts() {
        MaskRcnn net = (MaskRcnn) Presets.build(Presets.MASK_RCNN);
        assertEquals("mask-rcnn", net.config().builder());
        assertEquals(23_508_032, trainable(net.backbone()), "ResNet-50 without fc");
        assertEquals(3_344_384, trainable(net.fpn()));
        assertEquals(593_935, trainable(net.rpn()));
        assertEquals(13_895_680, trainable(net.roiHeads().child("box_head")));
        assertEquals(10_250, trainable(net.roiHeads().child("box_predictor")));
        assertEquals(2_360_320, trainable(net.roiHeads().child("mask_head")));
        assertEquals(262_914, trainable(net.roiHeads().child("mask_predictor")));
        assertEquals(43_975_515, net.parameterCount().trainable());
        assertEquals(53_120, net.parameterCount().nonTrainable(), "batch norm running means and variances");
        long batchNormAffine = net.namedModules().values().stream().filter(m -> m instanceof BatchNorm2d)
                .mapToLong(MaskRcnnTest::trainable).sum();
        assertEquals(43_922_395, net.parameterCount().trainable() - batchNormAffine,
                "torchvision's maskrcnn_resnet50_fpn(num_classes=2), whose frozen batch norm has no parameters");
        // other depths and classes through the preset's options
        MaskRcnn small = (MaskRcnn) Presets.build(Presets.MASK_RCNN, Map.of("depth", 18, "classes", 3,
                "in_channels", 1));
        assertEquals(3, small.classes());
        assertArrayEquals(new int[] {64, 128, 256, 512}, small.backbone().channels());
        assertEquals(1, small.backbone().inChannels());
    }
}
