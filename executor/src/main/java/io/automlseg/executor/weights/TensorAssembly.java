package io.automlseg.executor.weights;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * From an unpickled object to named tensors. It checks that the object is a state dict (a dict of name to tensor,
 * or a checkpoint dict holding one under {@code state_dict} or {@code model}) and that every tensor has a supported
 * dtype and lies inside its storage, before any storage is read; then it fills the tensors in as their storages'
 * bytes arrive, so that only one raw storage is held at a time.
 */
final class TensorAssembly {
    /** Where training checkpoints usually keep the model's state dict. */
    private static final List<String> CHECKPOINT_KEYS = List.of("state_dict", "model");
    /** Largest tensor in bytes: one Java array. */
    private static final long MAX_TENSOR_BYTES = Integer.MAX_VALUE - 16;

    private final String source;
    private final Map<String, PickledTensor> entries;
    private final Map<String, List<String>> pendingByStorage = new HashMap<>();
    private final Map<String, TorchTensor> assembled = new HashMap<>();

    private TensorAssembly(String source, Map<String, PickledTensor> entries) {
        this.source = source;
        this.entries = entries;
        entries.forEach((name, t) -> pendingByStorage.computeIfAbsent(t.storage().key(), k -> new ArrayList<>()).add(name));
    }

    static TensorAssembly of(Object root, String source) throws TorchFileException {
        Map<String, PickledTensor> entries = stateDict(root, source);
        for (Map.Entry<String, PickledTensor> e : entries.entrySet()) {
            PickledTensor t = e.getValue();
            if (!t.storage().type().supported()) {
                throw new TorchFileException(TorchFileException.Kind.UNSUPPORTED_DTYPE, source, "tensor '" + e.getKey()
                        + "' is stored as torch." + t.storage().type().name() + ", which this reader does not decode"
                        + " (it reads " + Arrays.stream(TorchDtype.values()).map(TorchDtype::storageName)
                        .collect(Collectors.joining(", ")) + ")");
            }
            String problem;
            try {
                problem = t.boundsProblem();
                if (problem == null && Math.multiplyExact(t.numel(), t.storage().type().elementSize()) > MAX_TENSOR_BYTES) {
                    problem = "has more than 2 GB of elements";
                }
            } catch (ArithmeticException overflow) {
                problem = "has a size and stride whose extent overflows";
            }
            if (problem != null) {
                throw new TorchFileException(TorchFileException.Kind.VIEW_OUT_OF_BOUNDS, source, "tensor '" + e.getKey()
                        + "' " + problem);
            }
        }
        return new TensorAssembly(source, entries);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, PickledTensor> stateDict(Object root, String source) throws TorchFileException {
        if (!(root instanceof Map<?, ?> dict)) {
            throw notAStateDict(source, "it holds " + PickledValues.describe(root));
        }
        String problem = entryProblem(dict);
        if (problem == null) {
            return (Map<String, PickledTensor>) dict;
        }
        for (String key : CHECKPOINT_KEYS) {
            if (dict.get(key) instanceof Map<?, ?> inner && !inner.isEmpty() && entryProblem(inner) == null) {
                return (Map<String, PickledTensor>) inner;
            }
        }
        throw notAStateDict(source, problem);
    }

    private static TorchFileException notAStateDict(String source, String what) {
        return new TorchFileException(TorchFileException.Kind.NOT_A_STATE_DICT, source, "is not a state dict: " + what
                + " (expected a dict of tensors by name, or a checkpoint dict with one under '"
                + String.join("' or '", CHECKPOINT_KEYS) + "')");
    }

    /** The first entry that is not a named tensor, in words; null if there is none. */
    private static String entryProblem(Map<?, ?> dict) {
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (!(e.getKey() instanceof String name)) {
                return "key " + e.getKey() + " is " + PickledValues.describe(e.getKey()) + ", not a name";
            }
            if (!(e.getValue() instanceof PickledTensor)) {
                return "entry '" + name + "' is " + PickledValues.describe(e.getValue()) + ", not a tensor";
            }
        }
        return null;
    }

    /** Whether a tensor of the state dict lives in the storage with this record key. */
    boolean wants(String storageKey) {
        return pendingByStorage.containsKey(storageKey);
    }

    /** Copies the tensors of one storage out of its bytes. */
    void supply(StorageRef storage, byte[] bytes) throws TorchFileException {
        List<String> names = pendingByStorage.remove(storage.key());
        if (names == null) {
            return;
        }
        if (bytes.length != storage.byteSize()) {
            throw new TorchFileException(TorchFileException.Kind.MALFORMED, source, "storage " + storage.key() + " has "
                    + bytes.length + " bytes, but its pickle says " + storage.numel() + " elements of "
                    + storage.type().elementSize() + " bytes");
        }
        for (String name : names) {
            assembled.put(name, entries.get(name).gather(bytes));
        }
    }

    /**
     * The tensors in the pickle's order of names.
     *
     * @param recordName how the file names a storage's record, for the message when one is missing
     */
    Map<String, TorchTensor> finish(Function<String, String> recordName) throws TorchFileException {
        for (Map.Entry<String, PickledTensor> e : entries.entrySet()) {
            String key = e.getValue().storage().key();
            if (pendingByStorage.containsKey(key)) {
                throw new TorchFileException(TorchFileException.Kind.MISSING_STORAGE, source, "has no "
                        + recordName.apply(key) + ", the storage of tensor '" + e.getKey() + "'");
            }
        }
        Map<String, TorchTensor> out = new LinkedHashMap<>();
        entries.keySet().forEach(name -> out.put(name, assembled.get(name)));
        return out;
    }
}
