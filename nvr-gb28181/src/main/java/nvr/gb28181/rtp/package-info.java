/**
 * RTP (RFC 3550) as GB/T 28181 media uses it: one RTP stream per camera, payload type 96 carrying
 * MPEG-PS, over UDP datagrams or over TCP with RFC 4571 2-byte length framing (some cameras use RTSP
 * {@code $} interleaved framing instead, which {@link nvr.gb28181.rtp.RtpTcpFramer} also accepts).
 *
 * <p>Why it looks like this: the decoder is stateless and slices the caller's buffer so the hot path
 * (256 cameras on 2 cores) copies nothing; the TCP framer is incremental and bounded by received bytes,
 * because a hostile or broken peer can announce 65535 bytes and then stall. Reordering, loss detection
 * and SSRC filtering are ingest's job, not this package's. {@link nvr.gb28181.rtp.RtpPacketizer} goes
 * the other way for playback and simulated cameras: one frame's PS bytes into RTP packets of at most
 * 1400 payload bytes, marker on the frame's last packet.
 */
package nvr.gb28181.rtp;
