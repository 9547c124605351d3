package dev.nucleon.segmentation.inference;

import dev.nucleon.core.Tensor;
import dev.nucleon.nn.Module;
import dev.nucleon.nn.layers.BatchNorm2d;
import dev.nucleon.nn.layers.Conv2d;
import dev.nucleon.nn.layers.Identity;
import dev.nucleon.nn.layers.Sequential;

import java.util.ArrayList;
import java.util.List;

/**
 * Folds inference-mode batch norm into the convolution before it, for every {@code Conv2d → BatchNorm2d}
 * pair inside a {@link Sequential} (how every batch-norm network here is built). With
 * {@code s = γ / √(σ² + eps)} per output channel:
 * <pre>  W' = W · s      b' = (b − μ) · s + β</pre>
 * and the batch norm is replaced by {@link Identity}. The folded network computes the same function in
 * inference mode (within float rounding) with one pass fewer over every activation. It must not be trained
 * afterwards (the batch-norm parameters are gone), so only inference loads fold.
 */
final class BatchNormFolding {
    private BatchNormFolding() {
    }

    /** Folds every foldable pair in {@code model}; returns how many batch norms were removed. */
    public static int fold(Module model) {
        int folded = 0;
        for (Sequential s : sequentials(model)) {
            for (int i = 0; i + 1 < s.size(); i++) {
                if (s.get(i) instanceof Conv2d conv && s.get(i + 1) instanceof BatchNorm2d bn && conv.bias() != null) {
                    fold(conv, bn);
                    s.replace(i + 1, new Identity());
                    folded++;
                }
            }
        }
        return folded;
    }

    /** Every {@link Sequential} in {@code model}, the model itself included: where the inference rewrites look. */
    static List<Sequential> sequentials(Module model) {
        List<Sequential> out = new ArrayList<>();
        for (Module m : model.namedModules().values()) {
            if (m instanceof Sequential s) {
                out.add(s);
            }
        }
        if (model instanceof Sequential s && !out.contains(s)) {
            out.add(s);
        }
        return out;
    }

    private static void fold(Conv2d conv, BatchNorm2d bn) {
        float[] w = conv.weight().value().toArray();
        float[] b = conv.bias().value().toArray();
        float[] gamma = bn.weight().value().toArray();
        float[] beta = bn.bias().value().toArray();
        float[] mean = bn.runningMean().value().toArray();
        float[] var = bn.runningVar().value().toArray();
        int out = b.length, per = w.length / out;
        if (gamma.length != out) {
            throw new IllegalArgumentException("BatchNormFolding: convolution has " + out + " outputs, batch norm "
                    + gamma.length + " channels");
        }
        float[] w2 = new float[w.length], b2 = new float[out];
        for (int o = 0; o < out; o++) {
            double s = gamma[o] / Math.sqrt(var[o] + (double) bn.eps());
            for (int k = 0; k < per; k++) {
                w2[o * per + k] = (float) (w[o * per + k] * s);
            }
            b2[o] = (float) ((b[o] - mean[o]) * s + beta[o]);
        }
        conv.weight().assign(Tensor.of(w2, conv.weight().shape()));
        conv.bias().assign(Tensor.of(b2, out));
    }
}
