package dev.netns;

/**
 * One interface of a namespace, from {@link NetNs#link(String)}: pull its cable out and put it
 * back, or shape what leaves through it.
 *
 * <pre>{@code
 * Link cable = red.link("eth0");
 * cable.down();                                   // red's end of the cable goes down
 * assertThat(red).cannotPing("blue");
 * cable.up();
 * assertThat(red).within(Duration.ofSeconds(5)).canPing("blue");
 * }</pre>
 *
 * <p>The interface stays the same one throughout (same name, index and MAC address).
 */
public interface Link {

    /** The interface name, {@code eth0}. */
    String name();

    /** The logical name of the namespace it is in. */
    String namespace();

    /** The interface as the kernel reports it now (up, carrier, MAC, MTU, bridge). */
    LinkInfo info();

    /** Sets the interface administratively down: no packet leaves or arrives through it; for a veth, its peer loses carrier. */
    Link down();

    /** Sets the interface administratively up again. */
    Link up();

    /**
     * Shapes what leaves through this interface: delay, jitter, loss, rate. Replaces any earlier
     * impairment of this interface.
     *
     * @throws NetnsException when this kernel cannot apply it (the message says what is missing)
     */
    Link impair(Impairment impairment);

    /** Removes any impairment of this interface; a no-op when there is none. */
    Link clearImpairment();

    /**
     * What the shaper of this interface did since it was impaired: frames seen, sent, lost,
     * overflowed, refused by the kernel, held now, and why shaping stopped if it did.
     * {@link ImpairmentStatistics#NONE} when the interface is not impaired.
     *
     * <pre>{@code
     * ImpairmentStatistics stats = red.link("eth0").impairmentStatistics();
     * assertThat(stats.failure()).isEmpty();
     * assertThat(stats.lost()).isBetween(250L, 350L);
     * }</pre>
     */
    ImpairmentStatistics impairmentStatistics();
}
