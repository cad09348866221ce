package io.automlseg.executor.interop;

import io.automlseg.executor.io.Storage;
import java.io.IOException;

/**
 * The output folder of an import or an export. A folder that holds anything is refused, so that nothing of the
 * user's is replaced; the result is written into a sibling and renamed into place, so that a crash never leaves a
 * half-written folder under the requested name.
 */
final class OutputFolder {
    private OutputFolder() {}

    static void requireUnused(String uri) throws IOException {
        if (Storage.exists(uri) && (!Storage.isDirectory(uri) || !Storage.list(uri).isEmpty())) {
            throw new ModelExchangeException("output " + uri + " already exists and is not an empty folder; give a new"
                    + " folder");
        }
    }

    /** A fresh sibling folder to write into. */
    static String staging(String uri) throws IOException {
        String staging = uri.replaceAll("/+$", "") + ".tmp-" + System.nanoTime();
        Storage.mkdirs(staging);
        return staging;
    }

    /** Moves the finished staging folder to {@code uri} (an empty folder there is replaced). */
    static void publish(String staging, String uri) throws IOException {
        requireUnused(uri);
        if (Storage.exists(uri)) {
            Storage.delete(uri);
        }
        Storage.rename(staging, uri);
    }
}
