package dev.netns.placement;

import java.net.InetAddress;
import java.net.Socket;

/** A child JVM's main class: prints a system property, then connects to a name of the topology. */
public final class ChildMain {

    private ChildMain() {
    }

    /** {@code args}: a host name and a port. */
    public static void main(String[] args) throws Exception {
        System.out.println(System.getProperty("greeting"));
        try (Socket socket = new Socket(InetAddress.getByName(args[0]), Integer.parseInt(args[1]))) {
            System.out.println("connected from " + socket.getLocalAddress());
        }
    }
}
