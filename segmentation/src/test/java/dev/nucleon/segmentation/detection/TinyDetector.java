package dev.nucleon.segmentation.detection;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.init.Initializers;
import dev.nucleon.nn.layers.Conv2d;

import java.util.List;

/**
 * A Mask R-CNN small enough for unit tests: a four-convolution {@link Backbone} (strides 4, 8, 16, 32, 8 channels),
 * an 8-channel pyramid, a 16-wide box head, an 8-channel mask trunk, few proposals; and 64×64 images with nuclei-like
 * ground truth.
 */
final class TinyDetector {

    private TinyDetector() {
    }

    /** Four strided 3×3 convolutions with ReLU: C2 … C5 of 8 channels each. */
    static final class TinyBackbone extends Backbone {
        private final Conv2d[] convs = new Conv2d[4];
        private final int inChannels;

        TinyBackbone(int inChannels) {
            this.inChannels = inChannels;
            int c = inChannels;
            for (int i = 0; i < 4; i++) {
                convs[i] = registerModule("conv" + (i + 2), Conv2d.builder(c, 8, 3).stride(i == 0 ? 4 : 2).padding(1)
                        .kernelInitializer(Initializers.heNormal()).biasInitializer(Initializers.constant(0.01f))
                        .build());
                c = 8;
            }
        }

        @Override
        public List<Tensor> features(Tensor x) {
            Tensor c2 = convs[0].forward(x).relu();
            Tensor c3 = convs[1].forward(c2).relu();
            Tensor c4 = convs[2].forward(c3).relu();
            Tensor c5 = convs[3].forward(c4).relu();
            return List.of(c2, c3, c4, c5);
        }

        @Override
        public int[] channels() {
            return new int[] {8, 8, 8, 8};
        }

        @Override
        public int inChannels() {
            return inChannels;
        }
    }

    /** F 8, D 16, mask 8; 100/100 pre-NMS, 50/30 post-NMS; 64 anchors and 32 RoIs sampled; seed 7. */
    static final MaskRcnn.Settings SETTINGS = new MaskRcnn.Settings(8, 16, 8, 100, 100, 50, 30, 64, 32, 0.05f, 0.5f,
            100, 7, 32);

    /** {@return a fresh tiny detector (2 classes), parameters from {@code seed}} */
    static MaskRcnn create(long seed) {
        MaskRcnn net = new MaskRcnn(new TinyBackbone(3), 2, SETTINGS);
        net.initialize(seed);
        return net;
    }

    /** {@return (n, 3, 64, 64) images, uniform in [−1, 1]} */
    static Tensor images(long seed, int n) {
        return Tensor.uniform(seed, -1, 1, n, 3, 64, 64);
    }

    /** {@return a target of filled ellipses inscribed in the given boxes (x1, y1, x2, y2 each), label 1} */
    static MaskRcnn.Target ellipses(float... boxes) {
        int g = boxes.length / 4;
        float[] masks = new float[g * 64 * 64];
        int[] labels = new int[g];
        for (int j = 0; j < g; j++) {
            labels[j] = 1;
            double cx = (boxes[4 * j] + boxes[4 * j + 2]) / 2.0;
            double cy = (boxes[4 * j + 1] + boxes[4 * j + 3]) / 2.0;
            double rx = (boxes[4 * j + 2] - boxes[4 * j]) / 2.0;
            double ry = (boxes[4 * j + 3] - boxes[4 * j + 1]) / 2.0;
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    double u = (x + 0.5 - cx) / rx;
                    double v = (y + 0.5 - cy) / ry;
                    masks[(j * 64 + y) * 64 + x] = u * u + v * v <= 1 ? 1f : 0f;
                }
            }
        }
        return new MaskRcnn.Target(boxes.clone(), labels, Tensor.of(masks, g, 64, 64));
    }

    /** {@return two images' targets: two nuclei in the first, one in the second} */
    static List<MaskRcnn.Target> twoImages() {
        return List.of(ellipses(10, 12, 30, 34, 36, 30, 58, 52), ellipses(20, 8, 44, 28));
    }
}
