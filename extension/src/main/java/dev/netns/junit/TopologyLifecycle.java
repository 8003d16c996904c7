package dev.netns.junit;

/** How long a topology made by {@link NetnsExtension} lives. */
public enum TopologyLifecycle {

    /** A fresh topology before each test, torn down after it, pass or fail. The default. */
    PER_TEST,

    /**
     * One topology for all tests of the class, made before the first test ({@code @BeforeAll}
     * time) and torn down after the last. Declarations go on the class only; static fields
     * annotated {@link Namespace} are filled too. Tests must not leave changes that others trip on.
     */
    PER_CLASS
}
