/** The benchmark's verdict on sync cost, shared by the measurement (sync-cost.ts) and the findings. */

/**
 * What a delta run may read per changed object: its record by directory id, its DN link, its
 * attribute snapshot, its person link and correlation keys and its groups' memberships — each an
 * item of at most a few KB, so at most about 8 RCU. The first full run into an empty store reads
 * almost nothing, so it is no baseline; the directory's size must not appear in a delta's reads.
 */
export const DELTA_READS_PER_CHANGED_OBJECT = 8;

/** Do a delta's reads (RCU) grow with the changed objects only, and does a no-change delta read next to nothing? */
export function deltaReadsScaleWithChanges(changed: number, deltaReadUnits: number, noChangeDeltaReadUnits: number): boolean {
  return deltaReadUnits <= changed * DELTA_READS_PER_CHANGED_OBJECT + 25 && noChangeDeltaReadUnits <= 25;
}
