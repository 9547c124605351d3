/**
 * Example programs: {@link dev.nucleon.examples.SegmentImage} segments an image from Java with the bundled
 * model; {@link dev.nucleon.examples.TrainSmallUNet} trains a small U-Net on a few images.
 */
package dev.nucleon.examples;
