/**
 * The networks of the five papers (papers 000–004, see {@code docs/papers.md}), built from nn layers, with the
 * papers' weight counts.
 *
 * <p>{@link dev.nucleon.segmentation.networks.UNet} (configured by a
 * {@link dev.nucleon.segmentation.networks.UNetConfig}: papers 000, 002, 004),
 * {@link dev.nucleon.segmentation.networks.UNetPlusPlus} (004's control),
 * {@link dev.nucleon.segmentation.networks.UNetPlus} (004, with our documented reading of its Fig. 5a),
 * {@link dev.nucleon.segmentation.networks.ResFcn} (003), {@link dev.nucleon.segmentation.networks.SimpleCnn}
 * and {@link dev.nucleon.segmentation.networks.ResNetFcn} (001), whose ResNet is also
 * {@link dev.nucleon.segmentation.networks.ResNetBody}, the backbone of the {@code mask-rcnn} preset (001; the
 * detector itself is in {@code segmentation.detection}). {@link dev.nucleon.segmentation.networks.Presets}
 * names the exact configurations ({@code unet-bn}, {@code unet}, {@code unet-carving}, …) and is the catalogue that
 * puts them in nn's one registry ({@code ModelRegistry}): a preset is an nn {@code ModelBuilder}, its name and
 * options are an nn {@code ModelConfig}, so saved checkpoints rebuild themselves; {@code nucleon summary PRESET}
 * prints their Keras-style tables. (Why nn's configuration vocabulary is the only one: see {@code Presets}.)
 */
package dev.nucleon.segmentation.networks;
