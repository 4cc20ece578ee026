package nvr.bench.playback;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import nvr.gb28181.sip.SipDialog;
import nvr.gb28181.sip.SipHeaders;
import nvr.gb28181.sip.SipResponse;

/** The SIP server's dialog as the playback handler sees it; counts down when the handler ends the dialog. */
final class BenchDialog implements SipDialog {
    private final String callId;
    private final String channel;
    final CountDownLatch ended = new CountDownLatch(1);
    private volatile boolean terminated;

    BenchDialog(String callId, String channel) {
        this.callId = callId;
        this.channel = channel;
    }

    @Override public String callId() { return callId; }
    @Override public String localTag() { return "nvr"; }
    @Override public String remoteTag() { return "p"; }
    @Override public String localId() { return "34020000002000000001"; }
    @Override public String remoteId() { return BenchFootage.PLATFORM; }
    @Override public String channelId() { return channel; }
    @Override public InetSocketAddress remoteAddress() { return new InetSocketAddress("127.0.0.1", 5061); }

    @Override
    public CompletionStage<SipResponse> sendRequest(String method, String contentType, byte[] body) {
        return CompletableFuture.completedFuture(new SipResponse(200, "OK", new SipHeaders(), null));
    }

    @Override
    public CompletionStage<SipResponse> bye() {
        terminated = true;
        ended.countDown();
        return CompletableFuture.completedFuture(new SipResponse(200, "OK", new SipHeaders(), null));
    }

    @Override public boolean isTerminated() { return terminated; }
}
