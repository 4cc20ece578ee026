/**
 * Stream health: whether each camera is recording (RECEIVING / STALLED / OFFLINE), and the counters behind
 * it (bitrate, fps, GOP length, packet loss, reorders, rejected datagrams, frames dropped broken or on
 * overload) published as Micrometer meters tagged {@code camera}.
 *
 * <p>Why it looks like this: counters are written by one event-loop thread per stream as plain volatile
 * increments (no locks, no allocation on the packet path); a single timer thread turns them into rates and
 * states every 500 ms, so a stall is seen within stall-after + 0.5 s and logged once per transition rather
 * than once per missing packet, and listeners (the SIP side re-INVITEs) never run on an event loop.
 */
package nvr.ingest.health;
