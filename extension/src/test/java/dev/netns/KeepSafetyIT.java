package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netns.internal.topology.NamespaceHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/** Keeping a topology never mounts over, or through, a file someone else put where its name goes. */
@Isolated("creates and removes /run/netns")
class KeepSafetyIT {

    @Test
    void aPlantedLinkAtTheKeptNameIsRefusedNotFollowed() throws Exception {
        boolean hadRunNetns = Files.isDirectory(Path.of("/run/netns"));
        Path victim = Files.createTempFile("netns-junit-victim", ".txt");
        Files.writeString(victim, "precious");
        Topology net = Topology.builder().namespace("red").start();
        String realName = ((NamespaceHandle) net.namespace("red")).realName();
        Path planted = Path.of("/run/netns", realName);
        try {
            assertThat(realName).as("a part of the name nobody can predict").matches("netns-junit-[0-9]+-[0-9]+-[0-9a-z]+-red");
            Files.createDirectories(planted.getParent());
            Files.createSymbolicLink(planted, victim);

            assertThatThrownBy(net::keep).isInstanceOf(NetnsException.class)
                    .hasMessageContaining("exists already and is not ours; nothing was mounted");

            assertThat(Files.readString(victim)).isEqualTo("precious");
            Process mounts = new ProcessBuilder("grep", "-c", realName, "/proc/self/mountinfo").start();
            assertThat(new String(mounts.getInputStream().readAllBytes()).strip()).isEqualTo("0");
        } finally {
            net.close();
            Files.deleteIfExists(planted);
            Files.deleteIfExists(victim);
            if (!hadRunNetns) {
                new ProcessBuilder("sh", "-c", "umount /run/netns 2>/dev/null; rmdir /run/netns").start().waitFor();
            }
        }
    }
}
