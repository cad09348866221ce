package io.automlseg.executor.train;

import ai.djl.engine.Engine;
import io.automlseg.executor.io.Json;
import io.automlseg.executor.trial.DeviceChoice;
import io.automlseg.executor.trial.TrialFiles;
import io.automlseg.executor.trial.TrialResult;
import io.automlseg.executor.trial.TrialStatus;
import io.automlseg.executor.trial.TrialSpec;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * The entry point of one trial's own JVM: {@code TrialMain <spec.json URI>}.
 *
 * <p>A trial runs in a process of its own because DJL's PyTorch engine allows one gradient collector per JVM; this also
 * frees GPU memory at the end and keeps a native crash from taking the Spark executor down. The process writes
 * {@code result.json} last and exits 0 whenever it could do so, even for a failed trial; a non-zero exit means it
 * crashed before that.
 */
public final class TrialMain {
    private TrialMain() {}

    public static void main(String[] args) throws Exception {
        StartupTimes startup = StartupTimes.sinceJvmStart();
        startup.end("jvm");
        if (args.length != 1) {
            System.err.println("usage: TrialMain <spec.json URI>");
            System.exit(64);
        }
        TrialSpec spec = Json.read(args[0], TrialSpec.class);
        startup.end("spec");
        // PyTorch reads its thread count once, when the engine starts: set it before anything touches DJL.
        if (spec.numThreads() > 0 && System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(spec.numThreads()));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        long started = System.nanoTime();
        TrialResult result;
        try {
            DeviceChoice device = recordDevice(spec);
            startup.end("engine");
            TrialData data = TrialData.load(spec);
            startup.end("data");
            result = new TrialTrainer(spec, data, System.out, device.djlDevice(), startup).run();
        } catch (Exception | OutOfMemoryError e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            System.err.println(trace);
            String message = e instanceof TrialTrainer.TrialFailure ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
            result = new TrialResult(TrialStatus.FAILED, 0, null, 0, (System.nanoTime() - started) / 1e9, message);
        }
        Json.writeAtomically(TrialFiles.resolve(spec.trialDir(), TrialFiles.RESULT), result);
        System.out.println("trial " + spec.trialId() + " " + result.status()
                + (result.bestValue() != null ? ", best mean_average_precision " + result.bestValue() : ""));
        System.out.flush();
        // DJL's native threads can keep the JVM alive: end it explicitly.
        System.exit(0);
    }

    /**
     * Decides the device and writes {@code device.json}: the trial trains on the GPU Spark assigned (the only one the
     * launcher leaves visible to this process, as CUDA device 0), or on the CPU, with the reason when a GPU was asked
     * for. Never on the engine's default device as such: on a CUDA host that is GPU 0 even for a CPU trial.
     */
    private static DeviceChoice recordDevice(TrialSpec spec) throws java.io.IOException {
        Engine engine = Engine.getInstance();
        String visible = System.getenv(DeviceChoice.GPU_ENV);
        DeviceChoice choice = DeviceChoice.decide(spec.device(), visible, engine.getGpuCount(),
                engine.hasCapability("CUDA"));
        String env = DeviceChoice.GPU_ENV + (visible == null ? " unset" : "=\"" + visible + "\"");
        if (choice.reason() != null) {
            System.out.println("trial " + spec.trialId() + " trains on the CPU (" + env + "): " + choice.reason());
        } else {
            System.out.println("trial " + spec.trialId() + " trains on " + choice.djlDevice() + " (" + env + ")");
        }
        Json.writeAtomically(TrialFiles.resolve(spec.trialDir(), TrialFiles.DEVICE), choice);
        return choice;
    }
}
