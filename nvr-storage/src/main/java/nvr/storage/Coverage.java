package nvr.storage;

import java.util.List;

/** Recorded spans and the gaps between them for one camera over a queried interval. */
public record Coverage(String camera, List<Span> spans, List<Gap> gaps) {
}
