package nvr.ingest.media;

import java.net.InetSocketAddress;
import java.util.function.Consumer;

/** One open receiver recording one camera's RTP/PS stream. */
public interface StreamHandle extends AutoCloseable {
    String cameraId();

    /** Local RTP port to put in our SDP offer. */
    int localPort();

    /** For {@link MediaTransport#TCP_ACTIVE}: connect to the camera's port from its SDP answer. */
    void connect(InetSocketAddress remote);

    StreamState state();

    /** Called (once per transition, off the event loop) when the stream's state changes, e.g. to STALLED. */
    void onStateChange(Consumer<StreamState> listener);

    /** Stops receiving and releases the port; frames already received are still written. */
    @Override
    void close();
}
