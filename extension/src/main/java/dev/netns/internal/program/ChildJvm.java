package dev.netns.internal.program;

import dev.netns.NetnsException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line of a child JVM: this JVM's {@code java} binary and class path, JVM options,
 * system properties, then the main class and its arguments.
 */
final class ChildJvm {

    private final String namespace;
    private final String javaBinary;
    private final String classPath;
    private final String mainClass;
    private final List<String> args;
    private final List<String> options = new ArrayList<>();
    private final Map<String, String> properties = new LinkedHashMap<>();

    private ChildJvm(String namespace, String javaBinary, String classPath, String mainClass, List<String> args) {
        this.namespace = namespace;
        this.javaBinary = javaBinary;
        this.classPath = classPath;
        this.mainClass = mainClass;
        this.args = args;
    }

    /** A child JVM of this JVM's {@code java}, with this JVM's class path, running {@code mainClass}. */
    static ChildJvm of(String namespace, Class<?> mainClass, String... args) {
        if (mainClass == null) {
            throw new NetnsException("java() in namespace '" + namespace + "': the main class is null");
        }
        if (!hasMain(mainClass)) {
            throw new NetnsException("java(" + mainClass.getName() + ") in namespace '" + namespace + "': "
                    + mainClass.getName() + " has no public static void main(String[]) method");
        }
        List<String> arguments = CommandBuilder.checkedArgv(namespace, withProgram(mainClass.getName(), args))
                .subList(1, args == null ? 1 : args.length + 1);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        if (!Files.isExecutable(java)) {
            throw new NetnsException("java(" + mainClass.getName() + ") in namespace '" + namespace + "': this JVM's "
                    + "java binary " + java + " is not executable");
        }
        return new ChildJvm(namespace, java.toString(), System.getProperty("java.class.path", ""),
                mainClass.getName(), arguments);
    }

    private static String[] withProgram(String program, String... args) {
        String[] all = new String[(args == null ? 0 : args.length) + 1];
        all[0] = program;
        if (args != null) {
            System.arraycopy(args, 0, all, 1, args.length);
        }
        return all;
    }

    private static boolean hasMain(Class<?> type) {
        try {
            Method main = type.getMethod("main", String[].class);
            return Modifier.isStatic(main.getModifiers()) && main.getReturnType() == void.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    String javaBinary() {
        return javaBinary;
    }

    void addOptions(String... more) {
        if (more == null || Arrays.asList(more).contains(null)) {
            throw new NetnsException("java(" + mainClass + ") in namespace '" + namespace + "': a JVM option is null");
        }
        options.addAll(List.of(more));
    }

    void addProperty(String name, String value) {
        if (name == null || name.isEmpty() || name.indexOf('=') >= 0) {
            throw new NetnsException("java(" + mainClass + ") in namespace '" + namespace + "': '" + name
                    + "' is not a system property name");
        }
        if (value == null) {
            properties.remove(name);
        } else {
            properties.put(name, value);
        }
    }

    /** How the next start goes: with the run's class-data-sharing archive of this kind of child, or training it. */
    ClassDataArchives.Launch launch() {
        return ClassDataArchives.ofRun().launch(javaBinary, classPath, options, mainClass);
    }

    /** A training child of {@code launch} exited with {@code exitCode}. */
    void exited(ClassDataArchives.Launch launch, int exitCode) {
        ClassDataArchives.ofRun().trained(javaBinary, classPath, options, mainClass, launch, exitCode);
    }

    /** The whole command line, as the user wrote it. */
    List<String> argv() {
        return argv(ClassDataArchives.Launch.plain(classPath));
    }

    /** The whole command line for {@code launch}: its options first, so that the user's own come after. */
    List<String> argv(ClassDataArchives.Launch launch) {
        List<String> argv = new ArrayList<>();
        argv.add(javaBinary);
        argv.addAll(launch.options());
        argv.addAll(options);
        properties.forEach((name, value) -> argv.add("-D" + name + "=" + value));
        argv.add("-cp");
        argv.add(launch.classPath());
        argv.add(mainClass);
        argv.addAll(args);
        return argv;
    }
}
