package firstcome.processor;

import firstcome.contract.CouponAction;
import firstcome.contract.CouponRequest;
import firstcome.contract.EventDefinition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The lifecycle's pure rules over in-memory maps, the way {@link IssuingProcessor} applies them to its
 * stores, without Kafka Streams: what the property tests compare the topology with. No retirement.
 */
final class RulesLedger {

    private final Map<String, EventDefinition> definitions = new HashMap<>();
    private final Map<String, EventTally> tallies = new HashMap<>();
    private final Map<String, Decision> users = new HashMap<>();
    private final Map<String, WaitingUser> waitlist = new HashMap<>();
    private Instant streamTime = Instant.MIN;

    List<Decided> define(EventDefinition definition, Instant at) {
        advance(at);
        List<Decided> out = new ArrayList<>();
        String eventId = definition.eventId();
        EventTally tally = serve(definitions.get(eventId), tally(eventId), at, out);
        definitions.put(eventId, definition);
        tallies.put(eventId, serve(definition, tally, at, out));
        return out;
    }

    List<Decided> request(CouponRequest request, Instant at) {
        advance(at);
        List<Decided> out = new ArrayList<>();
        EventDefinition event = definitions.get(request.eventId());
        EventTally tally = serve(event, tally(request.eventId()), at, out);
        String key = Decision.key(request.eventId(), request.userId());
        LifecycleRules.Ruling ruling = LifecycleRules.request(event, tally, users.get(key), request, at);
        if (ruling.user() != null) {
            users.put(key, ruling.user());
        }
        if (ruling.joinsWaitlist()) {
            waitlist.put(WaitingUser.key(request.eventId(), ruling.user().waitlistSeq()),
                    new WaitingUser(request.userId(), request.requestId()));
        }
        out.add(new Decided(ruling.decision(), ruling.coupon(), ruling.change()));
        tallies.put(request.eventId(), serve(event, ruling.tally(), at, out));
        return out;
    }

    List<Decided> action(CouponAction action, Instant at) {
        advance(at);
        List<Decided> out = new ArrayList<>();
        EventDefinition event = definitions.get(action.eventId());
        EventTally tally = serve(event, tally(action.eventId()), at, out);
        String key = Decision.key(action.eventId(), action.userId());
        LifecycleRules.Ruling ruling = LifecycleRules.action(event, tally, users.get(key), action, at);
        if (ruling.user() != null) {
            users.put(key, ruling.user());
        }
        out.add(new Decided(ruling.decision(), ruling.coupon(), ruling.change()));
        tallies.put(action.eventId(), serve(event, ruling.tally(), at, out));
        return out;
    }

    EventTally tally(String eventId) {
        return tallies.getOrDefault(eventId, EventTally.NONE);
    }

    Decision user(String eventId, String userId) {
        return users.get(Decision.key(eventId, userId));
    }

    private EventTally serve(EventDefinition event, EventTally tally, Instant at, List<Decided> out) {
        while (LifecycleRules.serves(event, tally, streamTime)) {
            WaitingUser head = waitlist.remove(WaitingUser.key(event.eventId(), tally.waitlistHead()));
            LifecycleRules.Ruling ruling = LifecycleRules.serve(event, tally, head, at);
            users.put(Decision.key(event.eventId(), head.userId()), ruling.user());
            out.add(new Decided(ruling.decision(), ruling.coupon(), null));
            tally = ruling.tally();
        }
        return tally;
    }

    private void advance(Instant at) {
        if (at.isAfter(streamTime)) {
            streamTime = at;
        }
    }
}
