import java.awt.image.BufferedImage;
import javax.imageio.ImageIO;
import java.io.File;
/** Truth outlines red, prediction outlines green, on the image at 2x: java TruthPredictionOutlines.java IMAGE TRUTH_LABELS PRED_LABELS OUT.png */
public class TruthPredictionOutlines {
    public static void main(String[] a) throws Exception {
        BufferedImage img = ImageIO.read(new File(a[0]));
        int[] t = labels(ImageIO.read(new File(a[1]))), p = labels(ImageIO.read(new File(a[2])));
        int w = img.getWidth(), h = img.getHeight(), s = 2;
        BufferedImage out = new BufferedImage(w * s, h * s, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h * s; y++) for (int x = 0; x < w * s; x++) out.setRGB(x, y, img.getRGB(x / s, y / s));
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
            int i = y * w + x;
            if (edge(t, w, h, x, y)) { out.setRGB(x * s, y * s, 0xff0000); out.setRGB(x * s + 1, y * s, 0xff0000); }
            if (edge(p, w, h, x, y)) { out.setRGB(x * s, y * s + 1, 0x00ff00); out.setRGB(x * s + 1, y * s + 1, 0x00ff00); }
        }
        ImageIO.write(out, "png", new File(a[3]));
    }
    static boolean edge(int[] l, int w, int h, int x, int y) {
        int v = l[y * w + x];
        if (v == 0) return false;
        return x == 0 || y == 0 || x == w - 1 || y == h - 1 || l[y * w + x - 1] != v || l[y * w + x + 1] != v || l[(y - 1) * w + x] != v || l[(y + 1) * w + x] != v;
    }
    static int[] labels(BufferedImage b) {
        int w = b.getWidth(), h = b.getHeight();
        int[] out = new int[w * h];
        var r = b.getRaster();
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) out[y * w + x] = r.getSample(x, y, 0);
        return out;
    }
}
