package nvr.ingest.media;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Receive buffers for UDP ports: one buffer per event-loop thread, handed to every read of every port on that loop.
 * A recvmmsg buffer (8 datagrams x 8 KiB = 64 KiB) is above the pooled allocator's thread-cache limit (32 KiB), so
 * allocating it per read went to the shared arena twice per wake-up (the read and the final empty read); profiled
 * at ~8% of the RTP loop's Java time at 256 cameras.
 *
 * <p>Invariant: the buffer is handed out only when this class holds its only reference ({@code refCnt() == 1}): the
 * datagrams are slices of it, and the ports' handlers release them before the next read on the loop. Should anything
 * keep a slice, the buffer is left to that holder (who frees it) and a new one is taken.
 */
final class LoopReceiveBuffer extends DefaultMaxMessagesRecvByteBufAllocator {
    private final int capacity;
    private final FastThreadLocal<ByteBuf> buffers = new FastThreadLocal<>() {
        @Override
        protected void onRemoval(ByteBuf b) {
            b.release(); // the loop thread ended
        }
    };

    LoopReceiveBuffer(int capacity) {
        this.capacity = capacity;
    }

    @Override
    public Handle newHandle() {
        return new MaxMessageHandle() {
            private final UncheckedBooleanSupplier filledEverySlot = () -> attemptedBytesRead() == lastBytesRead();

            @Override
            public ByteBuf allocate(ByteBufAllocator alloc) {
                return take(alloc);
            }

            @Override
            public int guess() {
                return capacity;
            }

            @Override
            public boolean continueReading(UncheckedBooleanSupplier ignored) {
                // epoll asks to read until EAGAIN; a recvmmsg that filled fewer slots than it had already emptied
                // the socket, so stop there (the ports are level-triggered: anything newer is reported again)
                return super.continueReading(filledEverySlot);
            }
        };
    }

    /** The loop's buffer, cleared and retained for the caller (who releases it like any allocated buffer). */
    ByteBuf take(ByteBufAllocator alloc) {
        ByteBuf b = buffers.get();
        if (b == null || b.refCnt() != 1) {
            if (b != null) {
                b.release(); // a slice is still held somewhere: its holder frees the buffer
            }
            b = alloc.directBuffer(capacity, capacity);
            buffers.set(b);
        }
        b.clear();
        return b.retain();
    }
}
