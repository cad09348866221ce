package io.automlseg.driver.spark;

/** Test trial that prints a line and then sleeps far longer than any test, so it can only end by being killed. */
public final class SleepingTrialMain {
    private SleepingTrialMain() {}

    public static void main(String[] args) throws Exception {
        System.out.println("sleeping trial up, spec " + args[0]);
        System.out.flush();
        Thread.sleep(600_000);
    }
}
