/**
 * RTP receivers that record cameras: GB/T 28181 media (RTP payload type 96 carrying MPEG-PS with H.264/H.265)
 * over UDP, TCP where we listen ({@code a=setup:passive}) or TCP where we connect ({@code a=setup:active}),
 * RFC 4571 framed. {@link nvr.ingest.media.RtpReceivers} implements {@link nvr.ingest.media.MediaReceivers}
 * for the SIP side (invited streams) and {@code serve} (static cameras on a fixed port).
 *
 * <p>Per stream, on one event-loop thread: RTP decode -> SSRC match -> {@code ReorderBuffer} (bounded window
 * and delay; loss, duplicate and reorder accounting; sender restarts) -> {@code FrameAssembler} (PS demux;
 * after a loss the broken frame and its dependants are dropped up to the next keyframe) ->
 * {@code WallClockMapper} (server clock anchor, RTP/PES timestamps for spacing, monotonic, wrap- and
 * jump-proof) -> {@link nvr.storage.CameraWriter#append}, which only queues.
 *
 * <p>Why: 256 cameras on 2 cores leave ~8 us per packet, so the packet path allocates nothing when packets are
 * in order (RTP payloads are slices of the datagram; only a packet that must wait for a hole is copied), takes
 * no locks, and never touches disk. Cameras start with a burst of their cached GOP, hence the 4 MiB
 * SO_RCVBUF and a start-up hold that stamps those frames against the least-delayed arrival.
 */
package nvr.ingest.media;
