/**
 * One playback/download session: pacing, RTP timing, transports.
 *
 * <p><b>Pacing.</b> A session keeps an anchor (wall-clock nanos, media ms); frame {@code t} is due at
 * {@code anchorWall + (t - anchorMedia) / rate}, where rate is the MANSRTSP Scale for Playback and
 * {@code a=downloadspeed} for Download (Download over TCP without a speed is limited only by the
 * receiver: the channel's writability is the back-pressure). Seek, resume, scale change and recording
 * gaps re-anchor, so a gap costs one frame interval, never its length. Each session schedules its own
 * next tick on its channel's event loop; there is no global clock.
 *
 * <p><b>RTP timestamps (the choice).</b> The 90 kHz RTP timestamp (and the PS PTS/DTS, which equal it)
 * advance by the <em>media</em> time between consecutive frames sent, at any Scale: at Scale 4 the
 * timestamps run four times faster than the wall clock, as the footage's own clock does, so a receiver
 * that renders by timestamp shows the speed-up and one that renders on arrival still sees monotonic
 * time. Across a seek, a pause or a recording gap the timestamp continues from the last frame sent
 * plus one nominal frame interval (40 ms), so the RTP/PS timeline never jumps or runs backwards.
 * Above Scale 2 only keyframes are sent. RTP-Info in the MANSRTSP answer reports the next seq/rtptime.
 *
 * <p><b>Threads.</b> All session state is confined to its channel's event loop; the read-ahead
 * ({@link nvr.playback.session.FramePrefetcher}) runs on the disk pool and hands frames over through a
 * bounded concurrent queue (at most {@code maxQueuedBytes} read ahead).
 */
package nvr.playback.session;
