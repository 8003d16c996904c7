package dev.netns.internal.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The watchdog script, run where a mistake cannot hurt: in a PID namespace of its own with its own
 * {@code /proc}, so it sees (and could kill) only the test's two sleeps. Told to guard the
 * namespace its PID 1 lives in (the "machine" of that sandbox), it refuses; told to guard another
 * one, it kills what is inside once its input ends. The same for PID namespaces.
 */
class WatchdogScriptIT {

    @Test
    void theWatchdogNeverGuardsTheMachinesNamespaceButKillsInsideTheOnesItGuards() throws Exception {
        Path folder = Files.createDirectories(Path.of("target", "watchdog-script"));
        Path script = Files.writeString(folder.resolve("watchdog.sh"), Reaper.SCRIPT);
        Path driver = Files.writeString(folder.resolve("driver.sh"), """
                sleep 300 & machine=$!
                unshare -n sleep 301 & guarded=$!
                while [ "$(stat -L -c %i /proc/$guarded/ns/net)" = "$(stat -L -c %i /proc/1/ns/net)" ]; do sleep 0.01; done
                printf '+%s /proc/1/ns/net\\n+%s /proc/%s/ns/net\\n?1\\n' "$(stat -L -c %i /proc/1/ns/net)" \\
                    "$(stat -L -c %i /proc/$guarded/ns/net)" "$guarded" | bash "$1" "" ""
                kill -0 $machine 2>/dev/null && echo MACHINE_ALIVE || echo MACHINE_KILLED
                kill -0 $guarded 2>/dev/null && echo GUARDED_ALIVE || echo GUARDED_KILLED
                kill $machine $guarded 2>/dev/null
                """);
        Process sandbox = new ProcessBuilder("unshare", "--pid", "--fork", "--mount-proc", "--net", "bash",
                driver.toString(), script.toString()).redirectErrorStream(true).start();
        assertThat(sandbox.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String said = new String(sandbox.getInputStream().readAllBytes());
        assertThat(said).as("the machine's namespace is never guarded").contains("MACHINE_ALIVE")
                .as("a guarded namespace is emptied").contains("GUARDED_KILLED");
    }

    @Test
    void aPidNamespaceWhoseInitIsStoppedIsEmptiedFromWithinButTheWatchdogsOwnNeverIs() throws Exception {
        Path folder = Files.createDirectories(Path.of("target", "watchdog-script"));
        Path script = Files.writeString(folder.resolve("watchdog.sh"), Reaper.SCRIPT);
        // in the sandbox, /proc/1 is this driver: its PID namespace is the watchdog's own (the "machine's")
        Path driver = Files.writeString(folder.resolve("pidns-driver.sh"), """
                sleep 310 & machine=$!
                unshare --pid --fork bash -c 'sleep 312 & exec sleep 311' & outer=$!
                init=; inside=
                while [ -z "$inside" ]; do
                  sleep 0.01
                  init=$(cat /proc/$outer/task/$outer/children 2>/dev/null | tr -d ' ')
                  [ -n "$init" ] && inside=$(cat /proc/$init/task/$init/children 2>/dev/null | tr -d ' ')
                done
                kill -STOP $init
                printf '*%s /proc/1/ns/pid\n*%s /proc/%s/ns/pid\n?1\n' "$(stat -L -c %i /proc/1/ns/pid)" \
                    "$(stat -L -c %i /proc/$init/ns/pid)" "$init" | bash "$1" "" ""
                kill -0 $machine 2>/dev/null && echo MACHINE_ALIVE || echo MACHINE_KILLED
                sleep 0.2
                # killed, it stays a zombie: its stopped init does not reap it
                state=$(cut -d' ' -f3 /proc/$inside/stat 2>/dev/null)
                [ -n "$state" ] && [ "$state" != Z ] && echo INSIDE_ALIVE || echo INSIDE_KILLED
                kill -9 $machine $init $outer 2>/dev/null
                """);
        Process sandbox = new ProcessBuilder("unshare", "--pid", "--fork", "--mount-proc", "bash",
                driver.toString(), script.toString()).redirectErrorStream(true).start();
        assertThat(sandbox.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String said = new String(sandbox.getInputStream().readAllBytes());
        assertThat(said).as("the watchdog's own PID namespace is never emptied").contains("MACHINE_ALIVE")
                .as("a held PID namespace whose init is stopped is emptied").contains("INSIDE_KILLED");
    }
}
