package dev.netns.junit;

import dev.netns.NetNs;
import dev.netns.NetnsException;
import dev.netns.Topology;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
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
 * test ends, after {@code @AfterEach} methods, whatever happened.
 */
public class NetnsExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(NetnsExtension.class);
    private static final String TOPOLOGY = "topology";

    /** Creates the extension; JUnit does this when it is registered. */
    public NetnsExtension() {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        if (lifecycle(testClass) != TopologyLifecycle.PER_CLASS) {
            rejectStaticFields(testClass);
            return;
        }
        TopologyDeclarations declarations = new TopologyDeclarations().addClass(testClass, false)
                .addParameterReferencesOfAllMethods(testClass);
        if (declarations.isEmpty()) {
            return;
        }
        Topology topology = start(declarations);
        context.getStore(STORE).put(TOPOLOGY, topology);
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
            topology = context.getStore(STORE).get(TOPOLOGY, Topology.class);
        } else {
            TopologyDeclarations declarations = new TopologyDeclarations()
                    .addClass(testClass, false)
                    .addMethod(context.getRequiredTestMethod());
            if (declarations.isEmpty()) {
                return;
            }
            topology = start(declarations);
            context.getStore(STORE).put(TOPOLOGY, topology);
        }
        if (topology != null) {
            for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
                injectFields(instance.getClass(), instance, topology, false);
            }
        }
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
        Topology topology = extensionContext.getStore(STORE).get(TOPOLOGY, Topology.class);
        if (topology == null) {
            throw new ParameterResolutionException("No topology to inject into " + where + ": declare namespaces with "
                    + "@Namespace on the class or method (for @BeforeAll methods use @NetnsTest(lifecycle = PER_CLASS))");
        }
        if (parameter.getType() == Topology.class) {
            return topology;
        }
        Namespace namespace = parameter.getAnnotation(Namespace.class);
        if (namespace == null) {
            throw new ParameterResolutionException(where + " of type NetNs needs @Namespace(\"name\") to say which namespace");
        }
        try {
            return topology.namespace(namespace.value());
        } catch (NetnsException e) {
            throw new ParameterResolutionException(where + ": " + e.getMessage(), e);
        }
    }

    private static Topology start(TopologyDeclarations declarations) {
        try {
            declarations.builder().validate();
        } catch (NetnsException e) {
            throw new ExtensionConfigurationException("Invalid topology: " + e.getMessage(), e);
        }
        return declarations.builder().start();
    }

    private static void injectFields(Class<?> type, Object instance, Topology topology, boolean statics) {
        List<Field> fields = ReflectionSupport.findFields(type,
                field -> Modifier.isStatic(field.getModifiers()) == statics
                        && (field.isAnnotationPresent(Namespace.class) || field.getType() == Topology.class),
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
                value = topology.namespace(field.getAnnotation(Namespace.class).value());
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
                            && (field.isAnnotationPresent(Namespace.class) || field.getType() == Topology.class),
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
        for (Class<?> current = testClass; current != null; current = current.getEnclosingClass()) {
            var annotation = AnnotationSupport.findAnnotation(current, NetnsTest.class);
            if (annotation.isPresent()) {
                return annotation.get().lifecycle();
            }
        }
        return TopologyLifecycle.PER_TEST;
    }
}
