package dev.nucleon.segmentation.io;

import java.awt.Point;
import java.awt.Rectangle;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.awt.image.SampleModel;
import java.awt.image.WritableRaster;
import java.util.Vector;

/**
 * An image computed a rectangle at a time, when asked: ImageIO's PNG writer asks for one row at a time and its
 * TIFF writer for one strip at a time ({@code RenderedImage.getData(Rectangle)}), so an image written through this
 * never exists whole in memory, only the rows being encoded. Used for label maps and overlays of images too large
 * to copy into a {@code BufferedImage} (a 20000 × 20000 RGB overlay would be 1.2 GB).
 *
 * <p>The image declares tiles of the full width and {@link #STRIP_ROWS} rows, so no writer mistakes it for a
 * single tile and asks for all of it at once.
 */
final class StripedImage implements RenderedImage {
    /** Rows per declared tile. */
    static final int STRIP_ROWS = 64;

    /** Fills a raster covering some rectangle of the image (its bounds say which) with the image's samples. */
    @FunctionalInterface
    public interface Painter {
        void paint(WritableRaster region);
    }

    private final int width;
    private final int height;
    private final ColorModel colorModel;
    private final SampleModel sampleModel;
    private final Painter painter;

    /**
     * @param colorModel  how samples read as colours
     * @param sampleModel any sample model of the image's layout (its size is ignored: regions get compatible ones)
     */
    public StripedImage(int width, int height, ColorModel colorModel, SampleModel sampleModel, Painter painter) {
        this.width = width;
        this.height = height;
        this.colorModel = colorModel;
        this.sampleModel = sampleModel.createCompatibleSampleModel(width, Math.min(height, STRIP_ROWS));
        this.painter = painter;
    }

    @Override
    public Raster getData(Rectangle rect) {
        Rectangle r = rect.intersection(new Rectangle(0, 0, width, height));
        WritableRaster region = Raster.createWritableRaster(
                sampleModel.createCompatibleSampleModel(Math.max(1, r.width), Math.max(1, r.height)),
                new Point(r.x, r.y));
        painter.paint(region);
        return region;
    }

    @Override
    public Raster getData() {
        return getData(new Rectangle(0, 0, width, height));
    }

    @Override
    public WritableRaster copyData(WritableRaster raster) {
        WritableRaster out = raster != null ? raster
                : Raster.createWritableRaster(sampleModel.createCompatibleSampleModel(width, height), null);
        painter.paint(out);
        return out;
    }

    @Override
    public Raster getTile(int tileX, int tileY) {
        int y = tileY * STRIP_ROWS;
        return getData(new Rectangle(0, y, width, Math.min(STRIP_ROWS, height - y)));
    }

    @Override
    public Vector<RenderedImage> getSources() {
        return null;
    }

    @Override
    public Object getProperty(String name) {
        return java.awt.Image.UndefinedProperty;
    }

    @Override
    public String[] getPropertyNames() {
        return null;
    }

    @Override
    public ColorModel getColorModel() {
        return colorModel;
    }

    @Override
    public SampleModel getSampleModel() {
        return sampleModel;
    }

    @Override
    public int getWidth() {
        return width;
    }

    @Override
    public int getHeight() {
        return height;
    }

    @Override
    public int getMinX() {
        return 0;
    }

    @Override
    public int getMinY() {
        return 0;
    }

    @Override
    public int getNumXTiles() {
        return 1;
    }

    @Override
    public int getNumYTiles() {
        return (height + STRIP_ROWS - 1) / STRIP_ROWS;
    }

    @Override
    public int getMinTileX() {
        return 0;
    }

    @Override
    public int getMinTileY() {
        return 0;
    }

    @Override
    public int getTileWidth() {
        return width;
    }

    @Override
    public int getTileHeight() {
        return STRIP_ROWS;
    }

    @Override
    public int getTileGridXOffset() {
        return 0;
    }

    @Override
    public int getTileGridYOffset() {
        return 0;
    }
}
