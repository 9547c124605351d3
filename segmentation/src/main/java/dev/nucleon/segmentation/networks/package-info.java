/**
 * The networks of the five papers (papers 000–004, see {@code docs/papers.md}), built from nn layers, with the
 * papers' weight counts.
 *
 * <p>{@link dev.nucleon.segmentation.networks.UNet} (configured by a
 * {@link dev.nucleon.segmentation.networks.UNetConfig}: papers 000, 002, 004),
 * {@link dev.nucleon.segmentation.networks.UNetPlusPlus} (004's control),
 * {@link dev.nucleon.segmentation.networks.UNetPlus} (004, with our documented reading of its Fig. 5a),
 * {@link dev.nucleon.segmentation.networks.ResFcn} (003), {@link dev.nucleon.segmentation.networks.SimpleCnn}
 * and {@link dev.nucleon.segmentation.networks.ResNetFcn} (001). {@link dev.nucleon.segmentation.networks.Presets}
 * names the exact configurations ({@code unet-bn}, {@code unet}, {@code unet-carving}, …) and registers them as
 * nn model builders, so saved checkpoints rebuild themselves; {@code nucleon summary PRESET} prints their
 * Keras-style tables.
 */
package dev.nucleon.segmentation.networks;
