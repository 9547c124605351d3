package dev.nucleon.core.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * The javadoc completeness check of a module's API packages, run from each library module's {@code DocLintTest}:
 * javac's doclint with every group ({@code -Xdoclint:all/protected}: missing comments, {@code @param},
 * {@code @return} and {@code @throws} included) over the public and protected declarations of the packages listed
 * as clean. The module's build already fails on malformed javadoc anywhere (the root pom's {@code nucleon.doclint});
 * this adds "nothing missing" for the packages that have been completed, so they stay complete.
 *
 * <p>Only the listed packages' sources are compiled (to a temporary folder, annotation processing off), against the
 * module's own compiled classes and its dependencies: a few seconds, no network.
 */
public final class DocLint {
    private DocLint() {
    }

    /**
     * The doclint findings in the given packages of a source tree.
     *
     * @param sourceRoot the module's {@code src/main/java}
     * @param packages   package names whose sources are checked, each fully (its sub-packages are listed apart),
     *                   or single source files relative to {@code sourceRoot} ({@code dev/nucleon/core/Tensor.java})
     *                   of packages not complete yet; only these sources are compiled, so only they are checked
     * @param classPath  classes the sources compile against: one class from the module itself and one from each
     *                   library module it depends on (their code locations are used)
     * @return one line per finding, {@code path:line: message}; empty when the packages are clean
     */
    public static List<String> findings(Path sourceRoot, List<String> packages, Class<?>... classPath) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("DocLint: no Java compiler in this runtime (a JRE, not a JDK)");
        }
        List<Path> sources = new ArrayList<>();
        for (String p : packages) {
            if (p.endsWith(".java")) { // one file of a package not complete yet
                sources.add(sourceRoot.resolve(p));
                continue;
            }
            Path dir = sourceRoot.resolve(p.replace('.', '/'));
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(sources::add);
            } catch (IOException e) {
                throw new UncheckedIOException("DocLint: no package " + p + " under " + sourceRoot, e);
            }
        }
        StringBuilder cp = new StringBuilder();
        for (Class<?> c : classPath) {
            try {
                cp.append(cp.length() == 0 ? "" : java.io.File.pathSeparator)
                        .append(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()));
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            Path out = Files.createTempDirectory("doclint");
            List<String> options = List.of("-d", out.toString(), "-cp", cp.toString(), "-proc:none", "-implicit:none",
                    "--release", "17", "--add-modules", "jdk.incubator.vector", // core.cpu's vector kernels
                    "-Xmaxwarns", "100000", "-Xdoclint:all/protected");
            boolean ok = javac.getTask(new StringWriter(), files, diagnostics, options, null,
                    files.getJavaFileObjectsFromPaths(sources)).call();
            List<String> findings = new ArrayList<>();
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                // doclint's findings come as compiler.{err,warn}.proc.messager; other compiler warnings
                // (deprecation, incubating modules) are not this check's business
                if (d.getKind() != Diagnostic.Kind.ERROR && !String.valueOf(d.getCode()).endsWith("proc.messager")) {
                    continue;
                }
                String where = d.getSource() == null ? "" : sourceRoot.toAbsolutePath().relativize(Path.of(d.getSource().toUri()))
                        + ":" + d.getLineNumber() + ": ";
                findings.add(where + d.getMessage(Locale.ROOT));
            }
            if (!ok && findings.isEmpty()) {
                findings.add("DocLint: javac failed without a diagnostic");
            }
            try (Stream<Path> walk = Files.walk(out)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
            return findings;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
