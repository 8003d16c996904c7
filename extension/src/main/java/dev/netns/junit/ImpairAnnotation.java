package dev.netns.junit;

import dev.netns.Impairment;
import dev.netns.NetnsException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;

/** Reads an {@link Impair} annotation into an {@link Impairment}: durations and rates written as text. */
final class ImpairAnnotation {

    private ImpairAnnotation() {
    }

    static Impairment toImpairment(Impair impair, String origin) {
        try {
            Impairment.Builder builder = Impairment.builder();
            if (!impair.delay().isEmpty()) {
                builder.delay(duration(impair.delay()));
            }
            if (!impair.jitter().isEmpty()) {
                builder.jitter(duration(impair.jitter()));
            }
            if (impair.loss() != 0) {
                builder.loss(impair.loss());
            }
            if (!impair.rate().isEmpty()) {
                builder.rate(rate(impair.rate()));
            }
            if (impair.duplicate() != 0) {
                builder.duplicate(impair.duplicate());
            }
            if (impair.reorder() != 0) {
                builder.reorder(impair.reorder());
            }
            if (impair.corrupt() != 0) {
                builder.corrupt(impair.corrupt());
            }
            if (impair.controlFrames()) {
                builder.controlFrames(true);
            }
            if (impair.seed() != Impair.RANDOM_SEED) {
                builder.seed(impair.seed());
            }
            return builder.build();
        } catch (NetnsException | IllegalArgumentException e) {
            throw new NetnsException(origin + ": " + e.getMessage(), e);
        }
    }

    /** {@code 100ms}, {@code 1.5s}, {@code 250us}. */
    static Duration duration(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        String[][] units = {{"us", "1000"}, {"ms", "1000000"}, {"s", "1000000000"}};
        for (String[] unit : units) {
            if (value.endsWith(unit[0])) {
                String number = value.substring(0, value.length() - unit[0].length()).strip();
                if (number.matches("[0-9]+(\\.[0-9]+)?")) {
                    BigDecimal nanos = new BigDecimal(number).multiply(new BigDecimal(unit[1]));
                    if (nanos.compareTo(BigDecimal.valueOf(Impairment.MAX_DELAY.toNanos())) > 0) {
                        throw new IllegalArgumentException("'" + text + "' is too long: delays and jitter are at most 1 hour");
                    }
                    return Duration.ofNanos(nanos.setScale(0, RoundingMode.HALF_UP).longValueExact());
                }
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a duration (write 100ms, 1.5s or 250us)");
    }

    /** {@code 10mbit}, {@code 1gbit}, {@code 500kbit}, {@code 64000}: bits per second. */
    static long rate(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        String[][] units = {{"gbit", "1000000000"}, {"mbit", "1000000"}, {"kbit", "1000"}, {"bit", "1"}, {"", "1"}};
        for (String[] unit : units) {
            if (value.endsWith(unit[0])) {
                String number = value.substring(0, value.length() - unit[0].length()).strip();
                if (number.matches("[0-9]+(\\.[0-9]+)?")) {
                    BigDecimal bits = new BigDecimal(number).multiply(new BigDecimal(unit[1]));
                    if (bits.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                        throw new IllegalArgumentException("'" + text + "' is too large a rate (at most " + Long.MAX_VALUE
                                + " bits per second)");
                    }
                    return bits.setScale(0, RoundingMode.HALF_UP).longValueExact();
                }
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a rate (write 10mbit, 1gbit, 500kbit or bits per second)");
    }
}
