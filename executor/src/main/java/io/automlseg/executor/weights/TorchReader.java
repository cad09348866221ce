package io.automlseg.executor.weights;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * Reads a state dict saved with {@code torch.save} (a {@code .pth} file) in either of its formats, from any stream
 * (a Hadoop file system's included), front to back, without running anything named in the file: only the pickle
 * globals a state dict needs are accepted, all others are refused by name.
 *
 * <p>The result maps each name to its tensor, in the file's order, every tensor contiguous. A checkpoint dict whose
 * tensors are under {@code state_dict} or {@code model} gives that dict.
 */
public final class TorchReader {
    private static final int BUFFER = 1 << 16;

    private TorchReader() {}

    /**
     * @param source how messages name the file (its path or URI)
     * @throws TorchFileException if the file is not a readable state dict (the message says why)
     * @throws IOException if the stream fails
     */
    public static Map<String, TorchTensor> read(InputStream in, String source) throws IOException {
        InputStream buffered = in instanceof BufferedInputStream ? in : new BufferedInputStream(in, BUFFER);
        buffered.mark(4);
        byte[] head = buffered.readNBytes(4);
        buffered.reset();
        TorchFormat format = TorchFormat.detect(head).orElseThrow(() -> new TorchFileException(
                TorchFileException.Kind.NOT_A_TORCH_FILE, source, head.length == 0 ? "is empty" : "starts with bytes "
                + hex(head) + ": neither a zip archive (torch.save since PyTorch 1.6) nor a pickle (older torch.save)"));
        return format == TorchFormat.ZIP ? TorchZipReader.read(buffered, source)
                : TorchLegacyReader.read(buffered, source);
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(sb.length() == 0 ? "" : " ").append(String.format("%02x", b & 0xFF));
        }
        return sb.toString();
    }
}
