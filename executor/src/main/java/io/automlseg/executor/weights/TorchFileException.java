package io.automlseg.executor.weights;

import java.io.IOException;

/**
 * A {@code .pth} file that cannot be read as a state dict. The message names the file and what is wrong;
 * {@link #kind()} says which kind of problem it is.
 */
public class TorchFileException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the file. */
    public enum Kind {
        /** Neither torch.save format: not a zip with data.pkl, not a pickle starting with torch's magic number. */
        NOT_A_TORCH_FILE,
        /** The file ends inside a pickle, a zip record or a storage. */
        TRUNCATED,
        /** The pickle names a global outside the allowlist (or uses an opcode that names one indirectly). */
        REFUSED_GLOBAL,
        /** A tensor's storage type is one this reader does not decode (complex, quantized, big-endian files). */
        UNSUPPORTED_DTYPE,
        /** The object is not a dict of name to tensor (a whole module, a list, an entry that is not a tensor). */
        NOT_A_STATE_DICT,
        /** A tensor's storage record is not in the file. */
        MISSING_STORAGE,
        /** A tensor's offset, size and stride reach past the end of its storage. */
        VIEW_OUT_OF_BOUNDS,
        /** Anything else inconsistent: a malformed pickle, a persistent id of the wrong shape, a bad zip record. */
        MALFORMED
    }

    private final Kind kind;

    public TorchFileException(Kind kind, String source, String problem) {
        super("file " + source + ": " + problem);
        this.kind = kind;
    }

    public TorchFileException(Kind kind, String source, String problem, Throwable cause) {
        super("file " + source + ": " + problem, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
