/**
 * Nuclei as polygons for other programs: {@link dev.nucleon.segmentation.roi.OutlineTracing} traces each label's
 * outer boundary on pixel corners ({@link dev.nucleon.segmentation.roi.Outline}, area = pixel count), written as an
 * ImageJ ROI set ({@link dev.nucleon.segmentation.roi.ImageJRoiZip}) or as QuPath detections in GeoJSON
 * ({@link dev.nucleon.segmentation.roi.GeoJsonDetections}).
 */
package dev.nucleon.segmentation.roi;
