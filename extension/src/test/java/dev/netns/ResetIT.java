package dev.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Established connections broken from outside, and the socket table read through sock_diag. */
class ResetIT {

    private Topology net;
    private NetNs client;
    private NetNs server;

    @BeforeEach
    void start() {
        net = Topology.builder().namespace("client").namespace("server").namespace("other")
                .bridge("br0", null)
                .veth("client", "10.7.0.1/24, fd07::1/64", "br0", null)
                .veth("server", "10.7.0.2/24, fd07::2/64", "br0", null)
                .veth("other", "10.7.0.3/24", "br0", null)
                .start();
        client = net.namespace("client");
        server = net.namespace("server");
    }

    @AfterEach
    void close() {
        net.close();
    }

    @Test
    void bothEndsOfAnEstablishedConnectionSeeAResetAndANewConnectionWorks() throws Exception {
        try (ServerSocket listener = server.call(() -> new ServerSocket(7000));
                Socket outgoing = client.call(() -> new Socket("10.7.0.2", 7000));
                Socket incoming = listener.accept();
                Socket bystander = net.namespace("other").call(() -> new Socket("10.7.0.2", 7000));
                Socket bystanderIncoming = listener.accept()) {
            net.resetConnections("client", "server");
            assertThatThrownBy(() -> read(outgoing)).isInstanceOf(IOException.class).hasMessageContaining("Connection reset");
            assertThatThrownBy(() -> read(incoming)).isInstanceOf(IOException.class).hasMessageContaining("Connection reset");
            // a third party's connection to the same server is untouched
            bystander.getOutputStream().write(1);
            assertThat(bystanderIncoming.getInputStream().read()).isEqualTo(1);
            try (Socket again = client.call(() -> new Socket("10.7.0.2", 7000)); Socket accepted = listener.accept()) {
                again.getOutputStream().write(7);
                assertThat(accepted.getInputStream().read()).isEqualTo(7);
            }
        }
    }

    private static int read(Socket socket) throws IOException {
        socket.setSoTimeout(2000);
        InputStream input = socket.getInputStream();
        return input.read();
    }

    @Test
    void socketsListsListeningEstablishedAndUdpSocketsOfBothFamilies() throws Exception {
        try (ServerSocket listener = server.call(() -> new ServerSocket(7000));
                ServerSocket listener6 = server.call(() -> {
                    ServerSocket six = new ServerSocket();
                    six.bind(new InetSocketAddress("fd07::2", 7001));
                    return six;
                });
                Socket outgoing = client.call(() -> new Socket("10.7.0.2", 7000));
                Socket incoming = listener.accept();
                java.net.DatagramSocket udp = server.call(() -> new java.net.DatagramSocket(5353))) {
            List<SocketInfo> sockets = server.sockets();
            assertThat(sockets).as(sockets.toString())
                    .anyMatch(s -> s.protocol().equals("tcp") && s.state().equals("LISTEN") && s.local().getPort() == 7000
                            && s.remote() == null)
                    .anyMatch(s -> s.state().equals("LISTEN") && s.local().getPort() == 7001
                            && s.local().getAddress().getHostAddress().equals("fd07:0:0:0:0:0:0:2"))
                    .anyMatch(s -> s.isEstablished() && s.local().getPort() == 7000
                            && s.remote().getAddress().getHostAddress().equals("10.7.0.1"))
                    .anyMatch(s -> s.protocol().equals("udp") && s.state().equals("UNCONN") && s.local().getPort() == 5353
                            && s.remote() == null);
            assertThat(client.sockets()).anyMatch(s -> s.isEstablished() && s.remote().getPort() == 7000);
            assertThat(net.namespace("other").sockets()).isEmpty();
        }
    }

    @Test
    void anIpv6ConnectionIsResetToo_alsoWhileAPartitionCutsThePair() throws Exception {
        try (ServerSocket listener = server.call(() -> {
                    ServerSocket six = new ServerSocket();
                    six.bind(new InetSocketAddress("fd07::2", 7001));
                    return six;
                });
                Socket outgoing = client.call(() -> new Socket("fd07::2", 7001));
                Socket incoming = listener.accept()) {
            // the cable is "unplugged" and the connections broken: what a crashed switch does
            net.partition(Partition.isolate("client"));
            net.resetConnections("client", "server");
            assertThatThrownBy(() -> read(outgoing)).isInstanceOf(IOException.class).hasMessageContaining("Connection reset");
            assertThatThrownBy(() -> read(incoming)).isInstanceOf(IOException.class).hasMessageContaining("Connection reset");
            assertThat(server.sockets()).noneMatch(SocketInfo::isEstablished);
            net.heal();
        }
        assertThatThrownBy(() -> net.resetConnections("client", "nobody")).isInstanceOf(NetnsException.class)
                .hasMessageContaining("no namespace 'nobody'");
    }

    @Test
    void thisKernelHasSockDestroy_theDestroyedEndSeesAnAbortItsPeerAReset() throws Exception {
        try (ServerSocket listener = server.call(() -> new ServerSocket(7000));
                Socket outgoing = client.call(() -> new Socket("10.7.0.2", 7000));
                Socket incoming = listener.accept()) {
            var handle = (dev.netns.internal.topology.NamespaceHandle) client;
            var connections = handle.socketEntries().stream().filter(entry -> entry.info().isEstablished()).toList();
            assertThat(connections).hasSize(1);
            handle.destroySockets(connections);   // refused with EOPNOTSUPP without CONFIG_INET_DIAG_DESTROY
            assertThatThrownBy(() -> read(outgoing)).isInstanceOf(IOException.class)
                    .hasMessageContaining("Software caused connection abort");
            assertThatThrownBy(() -> read(incoming)).isInstanceOf(IOException.class).hasMessageContaining("Connection reset");
        }
    }
}
