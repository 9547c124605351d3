package dev.nucleon.spark;

import dev.nucleon.segmentation.output.OutputNames;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The images of a job, found on the driver before any task starts: files, folders (searched recursively), globs
 * ({@code data/plate*}{@code /*.tif}) on any file system Spark reads ({@code file:}, {@code hdfs://}, {@code s3a://}
 * …), or a CSV / Parquet list of paths. Folders and globs are listed by Spark's {@code binaryFile} source (its
 * {@code content} column is never read here: the listing is parallel, the bytes stay where they are).
 *
 * <p>Fail fast: an input that does not exist, cannot be read, or a glob that matches nothing stops the job with one
 * line naming it ({@link BadInput}) before any image is segmented. A path in a list is not checked here (a screen's
 * list holds 10⁶ paths): one that cannot be read becomes that image's error row.
 */
final class ImageSources {
    private ImageSources() {
    }

    /**
     * An image found.
     *
     * @param input its path as the user gave it (a folder input joined with the path found in it; a glob's match:
     *              its path, or its URI on a remote file system)
     * @param uri   where a task reads it
     * @param path  its absolute path on its file system (the path part of an {@code hdfs://} or {@code s3a://} URI
     *              too: names never depend on the scheme)
     */
    record Found(String input, String uri, java.nio.file.Path path) {
    }

    /** An input that cannot be used: the message is one line naming it. */
    static final class BadInput extends Exception {
        private static final long serialVersionUID = 1L;

        BadInput(String message) {
            super(message);
        }
    }

    /**
     * Finds and names the images of {@code inputs}, or of the list file {@code list}.
     *
     * @param spark  the session (its Hadoop configuration reaches the file systems)
     * @param inputs files, folders and globs, as given
     * @param list   a {@code .csv} (header row; a {@code path} column, else the first) or {@code .parquet} list of
     *               image paths, or null
     * @param out    the output folder, never searched (absolute)
     * @return the images, sorted by path, named by {@link OutputNames}
     * @throws BadInput when an input is missing, unreadable or matches nothing
     */
    static List<OutputNames.Named<Found>> find(SparkSession spark, List<String> inputs, String list,
            java.nio.file.Path out) throws BadInput {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        List<Found> found = new ArrayList<>();
        List<java.nio.file.Path> roots = new ArrayList<>();
        if (list != null) {
            check(conf, list, false);
            for (String p : listed(spark, list)) {
                Path q = qualified(conf, p);
                java.nio.file.Path abs = java.nio.file.Path.of(q.toUri().getPath());
                found.add(new Found(p, q.toUri().toString(), abs));
                roots.add(abs.getParent());
            }
        }
        for (String in : inputs) {
            boolean glob = in.chars().anyMatch(c -> "*?[{".indexOf(c) >= 0);
            FileStatus status = check(conf, in, glob);
            if (status != null && status.isFile()) {
                Path q = status.getPath();
                java.nio.file.Path abs = java.nio.file.Path.of(q.toUri().getPath());
                found.add(new Found(in, q.toUri().toString(), abs));
                roots.add(abs.getParent());
                continue;
            }
            java.nio.file.Path root = java.nio.file.Path.of(qualified(conf, glob ? fixedPrefix(in) : in).toUri()
                    .getPath());
            roots.add(root);
            List<Found> here = new ArrayList<>();
            for (String uri : binaryFiles(spark, in)) {
                java.nio.file.Path abs = java.nio.file.Path.of(URI.create(uri).getPath()).normalize();
                if (abs.startsWith(out) || !OutputNames.isImage(abs)) {
                    continue;
                }
                String given = !glob && isLocal(uri) ? java.nio.file.Path.of(in).resolve(root.relativize(abs)).toString()
                        : isLocal(uri) ? abs.toString() : uri;
                here.add(new Found(given, uri, abs));
            }
            here.sort(Comparator.comparing(Found::path));
            found.addAll(here);
        }
        return OutputNames.name(found, Found::path, roots);
    }

    /** Whether a URI Spark gave names a file on this machine's file system. */
    static boolean isLocal(String uri) {
        return uri.startsWith("file:") || !uri.contains(":");
    }

    /**
     * Checks an input before any work: it exists (a glob: it matches something) and can be read.
     *
     * @return its status, or null for a glob
     */
    private static FileStatus check(Configuration conf, String in, boolean glob) throws BadInput {
        try {
            Path p = new Path(in);
            FileSystem fs = p.getFileSystem(conf);
            if (glob) {
                FileStatus[] matches = fs.globStatus(p);
                if (matches == null || matches.length == 0) {
                    throw new BadInput(in + ": matches no file");
                }
                return null;
            }
            if (!fs.exists(p)) {
                throw new BadInput(in + ": no such file or folder");
            }
            FileStatus status = fs.getFileStatus(p);
            Path q = status.getPath();
            if (isLocal(q.toUri().toString())) {
                java.nio.file.Path local = java.nio.file.Path.of(q.toUri().getPath());
                if (!Files.isReadable(local) || status.isDirectory() && !Files.isExecutable(local)) {
                    throw new BadInput(in + ": permission denied");
                }
            }
            return status;
        } catch (IOException | IllegalArgumentException e) {
            throw new BadInput(in + ": cannot be read (" + ScreenSegmentation.reason(e) + ")");
        }
    }

    /** Every file under a folder or glob, as URIs, listed by the {@code binaryFile} source. */
    private static List<String> binaryFiles(SparkSession spark, String in) {
        Dataset<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(in)
                .select("path");
        List<String> uris = new ArrayList<>();
        for (Row r : files.collectAsList()) {
            uris.add(r.getString(0));
        }
        return uris;
    }

    /** The paths of a list file: a Parquet file, or a CSV with a header row; the {@code path} column, else the first. */
    private static List<String> listed(SparkSession spark, String list) throws BadInput {
        Dataset<Row> rows;
        try {
            rows = list.toLowerCase(java.util.Locale.ROOT).endsWith(".parquet") ? spark.read().parquet(list)
                    : spark.read().option("header", "true").csv(list);
        } catch (RuntimeException e) {
            throw new BadInput(list + ": not a readable list of paths (" + ScreenSegmentation.reason(e) + ")");
        }
        String column = List.of(rows.columns()).contains("path") ? "path" : rows.columns().length > 0
                ? rows.columns()[0] : null;
        if (column == null) {
            throw new BadInput(list + ": holds no column of paths");
        }
        List<String> paths = new ArrayList<>();
        for (Row r : rows.select(column).collectAsList()) {
            if (!r.isNullAt(0) && !r.getString(0).isBlank()) {
                paths.add(r.getString(0).trim());
            }
        }
        if (paths.isEmpty()) {
            throw new BadInput(list + ": lists no image");
        }
        return paths;
    }

    /** The folder part of a glob before its first wildcard ({@code data/plate*}{@code /*.tif} → {@code data}). */
    static String fixedPrefix(String glob) {
        int first = glob.length();
        for (char c : "*?[{".toCharArray()) {
            int i = glob.indexOf(c);
            if (i >= 0) {
                first = Math.min(first, i);
            }
        }
        int slash = glob.lastIndexOf('/', first);
        return slash < 0 ? "." : slash == 0 ? "/" : glob.substring(0, slash);
    }

    private static Path qualified(Configuration conf, String p) throws BadInput {
        try {
            Path path = new Path(p);
            return path.getFileSystem(conf).makeQualified(path);
        } catch (IOException | IllegalArgumentException e) {
            throw new BadInput(p + ": cannot be read (" + ScreenSegmentation.reason(e) + ")");
        }
    }
}
