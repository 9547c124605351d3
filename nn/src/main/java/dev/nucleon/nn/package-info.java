/**
 * Modules, layers, initialisers, losses, optimisers, schedules and safetensors checkpoints.
 * Not written yet: this module is a placeholder until the [nn] issue lands.
 */
package dev.nucleon.nn;
