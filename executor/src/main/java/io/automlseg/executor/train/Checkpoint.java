package io.automlseg.executor.train;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.model.MaskRCNN;
import io.automlseg.executor.model.NetworkWeights;
import io.automlseg.executor.trial.TrialFiles;
import io.automlseg.executor.trial.TrialStatus;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.util.Base64;
import java.util.Optional;
import java.util.Random;

/**
 * A trial's resumable state in {@code <trialDir>/checkpoint/}: the weights (with BatchNorm running statistics), the
 * optimizer's state, and the loop's counters and random generator in {@code state.json}. A trial whose process was
 * lost is started again by the sweep and continues from here with the same numbers it would have produced.
 *
 * <p>Written like a saved model: into a sibling folder that is renamed into place, {@code _COMPLETE} last; a folder
 * without the marker is ignored.
 */
final class Checkpoint {
    static final String STATE_JSON = "state.json";
    static final String WEIGHTS = "weights.params";
    static final String OPTIMIZER = "optimizer.params";
    static final String COMPLETE_MARKER = "_COMPLETE";

    private Checkpoint() {}

    /**
     * The training loop's counters after an epoch.
     *
     * @param epoch last completed epoch
     * @param optimizerStep optimizer steps taken so far (positions the learning-rate schedule)
     * @param bestEpoch epoch of the saved model, 0 if none yet
     * @param bestValue its primary metric, null if none
     * @param evaluations validations run so far
     * @param evaluationsWithoutImprovement early stopping's no-progress counter
     * @param skippedSteps steps dropped for non-finite gradients
     * @param finished true when the trial ended at this epoch (early stopping or stop request) with this status
     * @param status the trial's status when finished
     * @param random the trial's random generator (data order, augmentation, samplers), serialised
     */
    record State(
            @JsonProperty("epoch") int epoch,
            @JsonProperty("optimizer_step") long optimizerStep,
            @JsonProperty("best_epoch") int bestEpoch,
            @JsonProperty("best_value") Double bestValue,
            @JsonProperty("evaluations") int evaluations,
            @JsonProperty("evaluations_without_improvement") int evaluationsWithoutImprovement,
            @JsonProperty("skipped_steps") int skippedSteps,
            @JsonProperty("finished") boolean finished,
            @JsonProperty("status") TrialStatus status,
            @JsonProperty("random") String random) {}

    static String dir(String trialDir) {
        return TrialFiles.resolve(trialDir, TrialFiles.CHECKPOINT_DIR);
    }

    static void write(String trialDir, MaskRCNN model, Optimizer optimizer, State state, NDManager manager)
            throws IOException {
        String target = dir(trialDir);
        String tmp = target + ".tmp-" + System.nanoTime();
        Storage.mkdirs(tmp);
        // Streamed tensor by tensor: a ResNet-50 model and its momentum are hundreds of megabytes.
        try (OutputStream out = new BufferedOutputStream(Storage.create(TrialFiles.resolve(tmp, WEIGHTS)))) {
            model.save(out);
        }
        try (NDManager scratch = manager.newSubManager();
                OutputStream out = new BufferedOutputStream(Storage.create(TrialFiles.resolve(tmp, OPTIMIZER)))) {
            NetworkWeights.write(out, optimizer.state(scratch));
        }
        Json.write(TrialFiles.resolve(tmp, STATE_JSON), state);
        Storage.writeString(TrialFiles.resolve(tmp, COMPLETE_MARKER), "");
        if (Storage.exists(target)) {
            Storage.delete(target);
        }
        Storage.rename(tmp, target);
    }

    /**
     * The state of the trial folder's complete checkpoint, if it has one. Leftovers of an interrupted write are
     * removed, except a complete one whose predecessor was already deleted: that one is the checkpoint.
     */
    static Optional<State> find(String trialDir) throws IOException {
        String d = dir(trialDir);
        for (String entry : Storage.list(trialDir)) {
            if (entry.substring(entry.lastIndexOf('/') + 1).startsWith(TrialFiles.CHECKPOINT_DIR + ".tmp-")) {
                if (!Storage.exists(d) && Storage.exists(TrialFiles.resolve(entry, COMPLETE_MARKER))) {
                    Storage.rename(entry, d);
                } else {
                    Storage.delete(entry);
                }
            }
        }
        if (!Storage.exists(TrialFiles.resolve(d, COMPLETE_MARKER))) {
            return Optional.empty();
        }
        return Optional.of(Json.read(TrialFiles.resolve(d, STATE_JSON), State.class));
    }

    /** Loads the checkpoint's weights into {@code model} and its state into {@code optimizer}. */
    static void restore(String trialDir, MaskRCNN model, Optimizer optimizer, NDManager manager) throws IOException {
        String d = dir(trialDir);
        try (InputStream in = Storage.open(TrialFiles.resolve(d, WEIGHTS))) {
            model.load(in);
        }
        try (InputStream in = Storage.open(TrialFiles.resolve(d, OPTIMIZER))) {
            optimizer.restore(NetworkWeights.read(in), manager);
        }
    }

    static String encode(Random random) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(random);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    static Random decode(String encoded) throws IOException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(encoded)))) {
            return (Random) in.readObject();
        } catch (ClassNotFoundException e) {
            throw new IOException("checkpoint: unreadable random generator state", e);
        }
    }
}
