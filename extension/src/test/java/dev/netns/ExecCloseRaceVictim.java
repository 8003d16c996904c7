package dev.netns;

import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JVM for {@link ExecCloseRaceIT} to kill with {@code -9}: runs the exec/close race round
 * after round, its programs named {@code sleep PREFIX<round>}.
 */
public final class ExecCloseRaceVictim {

    private ExecCloseRaceVictim() {
    }

    /** Loops until killed; {@code args[0] + args[1]} is the prefix of its programs' argument. */
    public static void main(String[] args) throws Exception {
        Random random = new Random();
        AtomicInteger started = new AtomicInteger();
        for (int round = 0; ; round++) {
            // closes up to 10 ms after the first start: several programs run, more are starting
            ExecCloseRaceIT.race(args[0] + args[1] + String.format("%04d", round), random.nextInt(10_000_000), started);
            if (round == 0) {
                System.out.println("RACING");
                System.out.flush();
            }
        }
    }
}
