package dev.nucleon.segmentation.networks;

import dev.nucleon.core.Shape;
import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.init.Initializer;
import dev.nucleon.nn.layers.BatchNorm2d;
import dev.nucleon.nn.layers.Conv2d;
import dev.nucleon.nn.layers.ConvTranspose2d;
import dev.nucleon.nn.layers.Dropout;
import dev.nucleon.nn.layers.MaxPool2d;
import dev.nucleon.nn.layers.Sequential;
import dev.nucleon.nn.layers.Upsample;

import java.util.ArrayList;
import java.util.List;

/**
 * U-Net (Ronneberger et al. 2015) with "same" padding, in every flavour of the reproduced papers, built from a
 * {@link UNetConfig}: x (N, C_in, H, W) → (N, K, H, W) with H and W multiples of 2^(depth−1).
 *
 * <p>Children, in call order (names as in the summary): {@code enc1} … {@code encN} (two 3×3 conv [+ BN] +
 * activation, with dropout between or after them), {@code pool1} … {@code pool(N−1)} (2×2 max-pool),
 * {@code up(N−1)} … {@code up1} (the {@link UpMode}), {@code dec(N−1)} … {@code dec1} (two 3×3 convs over
 * concat(up-sampled, encoder level)), {@code head} (optional 3×3 conv, then 1×1 conv to K, then the
 * {@link Output}).
 *
 * <p>Weights, with f_n = B·2^(n−1) and C_in input channels (each 3×3 conv: 9·c_in·c_out + c_out; batch norm
 * adds 2·c_out trainable and 2·c_out non-trainable):
 * encoder Σ_n [conv(f_(n−1) → f_n) + conv(f_n → f_n)] with f_0 = C_in; decoder Σ_n [up + conv(f_n + f_n′ → f_n)
 * + conv(f_n → f_n)] where the up-sampled level has f_n′ = f_n channels (transposed 2×2: 4·f_(n+1)·f_n + f_n;
 * nearest + 2×2 conv: the same) or f_n′ = f_(n+1) (nearest only, no weights). Paper 002's U-Net (C_in 3,
 * B 64, BN, transposed) has 31,055,297; paper 004's (C_in 1, B 16, nearest + 2×2 conv, head 3×3 → 2 → 1×1)
 * 1,941,093; paper 000's (C_in 3, B 16, transposed, head 1×1) 1,941,105. See {@link Presets}.
 */
public final class UNet extends Module {

    private final UNetConfig config;
    private final List<Module> encoder = new ArrayList<>();
    private final List<Module> pools = new ArrayList<>();
    private final List<Module> ups = new ArrayList<>();
    private final List<Module> decoder = new ArrayList<>();
    private final Module head;

    /**
     * Builds the network a configuration describes, its kernels drawn from the configuration's initialiser.
     *
     * @param config the U-Net's configuration (already checked by {@link UNetConfig.Builder#build()})
     */
    public UNet(UNetConfig config) {
        this.config = config;
        int n = config.depth();
        Initializer init = config.kernelInitializer();
        int channels = config.inChannels();
        for (int level = 1; level <= n; level++) {
            int f = config.filters(level);
            boolean between = config.dropoutPlacement() == UNetConfig.DropoutPlacement.BETWEEN_CONVS;
            Sequential block = convBlock(channels, f, config.encoderActivation(level, 1),
                    config.encoderActivation(level, 2), between ? config.dropout(level) : 0f, config.batchNorm(), init);
            if (!between && config.dropout(level) > 0) {
                block.append(new Dropout(config.dropout(level)));
            }
            encoder.add(registerModule("enc" + level, block));
            if (level < n) {
                pools.add(registerModule("pool" + level, new MaxPool2d(2)));
            }
            channels = f;
        }
        for (int level = n - 1; level >= 1; level--) {
            int below = config.filters(level + 1);
            int f = config.filters(level);
            Module up;
            int upChannels;
            switch (config.upMode()) {
                case TRANSPOSED -> {
                    Module t = ConvTranspose2d.builder(below, f, 2).stride(2).kernelInitializer(init).build();
                    up = config.upActivation() == Activation.NONE ? t : new Sequential(t, config.upActivation().create());
                    upChannels = f;
                }
                case NEAREST_CONV -> {
                    up = new Sequential(new Upsample(2),
                            Conv2d.builder(below, f, 2).samePadding().kernelInitializer(init).build(),
                            config.upActivation().create());
                    upChannels = f;
                }
                case NEAREST -> {
                    up = new Upsample(2);
                    upChannels = below;
                }
                default -> throw new IllegalStateException(String.valueOf(config.upMode()));
            }
            ups.add(registerModule("up" + level, up));
            boolean between = config.dropoutPlacement() == UNetConfig.DropoutPlacement.BETWEEN_CONVS;
            decoder.add(registerModule("dec" + level, convBlock(upChannels + f, f, config.decoderActivation(level, 1),
                    config.decoderActivation(level, 2), between ? config.dropout(level) : 0f, config.batchNorm(), init)));
        }
        Sequential h = new Sequential();
        int c = config.filters(1);
        if (config.headHidden() > 0) {
            h.append(Conv2d.builder(c, config.headHidden(), 3).padding(1).kernelInitializer(init).build());
            h.append(config.headHiddenActivation().create());
            c = config.headHidden();
        }
        h.append(Conv2d.builder(c, config.outChannels(), 1).kernelInitializer(init).build());
        h.append(config.output().create());
        head = registerModule("head", h);
    }

