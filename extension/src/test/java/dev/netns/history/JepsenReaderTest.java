package dev.netns.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jepsen's EDN histories and log lines, as Jepsen and Knossos write them. */
class JepsenReaderTest {

    @TempDir
    Path folder;

    private History read(String text) throws IOException {
        Path file = folder.resolve("history.edn");
        Files.writeString(file, text);
        return History.readJepsen(file);
    }

    @Test
    void oneMapALine() throws IOException {
        History history = read("""
                {:process 0, :type :invoke, :f :write, :value 3, :time 1000}
                {:process 1, :type :invoke, :f :read, :value nil, :time 1500}
                {:process 0, :type :ok, :f :write, :value 3, :time 2000}
                {:process 1, :type :ok, :f :read, :value 3, :time 2500}
                {:process 2, :type :invoke, :f :cas, :value [3 4]}
                {:process 2, :type :fail, :f :cas, :value [3 4], :error [:timed-out "no"]}
                {:process :nemesis, :type :info, :f :start, :value "Cut off [:n1 #[:n2]]"}
                {:process 3, :type :invoke, :f :write, :value 5}
                {:process 3, :type :info, :f :write, :value 5}
                """);
        List<Operation> ops = history.operations();
        assertThat(ops).hasSize(4);
        assertThat(ops.get(0).function()).isEqualTo("write");
        assertThat(ops.get(0).value()).isEqualTo(3L);
        assertThat(ops.get(0).outcome()).isEqualTo(Operation.Outcome.OK);
        assertThat(ops.get(0).invokedNanos()).isEqualTo(1000);
        assertThat(ops.get(1).result()).isEqualTo(3L);
        assertThat(ops.get(1).invokedAt()).isEqualTo(1);
        assertThat(ops.get(1).completedAt()).isEqualTo(3);
        assertThat(ops.get(2).value()).isEqualTo(List.of(3L, 4L));
        assertThat(ops.get(2).outcome()).isEqualTo(Operation.Outcome.FAIL);
        assertThat(ops.get(3).outcome()).isEqualTo(Operation.Outcome.INFO);
        assertThat(ops.get(1).where()).isEqualTo("[lines 2-4]");
        assertThat(Linearizability.check(history, Model.casRegister()).linearizable()).isTrue();
    }

    @Test
    void oneVectorOfMapsOverManyLinesWithComments() throws IOException {
        History history = read("""
                ; a comment, then a list as Knossos' data files have it
                ({:type :invoke, :f :write, :value 0, :process 0}
                 {:type :ok, :f :write, :value 0, :process 0}
                 #_{:type :invoke, :f :write, :value 9, :process 7}
                 {:type :invoke,
                  :f :read,
                  :value nil,
                  :process 1}
                 {:process 1  :type :ok :f :read :value 0})
                """);
        assertThat(history.operations()).hasSize(2);
        assertThat(history.operations().get(1).result()).isEqualTo(0L);
        assertThat(history.operations().get(1).where()).isEqualTo("[lines 5-9]");
    }

    @Test
    void keyValueOperationsKeepTheirKeys() throws IOException {
        History history = read("""
                {:process 0, :type :invoke, :f :append, :key "k", :value "x 0 0 y"}
                {:process 0, :type :ok, :f :append, :key "k", :value "x 0 0 y"}
                {:process 1, :type :invoke, :f :get, :key "k", :value nil}
                {:process 1, :type :ok, :f :get, :key "k", :value "x 0 0 y"}
                {:process 1, :type :invoke, :f :get, :key :other, :value nil}
                {:process 1, :type :ok, :f :get, :key :other, :value ""}
                """);
        assertThat(history.operations()).extracting(Operation::key).containsExactly("k", "k", new Keyword("other"));
        assertThat(Linearizability.check(history, Model.keyValue()).linearizable()).isTrue();
    }

    @Test
    void jepsenLogLines() throws IOException {
        History history = read("""
                INFO  jepsen.util - 0	:invoke	:read	nil
                INFO  jepsen.util - 0	:ok	:read	nil
                INFO  jepsen.util - 2	:invoke	:cas	[3 0]
                INFO  jepsen.util - 2	:fail	:cas	[3 0]
                INFO  jepsen.util - 1	:invoke	:read	nil
                INFO  jepsen.util - 1	:fail	:read	:timed-out
                INFO  jepsen.core - Worker 3 starting
                INFO  jepsen.util - 4	:invoke	:write	3
                """);
        List<Operation> ops = history.operations();
        assertThat(ops).hasSize(4);
        assertThat(ops).extracting(Operation::outcome).containsExactly(Operation.Outcome.OK, Operation.Outcome.FAIL,
                Operation.Outcome.FAIL, Operation.Outcome.PENDING);
        assertThat(ops.get(1).value()).isEqualTo(List.of(3L, 0L));
    }

    @Test
    void valuesOfEveryKind() {
        List<Object> forms = new Edn("nil true 3 -4 2.5 12N \"a\\\"b\\n\" :ns/kw sym [1 [2]] #{1} #inst \"2020\" \\c")
                .readAll();
        assertThat(forms).containsExactly(null, true, 3L, -4L, 2.5, 12L, "a\"b\n", new Keyword("ns/kw"), "sym",
                List.of(1L, List.of(2L)), java.util.Set.of(1L), "2020", 'c');
    }

    @Test
    void brokenFilesAreRefusedWithTheLine() {
        assertThatThrownBy(() -> read("{:process 0, :type :invoke, :f :write, :value 3}\n{:process 0, :type :ok"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2");
        assertThatThrownBy(() -> read("{:process 0, :type :ok, :f :write, :value 3}"))
                .hasMessageContaining("line 1").hasMessageContaining("no :invoke before it");
        assertThatThrownBy(() -> read("[1 2 3]")).hasMessageContaining("operation maps");
    }
}
