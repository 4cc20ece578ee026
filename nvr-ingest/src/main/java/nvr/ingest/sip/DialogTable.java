package nvr.ingest.sip;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Live INVITE dialogs by Call-ID (signaling thread only). */
final class DialogTable {
    private final Map<String, InviteDialog> byCallId = new HashMap<>();

    void add(InviteDialog d) {
        byCallId.put(d.callId, d);
    }

    InviteDialog get(String callId) {
        return byCallId.get(callId);
    }

    void remove(InviteDialog d) {
        byCallId.remove(d.callId, d);
    }

    List<InviteDialog> all() {
        return new ArrayList<>(byCallId.values());
    }

    int size() {
        return byCallId.size();
    }
}
