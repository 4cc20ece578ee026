/**
 * MPEG-2 program stream (ISO/IEC 13818-1 2.5) as GB/T 28181 uses it inside RTP payload type 96: pack
 * header, system header and PSM (stream_type 0x1B H.264, 0x24 H.265, 0x90/0x91 G.711, 0x0F AAC) before
 * keyframes, PES packets 0xE0 (video) and 0xC0 (audio) carrying Annex-B / audio frames.
 *
 * <p>Why a hand-written demuxer: real cameras bend the format (no PSM, wrong stream_type, PES length 0,
 * raw Annex-B without PS, markers that lie), so the demuxer trusts the bytes over the labels and cuts
 * frames by NAL units, with RTP timestamp and marker as hints. It is incremental (any split across RTP
 * packets), copies each payload byte once into the frame it builds, and is bounded (8 MiB per frame,
 * 4 KiB of held header). {@link nvr.gb28181.ps.PsMuxer} writes the conservative form every GB/T 28181
 * platform and ffmpeg read, for playback and simulated cameras; {@link nvr.gb28181.ps.PsRtpPacketizer}
 * writes the same bytes already cut into RTP packets, copying each payload byte once (playback's hot path).
 */
package nvr.gb28181.ps;
