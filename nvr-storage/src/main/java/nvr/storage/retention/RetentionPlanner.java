package nvr.storage.retention;

import java.util.ArrayList;
import java.util.List;

/**
 * Pure arithmetic of capacity: how many days each camera can keep. With oldest-first deletion every camera
 * ends up keeping footage back to a common horizon H, but never less than its minimum, so the bytes held
 * are {@code sum(rate_c * max(min_c, H))}; H is the largest value that fits the usable bytes. When even
 * {@code sum(rate_c * min_c)} does not fit, every camera is projected at its minimum scaled by the shortfall.
 */
final class RetentionPlanner {
    private static final double MAX_DAYS = 36_500;

    /** @param bytesPerDay disk one calendar day of this camera takes (recording may be intermittent) */
    record Input(String camera, Tier tier, double bitrateBps, long bytesPerDay, long storedBytes) {
    }

    private RetentionPlanner() {
    }

    static RetentionPlan plan(List<Input> cams, List<RetentionPlan.Volume> volumes) {
        long usable = 0;
        for (RetentionPlan.Volume v : volumes) {
            usable += Math.max(0, v.usableBytes());
        }
        double required = 0;
        double ratePerDay = 0;
        for (Input c : cams) {
            required += (double) c.bytesPerDay() * c.tier().minDays();
            ratePerDay += c.bytesPerDay();
        }
        boolean feasible = required <= usable;
        double horizon = 0;
        if (feasible) {
            if (ratePerDay == 0) {
                horizon = MAX_DAYS;
            } else {
                double lo = 0;
                double hi = MAX_DAYS;
                for (int i = 0; i < 100; i++) {
                    double mid = (lo + hi) / 2;
                    if (held(cams, mid) <= usable) {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                horizon = lo;
            }
        }
        List<RetentionPlan.CameraNeed> needs = new ArrayList<>();
        for (Input c : cams) {
            int min = c.tier().minDays();
            double projected;
            if (c.bytesPerDay() == 0) {
                projected = feasible ? Math.max(min, horizon) : min;
            } else if (feasible) {
                projected = Math.max(min, horizon);
            } else {
                projected = min * (usable / required);
            }
            if (c.tier().hasMaximum()) {
                projected = Math.min(projected, c.tier().maxDays());
            }
            needs.add(new RetentionPlan.CameraNeed(c.camera(), c.tier().name(), min, c.bitrateBps(), c.bytesPerDay(),
                    c.bytesPerDay() * min, c.storedBytes(), Math.round(projected * 10) / 10.0));
        }
        return new RetentionPlan(needs, volumes, (long) required, usable, feasible, Math.round(horizon * 10) / 10.0);
    }

    private static double held(List<Input> cams, double horizon) {
        double s = 0;
        for (Input c : cams) {
            double days = Math.max(c.tier().minDays(), horizon);
            if (c.tier().hasMaximum()) {
                days = Math.min(days, c.tier().maxDays());
            }
            s += c.bytesPerDay() * days;
        }
        return s;
    }
}
