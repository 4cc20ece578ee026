/**
 * GB/T 28181 playback and download of recorded footage, and evidence export.
 *
 * <p>{@link nvr.playback.PlaybackService} is the entry point the SIP server calls (wired by nvr-cli):
 * an INVITE with {@code s=Playback} or {@code s=Download} becomes a {@link nvr.playback.session.PlaybackSession}
 * that reads frames from {@link nvr.storage.Store} cursors on a disk thread pool, re-muxes them to PS
 * and sends them as RTP over UDP or TCP (RFC 4571) from a Netty event loop, the camera's G.711 audio with its
 * video (stream 0xC0, as cameras send it). MANSRTSP over INFO steers it (seek, pause, scale). The MP4 export
 * carries the G.711 as its sound track. Every access is audited through {@link nvr.storage.Store#audit}.
 *
 * <p>Why this shape: one event loop thread can pace hundreds of sessions because a session is only a
 * timer plus a small read-ahead queue; disk reads (the only blocking work) never run on the loop.
 */
package nvr.playback;
