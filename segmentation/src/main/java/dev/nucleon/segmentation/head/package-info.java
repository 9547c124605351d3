/**
 * Instance-aware network outputs: what the network is trained to predict besides "nucleus or not", and how
 * those maps become one label per nucleus. {@link dev.nucleon.segmentation.head.Head} lists the heads; each
 * pairs a training target built from an instance label map with a decoder back to instances
 * ({@link dev.nucleon.segmentation.head.CoreWatershed}); {@link dev.nucleon.segmentation.head.HeadLoss} trains
 * every channel.
 */
package dev.nucleon.segmentation.head;
