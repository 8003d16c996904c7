package dev.netns.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.netns.NetNs;
import dev.netns.junit.Namespace;
import dev.netns.junit.NetnsTest;
import dev.netns.junit.RunIn;
import dev.netns.junit.VethPair;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Java in the topology: the JDK's HttpClient, built and used by a test that runs in the client
 * namespace ({@code @RunIn}), against the JDK's HTTP server in the server namespace. With
 * {@code @RunIn("client")} the test, its {@code @BeforeEach} and its {@code @AfterEach} run on a
 * thread of client, so the client's selector thread and its pool are born there and every
 * connection, {@code sendAsync}'s too, leaves from client. The server's listening socket is made
 * inside {@code server.call(..)}, and its handlers run on threads from {@code server.threadFactory()}.
 */
@NetnsTest
@RunIn("client")
@Namespace("client")
@Namespace("server")
@VethPair(left = "client", leftAddress = "10.61.0.1/24", right = "server", rightAddress = "10.61.0.2/24")
class JdkHttpClientTest {

    @Namespace("server") NetNs server;

    private ExecutorService handlers;
    private HttpServer http;
    private ExecutorService clientPool;
    private HttpClient client;

    @BeforeEach
    void startTheServerAndBuildTheClient() throws Exception {
        handlers = Executors.newFixedThreadPool(2, server.threadFactory());
        http = server.call(() -> {
            HttpServer created = HttpServer.create(new InetSocketAddress(8080), 0);   // listens in server
            created.setExecutor(handlers);
            created.createContext("/", exchange -> {
                byte[] body = ("hello " + exchange.getRemoteAddress().getAddress().getHostAddress())
                        .getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            created.start();   // its dispatcher thread is born in server too
            return created;
        });
        // this method runs in client (@RunIn): the pool's threads and the client's selector thread are born there
        clientPool = Executors.newFixedThreadPool(2);
        client = HttpClient.newBuilder().executor(clientPool).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stopBoth() throws Exception {
        http.stop(0);
        handlers.shutdownNow();
        handlers.awaitTermination(5, TimeUnit.SECONDS);
        clientPool.shutdownNow();   // your own pool: the default one keeps idle threads for 60 s
        clientPool.awaitTermination(5, TimeUnit.SECONDS);
        if (client instanceof AutoCloseable closeable) {
            closeable.close();   // Java 21+; on 17 its selector thread ends once the client is garbage collected
        }
    }

    @Test
    void sendLeavesFromTheClientNamespace() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://10.61.0.2:8080/")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).as("the server saw the client's own address").isEqualTo("hello 10.61.0.1");
    }

    @Test
    void sendAsyncToo() {
        // sendAsync hands each result to the JVM's default CompletableFuture executor (the common pool on Java 21+):
        // a common-pool worker born here stays in client after the test and is reported as a ghost
        List<CompletableFuture<HttpResponse<String>>> responses = IntStream.range(0, 5)
                .mapToObj(i -> client.sendAsync(HttpRequest.newBuilder(URI.create("http://10.61.0.2:8080/" + i)).build(),
                        HttpResponse.BodyHandlers.ofString()))
                .toList();

        assertThat(responses).allSatisfy(response -> {
            assertThat(response.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(response.get().body()).isEqualTo("hello 10.61.0.1");
        });
    }
}