    /**
     * Two 3×3 "same" convolutions c_in → c_out → c_out, each followed by [batch norm and] its activation, with
     * dropout between them when {@code dropout} > 0: the level block of every U-Net here.
     */
    static Sequential convBlock(int in, int out, Activation first, Activation second, float dropout, boolean batchNorm,
            Initializer init) {
        Sequential s = new Sequential();
        s.append(Conv2d.builder(in, out, 3).padding(1).kernelInitializer(init).build());
        if (batchNorm) {
            s.append(new BatchNorm2d(out));
        }
        s.append(first.create());
        if (dropout > 0) {
            s.append(new Dropout(dropout));
        }
        s.append(Conv2d.builder(out, out, 3).padding(1).kernelInitializer(init).build());
        if (batchNorm) {
            s.append(new BatchNorm2d(out));
        }
        s.append(second.create());
        return s;
    }

    /**
     * @param x (N, C_in, H, W), H and W multiples of 2^(depth−1)
     * @return (N, K, H, W)
     */
    @Override
    protected Tensor compute(Tensor x) {
        requireInput("UNet", x, config.inChannels(), config.sizeMultiple(), "depth " + config.depth());
        int n = config.depth();
        Tensor[] skips = new Tensor[n];
        Tensor y = x;
        for (int level = 1; level <= n; level++) {
            y = encoder.get(level - 1).forward(y);
            skips[level - 1] = y;
            if (level < n) {
                y = pools.get(level - 1).forward(y);
            }
        }
        for (int i = 0; i < n - 1; i++) {
            int level = n - 1 - i;
            Tensor up = ups.get(i).forward(y);
            y = decoder.get(i).forwardConcat(up, skips[level - 1]); // = forward(concat(up, skip)), read in place
        }
        return head.forward(y);
    }

    /** {@return the configuration this network was built from} */
    public UNetConfig unetConfig() {
        return config;
    }

    @Override
    protected String extraRepr() {
        return "B=" + config.base() + ", N=" + config.depth();
    }

    /**
     * Fails unless x is (N, channels, H, W) with H and W multiples of {@code multiple}; the message names the
     * network, the shape and the reason ({@code why}, e.g. "depth 5").
     */
    static void requireInput(String network, Tensor x, int channels, int multiple, String why) {
        int[] s = x.shape();
        if (s.length != 4 || s[1] != channels) {
            throw new IllegalArgumentException(network + ": expected input (N, " + channels + ", H, W), got "
                    + Shape.str(s));
        }
        if (s[2] % multiple != 0 || s[3] % multiple != 0 || s[2] == 0 || s[3] == 0) {
            throw new IllegalArgumentException(network + ": input " + s[2] + "×" + s[3] + " must be a multiple of "
                    + multiple + " in height and width (" + why + "); pad or crop it, e.g. to "
                    + roundUp(s[2], multiple) + "×" + roundUp(s[3], multiple));
        }
    }

    private static int roundUp(int v, int m) {
        return Math.max(m, (v + m - 1) / m * m);
    }
}
