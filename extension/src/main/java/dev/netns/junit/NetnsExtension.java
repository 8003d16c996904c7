package dev.netns.junit;

import dev.netns.NetNs;
import dev.netns.NetnsException;
import dev.netns.Topology;
import dev.netns.internal.placement.Escape;
import dev.netns.internal.placement.Escapes;
import dev.netns.internal.placement.GhostPolicy;
import dev.netns.internal.placement.TopologyAddresses;
import dev.netns.internal.system.Privileges;
import dev.netns.internal.topology.StateReport;
import java.lang.System.Logger.Level;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ModifierSupport;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * The JUnit Jupiter extension behind {@link NetnsTest}: turns the topology annotations of a test
 * class and method into one {@link Topology}, starts it before each test (or once per class),
 * injects {@link NetNs} and {@link Topology} fields and parameters, and tears it down after the
 * test, pass or fail.
 *
 * <p>Register it with {@code @NetnsTest}, or by hand with {@code @ExtendWith(NetnsExtension.class)}.
 * The topology lives in the test's {@link ExtensionContext.Store}, so JUnit closes it when the
 * test ends, after {@code @AfterEach} methods, whatever happened. When a test fails, the state of
 * every namespace is logged and attached to the test's report as {@code netns-state.txt}; when it
 * failed because a history was not linearizable, the picture of that history as {@code history.html}.
 */
