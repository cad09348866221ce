package io.automlseg.executor.model;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The weight file formats {@link WeightLoader} reads, told apart by their first bytes. */
enum WeightFileFormat {
    /** torch.save since PyTorch 1.6: a zip whose first record is {@code <archive>/data.pkl}. */
    TORCH_ZIP,
    /** torch.save before 1.6 (or with {@code _use_new_zipfile_serialization=False}): starts with pickle's PROTO. */
    TORCH_LEGACY,
    /** NumPy's {@code .npz}: a zip of {@code .npy} arrays. */
    NPZ,
    /** This project's {@code weights.params} (magic "MRCN"), or anything else, which its reader then refuses. */
    PARAMS;

    private static final int LOCAL_HEADER = 30;

    /** Looks at the start of {@code in} and leaves it where it was. */
    static WeightFileFormat detect(BufferedInputStream in) throws IOException {
        in.mark(LOCAL_HEADER + 0xFFFF);
        try {
            byte[] header = in.readNBytes(LOCAL_HEADER);
            if (header.length >= 4 && header[0] == 'P' && header[1] == 'K' && header[2] == 3 && header[3] == 4) {
                if (header.length < LOCAL_HEADER) {
                    return NPZ; // too short for either; the .npz reader reports it
                }
                int nameLength = (header[26] & 0xFF) | (header[27] & 0xFF) << 8;
                String first = new String(in.readNBytes(nameLength), StandardCharsets.UTF_8);
                return first.equals("data.pkl") || first.endsWith("/data.pkl") ? TORCH_ZIP : NPZ;
            }
            if (header.length >= 2 && (header[0] & 0xFF) == 0x80) {
                return TORCH_LEGACY;
            }
            return PARAMS;
        } finally {
            in.reset();
        }
    }
}
