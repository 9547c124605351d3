package dev.nucleon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.io.TiffBuilder;
import dev.nucleon.segmentation.output.RunManifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 4: {@code --tiles SIZE --tile-margin PX} run the core-tile inference ({@code Predictor.tiles}),
 * {@code --tile}/{@code --overlap} the blended one; both find the same discs, and the manifest records the mode.
 */
class TilingOptionsTest {
    @TempDir
    Path dir;

    private Path image() throws IOException {
        return new TiffBuilder(SegmentInteropTest.W, SegmentInteropTest.H, 1, 8).page(SegmentInteropTest.discs())
                .write(dir.resolve("in").resolve("discs.tif"));
    }

    private String segment(Path image, String folder, String... tiling) {
        String[] args = new String[5 + tiling.length];
        args[0] = "segment";
        args[1] = image.toString();
        args[2] = "--out";
        args[3] = dir.resolve(folder).toString();
        args[4] = "--diameter=0";
        System.arraycopy(tiling, 0, args, 5, tiling.length);
        Run r = Run.of(args);
        assertEquals(0, r.exitCode(), r.toString());
        return r.out();
    }

    @Test
    void coreTilesFindTheSameNucleiAsBlendedTilesAndTheManifestSaysWhichRan() throws IOException {
        Path image = image();
        String cores = segment(image, "cores", "--tiles", "48", "--tile-margin", "24");
        String blended = segment(image, "blended", "--tile", "48", "--overlap", "16");
        assertTrue(cores.contains("discs: 3 nuclei"), cores);
        assertTrue(blended.contains("discs: 3 nuclei"), blended);
        String manifest = Files.readString(dir.resolve("cores").resolve(RunManifest.FILE));
        assertTrue(manifest.contains("\"tile\":48") && manifest.contains("\"tile_margin\":24")
                && manifest.contains("\"overlap\":null"), manifest);
        String other = Files.readString(dir.resolve("blended").resolve(RunManifest.FILE));
        assertTrue(other.contains("\"overlap\":16") && other.contains("\"tile_margin\":null"), other);
    }
}
