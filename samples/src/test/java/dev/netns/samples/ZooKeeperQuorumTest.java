package dev.netns.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.netns.NetNs;
import dev.netns.Partition;
import dev.netns.Program;
import dev.netns.Topology;
import dev.netns.junit.Bridge;
import dev.netns.junit.Namespace;
import dev.netns.junit.NetnsTest;
import dev.netns.junit.VethPair;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;
import org.apache.zookeeper.server.quorum.QuorumPeerMain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Java in the topology: a 3-node ZooKeeper 3.9.5 quorum, z1 z2 z3 on one switch, loses its leader
 * to a partition and elects another; once healed, the old leader follows. Once in-process (each
 * node runs on a thread started inside {@code zN.call(..)}: every thread ZooKeeper starts
 * descends from it, so all of them live in zN; a thread group of the node's own tells when they
 * have all ended after {@code close()}) and once as child JVMs ({@code zN.java(QuorumPeerMain.class,
 * cfg)}). The test asks each node with the four-letter word {@code srvr}, and writes and reads
 * data with a ZooKeeper client built inside {@code client.call(..)}, all from the client namespace.
 */
@NetnsTest
@Namespace("z1")
@Namespace("z2")
@Namespace("z3")
@Namespace("client")
@Bridge("lan")
@VethPair(left = "z1", leftAddress = "10.65.0.1/24", right = "lan")
@VethPair(left = "z2", leftAddress = "10.65.0.2/24", right = "lan")
@VethPair(left = "z3", leftAddress = "10.65.0.3/24", right = "lan")
@VethPair(left = "client", leftAddress = "10.65.0.10/24", right = "lan")
class ZooKeeperQuorumTest {

    static final List<String> NODES = List.of("z1", "z2", "z3");

    @TempDir Path dataDirs;
    @Namespace("client") NetNs client;

    private final List<QuorumPeerMain> inProcess = new ArrayList<>();
    private final List<ThreadGroup> nodeThreads = new ArrayList<>();
    private final List<Exception> failures = new CopyOnWriteArrayList<>();
    private final List<Program> childJvms = new ArrayList<>();

    /** zN's configuration file: small ticks so that a test takes seconds, no admin server, srvr allowed. */
    private Path config(int id) throws IOException {
        Path dataDir = Files.createDirectories(dataDirs.resolve("z" + id));
        Files.writeString(dataDir.resolve("myid"), id + "\n");
        String servers = NODES.stream().map(node -> "server." + node.substring(1) + "=10.65.0." + node.substring(1) + ":2888:3888")
                .collect(Collectors.joining("\n"));
        return Files.writeString(dataDirs.resolve("z" + id + ".cfg"), """
                tickTime=200
                initLimit=10
                syncLimit=5
                cnxTimeout=1000
                dataDir=%s
                clientPort=2181
                admin.enableServer=false
                4lw.commands.whitelist=srvr,stat,ruok
                %s
                """.formatted(dataDir, servers));
    }

    @Test
    void inProcessTheQuorumElectsANewLeaderWhenItsLeaderIsCutOff(Topology net) throws Exception {
        for (int id = 1; id <= 3; id++) {
            QuorumPeerConfig config = new QuorumPeerConfig();
            config.parse(config(id).toString());
            QuorumPeerMain node = new QuorumPeerMain();
            ThreadGroup threads = new ThreadGroup("z" + id);   // every thread the node starts joins it
            Thread runner = new Thread(threads, () -> {
                try {
                    node.runFromConfig(config);   // runs until close()
                } catch (Exception e) {
                    failures.add(e);
                }
            }, "z" + id);
            net.namespace("z" + id).call(() -> {
                runner.start();   // born in zN, and so is every thread it starts
                return null;
            });
            inProcess.add(node);
            nodeThreads.add(threads);
        }

        losesItsLeaderAndElectsAnother(net);
    }

    @Test
    void asChildJvmsTheQuorumElectsANewLeaderWhenItsLeaderIsCutOff(Topology net) throws Exception {
        for (int id = 1; id <= 3; id++) {
            childJvms.add(net.namespace("z" + id).java(QuorumPeerMain.class, config(id).toString())
                    .jvmOptions("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
                    .systemProperty("zookeeper.fastleader.maxNotificationInterval", "200")
                    .start());
        }
        for (Program node : childJvms) {
            node.awaitPort(2181, Duration.ofSeconds(20));
        }

        losesItsLeaderAndElectsAnother(net);
    }

    @AfterEach
    void stopTheNodes() {
        inProcess.forEach(QuorumPeerMain::close);
        // close() does not wait for the election's threads (most notice within 3 s): give them a few seconds;
        // one that is still there when the topology closes is named in the report as a ghost and cut off
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline && nodeThreads.stream().anyMatch(threads -> threads.activeCount() > 0)) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        assertThat(failures).as("what the nodes threw").isEmpty();
        childJvms.forEach(Program::stop);
    }

    private void losesItsLeaderAndElectsAnother(Topology net) throws Exception {
        String leader = awaitOneLeader(NODES);
        List<String> others = NODES.stream().filter(node -> !node.equals(leader)).toList();
        ZooKeeper before = client.call(() -> new ZooKeeper(connectString(NODES), 4000, event -> { }));   // its threads live in client
        try {
            before.create("/sample", "written before".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.PERSISTENT);
        } finally {
            before.close();
        }

        net.partition(Partition.groups(List.of(leader), others));   // the client, in no group, still reaches every node

        String newLeader = awaitOneLeader(others);
        assertThat(newLeader).isNotEqualTo(leader);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(srvr(leader))
                .as("the old leader, alone, stops serving").doesNotContain("Mode: leader"));
        ZooKeeper after = client.call(() -> new ZooKeeper(connectString(others), 4000, event -> { }));
        try {
            assertThat(new String(after.getData("/sample", false, null), StandardCharsets.UTF_8)).isEqualTo("written before");
        } finally {
            after.close();
        }

        net.heal();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(srvr(leader))
                .as("healed, the old leader follows the new one").contains("Mode: follower"));
    }

    private static String connectString(List<String> nodes) {
        return nodes.stream().map(node -> "10.65.0." + node.substring(1) + ":2181").collect(Collectors.joining(","));
    }

    /** Waits until exactly one of {@code nodes} leads and the others follow; returns the leader. */
    private String awaitOneLeader(List<String> nodes) {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            List<String> leaders = new ArrayList<>();
            for (String node : nodes) {
                String answer = srvr(node);
                if (answer.contains("Mode: leader")) {
                    leaders.add(node);
                } else if (!answer.contains("Mode: follower")) {
                    return null;
                }
            }
            return leaders.size() == 1 ? leaders.get(0) : null;
        }, leader -> leader != null);
    }

    /** The node's answer to the four-letter word {@code srvr}, asked from the client namespace ("" if none). */
    private String srvr(String node) {
        try (Socket socket = client.socketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("10.65.0." + node.substring(1), 2181), 1000);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("srvr".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return "";
        }
    }
}
