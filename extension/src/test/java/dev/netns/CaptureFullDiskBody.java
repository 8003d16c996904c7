package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netns.internal.topology.StateReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The body of {@link CaptureFullDiskIT}, run in a child JVM whose private mount namespace has a
 * 256 KiB tmpfs over the run folder {@code /run/netns-junit}: a flood fills it through a
 * capture, and everything but that capture goes on working. Prints {@code FULL-DISK OK ...} and
 * exits 0, or prints the failure and exits 1.
 */
public final class CaptureFullDiskBody {

    private static final Path RUN_FOLDER = Path.of("/run/netns-junit");
    /** Keeps the logger (and so the handler) from being collected. */
    private static final Logger RECORDER_LOG = Logger.getLogger("dev.netns.internal.traffic.PacketRecorder");

    private CaptureFullDiskBody() {
    }

    /** Runs the checks. */
    public static void main(String[] args) {
        try {
            System.out.println(check());
            System.exit(0);
        } catch (Throwable failure) {
            failure.printStackTrace(System.out);
            System.exit(1);
        }
    }

    private static String check() throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        RECORDER_LOG.addHandler(new Handler() {
            @Override
            public void publish(LogRecord entry) {
                if (entry.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(entry.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        long size = Files.getFileStore(RUN_FOLDER).getTotalSpace();
        assertThat(size).as("the run folder is the test's tiny tmpfs").isLessThanOrEqualTo(1 << 20);
        StringBuilder report = new StringBuilder("FULL-DISK OK");
        Path pcap;
        try (Topology net = Topology.builder().namespace("red").namespace("blue")
                .veth("red", "10.9.0.1/24", "blue", "10.9.0.2/24").start()) {
            NetNs red = net.namespace("red");
            NetNs blue = net.namespace("blue");
            Capture capture = blue.capture("eth0");
            int floods = 0;
            while (!capture.toString().contains("stopped") && floods < 20) {
                red.exec(Duration.ofSeconds(20), "ping", "-f", "-c", "1000", "-s", "1000", "-q", "10.9.0.2");
                floods++;
            }
            long free = Files.getFileStore(RUN_FOLDER).getUsableSpace();
            report.append(": ").append(floods).append(" floods of 1000 pings filled ").append(size / 1024)
                    .append(" KiB (").append(free).append(" bytes free); ").append(capture);
            assertThat(capture.toString()).as("the capture stopped and says why").contains("stopped")
                    .containsIgnoringCase("No space left on device");
            assertThat(warnings).as("the capture's warning in the log")
                    .anyMatch(warning -> warning.contains("stopped") && warning.contains("No space left on device"));
            assertThat(StateReport.describe(net)).as("the report of a failed test")
                    .containsPattern("capture: .*; stopped: .*No space left on device");
            assertThat(free).as("the folder is full").isLessThan(8 * 1024);
            int recorded = capture.packets().size();
            assertThat(recorded).as("what was recorded before the disk filled stays readable").isGreaterThan(100);

            assertThat(red.ping("blue").reachable()).as("traffic through the captured link").isTrue();
            ExecResult ping = red.exec(Duration.ofSeconds(10), "ping", "-c", "3", "-i", "0.2", "-W", "2", "blue");
            assertThat(ping.exitCode()).as("a program's ping through the captured link: %s", ping).isZero();
            // blue's first program: its hosts file is made now, with the disk full
            ExecResult names = blue.exec(Duration.ofSeconds(10), "getent", "hosts", "red");
            assertThat(names.exitCode()).as("getent hosts red in blue, on a full disk: %s", names).isZero();
            assertThat(names.stdout()).contains("10.9.0.1");
            assertThat(capture.packets().size()).as("the stopped capture records no more").isEqualTo(recorded);

            try (Topology later = Topology.builder().namespace("green").namespace("yellow")
                    .veth("green", "10.9.1.1/24", "yellow", "10.9.1.2/24").start()) {
                ExecResult resolved = later.namespace("green").exec(Duration.ofSeconds(10), "getent", "hosts", "yellow");
                assertThat(resolved.exitCode()).as("a topology started on the full disk resolves names: %s", resolved)
                        .isZero();
                assertThat(later.namespace("green").ping("yellow").reachable()).isTrue();
            }
            capture.close();
            pcap = capture.file();
            assertThat(ourCaptureFiles()).as("capture files while the topology is open").isNotEmpty();
        }
        assertThat(pcap).as("the pcap after the topology's close").doesNotExist();
        assertThat(ourCaptureFiles()).as("capture files (parts included) after the topology's close").isEmpty();
        long freeAfter = Files.getFileStore(RUN_FOLDER).getUsableSpace();
        assertThat(freeAfter).as("the space is given back").isGreaterThan(size / 2);
        return report.append("; after close() no capture file is left and ").append(freeAfter / 1024)
                .append(" KiB are free").toString();
    }

    /** Every file of a capture in the run folder (the pcap, its parts, a half-written next version). */
    private static List<Path> ourCaptureFiles() throws Exception {
        try (Stream<Path> files = Files.walk(RUN_FOLDER)) {
            return files.filter(path -> path.getFileName().toString().startsWith("capture-")).toList();
        }
    }
}
