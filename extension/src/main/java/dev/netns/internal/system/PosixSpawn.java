package dev.netns.internal.system;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * {@code posix_spawn} and its file actions and attributes. Apart from {@link Libc} because two of
 * its functions are young (glibc 2.29 and 2.34): where they are missing, only this class fails to
 * load, and programs start through {@link ProcessBuilder} instead. Each function returns 0 or an
 * error number; none sets errno.
 */
public final class PosixSpawn {

    /** Sets the signal mask given by {@link #posix_spawnattr_setsigmask}. */
    public static final short POSIX_SPAWN_SETSIGMASK = 0x08;

    static {
        Native.register("c");
    }

    private PosixSpawn() {
    }

    /** {@code posix_spawnp(3)}: starts {@code file}, looked up in the JVM's {@code PATH}. */
    public static native int posix_spawnp(int[] pid, String file, Pointer fileActions, Pointer attributes, Pointer argv,
            Pointer envp);

    /** {@code posix_spawn_file_actions_init(3)}. */
    public static native int posix_spawn_file_actions_init(Pointer fileActions);

    /** {@code posix_spawn_file_actions_destroy(3)}. */
    public static native int posix_spawn_file_actions_destroy(Pointer fileActions);

    /** {@code posix_spawn_file_actions_addopen(3)}. */
    public static native int posix_spawn_file_actions_addopen(Pointer fileActions, int fd, String path, int flags, int mode);

    /** {@code posix_spawn_file_actions_adddup2(3)}. */
    public static native int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newFd);

    /** {@code posix_spawn_file_actions_addchdir_np(3)} (glibc 2.29). */
    public static native int posix_spawn_file_actions_addchdir_np(Pointer fileActions, String path);

    /** {@code posix_spawn_file_actions_addclosefrom_np(3)} (glibc 2.34). */
    public static native int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);

    /** {@code posix_spawnattr_init(3)}. */
    public static native int posix_spawnattr_init(Pointer attributes);

    /** {@code posix_spawnattr_destroy(3)}. */
    public static native int posix_spawnattr_destroy(Pointer attributes);

    /** {@code posix_spawnattr_setflags(3)}. */
    public static native int posix_spawnattr_setflags(Pointer attributes, short flags);

    /** {@code posix_spawnattr_setsigmask(3)}. */
    public static native int posix_spawnattr_setsigmask(Pointer attributes, Pointer mask);
}
