package io.automlseg.executor.train;

import io.automlseg.executor.data.ImageRecord;
import io.automlseg.executor.data.LabelSet;
import io.automlseg.executor.data.Manifest;
import io.automlseg.executor.data.TrainingSample;
import io.automlseg.executor.data.TrainingSamples;
import io.automlseg.executor.model.InputImage;
import io.automlseg.executor.model.TrainingTarget;
import io.automlseg.executor.trial.TrainingParameters;
import io.automlseg.executor.trial.TrialSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A trial's view of its data: the validated records from the driver's manifests, decoded on demand. Decoded training
 * samples are kept in memory while they fit in a budget, since a sweep's trials read every image once per epoch.
 * Training batches may be built on several threads at once ({@link BatchLoader}): the cache and its budget are shared.
 */
public final class TrialData {
    /** Decoded pixels kept in memory at most (floats), about 1 GiB. */
    private static final long CACHE_BUDGET_FLOATS = 256L << 20;

    private final List<ImageRecord> train;
    private final List<ImageRecord> validation;
    private final Map<String, Integer> labelIndex;
    private final boolean augment;
    private final AtomicReferenceArray<TrainingSample> cache;
    /** Guarded by {@code this}. */
    private long cachedFloats;

    public TrialData(List<ImageRecord> train, List<ImageRecord> validation, List<String> labels, boolean augment) {
        this.train = train;
        this.validation = validation;
        this.labelIndex = LabelSet.index(labels);
        this.augment = augment;
        this.cache = new AtomicReferenceArray<>(train.size());
    }

    public static TrialData load(TrialSpec spec) throws IOException {
        TrainingParameters params = new TrainingParameters(spec.parameters());
        return new TrialData(Manifest.read(spec.trainManifest()), Manifest.read(spec.validationManifest()),
                spec.labels(), params.applyTrainAugmentations());
    }

    public int trainSize() {
        return train.size();
    }

    public int validationSize() {
        return validation.size();
    }

    /** The training records as they are (for {@code log_training_metrics}: scored without augmentation). */
    public List<ImageRecord> trainRecords() {
        return train;
    }

    public List<ImageRecord> validationRecords() {
        return validation;
    }

    public List<Integer> shuffledTrainOrder(Random rng) {
        List<Integer> order = TrialTrainer.range(train.size());
        Collections.shuffle(order, rng);
        return order;
    }

    /**
     * Images and targets of the given training records, augmented as the reference product does when that is on,
     * drawing from {@code rng}. Safe to call from several threads at once with different generators.
     */
    public Batch trainingBatch(List<Integer> indices, Random rng) {
        List<InputImage> images = new ArrayList<>(indices.size());
        List<TrainingTarget> targets = new ArrayList<>(indices.size());
        for (int i : indices) {
            TrainingSample sample = sample(i);
            if (augment) {
                sample = TrainingSamples.augment(sample, rng);
            }
            images.add(sample.image());
            targets.add(sample.target());
        }
        return new Batch(images, targets);
    }

    private TrainingSample sample(int i) {
        TrainingSample s = cache.get(i);
        if (s != null) {
            return s;
        }
        // Decoded outside the lock, so workers decode in parallel; samples are never modified once built.
        s = TrainingSamples.load(train.get(i), labelIndex);
        long floats = s.image().chw().length + (long) s.target().size() * s.image().height() * s.image().width() / 4;
        synchronized (this) {
            if (cache.get(i) == null && cachedFloats + floats <= CACHE_BUDGET_FLOATS) {
                cache.set(i, s);
                cachedFloats += floats;
            }
        }
        return s;
    }

    public record Batch(List<InputImage> images, List<TrainingTarget> targets) {}
}
