/**
 * The output folder of a segmentation run, shared by {@code nucleon segment} and {@code segment-spark} so the two
 * write the same files under the same names: {@link dev.nucleon.segmentation.output.OutputNames} (each input image's
 * name under the folder), {@link dev.nucleon.segmentation.output.ImageOutputFiles} (the files one image gives, and
 * writing them) and {@link dev.nucleon.segmentation.output.RunManifest} ({@code manifest.json}, the record of the run).
 */
package dev.nucleon.segmentation.output;
