package io.automlseg.driver.persist;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import java.io.IOException;
import java.util.List;

/**
 * What {@code ignore_data_errors} left out of a sweep's data once the executors had checked every image: images
 * that are missing or cannot be decoded, and validation objects whose label no training image has. Written as
 * {@code data/skipped.json} with the manifests, and repeated in {@code summary.json}.
 *
 * @param examples the first problems, each naming its file, line and field
 */
public record SkippedData(
        @JsonProperty("images") int images,
        @JsonProperty("validation_objects") int validationObjects,
        @JsonProperty("examples") List<String> examples) {

    /** How many problems are kept as examples. */
    public static final int EXAMPLES = 5;

    public SkippedData {
        examples = List.copyOf(examples.subList(0, Math.min(EXAMPLES, examples.size())));
    }

    public boolean isEmpty() {
        return images == 0 && validationObjects == 0;
    }

    public void write(RunFolder run) throws IOException {
        Json.writeAtomically(run.skippedData(), this);
    }

    /** The record of a run folder, or null if nothing was skipped (or the data was prepared before it existed). */
    public static SkippedData read(RunFolder run) throws IOException {
        if (!Storage.exists(run.skippedData())) {
            return null;
        }
        SkippedData skipped = Json.read(run.skippedData(), SkippedData.class);
        return skipped.isEmpty() ? null : skipped;
    }
}
