/**
 * Segment storage: append-only segment files per camera, indexed in RocksDB, durable by group commit.
 *
 * <h2>Layout</h2>
 * <pre>
 * &lt;root&gt;/lock                     held (flock) while a store has the root open: a second process fails fast
 *                                  (the file holds the holder's pid, so the refusal can name it)
 * &lt;root&gt;/meta                     "nvr-data-root 1\nuuid=&lt;uuid&gt;\n"; the uuid is also in the index (meta CF
 *                                  "root|&lt;uuid&gt;"), so a wrongly mounted disk is refused at open
 * &lt;root&gt;/segments/&lt;camera&gt;/&lt;yyyy-mm-dd UTC&gt;/&lt;start-ms&gt;.seg
 * &lt;root&gt;/trash/&lt;batch id&gt;/&lt;camera&gt;/&lt;yyyy-mm-dd UTC&gt;/&lt;start-ms&gt;.seg   deleted, blocks not yet freed
 * &lt;first root&gt;/index/             RocksDB, one instance for all roots (entries name their root by uuid)
 * &lt;first root&gt;/audit/audit-&lt;yyyy-mm-dd UTC&gt;.jsonl   one JSON object per line, append-only
 * </pre>
 * One index for all roots (as Moonfire NVR does with its sample-file dirs) is what makes the per-root uuid
 * useful: a disk swapped or mounted at the wrong path carries a uuid the index does not know.
 *
 * <h2>Segment file</h2>
 * {@code "NVRSEG" 0x00 0x01} (8 bytes), then frame records, big-endian:
 * <pre>
 * magic u32 "NVRF" | payload length u32 (&lt;= 16 MiB) | flags u8 (bit 0 keyframe) | stream_type u8 (PSM) |
 * reserved u16 = 0 | time ms i64 (wall clock) | crc32c u32 of the 20 bytes before it and the payload | payload
 * </pre>
 * The payload is the access unit as received (Annex-B for video; raw samples for G.711, one PES payload per
 * record). Audio needs no new flag bit: a record is audio when its stream_type is an audio type
 * ({@link nvr.storage.FrameRecord#isAudio(int)}, e.g. 0x90 G.711 A-law, 0x91 mu-law), so files written before
 * audio was stored read unchanged and a video-only camera writes the same bytes as before. Audio records sit
 * between the video records in arrival order, are never keyframes, never open or cut a segment, and are not
 * counted in the index's frames, keyframe table, stream_type or end-ms (those stay video's: "frames" counts video
 * access units). Audio times are kept in order among themselves but never move the video timeline, so an audio
 * record may be a little older than the video record before it; audio further than 2 s from the video is dropped. Video readers ({@code openCursor}) skip them;
 * {@code openCursorWithAudio} returns both. A segment always starts with a keyframe and
 * holds one camera's frames in time order; it is cut at the first keyframe after segment-max-seconds or
 * segment-max-bytes, and at any discontinuity longer than {@link nvr.storage.Store#GAP_MS} (2 s), so the
 * index alone tells where the recording has gaps.
 *
 * <h2>Index</h2>
 * Column family {@code segments}: key {@code camera utf8 | 0x00 | start-ms i64}, big-endian so keys sort by
 * camera then time and {@code seekForPrev(camera|T)} finds the segment covering T in O(log n). Value (see
 * {@code IndexEntry}): version, state (OPEN / SEALED / GARBAGE), root uuid, end-ms (last frame), bytes (valid
 * length, file header included), frames, stream_type, and the keyframe table (offset, ms from start), which
 * positions a reader at the last keyframe at or before T without reading the file. {@code meta}: root uuids,
 * {@code open|camera|start} markers of segments being written, {@code gbatch|uuid} records of batch deletions
 * in progress (the keys of the batch with their bytes, see {@code SegmentDeleter}; older versions wrote one {@code garbage|camera|start}
 * marker per segment, still finished at open), {@code usage|uuid} per-root byte counters (8-byte little-endian, updated by merge in
 * the same batch as the entries they count, so opening never scans the index). {@code days}: coverage
 * summaries of closed UTC days (key {@code camera | 0x00 | day-start}, the day's segments merged into spans), a
 * cache dropped whenever a segment of that day changes, so a 90-day coverage query reads 90 values instead of
 * 129,600 entries. {@code cameras}, {@code devices}, {@code holds}: registries with string keys.
 *
 * <h2>Durability</h2>
 * One writer thread per root; callers only enqueue (bounded in bytes; overflow drops the rest of the GOP and
 * counts it). Every fsync-ms the thread fsyncs every file with new records, then writes one synced index batch
 * describing exactly the fsynced prefixes; the fsyncs of one commit (files, new directories, audit log) are issued
 * together from a small pool, so the file system folds them into few journal commits. Records are staged per file
 * in a 128 KiB buffer and written out when it fills or before that fsync. A new file is created with O_EXCL and
 * its directory fsynced before the index can name it. So after a crash the index never names bytes that were not on disk, and everything
 * older than one fsync window is readable. Delete, in batches of thousands (see {@code SegmentDeleter}): the keys
 * join an in-memory deleting set that every index reader skips, and one synced {@code gbatch|} record names them
 * (the entries are not rewritten); the files are moved into the root's {@code trash/} (a day directory the
 * batch holds entirely in one rename, other files one by one: a rename costs a directory entry, an unlink the file's
 * blocks, ~1 ms for a 2 MB file on ext4 with discard), with one fsync per changed directory; one unsynced batch drops the entries (contiguous runs as range
 * tombstones) with the record and the usage delta; the keys leave the deleting set once no read that started
 * before the drop is still running; a background reaper then unlinks the trash (it yields to running deletions;
 * {@code Volume.reclaimingBytes} counts what it has not freed yet, and retention counts that as free). A segment a writer still owns is never deleted; an unfinished batch is finished
 * at open (before any reader) and by the next deletion. Older versions marked entries GARBAGE; readers still skip
 * those and recovery still finishes them.
 *
 * <h2>Recovery at open</h2>
 * Finish interrupted deletions ({@code gbatch|} records); move back from the trash any file the index still
 * names (a writer's file caught by a day move in a crash's window); for each OPEN segment keep the indexed prefix, extend it over the valid records that
 * follow, truncate at the first invalid one (a torn tail), seal it; index stray files (data, no entry) in each
 * camera's two newest day directories and delete strays without a valid record. Older strays are reported by
 * verify. What is left in the trash is freed by the reaper after open. A new index (the first root, which holds it,
 * was replaced) or one with a {@code reindex|pending} mark gets every root's files indexed by a background
 * {@code Reindexer}, newest day first, while the store records (recovery then leaves stray files to it). Verify re-reads every record's CRC against the index and reports; it never repairs or throws.
 *
 * <h2>Bulk reads</h2>
 * Downloads and exports map sealed segments read-only and page them in ahead on another thread (sendfile to
 * /dev/null). A mapped page the disk cannot read, or one past the end of a file cut short from outside, raises
 * SIGBUS, which the JVM survives only in its own copies, not in the CRC32C intrinsic: so a mapped reader clamps
 * every record to the file's current size (one fstat) and has the kernel read any page the read-ahead has not
 * loaded yet before it touches it (a disk error then is an IOException: the record is skipped and counted).
 *
 * <h2>Disk full</h2>
 * A failed write or fsync cuts the file back to its last complete record, fsyncs that, seals the segment with
 * what is durable and counts {@code nvr.storage.disk.full.errors}; the camera resumes at a keyframe once a
 * retry (every second) succeeds.
 */
package nvr.storage;
