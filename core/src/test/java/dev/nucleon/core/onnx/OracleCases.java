package dev.nucleon.core.onnx;

import java.util.List;

/**
 * The op geometries checked against ONNX Runtime, and the one-node ONNX model for each. Shared by
 * {@link OnnxGeometryTest} (output sizes) and {@link OnnxOracleTest} (values), so both judge the same
 * cases and the ONNX attribute mapping is written once.
 *
 * <p>ONNX conventions: {@code pads} are {@code [top, left, bottom, right]} (ours are symmetric (H, W));
 * {@code Conv} weights are (C_out, C_in/groups, kH, kW) and {@code ConvTranspose} weights
 * (C_in, C_out/groups, kH, kW), the same layouts as ours.
 */
final class OracleCases {

    private OracleCases() {
    }

    // ---------------------------------------------------------------- convolution

    record ConvCase(int n, int cin, int h, int w, int cout, int kh, int kw, int sh, int sw, int ph, int pw,
                    int dh, int dw, int groups, boolean bias) {

        int[] inputShape() {
            return new int[] {n, cin, h, w};
        }

        int[] weightShape() {
            return new int[] {cout, cin / groups, kh, kw};
        }

        /** ONNX {@code Conv} with {@code X} fed at run time, {@code W} and optional {@code B} stored. */
        OnnxModel model(float[] weight, float[] biasOrNull) {
            OnnxModel m = OnnxModel.node("Conv").input("X", inputShape()).initializer("W", weight, weightShape());
            if (biasOrNull != null) {
                m.initializer("B", biasOrNull, cout);
            }
            return m.ints("kernel_shape", kh, kw).ints("strides", sh, sw).ints("pads", ph, pw, ph, pw)
                    .ints("dilations", dh, dw).attr("group", (long) groups).output("Y");
        }

        @Override
        public String toString() {
            return "x(" + n + "," + cin + "," + h + "," + w + ") w(" + cout + "," + cin / groups + "," + kh + "," + kw
                    + ") s(" + sh + "," + sw + ") p(" + ph + "," + pw + ") d(" + dh + "," + dw + ") g" + groups
                    + (bias ? " +bias" : "");
        }
    }

    static final List<ConvCase> CONV = List.of(
            new ConvCase(1, 1, 5, 5, 1, 3, 3, 1, 1, 0, 0, 1, 1, 1, true),
            new ConvCase(1, 1, 5, 5, 1, 3, 3, 1, 1, 0, 0, 1, 1, 1, false),
            new ConvCase(2, 3, 7, 9, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, true),
            new ConvCase(2, 3, 9, 7, 5, 3, 3, 2, 2, 1, 1, 1, 1, 1, true),      // stride 2
            new ConvCase(2, 3, 9, 7, 5, 3, 3, 2, 2, 0, 0, 1, 1, 1, false),
            new ConvCase(1, 2, 6, 5, 3, 5, 5, 1, 1, 2, 2, 1, 1, 1, false),     // padding 2
            new ConvCase(1, 2, 6, 5, 3, 5, 5, 2, 2, 2, 2, 1, 1, 1, true),
            new ConvCase(2, 3, 11, 10, 4, 3, 3, 1, 1, 2, 2, 2, 2, 1, true),    // dilation 2
            new ConvCase(2, 3, 11, 10, 4, 3, 3, 1, 1, 0, 0, 2, 2, 1, false),
            new ConvCase(2, 4, 8, 8, 6, 3, 3, 1, 1, 1, 1, 1, 1, 2, true),      // groups 2
            new ConvCase(2, 4, 9, 7, 2, 3, 3, 2, 2, 0, 0, 1, 1, 2, false),
            new ConvCase(2, 5, 9, 9, 5, 3, 3, 1, 1, 1, 1, 1, 1, 5, true),      // depthwise
            new ConvCase(1, 5, 10, 9, 5, 3, 3, 2, 2, 1, 1, 1, 1, 5, false),    // depthwise, stride 2
            new ConvCase(2, 3, 8, 8, 6, 3, 3, 2, 2, 1, 1, 1, 1, 3, true),      // depthwise, channel multiplier 2
            new ConvCase(2, 3, 7, 9, 4, 1, 3, 1, 1, 0, 1, 1, 1, 1, true),      // 1×3
            new ConvCase(2, 3, 9, 7, 4, 3, 1, 1, 1, 1, 0, 1, 1, 1, true),      // 3×1
            new ConvCase(1, 2, 10, 11, 3, 2, 5, 2, 1, 1, 2, 1, 1, 1, true),    // 2×5, anisotropic stride and pad
            new ConvCase(1, 2, 12, 12, 3, 3, 2, 1, 2, 1, 1, 2, 1, 1, false),   // anisotropic dilation
            new ConvCase(3, 4, 5, 6, 8, 1, 1, 1, 1, 0, 0, 1, 1, 1, true),      // 1×1, batch 3
            new ConvCase(2, 4, 13, 11, 6, 3, 3, 2, 2, 2, 2, 2, 2, 2, true),    // all at once, odd sizes
            new ConvCase(1, 3, 10, 10, 2, 3, 3, 3, 3, 0, 0, 1, 1, 1, true),    // stride 3, last column dropped
            new ConvCase(2, 2, 4, 5, 3, 4, 5, 1, 1, 0, 0, 1, 1, 1, true),      // kernel covers the whole input
            new ConvCase(2, 16, 17, 15, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, true),  // wider: blocked GEMM paths
            new ConvCase(1, 8, 16, 16, 8, 7, 7, 1, 1, 3, 3, 1, 1, 1, false),   // 7×7
            new ConvCase(1, 32, 24, 24, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, true)); // U-Net sized: GEMM tiling

