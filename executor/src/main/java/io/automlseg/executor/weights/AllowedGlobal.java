package io.automlseg.executor.weights;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;

/**
 * The only callables a state dict's pickle may name, each done by our own code: nothing named in a file is looked up,
 * loaded or run. {@link #resolve} also lets through the {@code torch.*Storage} classes, as inert {@link StorageType}
 * markers; every other global is refused by name.
 */
enum AllowedGlobal implements IObjectConstructor {
    /** {@code collections.OrderedDict()}: a state dict and its {@code _metadata}; items come by SETITEMS. */
    ORDERED_DICT("collections", "OrderedDict") {
        @Override
        public Object construct(Object[] args) {
            Map<Object, Object> dict = new LinkedHashMap<>();
            if (args.length == 1 && args[0] instanceof List<?> pairs) { // OrderedDict([(k, v), ...])
                for (Object pair : pairs) {
                    if (!(pair instanceof Object[] kv) || kv.length != 2) {
                        throw new PickleException("collections.OrderedDict takes (key, value) pairs");
                    }
                    dict.put(kv[0], kv[1]);
                }
            } else if (args.length != 0) {
                throw new PickleException("collections.OrderedDict with " + args.length + " arguments");
            }
            return dict;
        }
    },
    /** {@code _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])}. */
    REBUILD_TENSOR_V2("torch._utils", "_rebuild_tensor_v2") {
        @Override
        public Object construct(Object[] args) {
            if (args.length != 6 && args.length != 7) {
                throw new PickleException(qualifiedName() + " with " + args.length + " arguments");
            }
            return tensor(args);
        }
    },
    /** {@code _rebuild_tensor(storage, storage_offset, size, stride)}, the version before requires_grad was kept. */
    REBUILD_TENSOR("torch._utils", "_rebuild_tensor") {
        @Override
        public Object construct(Object[] args) {
            if (args.length != 4) {
                throw new PickleException(qualifiedName() + " with " + args.length + " arguments");
            }
            return tensor(args);
        }
    },
    /** {@code _rebuild_parameter(data, requires_grad, backward_hooks)}: an nn.Parameter is its tensor here. */
    REBUILD_PARAMETER("torch._utils", "_rebuild_parameter") {
        @Override
        public Object construct(Object[] args) {
            if (args.length != 3 || !(args[0] instanceof PickledTensor)) {
                throw new PickleException(qualifiedName() + " needs (tensor, requires_grad, backward_hooks)");
            }
            return args[0];
        }
    };

    private final String module;
    private final String name;

    AllowedGlobal(String module, String name) {
        this.module = module;
        this.name = name;
    }

    String qualifiedName() {
        return module + "." + name;
    }

    /** What the pickle global {@code module.name} stands for; refused unless allowlisted. */
    static Object resolve(String module, String name, String source) throws TorchFileException {
        for (AllowedGlobal g : values()) {
            if (g.module.equals(module) && g.name.equals(name)) {
                return g;
            }
        }
        if (module.equals("torch")) {
            StorageType storage = StorageType.forName(name).orElse(null);
            if (storage != null) {
                return storage;
            }
        }
        throw refusal(module + "." + name, source);
    }

    static TorchFileException refusal(String what, String source) {
        return new TorchFileException(TorchFileException.Kind.REFUSED_GLOBAL, source, "refuses the pickle global '"
                + what + "'; only state dicts of tensors can be read (save model.state_dict(), not the model)");
    }

    private static PickledTensor tensor(Object[] args) {
        if (!(args[0] instanceof StorageRef storage)) {
            throw new PickleException("tensor without a storage (got " + PickledValues.describe(args[0]) + ")");
        }
        long offset = PickledValues.integer(args[1]);
        long[] size = PickledValues.integers(args[2]);
        long[] stride = PickledValues.integers(args[3]);
        for (long d : size) {
            if (d < 0) {
                throw new PickleException("tensor of size " + java.util.Arrays.toString(size));
            }
        }
        if (size.length != stride.length) {
            throw new PickleException("tensor of size " + java.util.Arrays.toString(size) + " with stride "
                    + java.util.Arrays.toString(stride));
        }
        return new PickledTensor(storage, offset, size, stride);
    }
}
