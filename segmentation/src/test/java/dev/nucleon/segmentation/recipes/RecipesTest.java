package dev.nucleon.segmentation.recipes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.segmentation.head.Head;
import dev.nucleon.segmentation.networks.Presets;
import dev.nucleon.segmentation.preprocess.NetworkInput;
import dev.nucleon.segmentation.train.TrainerConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every recipe's configuration against its paper's text (quoted). The weight counts are the papers' own (Tables 1
 * and 2 of paper 004), so each recipe builds the network its row reports.
 */
class RecipesTest {

    @Test
    void paper004HasEightRecipesFourNetworksAtBSixteenAndEight() {
        List<String> names = Recipes.all().stream().map(Recipe::name).filter(n -> n.startsWith("paper004")).toList();
        assertEquals(List.of("paper004-unet-b16", "paper004-unetpp-b16", "paper004-unetplus-tc-b16",
                "paper004-unetplus-us-b16", "paper004-unet-b8", "paper004-unetpp-b8", "paper004-unetplus-tc-b8",
                "paper004-unetplus-us-b8"), names);
    }

    @Test
    void paper004RecipesFollowItsModelTrainingSection() {
        for (Recipe r : Recipes.all()) {
            if (!r.paper().equals("004")) {
                continue;
            }
            TrainerConfig c = r.config();
            // "Adam algorithm with initial learning rate 0.0005 was employed to optimize the loss function defined in Eq. 1"
            assertEquals("adam", c.optimizer(), r.name());
            assertEquals(5e-4, c.learningRate(), 0, r.name());
            assertEquals("bce-log-dice", c.loss(), r.name());
            // "The model with best accuracy (lowest loss) would be stored"
            assertTrue(r.lowestValidationLoss(), r.name());
            assertEquals(0, c.earlyStopping(), r.name());
            // grayscale images, CLAHE → TV → [0, 1], 256 × 256 patches, 8 : 2 split
            assertEquals(NetworkInput.PAPER004_NAME, r.input(), r.name());
            assertEquals(Recipe.Data.PAPER004_PATCHES, r.data(), r.name());
            assertEquals(256, c.patchSize(), r.name());
            assertEquals(0.2, r.validationFraction(), 0, r.name());
            assertEquals(Head.FOREGROUND, r.head());
            assertFalse(c.separateTouching(), "the paper's target is the plain nucleus mask");
            assertTrue(c.augment() && r.augmentation() != null, r.name());
            // threshold 0.5, holes and small objects removed, connected components
            assertEquals(dev.nucleon.segmentation.instance.PostProcessing.PAPER004, r.post(), r.name());
            if (r.preset().equals(Presets.UNET_PLUSPLUS)) {
                // "U-Net++ was fine-tuned for another 5 epochs … with smaller learning rate 0.0001"
                assertEquals(25, c.epochs(), r.name());
                assertEquals("step", c.schedule());
                assertEquals(20, c.plateauPatience());
                assertEquals(1e-4, c.learningRate() * c.plateauFactor(), 1e-12);
                // L2 weight decay: 1e-4 at B = 16, 0 at B = 8 (PAPERS.md)
                assertEquals(r.name().endsWith("b16") ? 1e-4 : 0, c.weightDecay(), 0, r.name());
            } else {
                // "The number of epochs was empirically set to 20"
                assertEquals(20, c.epochs(), r.name());
                assertEquals("none", c.schedule());
                assertEquals(0, c.weightDecay(), 0);
            }
        }
    }

    @Test
    void paper004RecipesBuildTheNetworksOfItsTablesWeightCounts() {
        // Table 2 (B = 8): 0.486M, 0.566M, 0.484M, 0.435M; Table 1 (B = 16): 1.941M, 2.262M, 1.926M, 1.730M
        Map<String, Double> published = Map.of("paper004-unet-b8", 0.486e6, "paper004-unetpp-b8", 0.566e6,
                "paper004-unetplus-tc-b8", 0.484e6, "paper004-unetplus-us-b8", 0.435e6, "paper004-unet-b16", 1.941e6,
                "paper004-unetpp-b16", 2.262e6, "paper004-unetplus-tc-b16", 1.926e6, "paper004-unetplus-us-b16", 1.730e6);
        published.forEach((name, weights) -> {
            Recipe r = Recipes.get(name);
            long n = Presets.build(r.preset(), r.options()).parameterCount().total();
            assertEquals(weights, n, 0.0015e6, name + " has " + n + " weights");
        });
    }

