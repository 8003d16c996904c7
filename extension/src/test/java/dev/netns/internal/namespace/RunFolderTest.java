package dev.netns.internal.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Run folders belong to the real user and to nobody else. */
class RunFolderTest {

    @Test
    void theRealUserIsReadThroughTheUserNamespacesMap() {
        // unshare --user --map-root-user as nobody: everyone is 0 inside
        assertThat(RunJournal.outerUid(0, List.of("         0      65534          1"))).isEqualTo(65534);
        // the machine's own user namespace: the identity
        assertThat(RunJournal.outerUid(1000, List.of("0 0 4294967295"))).isEqualTo(1000);
        assertThat(RunJournal.outerUid(5, List.of("0 100000 65536"))).isEqualTo(100005);
        assertThat(RunJournal.outerUid(7, List.of("0 65534 1"))).isEqualTo(-1);
    }

    @Test
    void aLiveRunOwnsOnlyWhatItHasNotReleased() {
        assertThat(RunJournal.liveInodes(List.of("boot x", "+11:5", "+12", "-11:5", "+13:7", "-12", "+1"))).containsOnly(13L, 1L);
    }

    @Test
    void aFolderOfOursIsUsedAndMadeWithMode700(@TempDir Path temp) throws Exception {
        Path folder = temp.resolve("netns-junit-test");
        assertThat(RunJournal.problemWith(folder)).isNull();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("rwx------");
    }

    @Test
    void aLinkAFileOrAFolderOpenToOthersIsRefused(@TempDir Path temp) throws Exception {
        Path elsewhere = Files.createDirectory(temp.resolve("elsewhere"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path link = Files.createSymbolicLink(temp.resolve("link"), elsewhere);
        Path file = Files.createFile(temp.resolve("file"));
        Path open = Files.createDirectory(temp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThat(RunJournal.problemWith(link)).contains("not a folder");
        assertThat(RunJournal.problemWith(file)).contains("not a folder");
        assertThat(RunJournal.problemWith(open)).contains("mode 777").contains("700");
    }

    @Test
    void aFolderOfAnotherUserIsRefused(@TempDir Path temp) throws Exception {
        Path theirs = Files.createDirectory(temp.resolve("theirs"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (uid == 0) {
            Files.setAttribute(theirs, "unix:uid", 65534);
            assertThat(RunJournal.problemWith(theirs)).contains("belongs to uid 65534");
        } else {
            // not root: the test cannot give a folder away; a folder of root's stands for another user's
            assertThat(RunJournal.problemWith(Path.of("/root"))).isNotNull();
        }
    }
}
