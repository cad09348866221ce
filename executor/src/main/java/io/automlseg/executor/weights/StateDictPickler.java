package io.automlseg.executor.weights;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import net.razorvine.pickle.IObjectDeconstructor;
import net.razorvine.pickle.IObjectPickler;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.Pickler;

/**
 * Pyrolite's pickler (protocol 2, as torch.save uses) taught what a state dict's pickle holds beyond strings, ints and
 * tuples: a global named but not called, a {@code collections.OrderedDict}, and a tensor as a
 * {@code torch._utils._rebuild_tensor_v2} call on a storage persistent id, as torch writes them. The custom picklers
 * are this instance's own; Pyrolite's static registry is not consulted. Memoisation is by identity.
 */
final class StateDictPickler extends Pickler {
    /** A module-level name pickled as GLOBAL, without a call. */
    record Global(String module, String name) {}

    /** {@code collections.OrderedDict} with these items, in order. */
    record OrderedDictOf(Map<String, ?> items) {}

    /** A contiguous tensor whose elements are the storage record {@code storageKey}. */
    record TensorRef(String storageKey, TorchTensor tensor) {}

    /** A storage, pickled as torch's persistent id. */
    record StorageId(String key, TorchDtype dtype, long numel) {}

    static final Global ORDERED_DICT = new Global("collections", "OrderedDict");
    static final Global REBUILD_TENSOR_V2 = new Global("torch._utils", "_rebuild_tensor_v2");

    private final TorchFormat format;
    private final Map<TorchDtype, Global> storageTypes = new EnumMap<>(TorchDtype.class);
    private final Map<Class<?>, IObjectPickler> picklers = Map.of(
            Global.class, StateDictPickler::global,
            OrderedDictOf.class, StateDictPickler::orderedDict,
            TensorRef.class, StateDictPickler::tensor);

    /** @param format which persistent ids to write: the zip format's 5-tuples or the legacy format's 6-tuples */
    StateDictPickler(TorchFormat format) {
        super(true, false);
        this.format = format;
        for (TorchDtype d : TorchDtype.values()) {
            storageTypes.put(d, new Global("torch", d.storageName()));
        }
    }

    @Override
    protected IObjectPickler getCustomPickler(Class<?> type) {
        return picklers.get(type);
    }

    @Override
    protected IObjectDeconstructor getCustomDeconstructor(Class<?> type) {
        return null;
    }

    /** {@code ('storage', torch.<Type>Storage, key, 'cpu', numel)}, and a null view for the legacy format. */
    @Override
    protected Object persistentId(Object value) {
        if (!(value instanceof StorageId s)) {
            return null;
        }
        Global type = storageTypes.get(s.dtype());
        return format == TorchFormat.ZIP ? new Object[] {"storage", type, s.key(), "cpu", s.numel()}
                : new Object[] {"storage", type, s.key(), "cpu", s.numel(), null};
    }

    private static void global(Object value, OutputStream out, Pickler pickler) throws IOException {
        Global g = (Global) value;
        out.write(Opcodes.GLOBAL);
        out.write((g.module() + "\n" + g.name() + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code OrderedDict()} called without arguments, then its items set, as pickle writes a dict subclass. */
    private static void orderedDict(Object value, OutputStream out, Pickler pickler) throws IOException {
        Map<String, ?> items = ((OrderedDictOf) value).items();
        pickler.save(ORDERED_DICT);
        out.write(Opcodes.EMPTY_TUPLE);
        out.write(Opcodes.REDUCE);
        if (!items.isEmpty()) {
            out.write(Opcodes.MARK);
            for (Map.Entry<String, ?> e : items.entrySet()) {
                pickler.save(e.getKey());
                pickler.save(e.getValue());
            }
            out.write(Opcodes.SETITEMS);
        }
    }

    /** {@code _rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict())}. */
    private static void tensor(Object value, OutputStream out, Pickler pickler) throws IOException {
        TensorRef ref = (TensorRef) value;
        TorchTensor t = ref.tensor();
        long[] shape = t.shape();
        Object[] size = new Object[shape.length];
        Object[] stride = new Object[shape.length];
        long step = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            size[d] = shape[d];
            stride[d] = step;
            step *= Math.max(shape[d], 1); // torch's contiguous strides treat an empty dimension as 1
        }
        pickler.save(REBUILD_TENSOR_V2);
        pickler.save(new Object[] {new StorageId(ref.storageKey(), t.dtype(), t.numel()), 0, size, stride, false,
                new OrderedDictOf(Map.of())});
        out.write(Opcodes.REDUCE);
    }
}
