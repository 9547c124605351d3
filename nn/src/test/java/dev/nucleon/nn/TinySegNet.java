package dev.nucleon.nn;

import dev.nucleon.core.Tensor;
import dev.nucleon.core.ops.Shaping;
import dev.nucleon.nn.layers.BatchNorm2d;
import dev.nucleon.nn.layers.Conv2d;
import dev.nucleon.nn.layers.ConvTranspose2d;
import dev.nucleon.nn.layers.Dropout;
import dev.nucleon.nn.layers.ELU;
import dev.nucleon.nn.layers.MaxPool2d;
import dev.nucleon.nn.layers.ReLU;
import dev.nucleon.nn.layers.Sequential;

/**
 * A two-level U-Net in miniature, for tests: (N, in, H, W) → (N, 1, H, W) logits, H and W even.
 * enc: conv3×3–BN–ReLU; down: max-pool; mid: conv3×3–ELU–dropout; up: transposed conv 2×2/2;
 * dec: concat(up, enc) → conv3×3 (same) – ReLU; head: conv1×1.
 */
public final class TinySegNet extends Module {

    /** The registry name of {@link Builder}. */
    public static final String NAME = "tiny-segnet";

    private final Module enc;
    private final Module down;
    private final Module mid;
    private final Module up;
    private final Module dec;
    private final Module head;

    public TinySegNet(int in, int base, float dropout) {
        enc = registerModule("enc", new Sequential(new Conv2d(in, base, 3, 1, 1), new BatchNorm2d(base, 0.1f, 1e-5f),
                new ReLU()));
        down = registerModule("down", new MaxPool2d(2));
        mid = registerModule("mid", new Sequential(new Conv2d(base, 2 * base, 3, 1, 1), new ELU(), new Dropout(dropout)));
        up = registerModule("up", new ConvTranspose2d(2 * base, base, 2, 2));
        dec = registerModule("dec", new Sequential(Conv2d.builder(2 * base, base, 3).samePadding().build(), new ReLU()));
        head = registerModule("head", new Conv2d(base, 1, 1));
    }

    @Override
    protected Tensor compute(Tensor x) {
        Tensor e = enc.forward(x);
        Tensor u = up.forward(mid.forward(down.forward(e)));
        return head.forward(dec.forward(Shaping.concat(1, u, e)));
    }

    /** {@code tiny-segnet} with arguments {@code in}, {@code base}, {@code dropout}. */
    public static final class Builder implements ModelBuilder {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Module build(ModelConfig config) {
            return new TinySegNet(config.getInt("in", 1), config.getInt("base", 4),
                    (float) config.getDouble("dropout", 0.0));
        }
    }
}
