package io.automlseg.driver.spark;

import io.automlseg.driver.sweep.TrialExit;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.io.Storage;
import io.automlseg.executor.trial.DeviceChoice;
import io.automlseg.executor.trial.TrialFiles;
import io.automlseg.executor.trial.TrialSpec;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.resource.ResourceInformation;

/**
 * The body of a trial's single Spark task: runs the trial in a child JVM on the executor and waits for it.
 *
 * <p>A child process is needed because DJL's PyTorch engine allows one training per JVM, while an executor with
 * several task slots must run several trials at once; it also returns all native and GPU memory when the trial
 * ends. The child gets the executor's classpath, the Java 17 flags, its share of the CPU threads and only the GPU
 * Spark assigned it (none without GPU scheduling); {@link TrialProcess} supervises it (its log, and its process tree
 * killed when Spark cancels the task, for the sweep's timeout or a trial's).
 */
public final class TrialTask implements FlatMapFunction<Iterator<String>, TrialExit> {
    private static final long serialVersionUID = 1L;

    private final TrialLaunch launch;

    public TrialTask(TrialLaunch launch) {
        this.launch = launch;
    }

    @Override
    public Iterator<TrialExit> call(Iterator<String> specUris) throws Exception {
        List<TrialExit> exits = new ArrayList<>();
        while (specUris.hasNext()) {
            exits.add(run(specUris.next()));
        }
        return exits.iterator();
    }

    private TrialExit run(String specUri) throws Exception {
        TrialSpec spec = Json.read(specUri, TrialSpec.class);
        if (launch.inTask()) {
            return runInTask(spec, specUri);
        }
        String classpath = classpath();
        TrialClassArchive classes = TrialClassArchive.forTrial(TrialClassArchive.folder(System.getenv()), classpath,
                launch.maxHeap(), launch.extraJvmOptions());
        ProcessBuilder builder = new ProcessBuilder(command(specUri, classpath,
                classes == null ? List.of() : classes.jvmOptions()));
        Map<String, String> env = builder.environment();
        String threads = Integer.toString(Math.max(1, launch.numThreads()));
        env.put("OMP_NUM_THREADS", threads);
        env.put("MKL_NUM_THREADS", threads);
        mallocSettings(env);
        String gpus = assignedGpus();
        pinDevice(env, gpus);
        TrialProcess.Ended ended = TrialProcess.run(builder, spec.trialId(), spec.trialDir());
        if (classes != null) {
            classes.publish(ended.exitCode());
        }
        return exit(spec, ended.exitCode(), ended.logTail(), ended.startedAtMillis(), ended.finishedAtMillis(), gpus,
                null);
    }

    /**
     * glibc's malloc raises its mmap threshold each time a large block is freed, so after a few steps libtorch's
     * activations come from the heap, which keeps what it once held: a trial's resident memory grows and stays there.
     * A fixed threshold hands blocks of 8 MiB and more back to the system when freed (r18 at 160 px, two runs each:
     * peak resident memory 1283-1425 to 1220-1237 MiB; 4 MiB gave 1172 MiB at 5% fewer images/s). Every such block
     * is then a fresh mapping whose pages fault in on first touch, one fault per 4 KiB: glibc's {@code hugetlb}
     * tunable has malloc ask for transparent huge pages there (madvise), one fault per 2 MiB (a benchmark run of five
     * r18 steps at 128 px: 789k faults and 3.4 s of system time, against 213k and 2.3 s). The executor's own values
     * win.
     */
    static void mallocSettings(Map<String, String> env) {
        env.putIfAbsent(MALLOC_MMAP_THRESHOLD, MALLOC_MMAP_THRESHOLD_BYTES);
        String tunables = env.get(GLIBC_TUNABLES);
        if (tunables == null || tunables.isBlank()) {
            env.put(GLIBC_TUNABLES, HUGE_PAGES_TUNABLE);
        } else if (!tunables.contains(HUGE_PAGES + "=")) {
            env.put(GLIBC_TUNABLES, tunables + ":" + HUGE_PAGES_TUNABLE);
        }
    }

    static final String MALLOC_MMAP_THRESHOLD = "MALLOC_MMAP_THRESHOLD_";
    static final String MALLOC_MMAP_THRESHOLD_BYTES = Integer.toString(8 << 20);
    static final String GLIBC_TUNABLES = "GLIBC_TUNABLES";
    private static final String HUGE_PAGES = "glibc.malloc.hugetlb";
    static final String HUGE_PAGES_TUNABLE = HUGE_PAGES + "=1";

