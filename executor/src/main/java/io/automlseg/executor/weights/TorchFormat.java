package io.automlseg.executor.weights;

import java.util.Optional;

/** The two on-disk formats of {@code torch.save}. */
public enum TorchFormat {
    /** PyTorch 1.6 and later: a zip of {@code <archive>/data.pkl} and one raw record per storage. */
    ZIP,
    /**
     * Before 1.6 ({@code _use_new_zipfile_serialization=False}): pickles one after another (magic number, protocol
     * version, system info, the object, the storage keys), then each storage's element count and raw bytes.
     */
    LEGACY;

    /** The format a file's first bytes announce: a zip signature or a pickle's PROTO opcode. */
    public static Optional<TorchFormat> detect(byte[] head) {
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return Optional.of(ZIP);
        }
        if (head.length >= 2 && (head[0] & 0xFF) == 0x80) {
            return Optional.of(LEGACY);
        }
        return Optional.empty();
    }
}
