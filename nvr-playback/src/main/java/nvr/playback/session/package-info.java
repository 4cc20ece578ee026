/**
 * One playback/download session: pacing, RTP timing, transports.
 *
 * <p><b>Pacing.</b> A session keeps an anchor (wall-clock nanos, media ms); frame {@code t} is due at
 * {@code anchorWall + (t - anchorMedia) / rate}, where rate is the MANSRTSP Scale for Playback and
 * {@code a=downloadspeed} for Download (Download over TCP without a speed is limited only by the
 * receiver: the channel's writability is the back-pressure). Seek, resume, scale change and recording
 * gaps re-anchor, so a gap costs one frame interval, never its length. Each session schedules its own
 * next tick on its channel's event loop; there is no global clock. A paced frame leaves in its own flush
 * and counts as late ({@code nvr.playback.frames.late}) when that flush starts more than 40 ms after its
 * due time; an unpaced download flushes once per batch of frames.
 *
 * <p><b>Sending.</b> The read-ahead lays each frame out as its finished RTP packets of PS, back to back in
 * one pooled buffer ({@link nvr.gb28181.ps.PsRtpPacketizer#layOut}: the payload is copied once, from the
 * storage cursor's window into the packets); the event loop only stamps sequence numbers, RTP timestamp and
 * SCR/PTS into them ({@link nvr.gb28181.ps.PsRtpPacketizer#stamp}) and writes the buffer. Over TCP it is one
 * write (RFC 4571 frames are a byte stream); over UDP it is sent with UDP GSO where epoll offers it (the
 * packets sit at a fixed stride, which is what GSO cuts at), else as one slice per datagram. Payloads stay
 * at 1,400 bytes on TCP too: ZLMediaKit drops TCP RTP packets above 10 KiB by default, and a download's
 * throughput is bounded by the disk thread's per-byte work, not by the packet count.
 *
 * <p><b>RTP timestamps (the choice).</b> The 90 kHz RTP timestamp (and the PS PTS/DTS, which equal it)
 * advance by the <em>media</em> time between consecutive frames sent, at any Scale: at Scale 4 the
 * timestamps run four times faster than the wall clock, as the footage's own clock does, so a receiver
 * that renders by timestamp shows the speed-up and one that renders on arrival still sees monotonic
 * time. Across a seek, a pause or a recording gap the timestamp continues from the last frame sent
 * plus one nominal frame interval (40 ms), so the RTP/PS timeline never jumps or runs backwards.
 * Above Scale 2 only keyframes are sent. RTP-Info in the MANSRTSP answer reports the next seq/rtptime.
 *
 * <p><b>Audio.</b> A camera's stored G.711 (A-law 0x90, mu-law 0x91) goes out in the same PS as its video, as
 * GB/T 28181 cameras send it: PES stream 0xC0, listed in the PSM before every keyframe, each audio frame in its own
 * pack with its own PTS and RTP timestamp on the session's 90 kHz clock. The read-ahead finds out whether there is
 * audio, reads it with the video and merges the two by time (see {@link nvr.playback.session.FramePrefetcher}), so
 * SCR/PTS never run backwards; above Scale 2 only keyframes go, so no audio. A camera without audio gets exactly
 * the bytes it got before. ffmpeg's PS demuxer does not know this form (it maps 0x90/0x91 only in files with
 * Hikvision's "IMKH" header, else guesses MP2 for 0xC0); the tests check the audio bytes with their own PS reader.
 *
 * <p><b>Threads.</b> All session state is confined to its channel's event loop; the read-ahead
 * ({@link nvr.playback.session.FramePrefetcher}) runs on the disk pool and hands frames over through a
 * bounded concurrent queue (at most {@code maxQueuedBytes} read ahead), in pooled direct buffers so that
 * seconds of read-ahead never sit on the Java heap (they made every GC pause copy them).
 */
package nvr.playback.session;
