package dev.netns.junit;

import static dev.netns.assertj.NetnsAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.netns.NetNs;
import dev.netns.Topology;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * The extension, run through the JUnit engine on small fixture classes (their names end in
 * "Case"; as nested classes the build does not run them on their own).
 */
@Execution(value = ExecutionMode.SAME_THREAD, reason = "its tests share the SEEN list")
class NetnsExtensionIT {

    static final List<NetNs> SEEN = new ArrayList<>();

    private static EngineExecutionResults run(Class<?> fixture) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute();
    }

    @Test
    void fieldsAndParametersAreInjectedAndEveryTestGetsAFreshTopology() {
        SEEN.clear();
        run(InjectionCase.class).testEvents().assertStatistics(stats -> stats.started(2).succeeded(2));

        assertThat(SEEN).hasSize(2);
        assertThat(SEEN.get(0)).isNotSameAs(SEEN.get(1));
        SEEN.forEach(closed -> assertThatThrownBy(() -> closed.call(() -> 1)).hasMessageContaining("is closed"));
    }

    @Test
    void aComposedAnnotationCarryingNamespaceWorksOnFieldsAndParameters() {
        run(ComposedAnnotationCase.class).testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
    }

    /** A user's own annotation, meta-annotated with @Namespace. */
    @Namespace("blue")
    @Target({ElementType.FIELD, ElementType.PARAMETER})
    @Retention(RetentionPolicy.RUNTIME)
    @interface Blue {
    }

    @NetnsTest
    @Namespace("red")
    @VethPair(left = "red", leftAddress = "10.1.0.1/24", right = "blue", rightAddress = "10.1.0.2/24")
    static class ComposedAnnotationCase {

        @Blue NetNs blueField;

        @Test
        void composed(@Blue NetNs blue) {
            assertThat(blue.name()).isEqualTo("blue");
            assertThat(blueField).isSameAs(blue);
        }
    }

    @Test
    void topologyIsTornDownWhenTheTestFails() {
        SEEN.clear();
        run(FailingCase.class).testEvents().assertStatistics(stats -> stats.started(1).failed(1));

        assertThat(SEEN).hasSize(1);
        assertThatThrownBy(() -> SEEN.get(0).call(() -> 1)).hasMessageContaining("is closed");
    }

    @Test
    void methodDeclarationsAddToTheClassOnes() {
        run(MethodDeclarationCase.class).testEvents().assertStatistics(stats -> stats.started(2).succeeded(2));
    }

    @Test
    void perClassLifecycleSharesOneTopology() {
        SEEN.clear();
        run(PerClassCase.class).testEvents().assertStatistics(stats -> stats.started(2).succeeded(2));

        assertThat(SEEN).hasSize(3);
        assertThat(SEEN.get(1)).isSameAs(SEEN.get(0)).isSameAs(SEEN.get(2));
        assertThatThrownBy(() -> SEEN.get(0).call(() -> 1)).hasMessageContaining("is closed");
    }

    @Test
    void nestedClassesInheritTheOuterDeclarations() {
        run(NestedCase.class).testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
    }

    @Test
    void invalidDeclarationFailsTheTestNamingTheAnnotation() {
        run(BadCidrCase.class).allEvents().assertThatEvents().haveExactly(1, event(test("test"), finishedWithFailure(
                instanceOf(ExtensionConfigurationException.class),
                message(text -> text.contains("@VethPair(") && text.contains("on class BadCidrCase")
                        && text.contains("300 is over 255")))));
    }

    @Test
    void forgettingNetnsTestStillWorksThroughTheTopologyAnnotations() {
        run(NoNetnsTestCase.class).testEvents().assertStatistics(stats -> stats.succeeded(2).failed(0));
    }

    @Test
    void aTypoInAnInjectedNameSuggestsTheDeclaredOne() {
        run(TypoCase.class).allEvents().assertThatEvents().haveExactly(1, event(test("test"), finishedWithFailure(
                instanceOf(ExtensionConfigurationException.class),
                message(text -> text.contains("@Namespace(\"bleu\") on parameter") && text.contains("did you mean 'blue'?")))));
        run(FarNameCase.class).testEvents().assertStatistics(stats -> stats.succeeded(1));
    }

    @Test
    void parameterWithoutNamespaceAnnotationIsExplained() {
        run(MissingAnnotationCase.class).allEvents().assertThatEvents().haveExactly(1, event(test("test"), finishedWithFailure(
                instanceOf(ParameterResolutionException.class),
                message(text -> text.contains("needs @Namespace(\"name\")")))));
    }

    @Test
    void staticFieldWithPerTestLifecycleIsRefused() {
        run(StaticFieldCase.class).allEvents().assertThatEvents().haveExactly(1, event(finishedWithFailure(
                instanceOf(ExtensionConfigurationException.class),
                message(text -> text.contains("Static field StaticFieldCase.red") && text.contains("PER_CLASS")))));
    }

    @Test
    void methodDeclarationsWithPerClassLifecycleAreRefused() {
        run(PerClassMethodDeclarationCase.class).allEvents().assertThatEvents().haveExactly(1, event(test("test"), finishedWithFailure(
                instanceOf(ExtensionConfigurationException.class),
                message(text -> text.contains("declare on the class instead")))));
    }

    @Test
    void wrongFieldTypeIsNamed() {
        run(WrongFieldTypeCase.class).allEvents().assertThatEvents().haveExactly(1, event(test("test"), finishedWithFailure(
                instanceOf(ExtensionConfigurationException.class),
                message(text -> text.contains("field WrongFieldTypeCase.red") && text.contains("must be NetNs")))));
    }

    @NetnsTest
    @Namespace("red")
    @Namespace("blue")
    @VethPair(left = "red", leftAddress = "10.1.0.1/24", right = "blue", rightAddress = "10.1.0.2/24")
    static class InjectionCase {

        @Namespace("red") NetNs red;
        Topology topology;

        @Test
        void first(@Namespace("blue") NetNs blue) {
            assertThat(red).canPing(blue);
            assertThat(topology.namespace("blue")).isSameAs(blue);
            SEEN.add(red);
        }

        @Test
        void second(Topology topology) {
            assertThat(topology).isSameAs(this.topology);
            SEEN.add(red);
        }
    }

    @NetnsTest
    @Namespace("red")
    static class FailingCase {

        @Test
        void test(@Namespace("red") NetNs red) {
            SEEN.add(red);
            throw new AssertionError("deliberate");
        }
    }

    @NetnsTest
    @Namespace("red")
    @Namespace("blue")
    @VethPair(left = "red", leftAddress = "10.2.0.1/24", right = "blue", rightAddress = "10.2.0.2/24")
    static class MethodDeclarationCase {

        @Test
        @Namespace("green")
        @VethPair(left = "blue", leftAddress = "10.3.0.1/24", right = "green", rightAddress = "10.3.0.2/24")
        void withGreen(@Namespace("green") NetNs green, @Namespace("red") NetNs red) {
            assertThat(green).canPing("10.3.0.1").cannotPing("10.2.0.1");
            assertThat(red).canPing("10.2.0.2");
        }

        @Test
        void withoutGreen(Topology topology) {
            assertThat(topology.namespaces()).extracting(NetNs::name).containsExactly("red", "blue");
        }
    }

    @NetnsTest(lifecycle = TopologyLifecycle.PER_CLASS)
    @Namespace("red")
    @VethPair(left = "red", leftAddress = "10.4.0.1/24", right = "blue", rightAddress = "10.4.0.2/24")
    static class PerClassCase {

        @Namespace("red") static NetNs shared;

        @BeforeAll
        static void before(@Namespace("blue") NetNs blue) {
            assertThat(blue).canPing(shared);
            SEEN.add(shared);
        }

        @Test
        void first(@Namespace("red") NetNs red) {
            SEEN.add(red);
        }

        @Test
        void second(@Namespace("red") NetNs red) {
            SEEN.add(red);
        }
    }

    @NetnsTest
    @Namespace("red")
    @Namespace("blue")
    @VethPair(left = "red", leftAddress = "10.5.0.1/24", right = "blue", rightAddress = "10.5.0.2/24")
    static class NestedCase {

        @Nested
        class Inner {

            @Namespace("red") NetNs red;

            @Test
            void reachesBlue() {
                assertThat(red).canPing("10.5.0.2");
            }
        }
    }

    @NetnsTest
    @Namespace("red")
    @VethPair(left = "red", leftAddress = "10.0.0.300/24", right = "blue")
    static class BadCidrCase {

        @Test
        void test() {
        }
    }

    @Namespace("red")
    @Namespace("blue")
    @VethPair(left = "red", leftAddress = "10.44.0.1/24", right = "blue", rightAddress = "10.44.0.2/24")
    static class NoNetnsTestCase {

        @Namespace("red") NetNs red;

        @Test
        void fieldInjected() {
            assertThat(red).canPing("blue");
        }

        @Test
        void parameterInjected(@Namespace("blue") NetNs blue) {
            assertThat(blue).canPing("red");
        }
    }

    @NetnsTest
    @Namespace("red")
    @Namespace("blue")
    static class TypoCase {

        @Test
        void test(@Namespace("bleu") NetNs blue) {
        }
    }

    @NetnsTest
    @Namespace("red")
    static class FarNameCase {

        @Test
        void test(@Namespace("observer") NetNs observer) {
            assertThat(observer.links()).hasSize(1);
        }
    }

    @NetnsTest
    @Namespace("red")
    static class MissingAnnotationCase {

        @Test
        void test(NetNs red) {
        }
    }

    @NetnsTest
    @Namespace("red")
    static class StaticFieldCase {

        @Namespace("red") static NetNs red;

        @Test
        void test() {
        }
    }

    @NetnsTest(lifecycle = TopologyLifecycle.PER_CLASS)
    @Namespace("red")
    static class PerClassMethodDeclarationCase {

        @Test
        @Namespace("blue")
        void test() {
        }
    }

    @NetnsTest
    static class WrongFieldTypeCase {

        @Namespace("red") String red;

        @Test
        void test() {
        }
    }
}
