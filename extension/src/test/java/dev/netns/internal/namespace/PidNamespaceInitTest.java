package dev.netns.internal.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How a journal names the init of a topology's PID namespace, and how it is read back. */
class PidNamespaceInitTest {

    @Test
    void theStartTimeIsField22CountedAfterTheCommandWhichMayHoldSpacesAndParentheses() {
        String stat = "4242 (we (ird) name) S 1 4242 4242 0 -1 4194560 97 0 0 0 0 0 0 0 20 0 1 0 987654 "
                + "9490432 160 18446744073709551615 1 1 0 0 0 0 0 0 65536 0 0 0 17 1 0 0 0 0 0";
        assertThat(PidNamespaceInit.startTime(stat)).isEqualTo(987654L);
    }

    @Test
    void theInnermostPidIsTheLastOfNsPid() {
        assertThat(PidNamespaceInit.innermostPid("Name:\tbash\nNSpid:\t31402\t1\nNSpgid:\t1\n")).isEqualTo(1);
        assertThat(PidNamespaceInit.innermostPid("Name:\tsleep\nNSpid:\t31409\n")).isEqualTo(31409);
        assertThat(PidNamespaceInit.innermostPid("Name:\told kernel\n")).isEqualTo(-1);
    }

    @Test
    void aJournalLineNamesPidStartTimeAndNamespaceOrNothing() {
        PidNamespaceInit init = new PidNamespaceInit(31402, 987654, 4026532999L);
        assertThat(PidNamespaceInit.parse(init.line())).contains(init);
        assertThat(PidNamespaceInit.parse("31402:987654")).as("no namespace: proves nothing").isEmpty();
        assertThat(PidNamespaceInit.parse("31402:x:4026532999")).isEmpty();
        assertThat(PidNamespaceInit.parse("1:987654:4026532999")).as("pid 1 is the machine's init").isEmpty();
        assertThat(PidNamespaceInit.parse("31402:9876")).isEmpty();
    }

    @Test
    void aDeadRunLeavesTheInitsItStartedAndDidNotReap() {
        List<String> journal = List.of("boot x", "+11:5", "*100:7:900", "*200:8:901", "/100:7:900", "*300:9", "*4",
                "/200:8:999");
        assertThat(RunJournal.replayInits(journal)).containsOnly(new PidNamespaceInit(200, 8, 901));
        assertThat(RunJournal.replay(journal)).as("namespaces are read as before").hasSize(1);
    }
}
