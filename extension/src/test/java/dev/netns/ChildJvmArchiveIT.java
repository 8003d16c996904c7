package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Child JVMs share the run's class-data-sharing archive: the first of a kind writes it as it
 * exits, the next one maps it (the JVM's own class loading log says where each class came from).
 */
class ChildJvmArchiveIT {

    /** A child main: returns at once, or sleeps until killed with the argument {@code sleep}. */
    public static final class Probe {
        private Probe() {
        }

        /** Returns, or sleeps. */
        public static void main(String[] args) throws InterruptedException {
            if (args.length > 0 && args[0].equals("sleep")) {
                Thread.sleep(600_000);
            }
        }
    }

    private static final String LOADED_FROM_ARCHIVE = Probe.class.getName() + " source: shared objects file";

    private Topology net;
    private NetNs red;

    @BeforeEach
    void start() {
        net = Topology.builder().namespace("red").start();
        red = net.namespace("red");
    }

    @AfterEach
    void close() {
        System.clearProperty("netns.java.cds");
        net.close();
    }

    @Test
    void theFirstChildOfAKindWritesTheArchiveAndTheNextMapsIt() {
        ExecResult first = red.java(Probe.class).jvmOptions("-Xlog:class+load=info", "-Xmx40m").exec();
        assertThat(first.succeeded()).as(first.toString()).isTrue();
        assertThat(first.command()).anyMatch(option -> option.startsWith("-XX:ArchiveClassesAtExit="));
        // the class path's folders were copied into jars, which the JVM can archive
        assertThat(first.stdout()).contains(Probe.class.getName() + " source: file:").contains(".jar")
                .doesNotContain(LOADED_FROM_ARCHIVE).doesNotContain("[cds");

        ExecResult second = red.java(Probe.class).jvmOptions("-Xlog:class+load=info", "-Xmx40m").exec();
        assertThat(second.succeeded()).as(second.toString()).isTrue();
        assertThat(second.command()).anyMatch(option -> option.startsWith("-XX:SharedArchiveFile="))
                .noneMatch(option -> option.startsWith("-XX:ArchiveClassesAtExit="));
        assertThat(second.stdout()).contains(LOADED_FROM_ARCHIVE).doesNotContain("[cds");
    }

    @Test
    void aKilledChildWritesNoArchiveAndTheNextOfItsKindTriesAgain() {
        Program killed = red.java(Probe.class, "sleep").jvmOptions("-Xmx41m").start();
        killed.awaitOutput("", java.time.Duration.ofSeconds(5));
        ExecResult result = killed.kill();
        assertThat(result.command()).anyMatch(option -> option.startsWith("-XX:ArchiveClassesAtExit="));

        ExecResult again = red.java(Probe.class).jvmOptions("-Xmx41m").exec();
        assertThat(again.succeeded()).as(again.toString()).isTrue();
        assertThat(again.command()).anyMatch(option -> option.startsWith("-XX:ArchiveClassesAtExit="))
                .as("a second try at the archive, under a name of its own")
                .noneMatch(option -> option.equals(archiveOption(result.command())));
        ExecResult mapped = red.java(Probe.class).jvmOptions("-Xmx41m").exec();
        assertThat(mapped.command()).anyMatch(option -> option.startsWith("-XX:SharedArchiveFile="));
    }

    @Test
    void offOrTheUsersOwnSharingOptionsLeaveTheChildAsWritten() {
        System.setProperty("netns.java.cds", "off");
        ExecResult off = red.java(Probe.class).jvmOptions("-Xmx42m").exec();
        assertThat(off.command()).noneMatch(option -> option.startsWith("-XX:") || option.startsWith("-Xlog"));
        System.clearProperty("netns.java.cds");

        ExecResult own = red.java(Probe.class).jvmOptions("-Xshare:off", "-Xmx42m").exec();
        assertThat(own.succeeded()).as(own.toString()).isTrue();
        assertThat(own.command()).noneMatch(option -> option.startsWith("-XX:") || option.startsWith("-Xlog"));
        assertThat(own.command().get(own.command().indexOf("-cp") + 1)).isEqualTo(System.getProperty("java.class.path"));
    }

    private static String archiveOption(List<String> command) {
        return command.stream().filter(option -> option.startsWith("-XX:ArchiveClassesAtExit=")).findFirst().orElseThrow();
    }
}
