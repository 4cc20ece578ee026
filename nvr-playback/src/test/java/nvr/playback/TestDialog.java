package nvr.playback;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import nvr.gb28181.sip.SipDialog;
import nvr.gb28181.sip.SipHeaders;
import nvr.gb28181.sip.SipResponse;

/**
 * The dialog side the SIP server would provide, for calling the handler through its interface while
 * the SIP server is not wired to playback: records the in-dialog requests the handler sends (the test
 * then checks MESSAGE MediaStatus 121 followed by BYE) and answers them 200.
 */
final class TestDialog implements SipDialog {
    record Sent(String method, String contentType, String body) {
    }

    private final String callId;
    private final String channel;
    final LinkedBlockingQueue<Sent> sent = new LinkedBlockingQueue<>();
    private volatile boolean terminated;

    TestDialog(String callId, String channel) {
        this.callId = callId;
        this.channel = channel;
    }

    @Override
    public String callId() {
        return callId;
    }

    @Override
    public String localTag() {
        return "nvrtag";
    }

    @Override
    public String remoteTag() {
        return "platformtag";
    }

    @Override
    public String localId() {
        return "34020000002000000001";
    }

    @Override
    public String remoteId() {
        return "34020000002000000009";
    }

    @Override
    public String channelId() {
        return channel;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return new InetSocketAddress("127.0.0.1", 5061);
    }

    @Override
    public CompletionStage<SipResponse> sendRequest(String method, String contentType, byte[] body) {
        sent.add(new Sent(method, contentType, new String(body, java.nio.charset.Charset.forName("GB2312"))));
        return CompletableFuture.completedFuture(new SipResponse(200, "OK", new SipHeaders(), null));
    }

    @Override
    public CompletionStage<SipResponse> bye() {
        terminated = true;
        sent.add(new Sent("BYE", null, ""));
        return CompletableFuture.completedFuture(new SipResponse(200, "OK", new SipHeaders(), null));
    }

    @Override
    public boolean isTerminated() {
        return terminated;
    }

    Sent next(long timeoutMs) throws InterruptedException {
        return sent.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }
}
