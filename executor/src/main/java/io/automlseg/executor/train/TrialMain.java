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
        if (args.length != 1) {
            System.err.println("usage: TrialMain <spec.json URI>");
            System.exit(64);
        }
        TrialSpec spec = Json.read(args[0], TrialSpec.class);
        // PyTorch reads its thread count once, when the engine starts: set it before anything touches DJL.
        if (spec.numThreads() > 0 && System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(spec.numThreads()));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        long started = System.nanoTime();
        TrialResult result;
        try {
            recordDevice(spec);
            TrialData data = TrialData.load(spec);
            result = new TrialTrainer(spec, data, System.out).run();
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
     * Writes {@code device.json}: the trial trains on the GPU Spark assigned (the only one visible to this process,
     * as CUDA device 0, which DJL takes as its default device), or on the CPU with the reason.
     */
    private static void recordDevice(TrialSpec spec) throws java.io.IOException {
        Engine engine = Engine.getInstance();
        DeviceChoice choice = DeviceChoice.decide(spec.device(), System.getenv(DeviceChoice.GPU_ENV),
                engine.getGpuCount(), engine.hasCapability("CUDA"));
        if (choice.reason() != null) {
            System.out.println("trial " + spec.trialId() + " trains on the CPU: " + choice.reason());
        } else {
            System.out.println("trial " + spec.trialId() + " trains on " + engine.defaultDevice()
                    + (choice.gpuAddress() != null ? " (Spark GPU " + choice.gpuAddress() + ")" : ""));
        }
        Json.writeAtomically(TrialFiles.resolve(spec.trialDir(), TrialFiles.DEVICE), choice);
    }
}
