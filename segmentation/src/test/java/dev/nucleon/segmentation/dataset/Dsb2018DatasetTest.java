package dev.nucleon.segmentation.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.TestData;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.io.ImageFileException;
import dev.nucleon.segmentation.io.ImageFileWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Dsb2018DatasetTest {
    @TempDir
    Path dir;

    @Test
    void opensStagedLayoutAndFiltersByKindFromManifest() throws IOException {
        Dsb2018Dataset ds = Dsb2018Dataset.open(TestData.resourceDataset());
        assertEquals(3, ds.size());
        assertEquals(TestData.GRAY_ID, ds.samples().get(0).id());
        assertTrue(ds.samples().get(0).hasTruth());
        assertEquals(2, ds.filter(ImageKind.GRAY).size());
        assertEquals(TestData.COLOUR_ID, ds.filter(ImageKind.COLOUR).samples().get(0).id());
        assertEquals(17, ds.get(TestData.GRAY_ID).readLabels().maxLabel());
        assertNull(ds.get("nope"));
    }

    @Test
    void kindByDecodingWithoutManifest() throws IOException {
        for (String id : new String[] {TestData.GRAY_ID, TestData.COLOUR_ID}) {
            Path d = Files.createDirectories(dir.resolve("stage1_train").resolve(id));
            Files.copy(TestData.image(id), d.resolve("image.png"));
        }
        Dsb2018Dataset ds = Dsb2018Dataset.open(dir); // finds stage1_train/
        assertEquals(2, ds.size());
        assertEquals(ImageKind.GRAY, ds.kindOf(ds.get(TestData.GRAY_ID)));
        assertEquals(ImageKind.COLOUR, ds.kindOf(ds.get(TestData.COLOUR_ID)));
        assertTrue(!ds.samples().get(0).hasTruth());
    }

    @Test
    void contestLayoutWithMasksGivesTheSameLabels() throws IOException {
        String id = TestData.GRAY_ID;
        LabelImage truth = Dsb2018Dataset.open(TestData.resourceDataset()).get(id).readLabels();
        Path sample = dir.resolve(id);
        Files.createDirectories(sample.resolve("images"));
        Files.copy(TestData.image(id), sample.resolve("images").resolve(id + ".png"));
        for (int k = 1; k <= truth.maxLabel(); k++) {
            LabelImage m = truth.mask(k).toLabels();
            int[] d = m.data();
            for (int i = 0; i < d.length; i++) {
                d[i] *= 255;
            }
            // names sort like the label order: mask_01.png, mask_02.png, ...
            ImageFileWriter.writeLabels(m, sample.resolve("masks").resolve(String.format("mask_%02d.png", k)));
        }
        Dsb2018Dataset ds = Dsb2018Dataset.open(dir);
        assertEquals(1, ds.size());
        assertEquals(truth, ds.samples().get(0).readLabels());
        assertEquals(truth.maxLabel(), ds.samples().get(0).maskFiles().size());
    }

    @Test
    void splitIsDeterministicDisjointAndComplete() {
        List<Integer> items = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            items.add(i);
        }
        DatasetSplit<Integer> a = DatasetSplit.of(items, 0.2, 42), b = DatasetSplit.of(items, 0.2, 42);
        assertEquals(a, b);
        assertEquals(20, a.validation().size());
        assertEquals(80, a.train().size());
        Set<Integer> all = new HashSet<>(a.train());
        all.addAll(a.validation());
        assertEquals(100, all.size());
        assertNotEquals(a.validation(), DatasetSplit.of(items, 0.2, 43).validation());
        assertThrows(IllegalArgumentException.class, () -> DatasetSplit.of(items, 1.5, 1));
    }

    @Test
    void missingOrEmptyFoldersAreNamed() throws IOException {
        ImageFileException e = assertThrows(ImageFileException.class, () -> Dsb2018Dataset.open(dir.resolve("x")));
        assertTrue(e.getMessage().startsWith(dir.resolve("x").toString()));
        Files.createDirectories(dir.resolve("emptyset/abc"));
        assertThrows(ImageFileException.class, () -> Dsb2018Dataset.open(dir.resolve("emptyset")));
    }
}
