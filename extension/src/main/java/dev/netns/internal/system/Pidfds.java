package dev.netns.internal.system;

/**
 * Signals a process through a pidfd, never by a bare pid: the pidfd is opened first, then the
 * process is checked to be the one meant, then signalled through the pidfd. A signal that
 * arrives proves the process lived from the open to the signal, so the check was about it and
 * not about a process that reused its pid meanwhile.
 */
public final class Pidfds {

    private Pidfds() {
    }

    /**
     * Sends {@code signal} to {@code process} if it is still the process the handle was made for
     * (same pid and start time).
     *
     * @return whether the signal was sent
     */
    public static boolean signal(ProcessHandle process, int signal) {
        int pidfd;
        try {
            pidfd = Libc.pidfd_open(Math.toIntExact(process.pid()));
        } catch (KernelException | ArithmeticException gone) {
            return false;
        }
        try {
            // ProcessHandle equality includes the start time: a reused pid is another handle
            if (ProcessHandle.of(process.pid()).filter(process::equals).isEmpty()) {
                return false;
            }
            Libc.pidfd_send_signal(pidfd, signal);
            return true;
        } catch (KernelException exited) {
            return false;
        } finally {
            Libc.close(pidfd);
        }
    }
}
