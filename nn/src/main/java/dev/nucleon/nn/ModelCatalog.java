package dev.nucleon.nn;

import java.util.List;

/**
 * A table of named networks that one library contributes to the {@link ModelRegistry} with one service entry:
 * list the implementing class in {@code META-INF/services/dev.nucleon.nn.ModelCatalog} (it needs a public
 * no-argument constructor) and every builder it returns is found by name, so {@code Checkpoint.load(path)} rebuilds
 * those networks from a file alone. Segmentation's {@code networks.Presets} is one: the papers' networks, one
 * {@link ModelBuilder} per preset name. (A single network can also be listed on its own, as a {@code ModelBuilder}
 * service.)
 */
public interface ModelCatalog {

    /** {@return the builders of this catalogue, each under its own {@link ModelBuilder#name()}} */
    List<? extends ModelBuilder> builders();
}
