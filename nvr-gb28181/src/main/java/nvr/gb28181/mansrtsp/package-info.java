/**
 * MANSRTSP (GB/T 28181 annex B): the RTSP-like control carried in SIP INFO bodies
 * ({@code Content-Type: Application/MANSRTSP}) to steer a Playback session: {@code PLAY} with
 * {@code Range: npt=} (seek) and {@code Scale:} (speed), {@code PAUSE} with {@code PauseTime: now},
 * {@code TEARDOWN}. Platforms differ in details (decimal seconds as {@code 12}, {@code 12.50},
 * {@code 1.2e1}, {@code hh:mm:ss.f}; {@code npt=now-}; header case), so the parser is lenient in
 * notation but strict in bounds: bodies above {@link nvr.gb28181.mansrtsp.MansRtspParser#MAX_BYTES}
 * or with more than {@link nvr.gb28181.mansrtsp.MansRtspParser#MAX_LINES} lines are rejected, and
 * every failure is a {@link nvr.gb28181.WireFormatException} with format {@code "mansrtsp"}.
 */
package nvr.gb28181.mansrtsp;
