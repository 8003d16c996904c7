package dev.netns.junit;

import dev.netns.NetNs;
import dev.netns.NetnsException;
import dev.netns.Topology;
import dev.netns.internal.model.Spelling;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * Reads the topology annotations of a test class, its enclosing classes and a test method, and
 * turns them into one {@link Topology.Builder}, each declaration named by where it was written.
 */
final class TopologyDeclarations {

    private final Topology.Builder builder = Topology.builder();
    private final Set<String> namespaces = new LinkedHashSet<>();
    private final Set<String> declaredNames = new LinkedHashSet<>();
    private final Map<String, String> injectedOnly = new LinkedHashMap<>();
    private boolean empty = true;

    /** Whether nothing was declared. */
    boolean isEmpty() {
        return empty;
    }

    /** The builder holding every declaration read so far. */
    Topology.Builder builder() {
        return builder;
    }

    /** Reads a class's declarations, outermost enclosing class first, then its own fields. */
    TopologyDeclarations addClass(Class<?> testClass) {
        List<Class<?>> chain = new ArrayList<>();
        for (Class<?> current = testClass; current != null; current = current.getEnclosingClass()) {
            chain.add(0, current);
        }
        for (Class<?> current : chain) {
            addElement(current, "class " + current.getSimpleName());
        }
        for (Class<?> current : chain) {
            AnnotationSupport.findAnnotation(current, RunIn.class)
                    .ifPresent(runIn -> reference(runIn.value(), runIn, "class " + current.getSimpleName()));
        }
        for (Class<?> current : chain) {
            for (Field field : AnnotationSupport.findAnnotatedFields(current, Namespace.class, field -> true,
                    HierarchyTraversalMode.TOP_DOWN)) {
                reference(AnnotationSupport.findAnnotation(field, Namespace.class).orElseThrow(),
                        "field " + field.getDeclaringClass().getSimpleName() + "." + field.getName());
            }
        }
        return this;
    }

    /** Reads a test method's declarations and the namespaces its parameters name. */
    TopologyDeclarations addMethod(Method method) {
        addElement(method, where(method));
        AnnotationSupport.findAnnotation(method, RunIn.class).ifPresent(runIn -> reference(runIn.value(), runIn, where(method)));
        return addParameterReferences(method);
    }

    /** Reads the namespaces named by the parameters of every method of a class (for a shared topology). */
    TopologyDeclarations addParameterReferencesOfAllMethods(Class<?> testClass) {
        ReflectionSupport.findMethods(testClass, method -> method.getParameterCount() > 0, HierarchyTraversalMode.TOP_DOWN)
                .forEach(this::addParameterReferences);
        return this;
    }

    private TopologyDeclarations addParameterReferences(Method method) {
        String where = where(method);
        for (Parameter parameter : method.getParameters()) {
            Namespace namespace = AnnotationSupport.findAnnotation(parameter, Namespace.class).orElse(null);
            if (namespace != null && NetNs.class.equals(parameter.getType())) {
                reference(namespace, "parameter " + parameter.getName() + " of " + where);
            }
        }
        return this;
    }

    private static String where(Method method) {
        return "method " + method.getDeclaringClass().getSimpleName() + "." + method.getName() + "()";
    }

    /** Every annotation that declares part of a topology: the one list of them. */
    static final List<Class<? extends Annotation>> TOPOLOGY_ANNOTATIONS =
            List.of(Namespace.class, Bridge.class, VethPair.class, Route.class, Nat.class, PortForward.class, Impair.class);

    /** Whether {@code method} declares anything of its own (not counting parameter references). */
    static boolean declaresOnMethod(Method method) {
        return TOPOLOGY_ANNOTATIONS.stream().anyMatch(type -> !findAll(method, type).isEmpty());
    }

