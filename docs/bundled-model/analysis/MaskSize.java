import dev.nucleon.segmentation.io.ImageFileReader;
import dev.nucleon.segmentation.image.LabelImage;
import java.nio.file.*;
import java.util.*;

/**
 * How large predicted masks are against the truth: for every matched pair (IoU &gt; 0.5) of one nuclei kind of the
 * grouped split, the mean ratio of predicted to true area and the mean IoU, per image and in all. Run from the
 * repository root on predictions written by {@code evaluate --pred-out DIR}:
 * <pre>
 * java -cp cli/target/nucleon.jar docs/bundled-model/analysis/MaskSize.java docs/validation/dsb2018-grouped-split.csv \
 *     DIR ../shared/datasets/dsb2018/stage1_train_fixed fluo-dense [validation|train]
 * </pre>
 */
public class MaskSize {
    public static void main(String[] a) throws Exception {
        List<String> lines = Files.readAllLines(Path.of(a[0]));
        double allRatio = 0, allIou = 0; int allN = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            if (!f[3].equals(a.length > 4 ? a[4] : "validation") || !f[1].equals(a[3])) continue;
            LabelImage t = ImageFileReader.readLabels(Path.of(a[2], f[0], "labels.png"));
            LabelImage p = ImageFileReader.readLabels(Path.of(a[1], f[0] + "_labels.png"));
            int[] td = t.data(), pd = p.data();
            int[] ta = t.areas(), pa = p.areas();
            Map<Long, Integer> inter = new HashMap<>();
            for (int i = 0; i < td.length; i++) if (td[i] > 0 && pd[i] > 0) inter.merge(((long) td[i] << 32) | pd[i], 1, Integer::sum);
            double r = 0, iou = 0; int n = 0;
            for (var e : inter.entrySet()) {
                int ti = (int) (e.getKey() >>> 32), pi = (int) (long) e.getKey();
                double u = ta[ti] + pa[pi] - e.getValue();
                double io = e.getValue() / u;
                if (io > 0.5) { r += (double) pa[pi] / ta[ti]; iou += io; n++; }
            }
            System.out.printf("%s matched %3d  area pred/truth %.3f  IoU %.3f%n", f[0].substring(0, 8), n, r / Math.max(1, n), iou / Math.max(1, n));
            allRatio += r; allIou += iou; allN += n;
        }
        System.out.printf("ALL %s matched %d area pred/truth %.3f IoU %.3f%n", a[3], allN, allRatio / allN, allIou / allN);
    }
}
