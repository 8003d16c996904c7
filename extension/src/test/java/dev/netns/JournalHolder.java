package dev.netns;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Plays a live run for {@link CrashIT}: holds the lock of a run journal, in whatever PID namespace it was started. */
public final class JournalHolder {

    private JournalHolder() {
    }

    /** Argument: the journal file to lock. Prints {@code LOCKED}, then waits to be killed. */
    public static void main(String[] args) throws Exception {
        try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            channel.lock();
            System.out.println("LOCKED");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
