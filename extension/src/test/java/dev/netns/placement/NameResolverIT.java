package dev.netns.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Names through {@code InetAddress} on Java 18+: the probe runs on the newest JDK of the machine,
 * in a child JVM inside {@code unshare --net} with loopback only, so that no lookup can leave.
 */
class NameResolverIT {

    /** The newest JDK 18+ under /usr/lib/jvm, or null. */
    static Path newJava() throws Exception {
        Path current = Path.of(System.getProperty("java.home"), "bin", "java");
        if (Runtime.version().feature() >= 18) {
            return current;
        }
        try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
            return jdks.map(jdk -> jdk.resolve("bin/java")).filter(Files::isExecutable)
                    .filter(java -> java.getParent().getParent().getFileName().toString().matches(".*-(1[89]|[2-9][0-9])[-.].*"))
                    .findFirst().orElse(null);
        }
    }

    @Test
    void onThreadsInsideNamesResolveToTheirOwnTopologysAddressesEvenWhenOthersUseTheSameNames() throws Exception {
        Path java = newJava();
        assumeTrue(java != null, "no JDK 18+ on this machine (names through InetAddress need Java 18's resolver SPI)");
        List<String> command = List.of("unshare", "--net", "sh", "-c", "ip link set lo up && exec \"$0\" \"$@\"",
                java.toString(), "-cp", System.getProperty("java.class.path"), ResolverProbe.class.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(output)
                .contains("first red: blue = 10.35.0.2")
                .contains("second red: blue = 10.36.0.2")
                .contains("parallel a: blue = 10.37.0.2, parallel b: blue = 10.38.0.2")
                .contains("threadFactory: red = 10.36.0.1")
                .contains("outside: blue unknown")
                .contains("ipv6: blue6 = fd35:0:0:0:0:0:0:2");
    }
}
