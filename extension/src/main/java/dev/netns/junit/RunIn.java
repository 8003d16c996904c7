package dev.netns.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the test method, with its {@code @BeforeEach} and {@code @AfterEach} methods, on a thread
 * that lives in the namespace {@code value}: every socket the test opens, every client it builds,
 * and every thread or pool it starts belong to that namespace. On a class, it applies to each test
 * method of the class (a method's own {@code @RunIn} wins).
 *
 * <pre>{@code
 * @NetnsTest
 * @Namespace("client") @Namespace("server")
 * @VethPair(left = "client", leftAddress = "10.0.0.1/24", right = "server", rightAddress = "10.0.0.2/24")
 * class HttpClientTest {
 *     @Test
 *     @RunIn("client")
 *     void getsThePage() throws Exception {
 *         HttpClient client = HttpClient.newHttpClient();   // its selector thread is born in client
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>The namespace is declared if nothing else declares it (like an injected {@code @Namespace}
 * parameter); a name one or two letters away from a declared one is refused as a typo. The
 * thread is the same for {@code @BeforeEach}, the test and {@code @AfterEach}, and ends with the
 * test.
 */
@Documented
@Inherited
@ExtendWith(NetnsExtension.class)
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface RunIn {

    /** The logical name of the namespace to run in ({@code "client"}). */
    String value();
}
