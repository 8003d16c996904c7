package dev.netns;

import java.util.Optional;

/**
 * What the shaper of an impaired interface did since the interface was impaired (counts start
 * again after {@link Link#clearImpairment()} removed the last impairment), from
 * {@link Link#impairmentStatistics()}. Every frame that reached the shaper and was not sent is
 * counted under one reason.
 *
 * @param frames the frames that reached the shaper
 * @param sent the frames sent on (duplicates included)
 * @param lost dropped by the impairment's loss (and burst loss)
 * @param overflowed dropped because the shaper's queue was full (its byte bound, or the rate's backlog)
 * @param sendErrors dropped because the kernel refused to send them (e.g. the cable was down)
 * @param lastSendError the kernel's words for the last send error, empty when none
 * @param duplicated the extra copies sent
 * @param corrupted the frames sent with a flipped bit
 * @param held the frames held now, waiting for their time
 * @param heldBytes their bytes
 * @param failure why shaping stopped, if it did (then every frame through the interface is dropped
 *     until the next {@link Link#impair} or {@link Link#clearImpairment()})
 */
public record ImpairmentStatistics(long frames, long sent, long lost, long overflowed, long sendErrors,
        String lastSendError, long duplicated, long corrupted, int held, long heldBytes, Optional<String> failure) {

    /** The statistics of an interface that is not impaired. */
    public static final ImpairmentStatistics NONE =
            new ImpairmentStatistics(0, 0, 0, 0, 0, "", 0, 0, 0, 0, Optional.empty());

    /** Every frame dropped, for whatever reason. */
    public long dropped() {
        return lost + overflowed + sendErrors;
    }

    @Override
    public String toString() {
        return frames + " frames, " + sent + " sent, " + lost + " lost, " + overflowed + " overflowed, " + sendErrors
                + " send errors" + (lastSendError.isEmpty() ? "" : " (last: " + lastSendError + ")") + ", " + duplicated
                + " duplicated, " + corrupted + " corrupted, " + held + " held (" + heldBytes + " bytes)"
                + failure.map(reason -> "; SHAPING STOPPED: " + reason).orElse("");
    }
}