    private void addElement(AnnotatedElement element, String where) {
        for (Namespace namespace : findAll(element, Namespace.class)) {
            // a name declared twice reaches the validator, which reports both places
            namespaces.add(namespace.value());
            declaredNames.add(namespace.value());
            injectedOnly.remove(namespace.value());
            origin(namespace, where).namespace(namespace.value(), namespace.forwarding());
        }
        for (Bridge bridge : findAll(element, Bridge.class)) {
            declaredNames.add(bridge.value());
            origin(bridge, where).bridge(bridge.value(), emptyToNull(bridge.address()), bridge.in(), bridge.netfilter(),
                    bridge.stp());
        }
        for (VethPair veth : findAll(element, VethPair.class)) {
            origin(veth, where).veth(veth.left(), emptyToNull(veth.leftAddress()), veth.right(),
                    emptyToNull(veth.rightAddress()), veth.mtu(), emptyToNull(veth.leftMac()), emptyToNull(veth.rightMac()));
        }
        for (Route route : findAll(element, Route.class)) {
            origin(route, where).route(route.in(), route.to(), route.via());
        }
        for (Nat nat : findAll(element, Nat.class)) {
            origin(nat, where).nat(nat.in(), nat.source(), emptyToNull(nat.out()));
        }
        for (PortForward forward : findAll(element, PortForward.class)) {
            origin(forward, where).portForward(forward.in(), forward.port(), forward.to(), forward.protocol());
        }
        for (Impair impair : findAll(element, Impair.class)) {
            Topology.Builder declaring = origin(impair, where);
            declaring.impair(impair.link(), ImpairAnnotation.toImpairment(impair, describe(impair) + " on " + where));
        }
        builder.origin(null);
    }

    private void reference(Namespace namespace, String where) {
        if (namespaces.add(namespace.value())) {
            injectedOnly.put(namespace.value(), "@Namespace(\"" + namespace.value() + "\") on " + where);
            origin(namespace, where).namespace(namespace.value(), namespace.forwarding());
            builder.origin(null);
        }
    }

    /** A namespace that {@code annotation} ({@link RunIn}) names: declared if nothing else declares it. */
    private void reference(String name, Annotation annotation, String where) {
        if (namespaces.add(name)) {
            injectedOnly.put(name, "@RunIn(\"" + name + "\") on " + where);
            origin(annotation, where).namespace(name);
            builder.origin(null);
        }
    }

    /**
     * Refuses a name that only an injection mentions when it is one or two edits from a declared
     * name: {@code @Namespace("bleu") NetNs} next to {@code @Namespace("blue")} is a typo, not a wish
     * for a second, empty namespace. A name far from all others still declares an empty namespace.
     */
    void checkInjectedNames() {
        injectedOnly.forEach((name, where) -> {
            for (String declared : declaredNames) {
                if (!declared.equals(name) && Spelling.distance(name, declared) <= 2) {
                    throw new NetnsException(where + " names a namespace "
                            + "that nothing declares; did you mean '" + declared + "'? (To declare a new empty "
                            + "namespace on purpose, add @Namespace(\"" + name + "\") to the class.)");
                }
            }
        });
    }

    private Topology.Builder origin(Annotation annotation, String where) {
        empty = false;
        return builder.origin(describe(annotation) + " on " + where);
    }

    /**
     * An annotation as a user would have written it: without its package, and only the attributes
     * given (those left at their default are not shown): {@code @Route(in = "blue", to = "default", via = "10.0.0.254")}.
     */
    static String describe(Annotation annotation) {
        String full = annotation.toString();
        List<String> given = new ArrayList<>();
        List<Method> members = new ArrayList<>(List.of(annotation.annotationType().getDeclaredMethods()));
        // the required attributes first; neither reflection nor the JDK's own text keeps the declaration order
        members.sort(java.util.Comparator.comparing((Method member) -> member.getDefaultValue() != null)
                .thenComparing(Method::getName));
        for (Method member : members) {
            if (member.getParameterCount() != 0 || member.isSynthetic()) {
                continue;
            }
            Object value;
            try {
                member.setAccessible(true);
                value = member.invoke(annotation);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return full.replace("@" + annotation.annotationType().getPackageName() + ".", "@");
            }
            if (!java.util.Objects.deepEquals(value, member.getDefaultValue())) {
                given.add(member.getName() + " = " + render(value));
            }
        }
        String name = "@" + annotation.annotationType().getSimpleName();
        if (given.size() == 1 && given.get(0).startsWith("value = ")) {
            return name + "(" + given.get(0).substring("value = ".length()) + ")";
        }
        return name + (given.isEmpty() ? "" : "(" + String.join(", ", given) + ")");
    }

    private static String render(Object value) {
        if (value instanceof String text) {
            return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        if (value instanceof Double number && number == Math.rint(number) && !Double.isInfinite(number)) {
            return String.valueOf(number.longValue());
        }
        if (value instanceof Enum<?> constant) {
            return constant.getDeclaringClass().getSimpleName() + "." + constant.name();
        }
        if (value instanceof Object[] array) {
            List<String> parts = new ArrayList<>();
            for (Object element : array) {
                parts.add(render(element));
            }
            return "{" + String.join(", ", parts) + "}";
        }
        return String.valueOf(value);
    }

    private static <A extends Annotation> List<A> findAll(AnnotatedElement element, Class<A> type) {
        return AnnotationSupport.findRepeatableAnnotations(element, type);
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }
}
