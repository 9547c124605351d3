package dev.nucleon.segmentation.inference;

import dev.nucleon.core.Device;
import dev.nucleon.core.backend.Epilogue;
import dev.nucleon.core.Tensor;
import dev.nucleon.core.backend.UpsampleMode;
import dev.nucleon.nn.InferencePlan;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.layers.Conv2d;
import dev.nucleon.nn.layers.ConvTranspose2d;
import dev.nucleon.nn.layers.ElementwiseActivation;
import dev.nucleon.nn.layers.Identity;
import dev.nucleon.nn.layers.Sequential;
import dev.nucleon.nn.layers.Upsample;


/**
 * Inference rewrites inside every {@link Sequential} of a model that compute the same function (within float
 * rounding) with fewer passes over the activations. Like batch-norm folding they are for loading a model to
 * predict with, not to train further: the rewritten layers have other parameter shapes than the checkpoint.
 *
 * <h2>1. Nearest ×2 up-sampling + 2×2 "same" convolution → one 3×3 stride-2 transposed convolution</h2>
 * Paper 004's U-Net up-samples by repeating each pixel 2×2 and then convolves with a 2×2 kernel w padded after
 * (Keras "same"). Along one axis, output 2m reads input m through both taps and output 2m+1 reads m through w₀ and
 * m+1 through w₁:
 * <pre>  y[2m] = (w₀ + w₁)·x[m]      y[2m+1] = w₀·x[m] + w₁·x[m+1]</pre>
 * which is a transposed convolution (stride 2, padding 1, output padding 1, y[2i + k − 1] += t[k]·x[i]) with the
 * 3-tap kernel {@code t = (w₁, w₀ + w₁, w₀)}; in 2-D {@code T[kh, kw] = Σ M[kh, u]·M[kw, v]·w[u, v]} with
 * {@code M = ((0, 1), (1, 1), (1, 0))}. It runs on the small image: 9 multiply-adds per input pixel and channel
 * pair instead of 16, and the 4×-larger up-sampled tensor is never written (the CPU backend computes it as four
 * sub-pixel phases, see {@code SubPixelTranspose}).
 *
 * <h2>2. Convolution + activation → the convolution with the activation fused</h2>
 * A {@link Conv2d} or {@link ConvTranspose2d} followed (possibly after {@link Identity} layers, such as a folded
 * batch norm) by an {@link ElementwiseActivation} (ReLU, leaky ReLU, ELU, sigmoid) gets that activation as its
 * epilogue ({@link Conv2d#fuseActivation}), applied while each output tile is still in cache; the activation layer
 * becomes an {@link Identity}. Gradients are unaffected (a fused layer under autograd runs conv then activation).
 */
public final class LayerFusion {

    /**
     * What {@link #fuse} changed.
     *
     * @param upsamplings nearest 2× up-samplings + 2×2 convolutions replaced by one transposed convolution
     * @param activations activations fused into the convolution before them
     */
    public record Report(int upsamplings, int activations) {
    }

    private LayerFusion() {
    }

    /**
     * Everything a model loaded for prediction goes through: inference mode, batch norm folded into the
     * convolution before it, {@link #fuse}, then an {@link InferencePlan} for reuse of activation memory (a
     * forward pass without gradients hands each activation back once its last reader has run). Call it on the CPU,
     * before moving the model to a device, and before any thread uses the model.
     *
     * @param model the network, rewritten in place; it must not be trained afterwards
     * @return what {@link #fuse} changed
     */
    public static Report forInference(Module model) {
        model.eval();
        BatchNormFolding.fold(model);
        Report report = fuse(model);
        InferencePlan.attach(model);
        return report;
    }

    /**
     * Applies both rewrites wherever they match, in place.
     *
     * @param model the network (in inference mode); it must not be trained afterwards
     * @return how many of each rewrite were made
     */
    public static Report fuse(Module model) {
        int upsamplings = 0;
        int activations = 0;
        for (Sequential s : BatchNormFolding.sequentials(model)) {
            for (int i = 0; i + 1 < s.size(); i++) {
                if (s.get(i) instanceof Upsample u && s.get(i + 1) instanceof Conv2d c && isNearestTwiceThenSame2x2(u, c)) {
                    s.replace(i, new Identity());
                    s.replace(i + 1, transposedEquivalent(c));
                    upsamplings++;
                }
            }
            for (int i = 0; i < s.size(); i++) {
                int next = i + 1;
                while (next < s.size() && s.get(next) instanceof Identity) {
                    next++;
                }
                if (next == s.size()) {
                    break;
                }
                if (!(s.get(next) instanceof ElementwiseActivation activation)) {
                    continue;
                }
                Epilogue f = activation.epilogue();
                if (s.get(i) instanceof Conv2d c && c.fusedActivation().isNone()) {
                    c.fuseActivation(f);
                } else if (s.get(i) instanceof ConvTranspose2d t && t.fusedActivation().isNone()) {
                    t.fuseActivation(f);
                } else {
                    continue;
                }
                s.replace(next, new Identity());
                activations++;
            }
        }
        return new Report(upsamplings, activations);
    }

    private static boolean isNearestTwiceThenSame2x2(Upsample u, Conv2d c) {
        return u.mode() == UpsampleMode.NEAREST && u.factor() == 2 && c.kernel() == 2 && c.stride() == 1
                && c.dilation() == 1 && c.samePadding() && c.fusedActivation().isNone();
    }

    /** The 3×3 stride-2 transposed convolution equal to nearest ×2 then {@code c} (see the class comment). */
    private static ConvTranspose2d transposedEquivalent(Conv2d c) {
        int cin = c.inChannels();
        int cout = c.outChannels();
        int groups = c.groups();
        int cinG = cin / groups;
        int coutG = cout / groups;
        float[] w = c.weight().value().toArray(); // (C_out, C_in/G, 2, 2)
        float[] t = new float[cin * coutG * 9];   // (C_in, C_out/G, 3, 3)
        int[][] m = {{0, 1}, {1, 1}, {1, 0}};
        for (int co = 0; co < cout; co++) {
            int group = co / coutG;
            for (int ci = 0; ci < cinG; ci++) {
                int src = (co * cinG + ci) * 4;
                int dst = ((group * cinG + ci) * coutG + co % coutG) * 9;
                for (int kh = 0; kh < 3; kh++) {
                    for (int kw = 0; kw < 3; kw++) {
                        float sum = 0f;
                        for (int u = 0; u < 2; u++) {
                            for (int v = 0; v < 2; v++) {
                                sum += m[kh][u] * m[kw][v] * w[src + u * 2 + v];
                            }
                        }
                        t[dst + kh * 3 + kw] = sum;
                    }
                }
            }
        }
        ConvTranspose2d up = ConvTranspose2d.builder(cin, cout, 3).stride(2).padding(1).outputPadding(1)
                .groups(groups).bias(c.bias() != null).build();
        up.weight().assign(Tensor.of(t, up.weight().shape()));
        if (c.bias() != null) {
            up.bias().assign(c.bias().value().to(Device.CPU));
        }
        up.eval();
        Device device = c.device();
        return device.isCpu() ? up : (ConvTranspose2d) up.to(device);
    }
}
