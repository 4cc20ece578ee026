/**
 * The local RTP/RTCP ports of {@code media.port-range}, the one range operators open in their firewall.
 *
 * <p>Ingest (camera streams in) and playback (footage out to platforms) both take their media sockets from
 * it, so one {@link nvr.gb28181.mediaport.MediaPortPool} per process hands them out: a port is held by
 * exactly one user (ingest stream, static camera, playback session) until released, whatever the
 * protocol, so a UDP receiver and a TCP sender never share a number. Round-robin, because a just-released
 * port may still get late packets or RTCP from its old peer; a port the OS refuses (held by another process)
 * is skipped. The pool itself does no I/O: callers bind through a callback.
 */
package nvr.gb28181.mediaport;
