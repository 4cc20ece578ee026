/**
 * JMH benchmarks of GB/T 28181 signaling: SIP/MANSCDP parsing, digest checks and RecordInfo answers, so the
 * per-device signaling load (one keepalive a minute per device, RecordInfo bursts from platforms) is known.
 */
package nvr.bench.sip;
