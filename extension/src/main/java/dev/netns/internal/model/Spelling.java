package dev.netns.internal.model;

import java.util.Collection;
import java.util.Optional;

/** Edit distance between names, to suggest the name a user probably meant. */
public final class Spelling {

    private Spelling() {
    }

    /** The Levenshtein distance: insertions, deletions and substitutions to turn {@code a} into {@code b}. */
    public static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /**
     * The known name closest to {@code name}, when it is a likely typo of it: at most two edits away
     * (one for names of up to three characters), and not {@code name} itself.
     */
    public static Optional<String> closest(String name, Collection<String> known) {
        if (name == null) {
            return Optional.empty();
        }
        int allowed = name.length() <= 3 ? 1 : 2;
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = distance(name, candidate);
            if (distance > 0 && distance <= allowed && distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return Optional.ofNullable(best);
    }
}
