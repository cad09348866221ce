package io.automlseg.driver.cli;

import io.automlseg.executor.io.Storage;
import io.automlseg.executor.predict.MaskImages;
import java.io.IOException;

/**
 * The {@code masks/} folder of {@code export_as_image} beside a prediction output: the executors write into a hidden
 * staging folder, which is renamed into place when the output is published (replacing the masks of an earlier run,
 * as the output itself is replaced) or removed when it is discarded, so the masks always match the output. A
 * {@code masks/} folder this command did not write (no {@link #MARKER} in it) is never replaced: the command refuses
 * to start.
 *
 * @param folder where the masks end up
 * @param staging where the executors write them
 */
record MaskFolder(String folder, String staging) {

    /** Marks a masks folder as written by {@code automl predict}, so a later run may replace it. */
    static final String MARKER = "_PREDICTED_MASKS";

    static MaskFolder beside(String output) throws IOException {
        String target = Storage.qualify(output);
        String parent = target.substring(0, target.lastIndexOf('/'));
        MaskFolder masks = new MaskFolder(parent + "/" + MaskImages.FOLDER,
                parent + "/." + MaskImages.FOLDER + ".staging-" + System.nanoTime());
        if (Storage.exists(masks.folder) && !Storage.exists(masks.folder + "/" + MARKER)) {
            throw new CliException(ExitCodes.BAD_INPUT, masks.folder + " exists and was not written by automl predict"
                    + " (no " + MARKER + " in it): move it, or write the output into another folder");
        }
        return masks;
    }

    void publish() throws IOException {
        Storage.writeString(staging + "/" + MARKER, "");
        if (Storage.exists(folder)) {
            Storage.delete(folder);
        }
        Storage.rename(staging, folder);
    }

    void discard() throws IOException {
        if (Storage.exists(staging)) {
            Storage.delete(staging);
        }
    }
}
