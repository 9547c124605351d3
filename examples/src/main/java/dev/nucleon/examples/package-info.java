/**
 * Example programs (segment an image from Java, train a small U-Net).
 * Not written yet: they arrive with the [pipeline] issue.
 */
package dev.nucleon.examples;
