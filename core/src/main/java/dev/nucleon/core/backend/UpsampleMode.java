package dev.nucleon.core.backend;

/**
 * Upsampling by an integer factor. {@code BILINEAR} uses half-pixel centres without corner alignment
 * (PyTorch {@code align_corners=False}, ONNX {@code coordinate_transformation_mode="half_pixel"}), so
 * source coordinate {@code s = (d + 0.5) / factor − 0.5}, clamped at the border.
 */
public enum UpsampleMode {
    /** Output pixel (y, x) copies input pixel (⌊y / factor⌋, ⌊x / factor⌋): each pixel becomes a factor×factor block. */
    NEAREST,
    /** Linear interpolation in y and x between the four nearest input pixels, half-pixel centres as above. */
    BILINEAR
}
