package dev.nucleon.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nucleon.nn.layers.Conv2d;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry finds builders of {@link ModelCatalog} services, {@link ModelBuilder} services and registrations. */
class ModelRegistryTest {

    /** A catalogue of two networks under one service entry (listed in the test resources). */
    public static final class TwoConvs implements ModelCatalog {
        /** As the service loader creates it. */
        public TwoConvs() {
        }

        private static ModelBuilder conv(String name, int kernel) {
            return new ModelBuilder() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public Module build(ModelConfig config) {
                    return new Conv2d(config.getInt("in", 1), 1, kernel);
                }
            };
        }

        @Override
        public List<ModelBuilder> builders() {
            return List.of(conv("catalog-conv1", 1), conv("catalog-conv3", 3), conv("catalog-overridden", 1));
        }
    }

    @Test
    void everyBuilderOfACatalogServiceIsFoundByName() {
        assertTrue(ModelRegistry.names().containsAll(List.of("catalog-conv1", "catalog-conv3")), ModelRegistry.names()
                .toString());
        Module m = ModelRegistry.build(ModelConfig.of("catalog-conv3", "in", 2));
        assertEquals(2 * 9 + 1, m.parameterCount().total(), "a 3x3 conv from 2 channels to 1, with bias");
        assertEquals(ModelConfig.of("catalog-conv3", "in", 2), m.config(), "the configuration is attached");
        assertTrue(ModelRegistry.names().contains(TinySegNet.NAME), "single ModelBuilder services are still found");
    }

    @Test
    void anExplicitRegistrationWinsOverACatalogAndUnknownNamesListTheKnown() {
        ModelRegistry.register("catalog-overridden", c -> new Conv2d(1, 1, 5));
        assertEquals(25 + 1, ModelRegistry.build(ModelConfig.of("catalog-overridden")).parameterCount().total());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelRegistry.build(ModelConfig.of("catalog-conv2")));
        assertTrue(e.getMessage().contains("catalog-conv1") && e.getMessage().contains("ModelCatalog"), e.getMessage());
    }
}
