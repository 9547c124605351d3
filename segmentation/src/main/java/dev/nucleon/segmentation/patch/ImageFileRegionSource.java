package dev.nucleon.segmentation.patch;

import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.io.ImageFileReader;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An image file read region by region through ImageIO's source regions, values scaled to [0, 1] as
 * {@link ImageFileReader#read}. Memory stays bounded by the region; for TIFF (stripped or tiled) only the
 * strips/tiles under the region are decoded, while PNG and JPEG decoders run from the top of the file to
 * the region's last row on every read (bounded memory, more time).
 */
public final class ImageFileRegionSource implements RegionSource {
    private final Path file;
    private final int page;
    private final int width;
    private final int height;
    private final int channels;

    /**
     * A source over one page of an image file; its size is read from the header, its channels from one pixel.
     *
     * @param file the image file
     * @param page the page, 0-based
     * @throws IOException when the file cannot be read (an {@link dev.nucleon.segmentation.io.ImageFileException} naming it)
     */
    public ImageFileRegionSource(Path file, int page) throws IOException {
        this.file = file;
        this.page = page;
        int[] size = ImageFileReader.dimensions(file, page);
        this.width = size[0];
        this.height = size[1];
        this.channels = ImageFileReader.readRegion(file, page, 0, 0, 1, 1).channels();
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public FloatImage read(int x, int y, int w, int h) throws IOException {
        return ImageFileReader.readRegion(file, page, x, y, w, h);
    }
}
