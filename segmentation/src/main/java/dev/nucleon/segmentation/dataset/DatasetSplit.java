package dev.nucleon.segmentation.dataset;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A deterministic train/validation split: the items are shuffled with {@code java.util.Random(seed)}
 * (Fisher–Yates, as {@link Collections#shuffle(List, Random)} specifies), the first
 * {@code round(n · validationFraction)} go to validation, the rest to training; each part keeps the
 * items' original relative order. Same items, fraction and seed give the same split on every JVM.
 * Paper 004 uses 0.2 (8:2).
 */
public record DatasetSplit<T>(List<T> train, List<T> validation) {

    /**
     * Splits items as the class comment says.
     *
     * @param <T>                the item type
     * @param items              the items, not modified
     * @param validationFraction the part that goes to validation, in [0, 1]
     * @param seed               the shuffle's seed
     * @return the split
     */
    public static <T> DatasetSplit<T> of(List<T> items, double validationFraction, long seed) {
        if (!(validationFraction >= 0 && validationFraction <= 1)) {
            throw new IllegalArgumentException("DatasetSplit: validation fraction must be in [0, 1], got "
                    + validationFraction);
        }
        int n = items.size();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        int nVal = (int) Math.round(n * validationFraction);
        boolean[] isVal = new boolean[n];
        for (int i = 0; i < nVal; i++) {
            isVal[order.get(i)] = true;
        }
        List<T> train = new ArrayList<>(), val = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            (isVal[i] ? val : train).add(items.get(i));
        }
        return new DatasetSplit<>(List.copyOf(train), List.copyOf(val));
    }
}
