package io.automlseg.executor.interop;

import java.io.IOException;

/**
 * An import or export refused because of what it was given (a weight file that does not fit the model, a folder
 * that is not a model, an output folder in use). The message names the file and what is wrong; retrying cannot help.
 */
public class ModelExchangeException extends IOException {
    private static final long serialVersionUID = 1L;

    public ModelExchangeException(String message) {
        super(message);
    }
}
