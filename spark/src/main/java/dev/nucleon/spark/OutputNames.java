package dev.nucleon.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The output name of every image of a job, by {@code nucleon segment}'s rules (the CLI's {@code InputImages}), so the
 * two write the same files for the same inputs: the image's path relative to the deepest folder holding all inputs,
 * without its extension ({@code d1/a.png} → {@code d1/a}); a DSB2018 sample {@code <id>/image.png} or
 * {@code <id>/images/<id>.png} is {@code <id>}; when two images would share a name (ignoring case), each keeps its
 * extension; the same file found twice is one image; a name still taken is a problem, not a counter.
 *
 * <p>Paths here are the files' absolute paths on their file system (the path part of an {@code hdfs://} or
 * {@code s3a://} URI too): names never depend on the scheme.
 */
final class OutputNames {
    private OutputNames() {
    }

    /** An image found: its input as the user gave it, its absolute path, its output name (null until named). */
    record Found(String input, String uri, Path path) {
    }

    /** A named image, or (name null) one whose name is taken, with why. */
    record Named(Found image, String name, String problem) {
    }

    /**
     * Names the images found.
     *
     * @param found the images, in the order they are to be listed
     * @param roots the folders of the inputs (a folder input itself, a file input's folder, a glob's fixed prefix)
     * @return one entry per distinct image, in order
     */
    static List<Named> name(List<Found> found, List<Path> roots) {
        Path root = commonFolder(roots);
        Set<Path> seen = new LinkedHashSet<>();
        List<Found> kept = new ArrayList<>();
        List<String> primary = new ArrayList<>();
        for (Found f : found) {
            if (seen.add(f.path())) {
                kept.add(f);
                primary.add(name(f.path(), root, false));
            }
        }
        Map<String, Integer> count = new HashMap<>();
        for (String n : primary) {
            count.merge(key(n), 1, Integer::sum);
        }
        Set<String> taken = new HashSet<>();
        List<Named> named = new ArrayList<>();
        for (int i = 0; i < kept.size(); i++) {
            String n = count.get(key(primary.get(i))) == 1 ? primary.get(i) : name(kept.get(i).path(), root, true);
            if (!taken.add(key(n))) {
                named.add(new Named(kept.get(i), null, "its output name " + n + " is taken by another input"));
            } else {
                named.add(new Named(kept.get(i), n, null));
            }
        }
        return named;
    }

    /** The output name of {@code file} (absolute, normalised) relative to {@code root}; see the class comment. */
    static String name(Path file, Path root, boolean withExtension) {
        String fileName = file.getFileName().toString();
        int dot = fileName.lastIndexOf('.');
        String stem = dot > 0 ? fileName.substring(0, dot) : fileName;
        Path parent = file.getParent();
        Path sample;
        if (withExtension) {
            sample = file;
        } else if (stem.equals("image") && parent != null && parent.getFileName() != null) {
            sample = parent; // <id>/image.png
        } else if (parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("images")
                && parent.getParent() != null && parent.getParent().getFileName() != null
                && parent.getParent().getFileName().toString().equals(stem)) {
            sample = parent.getParent(); // <id>/images/<id>.png
        } else {
            sample = parent == null ? Path.of(stem) : parent.resolve(stem);
        }
        Path rel = root == null ? sample.getFileName() : root.relativize(sample);
        if (rel.toString().isEmpty() || rel.startsWith("..")) {
            rel = sample.getFileName();
        }
        return rel.toString().replace('\\', '/');
    }

    /**
     * Whether a file found in a folder is an image to segment, as the CLI decides: an image extension, not a label
     * map ({@code labels.png}, {@code *_labels.*}), an overlay or a file of a {@code masks/} folder, not hidden.
     */
    static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (List.of(".png", ".tif", ".tiff", ".jpg", ".jpeg", ".bmp").stream().noneMatch(n::endsWith)) {
            return false;
        }
        String stem = n.substring(0, n.lastIndexOf('.'));
        if (stem.equals("labels") || stem.endsWith("_labels") || stem.endsWith("_overlay") || n.startsWith(".")) {
            return false;
        }
        Path parent = p.getParent();
        return parent == null || parent.getFileName() == null || !parent.getFileName().toString().equals("masks");
    }

    /** The deepest folder holding all of {@code folders}; null when they share none. */
    static Path commonFolder(List<Path> folders) {
        Path common = null;
        for (Path f : folders) {
            if (f == null) {
                continue;
            }
            if (common == null) {
                common = f;
                continue;
            }
            while (common != null && !f.startsWith(common)) {
                common = common.getParent();
            }
            if (common == null) {
                return null;
            }
        }
        return common;
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
