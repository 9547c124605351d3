/**
 * Nuclei segmentation: the five papers' networks, the microscopy image toolkit, training and inference.
 * Not written yet: this module is a placeholder until the [networks], [imaging] and [pipeline] issues land.
 */
package dev.nucleon.segmentation;
