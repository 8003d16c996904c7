package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A capture on a full disk: {@link CaptureFullDiskBody} runs in a child JVM inside
 * {@code unshare --mount}, with a 256 KiB tmpfs over the run folder {@code /run/netns-junit}
 * that exists only in that private mount namespace (the machine's folder is not touched). A
 * flood fills it; the capture stops with its error, and traffic, name resolution (also for a
 * namespace whose hosts file is made after the disk filled, and for a new topology) and cleanup
 * go on.
 */
class CaptureFullDiskIT {

    @Test
    void aFullDiskStopsTheCaptureAndNothingElse() throws Exception {
        assertThat(Path.of("/usr/bin/unshare")).as("unshare (util-linux) is needed to give the child a private mount")
                .exists();
        List<String> command = List.of("unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
                "mount -t tmpfs -o size=256k,mode=700 netns-junit-full-disk /run/netns-junit && exec \"$@\"", "sh",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                CaptureFullDiskBody.class.getName());
        Files.createDirectories(Path.of("/run/netns-junit"));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = child.getInputStream().readAllBytes();
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        System.out.println(text.lines().filter(line -> line.startsWith("FULL-DISK")).findFirst().orElse(""));
        assertThat(child.exitValue()).as("the child's checks:\n%s", text).isZero();
        assertThat(text).contains("FULL-DISK OK");
    }
}
