package dev.nucleon.segmentation.recipes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.dataset.DatasetSplit;
import dev.nucleon.segmentation.dataset.NucleiSample;
import dev.nucleon.segmentation.dataset.TrainingSample;
import dev.nucleon.segmentation.image.FloatImage;
import dev.nucleon.segmentation.image.LabelImage;
import dev.nucleon.segmentation.io.ImageFileWriter;
import dev.nucleon.segmentation.networks.Presets;
import dev.nucleon.segmentation.train.TrainerConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Paper 001's Mask R-CNN row (SGD, lr 0.01, 30 epochs, batch 16) and the CPU-sized recipe; whole images kept. */
class MaskRcnnRecipesTest {

    @Test
    void paper001MaskRcnnFollowsTheTableAndTheCpuRecipeIsSmaller() {
        Recipe paper = Recipes.get("paper001-mask-rcnn");
        TrainerConfig c = paper.config();
        assertEquals(Presets.MASK_RCNN, paper.preset());
        assertEquals("001", paper.paper());
        assertTrue(c.optimizer().startsWith("sgd"), c.optimizer());
        assertEquals(0.01, c.learningRate(), 0);
        assertEquals(30, c.epochs());
        assertEquals(16, c.batchSize());
        assertEquals(Recipe.Data.WHOLE, paper.data());
        assertEquals("50", paper.options().get(Presets.DEPTH));

        Recipe cpu = Recipes.get("cpu-mask-rcnn");
        assertEquals("18", cpu.options().get(Presets.DEPTH));
        assertEquals(256, cpu.config().patchSize());
        assertTrue(cpu.config().batchSize() <= 4 && cpu.config().augment(), cpu.summary());
    }

    @Test
    void wholeImagesKeepTheirSizeAndAreSplitAtRandom(@TempDir Path dir) throws IOException {
        List<NucleiSample> samples = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Path image = dir.resolve("i" + i + ".png"), labels = dir.resolve("l" + i + ".png");
            ImageFileWriter.writeGray(new FloatImage(40 + i, 30, 1, new float[(40 + i) * 30]), image, 8);
            ImageFileWriter.writeLabels(LabelImage.empty(40 + i, 30), labels);
            samples.add(new NucleiSample("s" + i, image, labels, null));
        }
        DatasetSplit<TrainingSample> split = Recipes.prepare(Recipes.get("cpu-mask-rcnn"), samples, 1,
                new PrintStream(PrintStream.nullOutputStream()));
        assertEquals(9, split.train().size());
        assertEquals(1, split.validation().size());
        for (TrainingSample s : split.train()) {
            int i = Integer.parseInt(s.id().substring(1));
            assertEquals(40 + i, s.input().width());
            assertEquals(3, s.input().channels(), "rgb input");
        }
    }
}
