package io.automlseg.executor.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * Named weights of the network with torchvision's state-dict names. Parameters are learnable tensors (they count in
 * {@link #parameterCount()}); buffers are state that is not learned by gradient (BatchNorm running statistics).
 * Trainable parameters have gradients attached; frozen ones do not.
 */
public final class NetworkWeights implements AutoCloseable {
    private static final int MAGIC = 0x4D52434E; // "MRCN"
    private static final int FORMAT_VERSION = 1;

    /** Every element: the index of a whole-tensor copy. */
    private static final NDIndex ALL = new NDIndex("...");

    private final NDManager manager;
    private final Map<String, NDArray> parameters = new LinkedHashMap<>();
    private final Map<String, NDArray> buffers = new LinkedHashMap<>();
    private final Map<String, Boolean> trainable = new LinkedHashMap<>();

    public NetworkWeights(NDManager manager) {
        this.manager = manager;
    }

    public NDManager manager() {
        return manager;
    }

    /** Adds a learnable tensor; it gets a gradient (trainable) until {@link #freeze} says otherwise. */
    public NDArray addParameter(String name, float[] values, Shape shape) {
        if (parameters.containsKey(name) || buffers.containsKey(name)) {
            throw new IllegalStateException("duplicate weight name " + name);
        }
        NDArray array = manager.create(values, shape);
        array.setName(name);
        array.setRequiresGradient(true);
        parameters.put(name, array);
        trainable.put(name, true);
        return array;
    }

    public NDArray addBuffer(String name, float[] values, Shape shape) {
        if (parameters.containsKey(name) || buffers.containsKey(name)) {
            throw new IllegalStateException("duplicate weight name " + name);
        }
        NDArray array = manager.create(values, shape);
        array.setName(name);
        buffers.put(name, array);
        return array;
    }

    /** Parameter or buffer by its torchvision name. */
    public NDArray get(String name) {
        NDArray array = parameters.get(name);
        if (array == null) {
            array = buffers.get(name);
        }
        if (array == null) {
            throw new IllegalArgumentException("no weight named " + name);
        }
        return array;
    }

    public boolean contains(String name) {
        return parameters.containsKey(name) || buffers.containsKey(name);
    }

    /** All parameters in registration (torchvision) order. */
    public Map<String, NDArray> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    public Map<String, NDArray> buffers() {
        return Collections.unmodifiableMap(buffers);
    }

    /** Parameters that currently receive gradients, in order. */
    public Map<String, NDArray> trainableParameters() {
        Map<String, NDArray> result = new LinkedHashMap<>();
        parameters.forEach((name, array) -> {
            if (trainable.get(name)) {
                result.put(name, array);
            }
        });
        return result;
    }

    /**
     * Drops every trainable parameter's gradient, as torch's {@code zero_grad(set_to_none=True)}: each parameter's
     * handle moves to a new leaf over the same storage, so the next backward pass allocates gradients as it reaches
     * them instead of adding into buffers held through the whole forward pass. The Java arrays stay the same objects
     * (and keep the direct buffers DJL may have backed their storage with).
     */
    public void releaseGradients() {
        parameters.forEach((name, array) -> {
            if (trainable.get(name)) {
                array.intern(array.stopGradient());
                array.setRequiresGradient(true);
            }
        });
    }

    public boolean isTrainable(String name) {
        return trainable.getOrDefault(name, false);
    }

    /** Freezes (no gradient) or unfreezes every parameter whose name matches. */
    public void setTrainable(Predicate<String> names, boolean train) {
        parameters.forEach((name, array) -> {
            if (names.test(name) && trainable.get(name) != train) {
                array.setRequiresGradient(train);
                trainable.put(name, train);
            }
        });
    }

    /** Number of parameter values (trainable and frozen), like {@code sum(p.numel() for p in model.parameters())}. */
    public long parameterCount() {
        long count = 0;
        for (NDArray array : parameters.values()) {
            count += array.getShape().size();
        }
        return count;
    }

    public long trainableParameterCount() {
        long count = 0;
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            if (trainable.get(e.getKey())) {
                count += e.getValue().getShape().size();
            }
        }
        return count;
    }

    /** A named tensor as read from a weight file. */
    public record Tensor(Shape shape, float[] values) {}

    /** Writes parameters and buffers with their names, shapes and float values. */
    public void save(OutputStream out) throws IOException {
        Map<String, NDArray> all = new LinkedHashMap<>(parameters);
        all.putAll(buffers);
        write(out, all);
    }

    /** Writes named arrays in this class's weight format (also used for optimizer state in checkpoints). */
    public static void write(OutputStream out, Map<String, NDArray> arrays) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(MAGIC);
        data.writeInt(FORMAT_VERSION);
        data.writeInt(arrays.size());
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            data.writeUTF(e.getKey());
            long[] shape = e.getValue().getShape().getShape();
            data.writeInt(shape.length);
            for (long d : shape) {
                data.writeLong(d);
            }
            float[] values = e.getValue().toFloatArray();
            byte[] bytes = new byte[values.length * 4];
            java.nio.ByteBuffer.wrap(bytes).asFloatBuffer().put(values);
            data.write(bytes);
        }
        data.flush();
    }

    /**
     * Walks a file written by {@link #write} without reading its values: the header, then each tensor's name and
     * shape, skipping its floats. Returns the number of tensors; a foreign, truncated or over-long file throws.
     */
    public static int inspect(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int count = tensorCount(data);
        try {
            for (int i = 0; i < count; i++) {
                String name = data.readUTF();
                int rank = data.readInt();
                if (rank < 0 || rank > 8) {
                    throw new IOException("tensor " + (i + 1) + " (" + name + ") has rank " + rank);
                }
                long size = 1;
                for (int d = 0; d < rank; d++) {
                    size = Math.multiplyExact(size, data.readLong());
                }
                data.skipNBytes(Math.multiplyExact(size, 4L));
            }
        } catch (java.io.EOFException e) {
            throw new IOException("the file ends early: it is truncated", e);
        } catch (ArithmeticException e) {
            throw new IOException("a tensor's shape is corrupt", e);
        }
        if (data.read() != -1) {
            throw new IOException("the file goes on after its " + count + " tensors");
        }
        return count;
    }

    /** Checks the file's header and returns the number of tensors that follow. */
    private static int tensorCount(DataInputStream data) throws IOException {
        if (data.readInt() != MAGIC) {
            throw new IOException("not a Mask R-CNN weight file (bad magic number)");
        }
        int version = data.readInt();
        if (version != FORMAT_VERSION) {
            throw new IOException("unsupported weight file version " + version);
        }
        return data.readInt();
    }

    /** Reads a file written by {@link #write}, in file order. */
    public static Map<String, Tensor> read(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int count = tensorCount(data);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = data.readUTF();
            int rank = data.readInt();
            long[] shape = new long[rank];
            for (int d = 0; d < rank; d++) {
                shape[d] = data.readLong();
            }
            byte[] bytes = new byte[Math.toIntExact(new Shape(shape).size() * 4)];
            data.readFully(bytes);
            float[] values = new float[bytes.length / 4];
            java.nio.ByteBuffer.wrap(bytes).asFloatBuffer().get(values);
            out.put(name, new Tensor(new Shape(shape), values));
        }
        return out;
    }

    /**
     * Reads weights written by {@link #save}; every stored name must exist here with the same shape and every
     * weight here must be present, otherwise the message names the offending weight.
     */
    public void load(InputStream in) throws IOException {
        Map<String, Tensor> stored = read(in);
        int expected = parameters.size() + buffers.size();
        if (stored.size() != expected) {
            throw new IOException("weight file holds " + stored.size() + " tensors, this model has " + expected);
        }
        for (Map.Entry<String, Tensor> e : stored.entrySet()) {
            if (!contains(e.getKey())) {
                throw new IOException("weight file has '" + e.getKey() + "', which this model does not have");
            }
            assign(e.getKey(), e.getValue());
        }
    }

    /** Overwrites a weight's values in place (gradient attachment is kept); the shapes must agree. */
    public void assign(String name, Tensor tensor) throws IOException {
        NDArray target = get(name);
        if (!target.getShape().equals(tensor.shape())) {
            throw new IOException("weight '" + name + "' has shape " + tensor.shape() + " in the file but "
                    + target.getShape() + " in the model");
        }
        // An indexed copy rather than NDArray.set(Buffer), which DJL runs under a libtorch mode that prints a
        // deprecation warning (AutoNonVariableTypeMode) to the stderr of every process that loads weights. It writes
        // through a detached alias of the storage: on threads where gradients are on (libtorch's mode is per
        // thread, Spark's task threads among them) a trainable leaf refuses in-place writes.
        try (NDManager scratch = manager.newSubManager()) {
            NDArray storage = target.stopGradient();
            storage.attach(scratch);
            storage.set(ALL, scratch.create(tensor.values(), tensor.shape()));
        }
    }

    // ---- initialisers (torch.nn.init equivalents, seeded) ----

    /** kaiming_normal_(mode="fan_out", nonlinearity="relu"): N(0, 2/fan_out), fan_out = size(0) * receptive field. */
    static float[] kaimingNormalFanOut(Random rng, long[] shape) {
        long receptive = 1;
        for (int i = 2; i < shape.length; i++) {
            receptive *= shape[i];
        }
        double std = Math.sqrt(2.0 / (shape[0] * receptive));
        return normal(rng, size(shape), std);
    }

    /** kaiming_uniform_(a): U(-b, b) with b = sqrt(6 / ((1 + a^2) fan_in)), fan_in = size(1) * receptive field. */
    static float[] kaimingUniformFanIn(Random rng, long[] shape, double a) {
        long receptive = 1;
        for (int i = 2; i < shape.length; i++) {
            receptive *= shape[i];
        }
        double bound = Math.sqrt(6.0 / ((1 + a * a) * shape[1] * receptive));
        return uniform(rng, size(shape), bound);
    }

    // Each tensor draws from a generator of its own, seeded from the model's: java.util.Random synchronises every
    // draw and its polar Gaussian calls log and sqrt, where SplittableRandom's ziggurat does not (31M values of r18:
    // about 2.8 s against 0.2 s), and a trial waits for its weights before it learns anything.
    static float[] normal(Random rng, int n, double std) {
        SplittableRandom draws = new SplittableRandom(rng.nextLong());
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (draws.nextGaussian() * std);
        }
        return v;
    }

    static float[] uniform(Random rng, int n, double bound) {
        SplittableRandom draws = new SplittableRandom(rng.nextLong());
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((draws.nextDouble() * 2 - 1) * bound);
        }
        return v;
    }

    static float[] filled(int n, float value) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, value);
        return v;
    }

    static int size(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return Math.toIntExact(n);
    }

    /** Registers a conv weight (kaiming normal fan-out) and, if asked, a zero bias. */
    void conv(Random rng, String prefix, int out, int in, int k, boolean bias) {
        long[] shape = {out, in, k, k};
        addParameter(prefix + ".weight", kaimingNormalFanOut(rng, shape), new Shape(shape));
        if (bias) {
            addParameter(prefix + ".bias", new float[out], new Shape(out));
        }
    }

    /** nn.Linear default init: weight kaiming_uniform(a=sqrt(5)) = U(+-1/sqrt(in)), bias U(+-1/sqrt(in)). */
    void linear(Random rng, String prefix, int out, int in) {
        long[] shape = {out, in};
        addParameter(prefix + ".weight", kaimingUniformFanIn(rng, shape, Math.sqrt(5)), new Shape(shape));
        addParameter(prefix + ".bias", uniform(rng, out, 1.0 / Math.sqrt(in)), new Shape(out));
    }

    @Override
    public void close() {
        for (NDArray a : parameters.values()) {
            a.close();
        }
        for (NDArray a : buffers.values()) {
            a.close();
        }
        parameters.clear();
        buffers.clear();
    }
}
