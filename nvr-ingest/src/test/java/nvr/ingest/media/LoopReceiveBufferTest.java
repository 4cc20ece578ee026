package nvr.ingest.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

class LoopReceiveBufferTest {
    private final PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;

    @Test
    void aReleasedBufferIsHandedOutAgainClearedAndASliceStillHeldForcesANewOne() {
        LoopReceiveBuffer buffers = new LoopReceiveBuffer(4096);
        ByteBuf first = buffers.take(alloc);
        assertEquals(4096, first.writableBytes());
        first.writeInt(42);
        ByteBuf datagram = first.retainedSlice(0, 4); // what recvmmsg hands the pipeline
        first.release(); // the channel is done with the read
        datagram.release(); // the port's handler is done with the datagram
        ByteBuf second = buffers.take(alloc);
        assertSame(first, second);
        assertEquals(0, second.readableBytes());
        assertEquals(4096, second.writableBytes());

        second.writeInt(7);
        ByteBuf kept = second.retainedSlice(0, 4); // someone keeps a datagram past the read
        second.release();
        ByteBuf third = buffers.take(alloc);
        assertNotSame(second, third);
        assertEquals(7, kept.getInt(0)); // the held bytes are not overwritten
        third.writeInt(1);
        assertEquals(7, kept.getInt(0));
        kept.release();
        assertEquals(0, kept.refCnt()); // the old buffer went back to the allocator with its last holder
        third.release();
    }
}
