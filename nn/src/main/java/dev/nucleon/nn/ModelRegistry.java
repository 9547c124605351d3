package dev.nucleon.nn;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Builder name → {@link ModelBuilder}: how a saved model's {@link ModelConfig} becomes a network again. The one
 * registry of named networks: segmentation's presets ({@code unet-bn}, {@code unet-plus}, …) are found here too.
 * Builders come from {@link #register} calls and from {@link ServiceLoader} on the class path, loaded on first use:
 * the builders of every {@link ModelCatalog} service and every {@code ModelBuilder} service. An explicit registration
 * wins over a service of the same name.
 */
public final class ModelRegistry {

    private static final Map<String, ModelBuilder> REGISTERED = new ConcurrentHashMap<>();
    private static volatile Map<String, ModelBuilder> discovered;

    private ModelRegistry() {
    }

    /**
     * Registers (or replaces) a builder under its name.
     *
     * @param builder the builder
     */
    public static void register(ModelBuilder builder) {
        REGISTERED.put(builder.name(), builder);
    }

    /**
     * Registers a factory function under {@code name}.
     *
     * @param name    the builder name
     * @param factory builds a network from a configuration
     */
    public static void register(String name, Function<ModelConfig, Module> factory) {
        register(new ModelBuilder() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Module build(ModelConfig config) {
                return factory.apply(config);
            }
        });
    }

    /** {@return every known builder name, sorted} */
    public static TreeSet<String> names() {
        TreeSet<String> names = new TreeSet<>(services().keySet());
        names.addAll(REGISTERED.keySet());
        return names;
    }

    /**
     * Builds the network {@code config} describes and attaches the configuration to it.
     *
     * @param config the configuration
     * @return the network, its configuration attached
     * @throws IllegalArgumentException when no builder has that name
     */
    public static Module build(ModelConfig config) {
        ModelBuilder builder = REGISTERED.get(config.builder());
        if (builder == null) {
            builder = services().get(config.builder());
        }
        if (builder == null) {
            throw new IllegalArgumentException("model registry: no builder named '" + config.builder() + "' (known: "
                    + names() + "); register one with ModelRegistry.register, a ModelBuilder or a ModelCatalog "
                    + "service");
        }
        Module m = builder.build(config);
        if (m == null) {
            throw new IllegalStateException("model registry: builder '" + config.builder() + "' returned no network");
        }
        return m.withConfig(config);
    }

    private static Map<String, ModelBuilder> services() {
        Map<String, ModelBuilder> d = discovered;
        if (d == null) {
            d = new TreeMap<>();
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            ClassLoader loader = context != null ? context : ModelRegistry.class.getClassLoader();
            for (ModelBuilder b : ServiceLoader.load(ModelBuilder.class, loader)) {
                d.putIfAbsent(b.name(), b);
            }
            for (ModelCatalog catalog : ServiceLoader.load(ModelCatalog.class, loader)) {
                for (ModelBuilder b : catalog.builders()) {
                    d.putIfAbsent(b.name(), b);
                }
            }
            discovered = d;
        }
        return d;
    }
}