    record ConvTransposeCase(int n, int cin, int h, int w, int cout, int kh, int kw, int sh, int sw, int ph, int pw,
                             int oph, int opw, int dh, int dw, int groups, boolean bias) {

        int[] inputShape() {
            return new int[] {n, cin, h, w};
        }

        int[] weightShape() {
            return new int[] {cin, cout / groups, kh, kw};
        }

        /** {@code H_out = (H − 1)·s − 2·p + d·(k − 1) + outputPadding + 1}, and the same for W. */
        int[] outputShape() {
            return new int[] {n, cout, (h - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1,
                    (w - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1};
        }

        /** ONNX {@code ConvTranspose}: explicit pads and output_padding, no output_shape. */
        OnnxModel model(float[] weight, float[] biasOrNull) {
            OnnxModel m = OnnxModel.node("ConvTranspose").input("X", inputShape())
                    .initializer("W", weight, weightShape());
            if (biasOrNull != null) {
                m.initializer("B", biasOrNull, cout);
            }
            return m.ints("kernel_shape", kh, kw).ints("strides", sh, sw).ints("pads", ph, pw, ph, pw)
                    .ints("output_padding", oph, opw).ints("dilations", dh, dw).attr("group", (long) groups)
                    .output("Y");
        }

        @Override
        public String toString() {
            return "x(" + n + "," + cin + "," + h + "," + w + ") w(" + cin + "," + cout / groups + "," + kh + "," + kw
                    + ") s(" + sh + "," + sw + ") p(" + ph + "," + pw + ") op(" + oph + "," + opw + ") d(" + dh + ","
                    + dw + ") g" + groups + (bias ? " +bias" : "");
        }
    }

    static final List<ConvTransposeCase> CONV_TRANSPOSE = List.of(
            new ConvTransposeCase(1, 2, 4, 4, 3, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1, true),
            new ConvTransposeCase(2, 3, 5, 4, 2, 3, 3, 1, 1, 1, 1, 0, 0, 1, 1, 1, false),
            new ConvTransposeCase(2, 4, 5, 6, 3, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, true),   // U-Net up-conv
            new ConvTransposeCase(2, 3, 5, 5, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, true),   // ×2 with output padding
            new ConvTransposeCase(1, 3, 5, 5, 4, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1, 1, false),
            new ConvTransposeCase(1, 2, 4, 3, 3, 4, 4, 2, 2, 1, 1, 0, 0, 1, 1, 1, true),
            new ConvTransposeCase(1, 2, 4, 5, 3, 3, 3, 3, 3, 1, 1, 2, 2, 1, 1, 1, true),   // stride 3, output padding 2
            new ConvTransposeCase(2, 2, 5, 4, 3, 3, 3, 1, 1, 0, 0, 0, 0, 2, 2, 1, true),   // dilation 2
            new ConvTransposeCase(1, 2, 4, 4, 2, 3, 3, 2, 2, 2, 2, 1, 1, 2, 2, 1, false),  // stride 2, dilation 2
            new ConvTransposeCase(2, 4, 5, 5, 6, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 2, true),   // groups 2
            new ConvTransposeCase(1, 4, 6, 5, 4, 3, 3, 1, 1, 1, 1, 0, 0, 1, 1, 4, true),   // depthwise
            new ConvTransposeCase(2, 3, 4, 5, 2, 2, 3, 2, 1, 1, 0, 1, 0, 1, 1, 1, true),   // non-square, anisotropic
            new ConvTransposeCase(3, 5, 7, 3, 4, 3, 2, 1, 2, 0, 1, 0, 1, 1, 2, 1, false),  // batch 3, odd sizes
            new ConvTransposeCase(2, 16, 9, 7, 8, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, true),  // wider
            new ConvTransposeCase(1, 64, 12, 12, 32, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, true)); // U-Net sized up-conv

    // ---------------------------------------------------------------- pooling

    record PoolCase(int n, int c, int h, int w, int k, int s, int p) {

        int[] inputShape() {
            return new int[] {n, c, h, w};
        }

        OnnxModel maxPool() {
            return OnnxModel.node("MaxPool").input("X", inputShape())
                    .ints("kernel_shape", k, k).ints("strides", s, s).ints("pads", p, p, p, p).output("Y");
        }

        OnnxModel avgPool(boolean countIncludePad) {
            return OnnxModel.node("AveragePool").input("X", inputShape())
                    .ints("kernel_shape", k, k).ints("strides", s, s).ints("pads", p, p, p, p)
                    .attr("count_include_pad", countIncludePad ? 1L : 0L).output("Y");
        }

        @Override
        public String toString() {
            return "x(" + n + "," + c + "," + h + "," + w + ") k" + k + " s" + s + " p" + p;
        }
    }

    static final List<PoolCase> POOL = List.of(
            new PoolCase(1, 1, 4, 4, 2, 2, 0),
            new PoolCase(2, 3, 8, 6, 2, 2, 0),
            new PoolCase(2, 3, 7, 9, 2, 2, 0),     // odd: last row and column dropped
            new PoolCase(2, 2, 7, 7, 3, 1, 1),
            new PoolCase(2, 2, 9, 8, 3, 2, 1),
            new PoolCase(1, 3, 10, 10, 3, 3, 0),
            new PoolCase(1, 2, 6, 7, 2, 1, 0),
            new PoolCase(1, 2, 11, 9, 5, 2, 2),
            new PoolCase(2, 4, 5, 5, 2, 2, 1));

    // ---------------------------------------------------------------- resampling

    /** ONNX {@code Resize} (opset 13+) by an integer factor: X, roi omitted, scales [1, 1, f, f]. */
    static OnnxModel resize(int[] shape, int factor, boolean bilinear) {
        OnnxModel m = OnnxModel.node("Resize").input("X", shape).absentInput()
                .initializer("scales", new float[] {1, 1, factor, factor}, 4);
        if (bilinear) {
            // half_pixel: source = (dst + 0.5) / f − 0.5, = PyTorch align_corners=False
            m.attr("mode", "linear").attr("coordinate_transformation_mode", "half_pixel");
        } else {
            // asymmetric + floor: source = floor(dst / f)
            m.attr("mode", "nearest").attr("coordinate_transformation_mode", "asymmetric").attr("nearest_mode", "floor");
        }
        return m.output("Y");
    }

    static final List<int[]> RESIZE_SHAPES = List.of(
            new int[] {1, 1, 3, 3}, new int[] {2, 3, 5, 7}, new int[] {1, 2, 1, 4}, new int[] {2, 1, 6, 1},
            new int[] {1, 1, 1, 1}, new int[] {1, 4, 16, 12});
}
