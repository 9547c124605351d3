package dev.nucleon.fiji;

import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.Roi;
import ij.plugin.frame.RoiManager;
import ij.text.TextWindow;
import org.junit.jupiter.api.Test;

import java.awt.Frame;
import java.awt.GraphicsEnvironment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The plugin's windows: ROI Manager, label image and Results table. Needs a display, so it is skipped (visibly)
 * when headless; run it under Xvfb:
 * {@code xvfb-run -a mvn -B -o -q -pl fiji -am test -Dtest=SegmentNucleiPluginDisplayTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class SegmentNucleiPluginDisplayTest {
    @Test
    void fillsTheRoiManagerAndShowsTheLabelsAndResults() throws Exception {
        assumeFalse(GraphicsEnvironment.isHeadless(), "no display: the ROI Manager needs one (run under xvfb-run)");
        ImagePlus image = SyntheticNuclei.calibrated(160, 11, 0.325);
        image.show();
        try {
            NucleiSegmentation.Result result = NucleiSegmentation.run(image, NucleiSegmentation.Options.defaults());
            SegmentNucleiPlugin.show(image, result);
            RoiManager manager = RoiManager.getInstance();
            assertNotNull(manager, "the ROI Manager is open");
            assertEquals(result.rois().size(), manager.getCount());
            Roi[] rois = manager.getRoisAsArray();
            for (int i = 0; i < rois.length; i++) {
                assertEquals(result.rois().get(i).getName(), manager.getName(i), "ROI Manager name of ROI " + i);
            }
            assertNotNull(WindowManager.getImage("nuclei-labels"), "the label image is shown");
            assertNotNull(WindowManager.getWindow(SegmentNucleiPlugin.RESULTS_TITLE) instanceof TextWindow t ? t : null,
                    "the Results table is shown");
        } finally {
            for (Frame f : Frame.getFrames()) {
                f.dispose();
            }
        }
    }
}