    /**
     * Leaves the trial's process only the GPU Spark assigned (there as its CUDA device 0), or no GPU at all: trials
     * sharing an executor never train on the same card, and a trial of a sweep that schedules no GPUs cannot land on
     * this host's GPU 0 (PyTorch's default device) whatever the executor's own environment shows.
     */
    static void pinDevice(Map<String, String> env, String assignedGpus) {
        env.put(DeviceChoice.GPU_ENV, assignedGpus == null ? "" : assignedGpus);
    }

    /** The trial's exit with where it ran; the device is its {@code device.json}'s, else {@code fallbackDevice}. */
    private static TrialExit exit(TrialSpec spec, int code, String logTail, long started, long finished, String gpus,
                                  String fallbackDevice) throws IOException {
        DeviceChoice device = readDevice(spec);
        return new TrialExit(code, logTail, started, finished, host(), executorId(), gpus,
                device == null ? fallbackDevice : device.device(), device == null ? null : device.reason());
    }

    /** The trial's {@code device.json}, or null if it crashed before writing it. */
    private static DeviceChoice readDevice(TrialSpec spec) {
        String uri = TrialFiles.resolve(spec.trialDir(), TrialFiles.DEVICE);
        try {
            return Storage.exists(uri) ? Json.read(uri, DeviceChoice.class) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The executor's host as Spark knows it (its block manager's), else the machine's name. */
    private static String host() throws IOException {
        SparkEnv env = SparkEnv.get();
        if (env != null && env.blockManager() != null && env.blockManager().blockManagerId() != null) {
            return env.blockManager().blockManagerId().host();
        }
        return InetAddress.getLocalHost().getHostName();
    }

    private static String executorId() {
        SparkEnv env = SparkEnv.get();
        return env != null ? env.executorId() : null;
    }

    /**
     * The scheduler benchmark's body: {@code mainClass.runTrial(specUri)} in this thread, no child JVM. Its process is
     * the executor's, whose GPUs cannot be hidden from it: it is reported as on the CPU unless it says otherwise in
     * {@code device.json}.
     */
    private TrialExit runInTask(TrialSpec spec, String specUri) throws Exception {
        long started = System.currentTimeMillis();
        int code;
        try {
            code = (Integer) Class.forName(launch.mainClass()).getMethod("runTrial", String.class)
                    .invoke(null, specUri);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            throw e;
        }
        return exit(spec, code, "", started, System.currentTimeMillis(), assignedGpus(), "cpu");
    }

    /** The child's command line on the executor's class path, without a class-data sharing archive. */
    List<String> command(String specUri) {
        return command(specUri, classpath(), List.of());
    }

    /** The child's command line, with the options of its class-data sharing archive ({@link TrialClassArchive}). */
    List<String> command(String specUri, String classpath, List<String> classArchiveOptions) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // First, so that a later driver finds this trial's process by it (see TrialProcess.endLeftoverProcess).
        cmd.add(TrialProcess.specOption(specUri));
        if (launch.maxHeap() != null && !launch.maxHeap().isBlank()) {
            cmd.add("-Xmx" + launch.maxHeap());
        }
        cmd.addAll(TrialLaunch.JAVA17_OPENS);
        cmd.add("-Dai.djl.pytorch.num_threads=" + Math.max(1, launch.numThreads()));
        cmd.add("-Dai.djl.pytorch.num_interop_threads=1");
        cmd.addAll(classArchiveOptions);
        cmd.addAll(launch.extraJvmOptions());
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(launch.mainClass());
        cmd.add(specUri);
        return cmd;
    }

    /**
     * The executor's classpath: the jars Spark added at run time, then {@code java.class.path}. With spark-submit
     * the application jar (and {@code --jars}) are fetched into the executor's working folder and put in the task's
     * class loader, not on {@code java.class.path}, which holds Spark's own {@code jars/*}. The application's jars
     * come first so that what it bundles wins over older copies in a Spark distribution.
     */
    static String classpath() {
        Set<String> entries = new LinkedHashSet<>();
        for (ClassLoader cl = Thread.currentThread().getContextClassLoader(); cl != null; cl = cl.getParent()) {
            if (cl instanceof URLClassLoader ucl) {
                for (URL url : ucl.getURLs()) {
                    if ("file".equals(url.getProtocol())) {
                        try {
                            entries.add(Path.of(url.toURI()).toString());
                        } catch (Exception ignored) {
                            // Not a plain file URL: the child cannot use it.
                        }
                    }
                }
            }
        }
        for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!e.isBlank()) {
                entries.add(e);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /** The GPU addresses Spark gave this task, comma-separated, or null without GPU scheduling. */
    private static String assignedGpus() {
        TaskContext context = TaskContext.get();
        if (context == null) {
            return null;
        }
        scala.Option<ResourceInformation> gpu = context.resources().get("gpu");
        return gpu.isDefined() ? String.join(",", gpu.get().addresses()) : null;
    }
}
