package dev.netns.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.netns.Fault;
import dev.netns.FaultEvent;
import dev.netns.FaultRun;
import dev.netns.FaultSchedule;
import dev.netns.NetNs;
import dev.netns.Topology;
import dev.netns.assertj.NetnsAssertions;
import dev.netns.history.History;
import dev.netns.history.Model;
import dev.netns.history.Operation;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;
import org.apache.zookeeper.server.quorum.QuorumPeerMain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 3-node ZooKeeper 3.9.5 quorum under a seeded fault schedule while a client writes: every
 * second one node is isolated, the nodes are split in halves, or they are cut into a majorities
 * ring, then healed for a second. The client (in its own namespace, which no fault touches)
 * creates one znode after the other. After the final heal, every write ZooKeeper acknowledged is
 * still there. A failure names the seed in the test's report, with the timeline of the faults:
 * the same seed replays the same faults on the same nodes in the same order.
 */
@NetnsTest
@Namespace("z1")
@Namespace("z2")
@Namespace("z3")
@Namespace("client")
@Bridge("lan")
@VethPair(left = "z1", leftAddress = "10.66.0.1/24", right = "lan")
@VethPair(left = "z2", leftAddress = "10.66.0.2/24", right = "lan")
@VethPair(left = "z3", leftAddress = "10.66.0.3/24", right = "lan")
@VethPair(left = "client", leftAddress = "10.66.0.10/24", right = "lan")
class ZooKeeperUnderFaultsTest {

    static final List<String> NODES = List.of("z1", "z2", "z3");
    static final String CONNECT = "10.66.0.1:2181,10.66.0.2:2181,10.66.0.3:2181";
    static final Duration WORKLOAD = Duration.ofSeconds(8);

    @TempDir Path dataDirs;
    @Namespace("client") NetNs client;

    private final List<QuorumPeerMain> nodes = new ArrayList<>();
    private final List<ExecutorService> nodeThreads = new ArrayList<>();

    @Test
    void everyAcknowledgedWriteSurvivesPartitionsOfTheQuorum(Topology net) throws Exception {
        for (int id = 1; id <= 3; id++) {
            startNode(net.namespace("z" + id), id);
        }
        awaitOneLeader();
        ZooKeeper setup = connect();
        setup.create("/items", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        setup.close();

        FaultSchedule schedule = FaultSchedule.builder()
                .seed(2026)
                .every(Duration.ofSeconds(1))
                .calm(Duration.ofSeconds(1))
                .faults(Fault.isolateOne("z1", "z2", "z3"), Fault.partitionHalves("z1", "z2", "z3"),
                        Fault.majoritiesRing("z1", "z2", "z3"))
                .build();
        History history = History.create();
        Set<String> acknowledged = new HashSet<>();
        List<String> attempted = new ArrayList<>();
        int unknown = 0;
        int process = 0;   // a client whose operation timed out is a new process from then on (as in Jepsen)
        try (FaultRun faults = net.startFaults(schedule)) {
            ZooKeeper zk = connect();
            long end = System.nanoTime() + WORKLOAD.toNanos();
            for (int i = 0; System.nanoTime() < end; i++) {
                String item = "/items/" + i;
                Operation put = history.invoke(process, "put", item, "v" + i);
                attempted.add(item);
                try {
                    zk.create(item, ("v" + i).getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                            CreateMode.PERSISTENT);
                    put.ok();
                    acknowledged.add(item);
                } catch (KeeperException.ConnectionLossException | KeeperException.OperationTimeoutException e) {
                    put.info();   // it may or may not have happened
                    unknown++;
                    process++;
                    Thread.sleep(50);
                } catch (KeeperException.SessionExpiredException e) {
                    put.info();
                    unknown++;
                    process++;
                    zk.close();
                    zk = connect();
                }
            }
            zk.close();
            assertThat(faults.timeline()).extracting(FaultEvent::description).as("faults were made")
                    .anyMatch(description -> description.startsWith("isolate ") || description.startsWith("partition ")
                            || description.startsWith("majorities ring "));
        }   // closing the run heals the last fault

        awaitOneLeader();
        ZooKeeper after = connect();
        Set<String> present = new HashSet<>();
        for (String child : after.getChildren("/items", false)) {
            present.add("/items/" + child);
        }
        // read back every key a put was tried on: a missing node reads as "" (the key-value model's unwritten key)
        for (String item : attempted) {
            Operation get = history.invoke(process + 1, "get", item, null);
            try {
                get.ok(new String(after.getData(item, false, null), StandardCharsets.UTF_8));
            } catch (KeeperException.NoNodeException missing) {
                get.ok("");
            }
        }
        after.close();

        assertThat(acknowledged).as("writes acknowledged (%d with unknown outcome)", unknown).isNotEmpty();
        assertThat(present).as("every acknowledged write is still there").containsAll(acknowledged);
        // what the clients saw has an order that a correct key-value store explains
        NetnsAssertions.assertThat(history).isLinearizable(Model.keyValue());
    }

    /** Runs zN in-process on a thread of zN: every thread ZooKeeper starts descends from it, so lives in zN. */
    private void startNode(NetNs namespace, int id) throws Exception {
        QuorumPeerConfig config = new QuorumPeerConfig();
        config.parse(config(id).toString());
        QuorumPeerMain node = new QuorumPeerMain();
        ExecutorService thread = Executors.newSingleThreadExecutor(namespace.threadFactory());
        thread.submit(() -> {
            node.runFromConfig(config);
            return null;
        });
        nodes.add(node);
        nodeThreads.add(thread);
    }

    /** A client whose threads live in the client namespace. */
    private ZooKeeper connect() throws Exception {
        ZooKeeper zk = client.call(() -> new ZooKeeper(CONNECT, 4000, event -> { }));
        await().atMost(Duration.ofSeconds(20)).until(() -> zk.getState().isConnected());
        return zk;
    }

    /** zN's configuration: small ticks so that elections take well under a second. */
    private Path config(int id) throws IOException {
        Path dataDir = Files.createDirectories(dataDirs.resolve("z" + id));
        Files.writeString(dataDir.resolve("myid"), id + "\n");
        String servers = NODES.stream().map(node -> "server." + node.substring(1) + "=10.66.0." + node.substring(1)
                + ":2888:3888").collect(Collectors.joining("\n"));
        return Files.writeString(dataDirs.resolve("z" + id + ".cfg"), """
                tickTime=200
                initLimit=10
                syncLimit=5
                cnxTimeout=1000
                dataDir=%s
                clientPort=2181
                admin.enableServer=false
                4lw.commands.whitelist=srvr
                %s
                """.formatted(dataDir, servers));
    }

    @AfterEach
    void stopTheNodes() throws InterruptedException {
        nodes.forEach(QuorumPeerMain::close);
        for (ExecutorService thread : nodeThreads) {
            thread.shutdown();
            thread.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** Waits until exactly one node leads and the two others follow. */
    private void awaitOneLeader() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            int leaders = 0;
            for (String node : NODES) {
                String answer = srvr(node);
                if (answer.contains("Mode: leader")) {
                    leaders++;
                } else if (!answer.contains("Mode: follower")) {
                    return false;
                }
            }
            return leaders == 1;
        });
    }

    /** The node's answer to the four-letter word {@code srvr}, asked from the client namespace ("" if none). */
    private String srvr(String node) {
        try (Socket socket = client.socketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("10.66.0." + node.substring(1), 2181), 1000);
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
