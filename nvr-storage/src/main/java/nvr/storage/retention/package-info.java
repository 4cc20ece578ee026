/**
 * Retention: keep every camera's footage for its tier's minimum (30/60/90 days by law), free space oldest
 * first, never touch footage under a legal hold, and say so loudly when the disk cannot hold every minimum.
 *
 * <p>Entry point: {@link nvr.storage.retention.RetentionManager}, one per Store, fed a parsed
 * {@link nvr.storage.retention.RetentionConfig}. It works on its own thread in ticks; ingest only ever sees
 * the Store's write gate (a set lookup).
 *
 * <p>Decisions, in order (see {@link nvr.storage.retention.RetentionSweeper}):
 * <ol>
 * <li>Held segments and each camera's newest segment are never deleted.</li>
 * <li>A tier's optional maximum trims its cameras whatever the space.</li>
 * <li>A volume over its high watermark is brought to its low watermark by deleting whole segments past their
 *     camera's minimum, oldest first across cameras.</li>
 * <li>If that is not enough, {@code retention at risk} is raised and the policy applies: {@code protect}
 *     refuses the lowest tier's new footage (next tier only if usage still grows); {@code overwrite-oldest}
 *     deletes under the minimum and reports each camera as VIOLATED. The alarm is raised earlier still, as soon
 *     as the plan (bytes/day x minimum at measured rates vs. usable bytes) stops fitting. Gates and violations
 *     are kept in {@code <first root>/retention-state} ({@link nvr.storage.retention.PolicyState}), so a restart
 *     neither accepts gated footage nor reports a violated camera OK before its first sweep.</li>
 * </ol>
 *
 * <p>Deletion: the sweep thread chooses a batch (up to 4096 segments, cut at camera-day boundaries so a whole day
 * leaves {@code segments/} in one directory rename) while a deleting thread runs the previous one through
 * {@code Store.deleteSegments} (crash-safe: mark, move to the trash, drop; see nvr.storage's package notes). The
 * blocks are freed by the store's background reaper seconds later; until then the volume counts them as
 * reclaiming, and the sweep counts them as free so it does not delete more to make up for them.
 *
 * <p>While the store indexes footage a new index did not list ({@code Store.reindexing()}, after the first root
 * was replaced), no sweep runs: the ledger would miss the oldest days and space would be freed from newer ones.
 * The ledger is recounted when it is done.
 *
 * <p>Time: ages are measured on a trusted clock ({@link nvr.storage.retention.TrustedClock}, state in
 * {@code <first root>/retention-clock}) that follows the wall clock only while it moves like the monotonic
 * clock. A forward step therefore never ages footage; a backward step records a skew epoch so footage stamped
 * by the wrong clock is aged from when it was really written. Every correction errs towards keeping footage.
 *
 * <p>Holds live in the Store's {@code holds} table (binary record, version byte first) and every create,
 * release and expiry goes to the audit log, as does every sweep's deletions (one event per camera and reason).
 * Per-camera tallies ({@link nvr.storage.retention.FootageLedger}) keep status, plan and watermark checks off
 * the index's hot path; the index is re-read in full once a day and after a clock step.
 */
package nvr.storage.retention;
