package nvr.playback.export;

/** Progress of an export, for the CLI's progress bar. Called on the exporting thread. */
@FunctionalInterface
public interface ExportProgress {
    ExportProgress NONE = (doneMs, totalMs, frames) -> { };

    /** {@code doneMs} of {@code totalMs} of the range are written ({@code frames} so far). */
    void progress(long doneMs, long totalMs, long frames);
}
