package dev.nucleon.cli;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The images a {@code segment} run works on, and the output name of each: unique within the run and the same every
 * time the same inputs are given.
 *
 * <p>Finding: a file is taken as given; a folder is searched recursively for image files, skipping label maps
 * ({@code labels.png}, {@code *_labels.*}), overlays ({@code *_overlay.*}), per-nucleus {@code masks/} folders,
 * hidden files and the run's own {@code --out} folder. A folder that cannot be read is reported as a problem and
 * skipped; the search goes on. {@code -} stands for one image read from standard input.
 *
 * <p>Naming: every image's path is taken relative to one root, the deepest folder holding all inputs (a folder
 * input itself, a file input's folder), and mirrored under {@code --out} without its extension: inputs
 * {@code d1/a.png d2/a.png d3/a-2.png} become {@code d1/a}, {@code d2/a}, {@code d3/a-2}; {@code segment data}
 * with {@code data/x/y.tif} gives {@code x/y}. A DSB2018 sample is named by its folder, as the contest names it:
 * {@code <id>/image.png} and {@code <id>/images/<id>.png} are {@code <id>}, so {@code evaluate --pred} finds
 * {@code <id>_labels.png}. When two images would still share a name (ignoring case: {@code a.png} and
 * {@code a.tif}), each of them keeps its extension ({@code a.png}, {@code a.tif}); never a counter, which could
 * collide with a real file name. Standard input is named {@code stdin}.
 */
final class InputImages {
    static final List<String> EXTENSIONS = List.of(".png", ".tif", ".tiff", ".jpg", ".jpeg", ".bmp");
    /** The input argument that means standard input. */
    static final String STDIN = "-";

    /**
     * One image of the run.
     *
     * @param input the path as the user gave it (a folder input joined with the path found in it), or {@code -}
     * @param file  the file, or null for standard input
     * @param name  the output name: a relative path without extension, '/'-separated; outputs are
     *              {@code <out>/<name>_labels.png} and so on
     */
    record InputImage(String input, Path file, String name) {
    }

    /** An input that is not an image, or a folder that could not be searched: one line for the user. */
    record Problem(String path, String message) {
    }

    final List<InputImage> images;
    final List<Problem> problems;

    private InputImages(List<InputImage> images, List<Problem> problems) {
        this.images = images;
        this.problems = problems;
    }

    /**
     * Finds the images of {@code inputs} and names them.
     *
     * @param out the run's output folder, never searched
     */
    static InputImages find(List<Path> inputs, Path out) {
        List<Problem> problems = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<String> given = new ArrayList<>();
        List<Path> roots = new ArrayList<>();
        boolean stdin = false;
        Path skip = out == null ? null : out.toAbsolutePath().normalize();
        for (Path in : inputs) {
            if (in.toString().equals(STDIN)) {
                stdin = true;
            } else if (Files.isDirectory(in)) {
                roots.add(absolute(in));
                for (Path f : imagesIn(in, skip, problems)) {
                    files.add(f);
                    given.add(f.toString());
                }
            } else if (Files.isRegularFile(in)) {
                roots.add(absolute(in).getParent());
                files.add(in);
                given.add(in.toString());
            } else {
                problems.add(new Problem(in.toString(), "no such file or folder"));
            }
        }
        Path root = commonFolder(roots);
        List<InputImage> images = new ArrayList<>();
        Set<Path> seen = new LinkedHashSet<>();
        List<String> primary = new ArrayList<>();
        List<Path> kept = new ArrayList<>();
        List<String> keptGiven = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            if (seen.add(absolute(files.get(i)))) { // the same file given twice is one image
                kept.add(files.get(i));
                keptGiven.add(given.get(i));
                primary.add(name(absolute(files.get(i)), root, false));
            }
        }
        Map<String, Integer> count = new HashMap<>();
        for (String n : primary) {
            count.merge(key(n), 1, Integer::sum);
        }
        Set<String> taken = new java.util.HashSet<>();
        for (int i = 0; i < kept.size(); i++) {
            String n = count.get(key(primary.get(i))) == 1 ? primary.get(i) : name(absolute(kept.get(i)), root, true);
            if (!taken.add(key(n))) {
                problems.add(new Problem(keptGiven.get(i), "its output name " + n + " is taken by another input"));
                continue;
            }
            images.add(new InputImage(keptGiven.get(i), kept.get(i), n));
        }
        if (stdin) {
            images.add(new InputImage(STDIN, null, taken.contains("stdin") ? "stdin-input" : "stdin"));
        }
        return new InputImages(images, problems);
    }

    /**
     * The output name of {@code file} (absolute, normalised) relative to {@code root}: the sample path (see the
     * class comment) without extension, or with it when {@code withExtension}.
     */
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

    /** Images under a folder, sorted (see the class comment); unreadable subfolders become problems. */
    static List<Path> imagesIn(Path folder, Path skip, List<Problem> problems) {
        List<Path> found = new ArrayList<>();
        try {
            Files.walkFileTree(folder, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return skip != null && absolute(dir).equals(skip) ? FileVisitResult.SKIP_SUBTREE
                            : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && isImage(file)) {
                        found.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    problems.add(unreadable(file, e));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | RuntimeException e) {
            problems.add(unreadable(folder, e));
        }
        found.sort(Comparator.naturalOrder());
        return found;
    }

    /** A folder (or file) the search could not read, said in words: "permission denied", not the exception's class. */
    static Problem unreadable(Path path, Exception e) {
        Throwable cause = e instanceof java.io.UncheckedIOException u ? u.getCause() : e;
        String why = cause instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : cause instanceof java.nio.file.NoSuchFileException ? "vanished while searching"
                : cause instanceof java.nio.file.FileSystemLoopException ? "a link loop"
                : "cannot be read (" + FailureMessage.of(cause) + ")";
        return new Problem(path.toString(), why);
    }

    static boolean isImage(Path p) {
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

    /** The deepest folder holding all of {@code folders}; null when they share none (different drives). */
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

    private static Path absolute(Path p) {
        return p.toAbsolutePath().normalize();
    }

    /** Names compare without case: a.png and A.png would be one file on macOS and Windows. */
    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
