package io.automlseg.executor.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.model.MaskRCNN;
import io.automlseg.executor.model.ModelConfig;
import io.automlseg.executor.model.NetworkWeights;
import io.automlseg.executor.model.WeightLoader;
import io.automlseg.executor.weights.TorchFormat;
import io.automlseg.executor.weights.TorchReader;
import io.automlseg.executor.weights.TorchTensor;
import io.automlseg.executor.weights.TorchWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Read speed of {@code .pth} files. It writes the state dict of a {@code maskrcnn_resnet18_fpn} with 91 classes
 * (frozen batch norm, torchvision's names and shapes: about 125 MB) with {@link TorchWriter} in both formats, then
 * times {@link TorchReader} on each through the Hadoop file system, as trials read weights, and
 * {@link WeightLoader#readFile} (which also converts to float arrays). Paths given as arguments (such as torchvision's
 * published weights) are timed too. {@code --dir <folder>} keeps the written files there (make_fixtures.py
 * {@code --check ... --model} loads them into torchvision); by default they go to a temporary folder, deleted after.
 * Each timing prints {@code READ <how> <file> <MB> <seconds> <MB/s>}.
 */
public final class TorchReadSpeed {
    private TorchReadSpeed() {}

    public static void main(String[] args) throws Exception {
        List<String> files = new ArrayList<>();
        Path dir = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--dir")) {
                dir = Path.of(args[++i]);
            } else {
                files.add(args[i]);
            }
        }
        boolean keep = dir != null;
        Path folder = keep ? Files.createDirectories(dir) : Files.createTempDirectory("pth-speed");
        List<Path> written = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, TorchTensor> state = modelStateDict(manager);
            for (TorchFormat format : TorchFormat.values()) {
                Path file = folder.resolve(format == TorchFormat.ZIP ? "maskrcnn_r18.pth" : "maskrcnn_r18_legacy.pth");
                long start = System.nanoTime();
                try (OutputStream out = Files.newOutputStream(file)) {
                    TorchWriter.write(state, out, format);
                }
                report("WRITE", file.toString(), Files.size(file), System.nanoTime() - start);
                written.add(file);
                files.add(0, file.toString());
            }
            for (String file : files) {
                for (int run = 1; run <= 2; run++) { // the first run also warms up the JIT and the page cache
                    long start = System.nanoTime();
                    int tensors;
                    try (InputStream in = Storage.open(file)) {
                        tensors = TorchReader.read(in, file).size();
                    }
                    long size = Files.size(Path.of(file));
                    report("READ run " + run + " (" + tensors + " tensors)", file, size, System.nanoTime() - start);
                }
                long start = System.nanoTime();
                WeightLoader.readFile(file, manager);
                report("READ into float32 (WeightLoader.readFile)", file, Files.size(Path.of(file)),
                        System.nanoTime() - start);
            }
        } finally {
            if (!keep) {
                for (Path file : written) {
                    Files.deleteIfExists(file);
                }
                Files.deleteIfExists(folder);
            }
        }
    }

    /** Our Mask R-CNN's weights under torchvision's names, as float32 tensors. */
    private static Map<String, TorchTensor> modelStateDict(NDManager manager) throws IOException {
        ModelConfig config = ModelConfig.builder().modelName("maskrcnn_resnet18_fpn").numClasses(91)
                .norm(ModelConfig.NormKind.FROZEN_BATCH).build();
        Map<String, TorchTensor> state = new LinkedHashMap<>();
        try (MaskRCNN model = MaskRCNN.create(config, manager, 1)) {
            NetworkWeights store = model.parameters();
            for (Map<String, NDArray> group : List.of(store.parameters(), store.buffers())) {
                group.forEach((name, a) -> state.put(name, TorchTensor.float32(a.getShape().getShape(), a.toFloatArray())));
            }
        }
        return state;
    }

    private static void report(String how, String file, long bytes, long nanos) {
        double mb = bytes / 1e6;
        double seconds = nanos / 1e9;
        System.out.printf(Locale.ROOT, "%s %s %.1f MB %.2f s %.0f MB/s%n", how, file, mb, seconds, mb / seconds);
    }
}