public class NetnsExtension implements ExecutionCondition, BeforeAllCallback, BeforeEachCallback,
        AfterTestExecutionCallback, AfterEachCallback, ParameterResolver, TestWatcher, InvocationInterceptor {

    /** Configuration parameter naming the default {@link CleanupMode}: {@code always}, {@code on_success}, {@code never}. */
    public static final String CLEANUP_MODE_PROPERTY = "netns.cleanup.mode.default";

    private static final System.Logger LOG = System.getLogger(NetnsExtension.class.getName());
    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(NetnsExtension.class);
    private static final String TOPOLOGY = "topology";
    private static final String RUN_IN_THREAD = "run-in-thread";

    /** Creates the extension; JUnit does this when it is registered. */
    public NetnsExtension() {
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        boolean skipWithoutPrivileges = context.getTestClass().flatMap(NetnsExtension::netnsTest)
                .map(NetnsTest::disabledWithoutPrivileges).orElse(false);
        if (skipWithoutPrivileges) {
            List<String> missing = Privileges.missing();
            if (!missing.isEmpty()) {
                return ConditionEvaluationResult.disabled(Privileges.explainSkip(missing));
            }
        }
        return ConditionEvaluationResult.enabled("network namespaces can be created");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        if (lifecycle(testClass) != TopologyLifecycle.PER_CLASS) {
            rejectStaticFields(testClass);
            return;
        }
        TopologyDeclarations declarations = new TopologyDeclarations().addClass(testClass)
                .addParameterReferencesOfAllMethods(testClass);
        if (declarations.isEmpty()) {
            return;
        }
        Topology topology = start(declarations, context);
        injectFields(testClass, null, topology, true);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        Topology topology;
        if (lifecycle(testClass) == TopologyLifecycle.PER_CLASS) {
            if (TopologyDeclarations.declaresOnMethod(context.getRequiredTestMethod())) {
                throw new ExtensionConfigurationException("Method " + context.getRequiredTestMethod().getName()
                        + "() declares topology annotations, but " + testClass.getSimpleName()
                        + " shares one topology per class (lifecycle = PER_CLASS): declare on the class instead");
            }
            topology = managed(context).map(ManagedTopology::topology).orElse(null);
        } else {
            TopologyDeclarations declarations = new TopologyDeclarations()
                    .addClass(testClass)
                    .addMethod(context.getRequiredTestMethod());
            if (declarations.isEmpty()) {
                return;
            }
            topology = start(declarations, context);
        }
        if (topology != null) {
            for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
                injectFields(instance.getClass(), instance, topology, false);
            }
        }
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        Optional<Throwable> failure = context.getExecutionException();
        failure.ifPresent(cause -> HistoryPictures.attach(context, cause));
        Optional<ManagedTopology> managed = managed(context);
        if (failure.isEmpty() || managed.isEmpty()) {
            return;
        }
        managed.get().markFailed();
        String state = StateReport.describe(managed.get().topology());
        LOG.log(Level.WARNING, "netns-junit: " + context.getDisplayName() + " failed; state of its network:\n" + state);
        context.publishReportEntry("netns.state", state);
        ReportFile.attach(context, "netns-state.txt", state);
    }

    /**
     * Fails the test when JVM code outside its topology tried to reach the topology (an escape):
     * the code under test did not run where the test meant it to, even if it caught the error.
     */
    @Override
    public void afterEach(ExtensionContext context) {
        managed(context).ifPresent(managed -> {
            List<Escape> escapes = TopologyAddresses.takeFor(managed.topology().namespaces());
            if (!escapes.isEmpty()) {
                throw new NetnsException(Escapes.explain(escapes));
            }
        });
    }

    /**
     * A test that failed anywhere, {@code @AfterEach} included, counts as a failure of a topology
     * its class shares (cleanup mode {@code ON_SUCCESS} then keeps it), as JUnit's own
     * {@code @TempDir} tracks failures of its children.
     */
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        context.getParent()
                .map(parent -> parent.getStore(STORE).get(TOPOLOGY, ManagedTopology.class))
                .ifPresent(ManagedTopology::markFailed);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == NetNs.class || type == Topology.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        var parameter = parameterContext.getParameter();
        String where = "parameter " + parameter.getName() + " of " + parameterContext.getDeclaringExecutable().getName() + "()";
        Topology topology = managed(extensionContext).map(ManagedTopology::topology).orElseThrow(() ->
                new ParameterResolutionException("No topology to inject into " + where + ": declare namespaces with "
                        + "@Namespace on the class or method (for @BeforeAll methods use @NetnsTest(lifecycle = PER_CLASS))"));
        if (parameter.getType() == Topology.class) {
            return topology;
        }
        // findAnnotation, not getAnnotation: a composed annotation meta-annotated with @Namespace counts too
        Namespace namespace = parameterContext.findAnnotation(Namespace.class).orElse(null);
        if (namespace == null) {
            throw new ParameterResolutionException(where + " of type NetNs needs @Namespace(\"name\") to say which namespace");
        }
        try {
            return topology.namespace(namespace.value());
        } catch (NetnsException e) {
            throw new ParameterResolutionException(where + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void interceptBeforeEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext) throws Throwable {
        proceedInNamespace(invocation, extensionContext);
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext) throws Throwable {
        proceedInNamespace(invocation, extensionContext);
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext) throws Throwable {
        proceedInNamespace(invocation, extensionContext);
    }

    @Override
    public void interceptAfterEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext) throws Throwable {
        proceedInNamespace(invocation, extensionContext);
    }

    /** Runs {@code invocation} on the test's {@link RunIn} thread, or where it is when the test has no {@code @RunIn}. */
    private static void proceedInNamespace(Invocation<Void> invocation, ExtensionContext context) throws Throwable {
        Optional<RunIn> runIn = runIn(context);
        if (runIn.isEmpty()) {
            invocation.proceed();
            return;
        }
        String name = runIn.get().value();
        Topology topology = managed(context).map(ManagedTopology::topology).orElseThrow(() ->
                new ExtensionConfigurationException("@RunIn(\"" + name + "\") on " + context.getDisplayName()
                        + ": there is no topology to run in"));
        RunInThread thread = context.getStore(STORE).getOrComputeIfAbsent(RUN_IN_THREAD,
                key -> new RunInThread(topology.namespace(name)), RunInThread.class);
        thread.run(invocation);
    }

    /** The {@link RunIn} of the current test method, or of its class (the innermost enclosing class that has one). */
    private static Optional<RunIn> runIn(ExtensionContext context) {
        Optional<RunIn> onMethod = context.getTestMethod().flatMap(method -> AnnotationSupport.findAnnotation(method, RunIn.class));
        if (onMethod.isPresent()) {
            return onMethod;
        }
        for (Class<?> current = context.getTestClass().orElse(null); current != null; current = current.getEnclosingClass()) {
            Optional<RunIn> onClass = AnnotationSupport.findAnnotation(current, RunIn.class);
            if (onClass.isPresent()) {
                return onClass;
            }
        }
        return Optional.empty();
    }

    private static Optional<ManagedTopology> managed(ExtensionContext context) {
        return Optional.ofNullable(context.getStore(STORE).get(TOPOLOGY, ManagedTopology.class));
    }

    private static Topology start(TopologyDeclarations declarations, ExtensionContext context) {
        try {
            declarations.checkInjectedNames();
            declarations.builder().validate();
        } catch (NetnsException e) {
            throw new ExtensionConfigurationException("Invalid topology: " + e.getMessage(), e);
        }
        // read before anything is made: a bad configuration value must not leave a topology behind
        CleanupMode cleanup = cleanupMode(context);
        context.getConfigurationParameter(GhostPolicy.PROPERTY).ifPresent(value -> {
            try {
                GhostPolicy.configure(value);
            } catch (IllegalArgumentException e) {
                throw new ExtensionConfigurationException("Configuration parameter " + e.getMessage());
            }
        });
        Topology topology = declarations.builder().start();
        context.getStore(STORE).put(TOPOLOGY, new ManagedTopology(topology, cleanup, context));
        return topology;
    }

    private static CleanupMode cleanupMode(ExtensionContext context) {
        CleanupMode declared = context.getTestClass().flatMap(NetnsExtension::netnsTest)
                .map(NetnsTest::cleanup).orElse(CleanupMode.DEFAULT);
        if (declared != CleanupMode.DEFAULT) {
            return declared;
        }
        return context.getConfigurationParameter(CLEANUP_MODE_PROPERTY).map(value -> {
            try {
                CleanupMode mode = CleanupMode.valueOf(value.strip().toUpperCase(Locale.ROOT));
                return mode == CleanupMode.DEFAULT ? CleanupMode.ALWAYS : mode;
            } catch (IllegalArgumentException e) {
                throw new ExtensionConfigurationException("Configuration parameter " + CLEANUP_MODE_PROPERTY + "='"
                        + value + "' is not one of always, on_success, never");
            }
        }).orElse(CleanupMode.ALWAYS);
    }

    private static void injectFields(Class<?> type, Object instance, Topology topology, boolean statics) {
        List<Field> fields = ReflectionSupport.findFields(type,
                field -> Modifier.isStatic(field.getModifiers()) == statics
                        && (AnnotationSupport.isAnnotated(field, Namespace.class) || field.getType() == Topology.class),
                HierarchyTraversalMode.TOP_DOWN);
        for (Field field : fields) {
            String where = "field " + field.getDeclaringClass().getSimpleName() + "." + field.getName();
            if (ModifierSupport.isFinal(field)) {
                throw new ExtensionConfigurationException(where + " must not be final to be injected");
            }
            Object value;
            if (field.getType() == Topology.class) {
                value = topology;
            } else if (field.getType() == NetNs.class) {
                value = topology.namespace(AnnotationSupport.findAnnotation(field, Namespace.class).orElseThrow().value());
            } else {
                throw new ExtensionConfigurationException(where + " is annotated @Namespace but its type is "
                        + field.getType().getSimpleName() + "; it must be NetNs");
            }
            try {
                field.setAccessible(true);
                field.set(instance, value);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new ExtensionConfigurationException("Cannot inject " + where + ": " + e, e);
            }
        }
    }

    private static void rejectStaticFields(Class<?> testClass) {
        for (Class<?> current = testClass; current != null; current = current.getEnclosingClass()) {
            List<Field> statics = ReflectionSupport.findFields(current,
                    field -> ModifierSupport.isStatic(field)
                            && (AnnotationSupport.isAnnotated(field, Namespace.class) || field.getType() == Topology.class),
                    HierarchyTraversalMode.TOP_DOWN);
            if (!statics.isEmpty()) {
                Field field = statics.get(0);
                throw new ExtensionConfigurationException("Static field " + field.getDeclaringClass().getSimpleName() + "."
                        + field.getName() + " would be shared by all tests, but each test gets a fresh topology: make it "
                        + "an instance field, or share one topology with @NetnsTest(lifecycle = TopologyLifecycle.PER_CLASS)");
            }
        }
    }

    private static TopologyLifecycle lifecycle(Class<?> testClass) {
        return netnsTest(testClass).map(NetnsTest::lifecycle).orElse(TopologyLifecycle.PER_TEST);
    }

    private static Optional<NetnsTest> netnsTest(Class<?> testClass) {
        for (Class<?> current = testClass; current != null; current = current.getEnclosingClass()) {
            Optional<NetnsTest> annotation = AnnotationSupport.findAnnotation(current, NetnsTest.class);
            if (annotation.isPresent()) {
                return annotation;
            }
        }
        return Optional.empty();
    }
}