    @Test
    void paper000RecipesFollowItsTrainingSection() {
        for (String name : List.of("paper000-unet-relu", "paper000-unet-elu", "paper000-unet-carving")) {
            Recipe r = Recipes.get(name);
            TrainerConfig c = r.config();
            // "We have chosen Binary Cross Entropy (BCE) as loss function"; 35 epochs, batch 8; early stopping 7
            assertEquals("bce", c.loss());
            assertEquals(35, c.epochs());
            assertEquals(8, c.batchSize());
            assertEquals(7, c.earlyStopping());
            assertEquals("adam", c.optimizer());
            assertEquals(128, r.imageSize(), "128×128×3 input");
            assertEquals(Recipe.Data.RESIZED, r.data());
            assertTrue(r.lowestValidationLoss());
        }
        assertEquals(Presets.UNET_CARVING, Recipes.get("paper000-unet-carving").preset());
    }

    @Test
    void paper001To003RecipesFollowPapersMdsRecipeTable() {
        TrainerConfig simple = Recipes.get("paper001-simple-cnn").config();
        assertEquals(0.1, simple.learningRate(), 0);
        assertEquals(15, simple.epochs());
        assertEquals(32, simple.batchSize());
        assertEquals("adam", simple.optimizer());
        assertEquals("cross-entropy", simple.loss(), "3-class per-pixel cross-entropy");
        assertEquals(Head.CLASSES, Recipes.get("paper001-simple-cnn").head(), "nucleus / border / background");
        TrainerConfig resnet = Recipes.get("paper001-resnet").config();
        assertEquals(40, resnet.epochs());
        assertEquals(10, resnet.batchSize());
        TrainerConfig unet = Recipes.get("paper001-unet").config();
        assertEquals(0.01, unet.learningRate(), 0);
        assertEquals(20, unet.epochs());
        assertEquals(16, unet.batchSize());
        TrainerConfig bn = Recipes.get("paper002-unet-bn").config();
        assertEquals(35, bn.epochs());
        assertEquals("bce", bn.loss());
        assertEquals(256, Recipes.get("paper002-unet-bn").imageSize(), "resized to 256 x 256");
        TrainerConfig res = Recipes.get("paper003-resfcn").config();
        assertEquals("bce-dice", res.loss());
        assertEquals(60, res.epochs());
        assertEquals(10, res.earlyStopping(), "stop after 10 epochs without improvement");
        assertEquals("plateau", res.schedule());
        assertEquals(5, res.plateauPatience(), "lr x 0.1 after 5 epochs without improvement");
        assertEquals(0.1, res.plateauFactor(), 0);
        assertEquals(Head.FOREGROUND, Recipes.get("paper003-resfcn").head());
        assertEquals("adadelta", resnet.optimizer());
        assertEquals(0.1, resnet.learningRate(), 0);
    }

    @Test
    void everyRecipeHasAPresetThatExistsAndRecipesWithoutAugmentationSayAugmentFalse() {
        for (Recipe r : Recipes.all()) {
            assertTrue(Presets.names().contains(r.preset()), r.name());
            assertEquals(r.augmentation() != null, r.config().augment(), r.name());
            assertTrue(r.summary().startsWith(r.name()), r.summary());
        }
    }

    @Test
    void anUnknownRecipeListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Recipes.get("paper004-vgg"));
        assertTrue(e.getMessage().contains("paper004-unet-b8") && e.getMessage().contains("paper002-unet-bn"),
                e.getMessage());
    }
}
