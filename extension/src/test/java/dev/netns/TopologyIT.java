package dev.netns;

import static dev.netns.assertj.NetnsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netns.internal.topology.NamespaceHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The builder and the namespace handles against the real kernel. */
class TopologyIT {

    private Topology net;

    @BeforeEach
    void start() {
        net = Topology.builder()
                .namespace("red")
                .namespace("blue")
                .namespace("router", true)
                .veth("red:veth-red", "192.168.15.1/24", "blue:veth-blue", "192.168.15.2/24")
                .start();
    }

    @AfterEach
    void stop() {
        net.close();
    }

    @Test
    void execRunsInsideTheNamespaceAndCapturesOutput() {
        ExecResult result = net.namespace("red").exec("sh", "-c", "ip -brief link; echo oops >&2; exit 3");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.succeeded()).isFalse();
        assertThat(result.stdout()).contains("veth-red").doesNotContain("veth-blue");
        assertThat(result.stderr()).isEqualTo("oops\n");
        assertThat(result.command()).containsExactly("sh", "-c", "ip -brief link; echo oops >&2; exit 3");
    }

    @Test
    void execTimeoutKillsTheProgramAndItsChildren() throws Exception {
        Path pidFile = Files.createTempFile("child", ".pid");
        try {
            ExecResult result = net.namespace("red").exec(Duration.ofMillis(500),
                    "sh", "-c", "sleep 60 & echo $! > " + pidFile + "; wait");

            assertThat(result.timedOut()).isTrue();
            assertThat(result.succeeded()).isFalse();
            long child = Long.parseLong(Files.readString(pidFile).strip());
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> ProcessHandle.of(child).map(p -> !p.isAlive()).orElse(true));
        } finally {
            Files.deleteIfExists(pidFile);
        }
    }

    @Test
    void execOfAMissingProgramSaysSo() {
        assertThatThrownBy(() -> net.namespace("red").exec("no-such-program-here"))
                .isInstanceOf(NetnsException.class)
                .hasMessageContaining("namespace 'red'")
                .hasMessageContaining("cannot start program 'no-such-program-here'");
    }

    @Test
    void pingFailsFastWithoutARoute() {
        long started = System.nanoTime();
        PingResult result = net.namespace("red").ping("10.99.0.1");
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(result.reachable()).isFalse();
        assertThat(result.output()).contains("Network is unreachable");
        assertThat(elapsedMillis).as("no route means no waiting for a reply").isLessThan(1500);
    }

    @Test
    void addressIsTheFirstDeclaredOne() {
        assertThat(net.namespace("red").address()).isEqualTo("192.168.15.1");
        assertThatThrownBy(() -> net.namespace("router").address())
                .isInstanceOf(NetnsException.class)
                .hasMessageContaining("namespace 'router' has no IPv4 address declared");
    }

    @Test
    void unknownNamespaceNamesTheKnownOnes() {
        assertThatThrownBy(() -> net.namespace("green"))
                .isInstanceOf(NetnsException.class)
                .hasMessageContaining("no namespace 'green'")
                .hasMessageContaining("red, blue, router");
    }

    @Test
    void pathEntersTheNamespaceWithNsenter() throws Exception {
        Process nsenter = new ProcessBuilder("nsenter", "--net=" + net.namespace("blue").path(), "ip", "-brief", "link")
                .redirectErrorStream(true).start();
        String output = new String(nsenter.getInputStream().readAllBytes());

        assertThat(nsenter.waitFor()).isZero();
        assertThat(output).contains("veth-blue").doesNotContain("veth-red");
    }

    @Test
    void forwardingIsSetExplicitlyInEveryNamespace() {
        assertThat(net.namespace("red").exec("cat", "/proc/sys/net/ipv4/ip_forward").stdout()).isEqualTo("0\n");
        assertThat(net.namespace("router").exec("cat", "/proc/sys/net/ipv4/ip_forward").stdout()).isEqualTo("1\n");
    }

    @Test
    void socketsOpenedInCallBelongToTheNamespace() throws Exception {
        NetNs blue = net.namespace("blue");
        try (ServerSocket server = blue.call(() -> new ServerSocket(7000, 1, InetAddress.getByName("192.168.15.2")))) {
            // accepted from a plain test thread: the socket stays in blue
            Thread client = new Thread(() -> {
                try {
                    net.namespace("red").call(() -> {
                        try (Socket socket = new Socket()) {
                            socket.connect(new InetSocketAddress("192.168.15.2", 7000), 3000);
                            socket.getOutputStream().write("hi".getBytes());
                        }
                        return null;
                    });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            client.start();
            try (Socket accepted = server.accept()) {
                assertThat(new String(accepted.getInputStream().readAllBytes())).isEqualTo("hi");
                assertThat(accepted.getInetAddress().getHostAddress()).isEqualTo("192.168.15.1");
            }
            client.join();
        }
    }

    @Test
    void theMachinesOwnNamespaceGetsNoInterfaceAndNoRoute() throws Exception {
        String linksBefore = machine("ip", "-o", "link");
        String routesBefore = machine("ip", "route");

        try (Topology another = Topology.builder()
                .namespace("a")
                .bridge("br-test", "10.77.0.1/24")
                .veth("a", "10.77.0.2/24", "br-test", null)
                .veth("host", "10.78.0.1/24", "a", "10.78.0.2/24")
                .nat("host", "10.77.0.0/24")
                .start()) {
            assertThat(another.namespace("a")).canPing("10.77.0.1");
            assertThat(machine("ip", "-o", "link")).isEqualTo(linksBefore);
            assertThat(machine("ip", "route")).isEqualTo(routesBefore).doesNotContain("10.77.0.", "10.78.0.");
        }
    }

    private static String machine(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).isZero();
        return output.replaceAll("(?m)^(\\d+: \\S+).*$", "$1");
    }

    @Test
    void assertionFailuresShowAddressesAndRoutes() {
        assertThatThrownBy(() -> assertThat(net.namespace("red")).canPing("10.99.0.1"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected namespace 'red' to reach 10.99.0.1 by ping")
                .hasMessageContaining("Network is unreachable")
                .hasMessageContaining("Addresses of 'red'")
                .hasMessageContaining("192.168.15.1/24")
                .hasMessageContaining("Routes of 'red'")
                .hasMessageContaining("192.168.15.0/24 dev veth-red");
    }

    @Test
    void closeDoesNotHangOnUserCodeStillRunningInCall() throws Exception {
        NetNs red = net.namespace("red");
        java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
        Thread caller = new Thread(() -> {
            try {
                red.call(() -> {
                    running.countDown();
                    Thread.sleep(600_000);
                    return null;
                });
            } catch (Exception interrupted) {
                // expected: close() interrupts it
            }
        });
        caller.start();
        running.await();

        long started = System.nanoTime();
        net.close();
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(millis).as("close waits a grace period, then interrupts").isBetween(1_500L, 10_000L);
        caller.join(5_000);
        assertThat(caller.isAlive()).isFalse();
    }

    @Test
    void closeIsIdempotentAndEndsEveryNamespaceThread() {
        List<String> names = net.namespaces().stream().map(ns -> ((NamespaceHandle) ns).realName()).toList();

        net.close();
        net.close();

        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName).doesNotContainAnyElementsOf(names);
        assertThatThrownBy(() -> net.namespace("red").call(() -> 1)).isInstanceOf(NetnsException.class)
                .hasMessageContaining("is closed");
    }
}
