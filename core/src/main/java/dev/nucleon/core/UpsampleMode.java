package dev.nucleon.core;

/**
 * Upsampling by an integer factor. {@code BILINEAR} uses half-pixel centres without corner alignment
 * (PyTorch {@code align_corners=False}, ONNX {@code coordinate_transformation_mode="half_pixel"}), so
 * source coordinate {@code s = (d + 0.5) / factor − 0.5}, clamped at the border.
 */
public enum UpsampleMode {
    NEAREST, BILINEAR
}
