package dev.nucleon.fiji;

import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.instance.NucleusMeasurement;
import ij.gui.Roi;
import ij.plugin.filter.ThresholdToSelection;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;

/**
 * One ImageJ ROI per nucleus, traced by ImageJ's own {@link ThresholdToSelection} from a mask of that label
 * cut to the nucleus' bounding box (so the cost is the nuclei's area, not nuclei × image). The outline follows
 * pixel edges, so the ROI holds exactly the nucleus' pixels: its ImageJ area equals the label's pixel count
 * (holes included as holes; a nucleus in several pieces becomes one composite ROI).
 */
public final class LabelTracing {
    private LabelTracing() {
    }

    /**
     * The outline of nucleus {@code m} of {@code labels}, in image coordinates, named with the label id.
     *
     * @param m the nucleus' measurement (label and bounding box) from the same label map
     */
    public static Roi trace(LabelImage labels, NucleusMeasurement m) {
        int bw = m.x1() - m.x0(), bh = m.y1() - m.y0(), w = labels.width(), k = m.label();
        int[] l = labels.data();
        ByteProcessor mask = new ByteProcessor(bw, bh);
        byte[] px = (byte[]) mask.getPixels();
        for (int y = 0; y < bh; y++) {
            int row = (m.y0() + y) * w + m.x0();
            for (int x = 0; x < bw; x++) {
                if (l[row + x] == k) {
                    px[y * bw + x] = (byte) 255;
                }
            }
        }
        mask.setThreshold(255, 255, ImageProcessor.NO_LUT_UPDATE);
        ThresholdToSelection tracer = new ThresholdToSelection();
        tracer.showStatus(false);
        Roi roi = tracer.convert(mask);
        if (roi == null) {
            throw new IllegalStateException("label " + k + ": no pixels inside its bounding box");
        }
        java.awt.Rectangle b = roi.getBounds();
        roi.setLocation(b.x + m.x0(), b.y + m.y0());
        roi.setName(Integer.toString(k));
        return roi;
    }
}
