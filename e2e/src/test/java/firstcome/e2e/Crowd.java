package firstcome.e2e;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The shoppers of a spike over several events, as (event, user) applications in the order they
 * arrive: each event its own number of applicants, named {@code {event}-u{n}} so that a user's event
 * is known from the name, a third of them pressing twice, all shuffled together.
 */
final class Crowd {

    private static final String USER_MARK = "-u";

    private Crowd() {
    }

    /** {@code applicants.get(event)} users per event, a third pressing twice, shuffled with {@code seed}. */
    static List<String[]> applications(Map<String, Integer> applicants, long seed) {
        return applications(applicants, 1, seed);
    }

    /** The same with users numbered from {@code firstUser} on: a later wave of the crowd, other users than the first's. */
    static List<String[]> applications(Map<String, Integer> applicants, int firstUser, long seed) {
        List<String[]> applications = new ArrayList<>();
        Random random = new Random(seed);
        applicants.forEach((event, count) -> {
            for (int i = firstUser; i < firstUser + count; i++) {
                String user = user(event, i);
                applications.add(new String[] {event, user});
                if (random.nextInt(3) == 0) {
                    applications.add(new String[] {event, user});
                }
            }
        });
        Collections.shuffle(applications, random);
        return applications;
    }

    static String user(String event, int n) {
        return event + USER_MARK + n;
    }

    /** The event a user of {@link #user} applied to. */
    static String eventOf(String user) {
        return user.substring(0, user.lastIndexOf(USER_MARK));
    }
}
