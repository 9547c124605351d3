package dev.nucleon.segmentation.output;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Which files of a folder are images to segment, and the output name of every image of a run: unique within the run
 * and the same every time the same inputs are given, whoever runs it ({@code nucleon segment}, {@code segment-spark}).
 *
 * <p>Images: a file with an image extension ({@link #EXTENSIONS}), not a label map ({@code labels.png},
 * {@code *_labels.*}), an overlay ({@code *_overlay.*}), a file of a per-nucleus {@code masks/} folder or a hidden
 * file.
 *
 * <p>Naming: every image's path is taken relative to one root, the deepest folder holding all inputs (a folder
 * input itself, a file input's folder, a glob's fixed prefix), and mirrored under the output folder without its
 * extension: inputs {@code d1/a.png d2/a.png d3/a-2.png} become {@code d1/a}, {@code d2/a}, {@code d3/a-2};
 * {@code data} with {@code data/x/y.tif} gives {@code x/y}. A DSB2018 sample is named by its folder, as the contest
 * names it: {@code <id>/image.png} and {@code <id>/images/<id>.png} are {@code <id>}. When two images would still
 * share a name (ignoring case: {@code a.png} and {@code a.tif}), each of them keeps its extension ({@code a.png},
 * {@code a.tif}); never a counter, which could collide with a real file name. The same file found twice is one
 * image; a name still taken is a problem for the user, not renamed.
 */
public final class OutputNames {
    /** The file extensions taken as images (lower case). */
    public static final List<String> EXTENSIONS = List.of(".png", ".tif", ".tiff", ".jpg", ".jpeg", ".bmp");

    private OutputNames() {
    }

    /**
     * An image of the run and its output name, or (name null) one whose name is taken, with why.
     *
     * @param image   the image as the caller describes it
     * @param name    the output name: a relative path without extension, '/'-separated; null when taken
     * @param problem one line for the user when {@code name} is null, else null
     * @param <T>     the caller's description of an image
     */
    public record Named<T>(T image, String name, String problem) {
    }

    /**
     * Names the images of a run.
     *
     * @param images the images, in the order they are to be listed
     * @param path   each image's file, absolute and normalised
     * @param roots  the folders of the inputs (a folder input itself, a file input's folder, a glob's fixed prefix);
     *               null entries are ignored
     * @param <T>    the caller's description of an image
     * @return one entry per distinct file, in order
     */
    public static <T> List<Named<T>> name(List<T> images, Function<T, Path> path, List<Path> roots) {
        Path root = commonFolder(roots);
        Set<Path> seen = new LinkedHashSet<>();
        List<T> kept = new ArrayList<>();
        List<String> primary = new ArrayList<>();
        for (T image : images) {
            if (seen.add(path.apply(image))) { // the same file given twice is one image
                kept.add(image);
                primary.add(name(path.apply(image), root, false));
            }
        }
        Map<String, Integer> count = new HashMap<>();
        for (String n : primary) {
            count.merge(key(n), 1, Integer::sum);
        }
        Set<String> taken = new HashSet<>();
        List<Named<T>> named = new ArrayList<>();
        for (int i = 0; i < kept.size(); i++) {
            String n = count.get(key(primary.get(i))) == 1 ? primary.get(i) : name(path.apply(kept.get(i)), root, true);
            if (!taken.add(key(n))) {
                named.add(new Named<>(kept.get(i), null, "its output name " + n + " is taken by another input"));
            } else {
                named.add(new Named<>(kept.get(i), n, null));
            }
        }
        return named;
    }

    /**
     * The output name of {@code file} relative to {@code root}: the sample path (see the class comment) without
     * extension, or with it when {@code withExtension}.
     *
     * @param file          the image file, absolute and normalised
     * @param root          the run's root folder, or null (the file's own name is then used)
     * @param withExtension keep the file's extension (two images would otherwise share the name)
     * @return the name, '/'-separated
     */
    public static String name(Path file, Path root, boolean withExtension) {
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
     * Whether a file found in a folder is an image to segment (see the class comment).
     *
     * @param p the file
     * @return true for an image
     */
    public static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (EXTENSIONS.stream().noneMatch(n::endsWith)) {
            return false;
        }
        String stem = n.substring(0, n.lastIndexOf('.'));
        if (stem.equals("labels") || stem.endsWith("_labels") || stem.endsWith("_overlay") || n.startsWith(".")) {
            return false;
        }
        Path parent = p.getParent();
        return parent == null || parent.getFileName() == null || !parent.getFileName().toString().equals("masks");
    }

    /**
     * The deepest folder holding all of {@code folders}.
     *
     * @param folders absolute folders; null entries are ignored
     * @return the folder, or null when they share none (different drives) or none is given
     */
    public static Path commonFolder(List<Path> folders) {
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

    /** Names compare without case: a.png and A.png would be one file on macOS and Windows. */
    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
