package dev.nucleon.segmentation.io;

import java.nio.file.Path;

/**
 * Which plane of an image file is segmented: a page (TIFF directory) and, when a page's samples are separate
 * channels or a colour is picked, one sample of it.
 *
 * <p>{@link #choose} turns the user's channel and page (both 0-based, either absent) into a plane from the file's
 * header ({@link ImageFileReader#probe}): channels are an ImageJ hyperstack's channels (pages c + C·(z + Z·t)) or a
 * page's separate samples; pages are the stack positions besides channels. A file holding several channels or
 * pages needs them chosen — a silent first plane would segment the wrong stain — while gray, gray+alpha, RGB and
 * RGBA images need nothing (colour is converted automatically), though a channel may pick R, G or B.
 *
 * @param page   the file's page (0-based)
 * @param sample the sample (band) of that page to read alone, or -1 for all of them
 */
public record ImagePlane(int page, int sample) {
    /** The first page, all its samples: what a plain image needs. */
    public static final ImagePlane FIRST = new ImagePlane(0, -1);

    /**
     * The plane the user asked for.
     *
     * @param file    the file, for the messages
     * @param header  the file's header (page 0)
     * @param channel the chosen channel, or null
     * @param page    the chosen page (stack position), or null
     * @return the plane to read
     * @throws ImageFileException naming the file and what it holds, when a needed choice is missing or out of range
     */
    public static ImagePlane choose(Path file, ImageHeader header, Integer channel, Integer page)
            throws ImageFileException {
        int channels = header.choosableChannels(), pages = header.stackPositions();
        boolean colour = header.choosableChannels() == 1 && header.channels() >= 3;
        String missing = (channel == null && channels > 1 ? " --channel 0.." + (channels - 1) : "")
                + (page == null && pages > 1 ? " --page 0.." + (pages - 1) : "");
        if (!missing.isEmpty()) {
            throw new ImageFileException(file, "holds " + holds(header) + "; choose with" + missing);
        }
        int pickable = colour ? 3 : channels;
        if (channel != null && (channel < 0 || channel >= pickable)) {
            throw new ImageFileException(file, "channel " + channel + " requested, the file holds "
                    + (colour ? "RGB colour (channels 0..2)" : plural(channels, "channel") + " (0.."
                    + (channels - 1) + ")"));
        }
        if (page != null && (page < 0 || page >= pages)) {
            throw new ImageFileException(file, "page " + page + " requested, the file holds " + plural(pages, "page")
                    + " (0.." + (pages - 1) + ")");
        }
        int c = channel == null ? 0 : channel, z = page == null ? 0 : page;
        if (header.stackChannels() > 1) {
            return new ImagePlane(c + header.stackChannels() * z, -1);
        }
        boolean pick = channel != null && (header.separateChannels() || colour);
        return new ImagePlane(z, pick ? channel : -1);
    }

    /** What a file holds, in words: "2 channels (ImageJ hyperstack) and 5 pages (16-bit 256x256)". */
    static String holds(ImageHeader h) {
        String channels = h.stackChannels() > 1 ? plural(h.stackChannels(), "channel") + " (ImageJ hyperstack)"
                : h.separateChannels() ? plural(h.channels(), "channel") + " (samples per pixel)" : "1 channel";
        return channels + " and " + plural(h.stackPositions(), "page") + " (" + h.bits() + "-bit "
                + h.width() + "x" + h.height() + ")";
    }

    private static String plural(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
