package dev.nucleon.cli;

import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Nucleon's version, as Maven wrote it into {@code dev/nucleon/cli/version.properties} at build time.
 */
public final class NucleonVersion implements IVersionProvider {

    private static final String RESOURCE = "version.properties";
    private static final String UNKNOWN = "unknown (version.properties was not filtered by Maven)";

    /** The project version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String get() {
        try (InputStream in = NucleonVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return UNKNOWN;
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "").trim();
            return version.isEmpty() || version.startsWith("${") ? UNKNOWN : version;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + RESOURCE, e);
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {"nucleon " + get()};
    }
}
