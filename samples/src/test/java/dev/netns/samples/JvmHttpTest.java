package dev.netns.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.netns.NetNs;
import dev.netns.junit.Namespace;
import dev.netns.junit.NetnsTest;
import dev.netns.junit.VethPair;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Feature sample: the JDK's HTTP server in one namespace and its HTTP client in another. The
 * server's socket is made in {@code HttpServer.create}, so that call goes inside {@code call()}.
 * The client opens a connection on the thread that sends the request, so {@code send} goes
 * inside {@code call()} as well: a client used outside would connect from the machine's own
 * network, not from the namespace.
 */
@NetnsTest
@Namespace("browser")
@Namespace("web")
@VethPair(left = "browser", leftAddress = "10.30.0.1/24", right = "web", rightAddress = "10.30.0.2/24")
class JvmHttpTest {

    @Test
    void anHttpClientInOneNamespaceGetsAPageFromAServerInAnother(@Namespace("browser") NetNs browser,
            @Namespace("web") NetNs web) throws Exception {
        HttpServer server = web.call(() -> HttpServer.create(new InetSocketAddress(8080), 0));
        server.createContext("/", exchange -> {
            byte[] body = ("hello from " + exchange.getLocalAddress().getAddress().getHostAddress())
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://10.30.0.2:8080/")).build();
            HttpResponse<String> response = browser.call(() -> client.send(request, HttpResponse.BodyHandlers.ofString()));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("hello from 10.30.0.2");
        } finally {
            server.stop(0);
        }
    }
}
