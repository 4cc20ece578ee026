package nvr.storage.retention;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import nvr.storage.Volume;

/**
 * Measures each data root: a quota volume counts its segments' bytes (from the ledger) against the
 * quota; otherwise the file system's size and free space are used, so other files on the disk count too.
 */
final class VolumeMeter {
    private static final System.Logger LOG = System.getLogger(VolumeMeter.class.getName());

    /** @param usedBytes everything in use; footageBytes the segments' share of it */
    record Usage(VolumeConfig config, long capacityBytes, long usedBytes, long footageBytes) {
        boolean overHigh() {
            return usedBytes > (long) (capacityBytes * config.highWatermark());
        }

        /** Bytes to delete to get down to the low watermark (0 when under the high watermark). */
        long excessOverLow() {
            return overHigh() ? usedBytes - (long) (capacityBytes * config.lowWatermark()) : 0;
        }

        RetentionPlan.Volume describe() {
            long other = usedBytes - footageBytes;
            return new RetentionPlan.Volume(config.root(), capacityBytes, usedBytes, footageBytes,
                    config.highWatermark(), config.lowWatermark(),
                    Math.max(0, (long) (capacityBytes * config.highWatermark()) - other), config.hasQuota());
        }
    }

    private VolumeMeter() {
    }

    /**
     * @param footageBytes the ledger's bytes per volume, used when the Store does not report a root
     * @param storeVolumes the Store's own accounting (exact, updated at every commit and delete)
     */
    static List<Usage> measure(List<VolumeConfig> volumes, long[] footageBytes, List<Volume> storeVolumes) {
        List<Usage> out = new ArrayList<>();
        for (int i = 0; i < volumes.size(); i++) {
            VolumeConfig v = volumes.get(i);
            long footage = i < footageBytes.length ? footageBytes[i] : 0;
            Volume sv = null;
            for (Volume x : storeVolumes) {
                if (x.root().toAbsolutePath().normalize().equals(v.root())) {
                    sv = x;
                }
            }
            if (sv != null) {
                footage = sv.segmentBytes();
                if (!v.hasQuota()) {
                    long used = sv.usedBytes(); // deleted footage still being freed counts as free
                    out.add(new Usage(v, sv.totalBytes(), used, Math.min(footage, used)));
                    continue;
                }
            }
            if (v.hasQuota()) {
                out.add(new Usage(v, v.capacityBytes(), footage, footage));
                continue;
            }
            try {
                FileStore fs = Files.getFileStore(v.root());
                long total = fs.getTotalSpace();
                long used = total - fs.getUsableSpace();
                out.add(new Usage(v, total, used, Math.min(footage, used)));
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot read the size of data root " + v.root() + ": "
                        + e.getMessage() + "; check it is mounted (retention skips it this time)");
                out.add(new Usage(v, Long.MAX_VALUE, footage, footage));
            }
        }
        return out;
    }
}
