package dev.nucleon.cli;

import dev.nucleon.segmentation.output.OutputNames;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The images a {@code segment} run works on, and the output name of each: unique within the run and the same every
 * time the same inputs are given.
 *
 * <p>Finding: a file is taken as given; a folder is searched recursively for image files, skipping label maps
 * ({@code labels.png}, {@code *_labels.*}), overlays ({@code *_overlay.*}), per-nucleus {@code masks/} folders,
 * hidden files and the run's own {@code --out} folder. A folder that cannot be read is reported as a problem and
 * skipped; the search goes on. {@code -} stands for one image read from standard input.
 *
 * <p>Naming: by {@link OutputNames}, the rules {@code segment-spark} shares: every image's path relative to the
 * deepest folder holding all inputs, mirrored under {@code --out} without its extension ({@code d1/a.png} ->
 * {@code d1/a}); a DSB2018 sample {@code <id>/image.png} is {@code <id>}, so {@code evaluate --pred} finds
 * {@code <id>_labels.png}; two images that would share a name keep their extensions. Standard input is named
 * {@code stdin}.
 */
final class InputImages {
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
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            order.add(i);
        }
        List<InputImage> images = new ArrayList<>();
        java.util.Set<String> taken = new java.util.HashSet<>(); // lower case, as the names compare
        for (OutputNames.Named<Integer> n : OutputNames.name(order, i -> absolute(files.get(i)), roots)) {
            if (n.name() == null) {
                problems.add(new Problem(given.get(n.image()), n.problem()));
                continue;
            }
            taken.add(n.name().toLowerCase(Locale.ROOT));
            images.add(new InputImage(given.get(n.image()), files.get(n.image()), n.name()));
        }
        if (stdin) {
            images.add(new InputImage(STDIN, null, taken.contains("stdin") ? "stdin-input" : "stdin"));
        }
        return new InputImages(images, problems);
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
        return OutputNames.isImage(p);
    }

    private static Path absolute(Path p) {
        return p.toAbsolutePath().normalize();
    }

}
