package dev.netns.junit;

import dev.netns.Fault;
import dev.netns.FaultSchedule;
import dev.netns.NetnsException;
import java.util.ArrayList;
import java.util.List;

/** Turns {@link Faults} into the {@link FaultSchedule} it stands for. */
final class FaultsAnnotation {

    private FaultsAnnotation() {
    }

    /**
     * The schedule.
     *
     * @throws NetnsException naming {@code origin} when a value is wrong
     */
    static FaultSchedule schedule(Faults faults, String origin) {
        try {
            List<Fault> kinds = new ArrayList<>();
            if (faults.isolateOne().length > 0) {
                kinds.add(Fault.isolateOne(faults.isolateOne()));
            }
            if (faults.partitionHalves().length > 0) {
                kinds.add(Fault.partitionHalves(faults.partitionHalves()));
            }
            if (faults.majoritiesRing().length > 0) {
                kinds.add(Fault.majoritiesRing(faults.majoritiesRing()));
            }
            if (kinds.isEmpty()) {
                throw new NetnsException("name the namespaces of at least one fault (isolateOne, partitionHalves or "
                        + "majoritiesRing)");
            }
            FaultSchedule.Builder builder = FaultSchedule.builder().every(ImpairAnnotation.duration(faults.every()))
                    .faults(kinds.toArray(Fault[]::new));
            if (!faults.calm().isBlank()) {
                builder.calm(ImpairAnnotation.duration(faults.calm()));
            }
            if (faults.seed() != Faults.RANDOM_SEED) {
                builder.seed(faults.seed());
            }
            return builder.build();
        } catch (NetnsException | IllegalArgumentException e) {
            throw new NetnsException(origin + ": " + e.getMessage(), e);
        }
    }
}
