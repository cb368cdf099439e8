package firstcome.loadkit;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every answer the shoppers of a spike got, counted by status ({@link ApplyClient#NO_ANSWER} for
 * none), and who heard 202. Shopper threads record while another thread reads.
 */
public final class Answers {

    private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
    private final Set<String> acceptedUsers = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();

    public void record(String userId, int status) {
        byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
        if (status == 202) {
            acceptedUsers.add(userId);
            accepted.incrementAndGet();
        }
    }

    /** How many 202 answers came; a user told 202 twice counts twice. */
    public int accepted() {
        return accepted.get();
    }

    public Set<String> acceptedUsers() {
        return Set.copyOf(acceptedUsers);
    }

    public long count(int status) {
        LongAdder count = byStatus.get(status);
        return count == null ? 0 : count.sum();
    }

    /** Status → how many answers, by status. */
    public Map<Integer, Long> counts() {
        Map<Integer, Long> counts = new TreeMap<>();
        byStatus.forEach((status, count) -> counts.put(status, count.sum()));
        return counts;
    }
}
