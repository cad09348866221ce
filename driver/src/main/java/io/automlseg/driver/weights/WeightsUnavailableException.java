package io.automlseg.driver.weights;

import java.io.IOException;

/** A weight file that cannot be had: the URL, why, and whether trying again later may help. */
public final class WeightsUnavailableException extends IOException {

    public enum Reason {
        /** No route, no DNS, refused, timed out: another machine or a later attempt may succeed. */
        NETWORK(true),
        /** The server answered with an error status (404, 403, 500 ...). */
        HTTP_STATUS(false),
        /** The bytes are not the published file (a corrupted download, a wrong mirror, a wrong hand-copied file). */
        HASH_MISMATCH(false),
        /** The cache or the file cannot be read or written. */
        STORAGE(true);

        private final boolean transientFailure;

        Reason(boolean transientFailure) {
            this.transientFailure = transientFailure;
        }

        /** Whether a retry (or another machine) may succeed. */
        public boolean isTransient() {
            return transientFailure;
        }
    }

    private final String url;
    private final Reason reason;

    public WeightsUnavailableException(String url, Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.url = url;
        this.reason = reason;
    }

    public String url() {
        return url;
    }

    public Reason reason() {
        return reason;
    }
}
