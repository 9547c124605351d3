/**
 * Binary- and label-image algorithms: pure functions from masks, label maps and float maps to masks, label maps and
 * float maps, each following a named reference implementation (scikit-image, SciPy, a paper) and knowing nothing
 * of networks, heads or papers' pipelines.
 *
 * <ul>
 *   <li>adjacency: {@link dev.nucleon.segmentation.morphology.Connectivity} (4 or 8 neighbours);</li>
 *   <li>binarising: {@link dev.nucleon.segmentation.morphology.Threshold} (a probability map to the mask the
 *       others work on);</li>
 *   <li>labelling: {@link dev.nucleon.segmentation.morphology.ConnectedComponents};</li>
 *   <li>cleaning masks: {@link dev.nucleon.segmentation.morphology.SmallObjectRemoval},
 *       {@link dev.nucleon.segmentation.morphology.SmallHoleFilling} (holes below an area),
 *       {@link dev.nucleon.segmentation.morphology.RegionFilling} (every enclosed hole),
 *       {@link dev.nucleon.segmentation.morphology.BoundaryExtraction} (A − (A ⊖ B));</li>
 *   <li>distances and markers: {@link dev.nucleon.segmentation.morphology.DistanceTransform} (exact Euclidean),
 *       {@link dev.nucleon.segmentation.morphology.MorphologicalReconstruction} (by dilation),
 *       {@link dev.nucleon.segmentation.morphology.HMaxima}, {@link dev.nucleon.segmentation.morphology.PeakLocalMax};
 *       </li>
 *   <li>splitting: {@link dev.nucleon.segmentation.morphology.Watershed} (marker-controlled, priority flood).</li>
 * </ul>
 *
 * <p>What is <em>not</em> here: the pipelines that chain these into "probability map → nuclei"
 * ({@code instance.InstanceSegmentation}, {@code instance.Paper004PostProcessing}, the named
 * {@code instance.PostProcessing} of a model file) and the per-nucleus measurements
 * ({@code instance.RegionMeasurements}, {@code instance.MeasurementsCsv}) stay in {@code instance}; a head's decoder ({@code head.CoreWatershed}) stays
 * with its head; image → network-input conversions (CLAHE, normalisation, resize) are {@code preprocess}; training
 * targets are built where they are trained ({@code head}, {@code preprocess.ThreeClassTarget}); augmentation filters
 * are {@code augment}. This package imports from the project only {@code segmentation.image}
 * ({@code MorphologyLayeringTest} checks it), so {@code instance} and {@code preprocess} both build on it without
 * importing each other.
 */
package dev.nucleon.segmentation.morphology;
