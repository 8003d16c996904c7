package dev.netns.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netns.Impairment;
import dev.netns.NetNs;
import dev.netns.junit.Namespace;
import dev.netns.junit.NetnsTest;
import dev.netns.junit.VethPair;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Java in the topology: OkHttp 5 against Jetty 12 over a cable that delays every packet by 100 ms,
 * with a client that retries a request that timed out. OkHttp connects from threads of its own
 * (its JVM-wide TaskRunner, kept for 60 s), so the client gets {@code client.socketFactory()}:
 * every socket it makes is created in client, whichever thread connects it. Jetty starts inside
 * {@code server.call(..)} (its connector opens the listening socket in {@code start()}), on a
 * thread pool from {@code server.threadFactory()}.
 */
@NetnsTest
@Namespace("client")
@Namespace("server")
@VethPair(left = "client", leftAddress = "10.62.0.1/24", right = "server", rightAddress = "10.62.0.2/24")
class OkHttpJettyTest {

    @Namespace("client") NetNs client;
    @Namespace("server") NetNs server;

    private final AtomicInteger timeouts = new AtomicInteger();
    private Server jetty;
    private OkHttpClient okhttp;

    @BeforeEach
    void startJettyAndBuildTheClient() throws Exception {
        jetty = new Server(new QueuedThreadPool(8, 2, 60_000, -1, null, null, server.threadFactory()));
        ServerConnector connector = new ServerConnector(jetty);
        connector.setPort(8080);
        jetty.addConnector(connector);
        jetty.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                    Callback callback) {
                Content.Sink.write(response, true, "hello " + org.eclipse.jetty.server.Request.getRemoteAddr(request), callback);
                return true;
            }
        });
        server.call(() -> {
            jetty.start();   // the connector's socket listens in server
            return null;
        });

        // the retry: a first attempt with a short connect timeout, then one with a longer one
        Interceptor retryOnTimeout = chain -> {
            try {
                return chain.withConnectTimeout(50, TimeUnit.MILLISECONDS).proceed(chain.request());
            } catch (SocketTimeoutException e) {
                timeouts.incrementAndGet();
                return chain.withConnectTimeout(5, TimeUnit.SECONDS).proceed(chain.request());
            }
        };
        okhttp = new OkHttpClient.Builder()
                .socketFactory(client.socketFactory())   // every socket in client, whichever thread connects it
                .retryOnConnectionFailure(false)          // the interceptor is the only retry
                .addInterceptor(retryOnTimeout)
                .build();
    }

    @AfterEach
    void stopBoth() throws Exception {
        okhttp.dispatcher().executorService().shutdown();
        okhttp.connectionPool().evictAll();   // no pooled connection outlives the topology
        jetty.stop();
    }

    @Test
    void withoutTheDelayNoRetryIsNeeded() throws Exception {
        // whichever test runs second reuses OkHttp's JVM-wide TaskRunner threads of the first: its sockets still come from
        // this test's client.socketFactory(), so they are created in this test's topology
        try (Response response = okhttp.newCall(new Request.Builder().url("http://10.62.0.2:8080/").build()).execute()) {
            assertThat(response.body().string()).isEqualTo("hello 10.62.0.1");
            assertThat(timeouts).hasValue(0);
        }
    }

    @Test
    void aRequestThatTimesOutOnTheSlowLinkGetsThroughWhenRetried() throws Exception {
        client.link("eth0").impair(Impairment.builder().delay(Duration.ofMillis(100)).build());
        Request request = new Request.Builder().url("http://10.62.0.2:8080/").build();

        long started = System.nanoTime();
        try (Response response = okhttp.newCall(request).execute()) {
            long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

            assertThat(response.body().string()).as("Jetty saw the client's own address").isEqualTo("hello 10.62.0.1");
            assertThat(timeouts).as("the 50 ms connect timed out once").hasValue(1);
            assertThat(elapsedMillis).as("50 ms timeout, then the connect and the request, each 100 ms late")
                    .isGreaterThanOrEqualTo(250);
        }

        started = System.nanoTime();
        try (Response again = okhttp.newCall(request).execute()) {
            assertThat(again.body().string()).isEqualTo("hello 10.62.0.1");
            assertThat(timeouts).as("the pooled connection needs no connect").hasValue(1);
            assertThat((System.nanoTime() - started) / 1_000_000).as("the request alone is 100 ms late")
                    .isGreaterThanOrEqualTo(100);
        }
    }
}
