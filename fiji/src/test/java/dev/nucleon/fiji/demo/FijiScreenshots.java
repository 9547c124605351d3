package dev.nucleon.fiji.demo;

import ij.CompositeImage;
import ij.Executer;
import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.Menus;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.measure.ResultsTable;
import ij.plugin.frame.Recorder;
import ij.plugin.frame.RoiManager;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;
import ij.text.TextWindow;

import javax.imageio.ImageIO;
import java.awt.EventQueue;
import java.awt.Frame;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.Window;
import java.awt.event.ActionEvent;
import java.io.File;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Not a test: the program {@code fiji/screenshots.sh} runs under Xvfb to take the README's screenshots of the
 * plugin (docs/fiji/dialog.png, docs/fiji/result.png). It is compiled against ImageJ alone and started with the
 * shaded plugin jar in ImageJ's plugins folder ({@code -Dplugins.dir}), so the plugin is found the way Fiji finds
 * it: through {@code plugins.config} in the jar, under Plugins &gt; Nucleon.
 *
 * <p>Steps: ImageJ and the Macro Recorder open; a two-channel image (channel 1 noise, channel 2 a DSB2018 sample
 * as "DAPI", calibrated at 0.325 µm/px) is shown; the menu command runs, its dialog is captured and confirmed
 * with channel 2; the result (ROIs on the image, ROI Manager, label image, Results table, recorded macro line)
 * is captured; then the recorded line is replayed as a macro and must give the same ROI count.
 *
 * <p>Arguments: the sample image, the output folder.
 */
public final class FijiScreenshots {
    public static void main(String[] args) throws Exception {
        String sample = args[0];
        File out = new File(args[1]);
        out.mkdirs();
        ImageJ ij = new ImageJ();
        ij.setLocation(0, 0);
        Object command = Menus.getCommands().get("Segment Nuclei");
        System.out.println("menu command 'Segment Nuclei' -> " + command);
        if (command == null) {
            throw new IllegalStateException("Segment Nuclei is not in ImageJ's menus: the plugin jar was not found");
        }
        IJ.run("Record...");
        Recorder recorder = waitFor(Recorder::getInstance, "the Macro Recorder");
        recorder.setLocation(0, 560);
        recorder.setSize(700, 200);

        ImagePlus dapi = IJ.openImage(sample);
        IJ.run(dapi, "8-bit", "");
        int w = dapi.getWidth(), h = dapi.getHeight();
        ByteProcessor noise = new ByteProcessor(w, h);
        Random random = new Random(1);
        for (int i = 0; i < w * h; i++) {
            noise.set(i, 20 + random.nextInt(200));
        }
        ImageStack stack = new ImageStack(w, h);
        stack.addSlice("noise", noise);
        stack.addSlice("DAPI", dapi.getProcessor());
        ImagePlus two = new ImagePlus("two-channel.tif", stack);
        two.setDimensions(2, 1, 1);
        CompositeImage image = new CompositeImage(two, IJ.GRAYSCALE);
        image.getCalibration().pixelWidth = 0.325;
        image.getCalibration().pixelHeight = 0.325;
        image.getCalibration().setUnit("micron");
        image.setC(2);
        image.show();
        ImagePlus shown = waitFor(WindowManager::getCurrentImage, "the image window");
        shown.getWindow().setLocation(0, 110);

        new Executer("Segment Nuclei", shown); // what the menu item does: a new thread, seen by the Macro Recorder
        GenericDialog dialog = waitFor(() -> {
            for (Window win : Window.getWindows()) {
                if (win instanceof GenericDialog gd && win.isShowing()
                        && "Nucleon: Segment Nuclei".equals(gd.getTitle())) {
                    return gd;
                }
            }
            return null;
        }, "the plugin's dialog");
        EventQueue.invokeAndWait(() -> dialog.setLocation(720, 120));
        Thread.sleep(1500);
        Robot robot = new Robot();
        Rectangle b = dialog.getBounds();
        ImageIO.write(robot.createScreenCapture(b), "png", new File(out, "dialog.png"));
        EventQueue.invokeAndWait(() -> dialog.actionPerformed(new ActionEvent(dialog.getButtons()[0],
                ActionEvent.ACTION_PERFORMED, "OK")));

        TextWindow results = waitFor(() -> WindowManager.getWindow("Nucleon nuclei") instanceof TextWindow t ? t : null,
                "the Results table");
        RoiManager manager = waitFor(() -> {
            RoiManager m = RoiManager.getInstance();
            return m != null && m.getCount() > 0 ? m : null;
        }, "the ROI Manager");
        ImagePlus labels = WindowManager.getImage("two-channel-labels");
        Thread.sleep(1000);
        EventQueue.invokeAndWait(() -> {
            results.setBounds(720, 560, 680, 300);
            manager.setLocation(1140, 110);
            if (labels != null && labels.getWindow() != null) {
                labels.getWindow().setLocation(720, 110);
            }
            shown.getWindow().toFront();
        });
        Thread.sleep(2000);
        ImageIO.write(robot.createScreenCapture(new Rectangle(0, 0, 1400, 870)), "png", new File(out, "result.png"));

        ResultsTable table = results.getResultsTable();
        int count = manager.getCount();
        System.out.println("ROIs in the ROI Manager: " + count + "; Results rows: " + table.size());
        for (int i = 0; i < Math.min(5, table.size()); i++) {
            System.out.printf("  %s: area %.2f micron^2%n", table.getLabel(i), table.getValue("Area", i));
        }
        String recorded = recorder.getText();
        System.out.println("Macro Recorder:\n" + recorded.trim());
        String line = null;
        for (String l : recorded.split("\n")) {
            if (l.startsWith("run(\"Segment Nuclei\"")) {
                line = l;
            }
        }
        if (line == null) {
            throw new IllegalStateException("the command was not recorded");
        }
        manager.reset();
        IJ.selectWindow(shown.getID());
        IJ.runMacro(line);
        System.out.println("replayed '" + line + "': " + manager.getCount() + " ROIs (first run " + count + ")");
        if (manager.getCount() != count) {
            throw new IllegalStateException("the replayed macro gave " + manager.getCount() + " ROIs");
        }
        for (Frame f : Frame.getFrames()) {
            f.dispose();
        }
        System.exit(0);
    }

    private static <T> T waitFor(Supplier<T> what, String name) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            T t = what.get();
            if (t != null) {
                return t;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("timed out waiting for " + name);
    }
}
