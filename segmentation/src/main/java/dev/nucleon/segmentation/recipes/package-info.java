/**
 * The five papers' training protocols as named recipes ({@code nucleon train --recipe NAME}): {@link
 * dev.nucleon.segmentation.recipes.Recipes} lists one {@link dev.nucleon.segmentation.recipes.Recipe} per row of each
 * paper's results table, and {@link dev.nucleon.segmentation.recipes.Paper004Patches} is paper 004's patch-based
 * data handling. The papers, 000–004, are named in {@code docs/papers.md}, beside the results of their recipes.
 */
package dev.nucleon.segmentation.recipes;
