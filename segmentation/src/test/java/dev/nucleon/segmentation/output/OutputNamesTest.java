package dev.nucleon.segmentation.output;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The naming rules {@code nucleon segment} and {@code segment-spark} share: the cases the class comment lists. */
class OutputNamesTest {
    static List<OutputNames.Named<Path>> names(String root, String... files) {
        List<Path> found = new ArrayList<>();
        for (String f : files) {
            found.add(Path.of(root, f));
        }
        return OutputNames.name(found, p -> p, List.of(Path.of(root)));
    }

    static List<String> only(List<OutputNames.Named<Path>> named) {
        return named.stream().map(OutputNames.Named::name).toList();
    }

    @Test
    void mirrorsThePathUnderTheCommonFolderWithoutExtension() {
        assertEquals(List.of("d1/a", "d2/a", "d3/a-2"), only(names("/data", "d1/a.png", "d2/a.png", "d3/a-2.png")));
        assertEquals(List.of("x/y"), only(names("/data", "x/y.tif")));
    }

    @Test
    void namesDsbSamplesByTheirFolder() {
        assertEquals(List.of("0280fa8f", "abc"), only(names("/data", "0280fa8f/image.png", "abc/images/abc.png")));
    }

    @Test
    void keepsTheExtensionWhenTwoImagesWouldShareAName() {
        assertEquals(List.of("a.png", "A.tif", "b"), only(names("/data", "a.png", "A.tif", "b.png")));
    }

    @Test
    void theSameFileTwiceIsOneImageAndATakenNameIsAProblem() {
        assertEquals(List.of("a"), only(names("/data", "a.png", "a.png")));
        List<OutputNames.Named<Path>> clash = names("/data", "a.png", "a.tif", "a.png.png");
        assertNull(clash.get(2).name(), clash.toString());
        assertTrue(clash.get(2).problem().contains("is taken by another input"));
    }

    @Test
    void skipsLabelMapsOverlaysMasksAndHiddenFiles() {
        assertTrue(OutputNames.isImage(Path.of("/d/x.TIF")));
        for (String p : List.of("/d/labels.png", "/d/x_labels.png", "/d/x_overlay.png", "/d/masks/m.png", "/d/.x.png",
                "/d/x.csv")) {
            assertFalse(OutputNames.isImage(Path.of(p)), p);
        }
    }

    @Test
    void theRootIsTheDeepestFolderHoldingAllInputs() {
        assertEquals(Path.of("/data"), OutputNames.commonFolder(java.util.Arrays.asList(Path.of("/data/a"), null,
                Path.of("/data/b/c"))));
        List<OutputNames.Named<Path>> named = OutputNames.name(List.of(Path.of("/data/a/x.png"),
                Path.of("/data/b/x.png")), p -> p, List.of(Path.of("/data/a"), Path.of("/data/b")));
        assertEquals(List.of("a/x", "b/x"), only(named));
        assertEquals("x", OutputNames.name(Path.of("/elsewhere/x.png"), Path.of("/data"), false),
                "a file outside the root keeps its own name");
    }
}
