package dev.nucleon.nn;

/**
 * Builds one kind of network from a {@link ModelConfig}. Register an implementation with
 * {@link ModelRegistry#register(ModelBuilder)}, list it in {@code META-INF/services/dev.nucleon.nn.ModelBuilder},
 * or return it from a {@link ModelCatalog} service, so the registry finds it on the class path (how the
 * segmentation presets plug in: each {@code networks.Presets.Preset} is a {@code ModelBuilder}).
 */
public interface ModelBuilder {

    /** {@return the name stored in {@link ModelConfig#builder()}, e.g. {@code "unet"}} */
    String name();

    /**
     * {@return a freshly initialised network for {@code config} (its arguments; the builder name is this one's)}
     *
     * @param config the configuration
     */
    Module build(ModelConfig config);
}
