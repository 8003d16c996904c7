package dev.netns.internal.deploy;

import dev.netns.NetnsException;
import dev.netns.internal.model.TopologyModel.NamespaceSpec;
import dev.netns.internal.model.TopologyModel;
import dev.netns.internal.system.KernelException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

/**
 * Makes a validated {@link TopologyModel} real through the {@link NamespaceKernel} seam: takes its
 * namespaces from a {@link NamespaceFactory}, then runs the {@link DeploymentPlan} phase by phase.
 * If anything fails, even with an {@link Error}, every namespace taken so far is closed before
 * the failure is thrown, named after the declaration whose step failed.
 */
public final class TopologyDeployment {

    private TopologyDeployment() {
    }

    /**
     * Makes everything {@code model} declares.
     *
     * @param realNames the machine-wide name for each logical namespace name
     * @return the namespaces by logical name, in declaration order
     * @throws NetnsException naming the declaration whose step failed, after rolling back
     */
    public static <K extends NamespaceKernel> Map<String, K> deploy(TopologyModel model, NamespaceFactory<K> factory,
            UnaryOperator<String> realNames) {
        Map<String, K> namespaces = new LinkedHashMap<>();
        try {
            for (NamespaceSpec spec : model.namespaces()) {
                namespaces.put(spec.name(), factory.create(realNames.apply(spec.name()), spec.forwarding()));
            }
            for (NamespaceSpec spec : model.namespaces()) {
                run(spec.origin(), "create namespace", () -> namespaces.get(spec.name()).awaitCreated());
            }
            for (DeploymentPlan.Phase phase : DeploymentPlan.of(model).phases()) {
                runSideBySide(phase, namespaces);
            }
            return Collections.unmodifiableMap(namespaces);
        } catch (RuntimeException | Error e) {
            // an Error too (no more threads, out of memory): what was made must not outlive it
            closeAll(namespaces.values(), e);
            throw e;
        }
    }

    /** Closes {@code namespaces} in reverse order, adding what goes wrong to {@code failure}. */
    private static void closeAll(Collection<? extends NamespaceKernel> namespaces, Throwable failure) {
        List<NamespaceKernel> reversed = new ArrayList<>(namespaces);
        Collections.reverse(reversed);
        for (NamespaceKernel namespace : reversed) {
            try {
                namespace.close();
            } catch (RuntimeException | Error suppressed) {
                failure.addSuppressed(suppressed);
            }
        }
    }

    /**
     * Runs each namespace's steps of {@code phase} in order on its thread, all namespaces at once,
     * and waits for all. If steps fail, the one declared first is reported.
     */
    private static void runSideBySide(DeploymentPlan.Phase phase, Map<String, ? extends NamespaceKernel> namespaces) {
        Map<String, List<KernelStep>> byNamespace = new LinkedHashMap<>();
        phase.steps().forEach(step -> byNamespace.computeIfAbsent(step.namespace(), key -> new ArrayList<>()).add(step));
        List<Future<StepFailure>> running = new ArrayList<>();
        for (Map.Entry<String, List<KernelStep>> entry : byNamespace.entrySet()) {
            NamespaceKernel self = namespaces.get(entry.getKey());
            running.add(self.submit(() -> {
                for (KernelStep step : entry.getValue()) {
                    try {
                        step.work().apply(self, namespaces::get);
                    } catch (Exception e) {
                        return new StepFailure(step, e);
                    }
                }
                return null;
            }));
        }
        StepFailure first = null;
        for (Future<StepFailure> result : running) {
            StepFailure failure = awaitUninterruptibly(result);
            if (failure != null && (first == null || failure.step().order() < first.step().order())) {
                first = failure;
            }
        }
        if (first != null) {
            StepFailure failure = first;
            run(failure.step().origin(), failure.step().action(), () -> {
                throw failure.cause();
            });
        }
    }

    /** A step that threw. */
    private record StepFailure(KernelStep step, Exception cause) {
    }

    /** Waits for a phase's work; an interrupt is kept for later, so that the rollback sees a settled state. */
    private static StepFailure awaitUninterruptibly(Future<StepFailure> result) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof Error error) {
                        throw error;
                    }
                    throw new NetnsException("a deployment step failed unexpectedly: " + cause, cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Work that may throw anything. */
    @FunctionalInterface
    private interface Action {
        void run() throws Exception;
    }

    /**
     * Runs {@code action}; a failure becomes a {@link NetnsException} that starts with the
     * declaration and the step ("@Route(...): add route ... failed: Network is unreachable").
     */
    private static void run(String origin, String action, Action work) {
        try {
            work.run();
        } catch (NetnsException e) {
            throw e;
        } catch (Exception e) {
            // the kernel's refusal reads well as it is ("add route ...: Network is unreachable (errno 101)")
            String reason = e instanceof KernelException ? e.getMessage() : e.toString();
            throw new NetnsException(origin + ": " + action + " failed: " + reason, e);
        }
    }
}
