package io.automlseg.executor.weights;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * Pyrolite's unpickler with every opcode that can reach a Python callable taken over: GLOBAL, STACK_GLOBAL and INST
 * resolve names through {@link AllowedGlobal} only (never Pyrolite's registry of constructors), REDUCE, NEWOBJ and
 * OBJ call only what that allowlist returned, the EXT opcodes (globals by copyreg number) are refused, and BUILD
 * accepts only an OrderedDict's attributes. Dicts keep the file's order (Pyrolite builds HashMaps), and their keys
 * and set elements must be hashable, as in Python (a self-containing dict must not recurse in hashCode). Persistent ids
 * become {@link StorageRef}s. Strings, bytes and integers longer than {@link #MAX_VALUE_BYTES} are refused before
 * they are allocated.
 */
final class StateDictUnpickler extends Unpickler {
    /** Longest str, bytes or int a state dict's pickle may hold: its names and metadata are short. */
    static final long MAX_VALUE_BYTES = 64L << 20;

    private final String source;
    private final String pickleName;
    private final StorageCatalog storages;
    private GuardedInput guarded;

    /**
     * @param pickleName how messages name this pickle, e.g. {@code archive/data.pkl}
     * @param storages where persistent ids go; null for a pickle that must not name storages
     */
    StateDictUnpickler(String source, String pickleName, StorageCatalog storages) {
        this.source = source;
        this.pickleName = pickleName;
        this.storages = storages;
    }

    /** Reads one pickle, leaving {@code in} just after its STOP opcode. */
    Object read(InputStream in) throws IOException {
        guarded = new GuardedInput(in);
        try {
            return load(guarded);
        } catch (TorchFileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (guarded.reachedEnd) {
                throw new TorchFileException(TorchFileException.Kind.TRUNCATED, source, "ends inside " + pickleName
                        + " (the file is truncated)", e);
            }
            if (e instanceof IOException io && !(e instanceof java.io.EOFException)) {
                throw new IOException("file " + source + ": " + io.getMessage(), io); // the file system's own error
            }
            throw new TorchFileException(TorchFileException.Kind.MALFORMED, source, pickleName
                    + " is not a readable pickle: " + e.getMessage(), e);
        }
    }

    @Override
    protected Object dispatch(short key) throws IOException {
        switch (key) {
            case Opcodes.GLOBAL -> {
                String module = line();
                String name = line();
                stack.add(AllowedGlobal.resolve(module, name, source));
            }
            case Opcodes.STACK_GLOBAL -> {
                Object name = stack.pop();
                Object module = stack.pop();
                if (!(module instanceof String m) || !(name instanceof String n)) {
                    throw new PickleException("STACK_GLOBAL of " + PickledValues.describe(module) + " and "
                            + PickledValues.describe(name));
                }
                stack.add(AllowedGlobal.resolve(m, n, source));
            }
            case Opcodes.INST -> { // protocol 0: calls module.name with the arguments since the mark
                String module = line();
                String name = line();
                Object callable = AllowedGlobal.resolve(module, name, source);
                stack.add(call(callable, stack.pop_all_since_marker().toArray()));
            }
            case Opcodes.OBJ -> { // protocol 1: the callable is the first item since the mark
                List<Object> items = stack.pop_all_since_marker();
                if (items.isEmpty()) {
                    throw new PickleException("OBJ without a class");
                }
                stack.add(call(items.get(0), items.subList(1, items.size()).toArray()));
            }
            case Opcodes.REDUCE, Opcodes.NEWOBJ -> {
                Object args = stack.pop();
                Object callable = stack.pop();
                if (!(args instanceof Object[] tuple)) {
                    throw new PickleException("a call with arguments that are " + PickledValues.describe(args));
                }
                stack.add(call(callable, tuple));
            }
            case Opcodes.EXT1, Opcodes.EXT2, Opcodes.EXT4 -> {
                int width = key == Opcodes.EXT1 ? 1 : key == Opcodes.EXT2 ? 2 : 4;
                byte[] code = PickleUtils.readbytes(input, width);
                long number = 0;
                for (int i = width - 1; i >= 0; i--) {
                    number = (number << 8) | (code[i] & 0xFF);
                }
                throw new TorchFileException(TorchFileException.Kind.REFUSED_GLOBAL, source, "refuses the pickle"
                        + " extension code " + number
                        + " (a global registered with copyreg); only state dicts of tensors can be read");
            }
            case Opcodes.BUILD -> {
                Object state = stack.pop();
                Object target = stack.peek();
                // An OrderedDict's attributes, e.g. state_dict()'s _metadata (module versions): nothing to keep.
                if (!(target instanceof Map<?, ?>) || !(state instanceof Map<?, ?>)) {
                    throw new PickleException("BUILD (__setstate__) of " + PickledValues.describe(target));
                }
            }
            case Opcodes.EMPTY_DICT -> stack.add(new LinkedHashMap<>());
            case Opcodes.DICT -> {
                Map<Object, Object> dict = new LinkedHashMap<>();
                putPairs(dict, stack.pop_all_since_marker());
                stack.add(dict);
            }
            case Opcodes.SETITEMS -> {
                List<Object> items = stack.pop_all_since_marker();
                putPairs(targetDict(), items);
            }
            case Opcodes.SETITEM -> {
                Object value = stack.pop();
                Object dictKey = stack.pop();
                putPairs(targetDict(), java.util.Arrays.asList(dictKey, value));
            }
            case Opcodes.EMPTY_SET -> stack.add(new HashSet<>());
            case Opcodes.FROZENSET -> stack.add(new HashSet<>(hashable(stack.pop_all_since_marker())));
            case Opcodes.ADDITEMS -> {
                List<Object> items = hashable(stack.pop_all_since_marker());
                if (!(stack.peek() instanceof Set<?> target)) {
                    throw new PickleException("ADDITEMS on " + PickledValues.describe(stack.peek()));
                }
                @SuppressWarnings("unchecked")
                Set<Object> set = (Set<Object>) target;
                set.addAll(items);
            }
            case Opcodes.BINSTRING, Opcodes.BINBYTES, Opcodes.BINUNICODE, Opcodes.LONG4 -> {
                checkLength(4);
                return super.dispatch(key);
            }
            case Opcodes.BINBYTES8, Opcodes.BINUNICODE8, Opcodes.BYTEARRAY8 -> {
                checkLength(8);
                return super.dispatch(key);
            }
            default -> {
                return super.dispatch(key);
            }
        }
        return NO_RETURN_VALUE;
    }

    @Override
    protected Object persistentLoad(Object pid) {
        if (storages == null) {
            throw new PickleException("a persistent id (storage) in a pickle that cannot have one");
        }
        return storages.reference(pid);
    }

    /** A GLOBAL or INST name line; one cut short by the end of the file is truncation, not a name to refuse. */
    private String line() throws IOException {
        String text = PickleUtils.readline(input);
        if (guarded.reachedEnd) {
            throw new java.io.EOFException("end of file inside a global's name");
        }
        return text;
    }

    private static Object call(Object callable, Object[] args) {
        if (!(callable instanceof AllowedGlobal allowed)) {
            throw new PickleException("a call of " + PickledValues.describe(callable));
        }
        return allowed.construct(args);
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> targetDict() {
        if (!(stack.peek() instanceof Map<?, ?> target)) {
            throw new PickleException("dict items set on " + PickledValues.describe(stack.peek()));
        }
        return (Map<Object, Object>) target;
    }

    private static void putPairs(Map<Object, Object> dict, List<Object> items) {
        if (items.size() % 2 != 0) {
            throw new PickleException("dict items of odd length " + items.size());
        }
        for (int i = 0; i < items.size(); i += 2) {
            dict.put(hashable(items.get(i)), items.get(i + 1));
        }
    }

    /**
     * Dict keys and set elements must be hashable as in Python: a dict, list or set there (a damaged or hostile
     * file can make one contain itself) would send Java's hashCode into endless recursion.
     */
    private static List<Object> hashable(List<Object> items) {
        items.forEach(StateDictUnpickler::hashable);
        return items;
    }

    private static Object hashable(Object item) {
        if (item instanceof Map<?, ?> || item instanceof java.util.Collection<?>) {
            throw new PickleException("unhashable " + PickledValues.describe(item) + " as a dict key or set element");
        }
        return item;
    }

    /** Peeks at a little-endian length prefix and refuses it before Pyrolite allocates that many bytes. */
    private void checkLength(int width) throws IOException {
        byte[] prefix = guarded.readNBytes(width);
        if (prefix.length < width) {
            throw new java.io.EOFException("end of file inside a length");
        }
        long length = width == 4 ? PickleUtils.bytes_to_integer(prefix) : PickleUtils.bytes_to_long(prefix, 0);
        if (length < 0 || length > MAX_VALUE_BYTES) {
            throw new PickleException("a value of " + length + " bytes (more than a state dict's pickle holds)");
        }
        guarded.unread(prefix);
    }

    /** Notes the end of the stream, to tell a truncated file from a malformed one. */
    private static final class GuardedInput extends PushbackInputStream {
        boolean reachedEnd;

        GuardedInput(InputStream in) {
            super(in, 8);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            reachedEnd |= b < 0;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            reachedEnd |= n < 0;
            return n;
        }

        @Override
        public void close() {
            // the caller owns the stream
        }
    }
}
