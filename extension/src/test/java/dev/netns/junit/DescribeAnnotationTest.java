package dev.netns.junit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Error messages show an annotation as the user wrote it: the attributes given, not every default. */
class DescribeAnnotationTest {

    @Impair(link = "red:eth0", loss = 5)
    @VethPair(left = "red", leftAddress = "10.0.0.1/24", right = "blue")
    @Namespace("red")
    @Route(in = "blue", to = "default", via = "10.0.0.1")
    private static final class Declared {
    }

    @Test
    void onlyTheGivenAttributesAreShownTheRequiredOnesFirst() {
        assertThat(TopologyDeclarations.describe(Declared.class.getAnnotation(Impair.class)))
                .isEqualTo("@Impair(link = \"red:eth0\", loss = 5)");
        assertThat(TopologyDeclarations.describe(Declared.class.getAnnotation(VethPair.class)))
                .isEqualTo("@VethPair(left = \"red\", right = \"blue\", leftAddress = \"10.0.0.1/24\")");
        assertThat(TopologyDeclarations.describe(Declared.class.getAnnotation(Namespace.class)))
                .isEqualTo("@Namespace(\"red\")");
        assertThat(TopologyDeclarations.describe(Declared.class.getAnnotation(Route.class)))
                .isEqualTo("@Route(in = \"blue\", to = \"default\", via = \"10.0.0.1\")");
    }
}
