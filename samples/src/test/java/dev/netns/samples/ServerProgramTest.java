package dev.netns.samples;

import static dev.netns.assertj.NetnsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.netns.ExecResult;
import dev.netns.NetNs;
import dev.netns.Program;
import dev.netns.junit.Namespace;
import dev.netns.junit.NetnsTest;
import dev.netns.junit.VethPair;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Feature sample: a server program in one namespace, its client in another (netcat on both sides). */
@NetnsTest
@Namespace("client")
@Namespace("server")
@VethPair(left = "client", leftAddress = "10.20.0.1/24", right = "server", rightAddress = "10.20.0.2/24")
class ServerProgramTest {

    @Test
    void theClientTalksToTheServerProgram(@Namespace("client") NetNs client, @Namespace("server") NetNs server) {
        try (Program echo = server.start("nc", "-l", "-k", "7000")) {
            echo.awaitPort(7000, Duration.ofSeconds(5));

            ExecResult sent = client.command("nc", "-N", "-w", "2", "10.20.0.2", "7000")
                    .input("hello from the client\n".getBytes(StandardCharsets.UTF_8))
                    .exec();

            assertThat(sent.succeeded()).as(sent.toString()).isTrue();
            echo.awaitOutput("hello from the client", Duration.ofSeconds(5));
            assertThat(client).canConnect("10.20.0.2", 7000);
        }
    }

    @Test
    void aStoppedServerRefusesConnections(@Namespace("client") NetNs client, @Namespace("server") NetNs server) {
        Program echo = server.start("nc", "-l", "-k", "7001").awaitPort(7001, Duration.ofSeconds(5));

        ExecResult stopped = echo.stop();

        assertThat(stopped.exitCode()).as("ended by SIGTERM").isEqualTo(128 + 15);
        assertThat(client).cannotConnect("10.20.0.2", 7001);
    }

    @Test
    void aServerLeftRunningIsStoppedAtTeardown(@Namespace("server") NetNs server) {
        // no stop(): the end of the test kills it, and anything else still running in the topology
        server.start("nc", "-l", "-k", "7002").awaitPort(7002, Duration.ofSeconds(5));
        server.exec("sh", "-c", "sleep 600 > /dev/null 2>&1 &");
    }
}
