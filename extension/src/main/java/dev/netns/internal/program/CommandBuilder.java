package dev.netns.internal.program;

import dev.netns.Command;
import dev.netns.ExecResult;
import dev.netns.NetNs;
import dev.netns.NetnsException;
import dev.netns.internal.model.Timeouts;
import dev.netns.Program;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@link Command} of one namespace: collects options, then hands a {@link CommandSpec} to its runner. */
public final class CommandBuilder implements Command {

    private final ProgramRunner runner;
    private final List<String> argv;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private Path directory;
    private byte[] inputBytes;
    private Path inputFile;
    private Duration timeout = NetNs.DEFAULT_EXEC_TIMEOUT;
    private final ChildJvm jvm;

    /** A command that runs {@code command} (argv) inside {@code namespace}. */
    public CommandBuilder(ProgramRunner runner, String namespace, String... command) {
        this.runner = runner;
        this.argv = checkedArgv(namespace, command);
        this.jvm = null;
    }

    private CommandBuilder(ProgramRunner runner, ChildJvm jvm) {
        this.runner = runner;
        this.jvm = jvm;
        this.argv = List.of(jvm.javaBinary());
    }

    /** A command that starts a child JVM running {@code mainClass} with {@code args} inside {@code namespace}. */
    public static CommandBuilder java(ProgramRunner runner, String namespace, Class<?> mainClass, String... args) {
        return new CommandBuilder(runner, ChildJvm.of(namespace, mainClass, args));
    }

    /** The argv as a list, or a {@link NetnsException} that says what is wrong with it. */
    static List<String> checkedArgv(String namespace, String... command) {
        if (command == null || command.length == 0) {
            throw new NetnsException("command in namespace '" + namespace + "': no program given");
        }
        for (int i = 0; i < command.length; i++) {
            if (command[i] == null) {
                throw new NetnsException("command " + Arrays.toString(command) + " in namespace '" + namespace
                        + "': argument " + i + " is null");
            }
        }
        if (command[0].isEmpty()) {
            throw new NetnsException("command " + Arrays.toString(command) + " in namespace '" + namespace
                    + "': the program name is empty");
        }
        return List.of(command);
    }

    @Override
    public Command environment(String name, String value) {
        if (name == null || name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
            throw new NetnsException("command " + argv + ": '" + name + "' is not an environment variable name");
        }
        environment.put(name, value);
        return this;
    }

    @Override
    public Command directory(Path directory) {
        this.directory = directory;
        return this;
    }

    @Override
    public Command input(byte[] bytes) {
        this.inputBytes = bytes == null ? null : bytes.clone();
        this.inputFile = null;
        return this;
    }

    @Override
    public Command input(Path file) {
        this.inputFile = file;
        this.inputBytes = null;
        return this;
    }

    @Override
    public Command timeout(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new NetnsException("command " + argv + ": the timeout must be zero or positive, not " + timeout);
        }
        this.timeout = Timeouts.clamp(timeout);
        return this;
    }

    @Override
    public Command jvmOptions(String... options) {
        requireJvm("jvmOptions").addOptions(options);
        return this;
    }

    @Override
    public Command systemProperty(String name, String value) {
        requireJvm("systemProperty").addProperty(name, value);
        return this;
    }

    private ChildJvm requireJvm(String method) {
        if (jvm == null) {
            throw new NetnsException("command " + argv + ": " + method + "() applies to child JVMs made by "
                    + "NetNs.java(mainClass, args...), not to other programs");
        }
        return jvm;
    }

    @Override
    public ExecResult exec() {
        if (jvm == null) {
            return runner.run(spec(argv));
        }
        return startJvm().waitFor(timeout);
    }

    @Override
    public Program start() {
        return jvm == null ? runner.start(spec(argv)) : startJvm();
    }

    private RunningProgram startJvm() {
        ClassDataArchives.Launch launch = jvm.launch();
        RunningProgram program;
        try {
            program = runner.start(spec(jvm.argv(launch)));
        } catch (RuntimeException e) {
            jvm.exited(launch, -1);
            throw e;
        }
        if (launch.trains()) {
            program.whenFinished(exitCode -> jvm.exited(launch, exitCode));
        }
        return program;
    }

    private CommandSpec spec(List<String> command) {
        return new CommandSpec(command, environment, directory, inputBytes, inputFile, timeout);
    }
}
