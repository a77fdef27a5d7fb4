package dev.matgrad.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The mini-batches each partition contributes, without Spark. */
class BatchPlanTest {
  private static final int[] SIZES = {1274, 0, 1275, 7, 1267};
  private static final int BATCH = 128;
  private static final int STEPS = (Arrays.stream(SIZES).sum() + BATCH - 1) / BATCH;
  private static final BatchPlan PLAN = new BatchPlan(1, STEPS);

  @Test
  void anEpochVisitsEveryImageOfEveryPartitionOnce() {
    for (int p = 0; p < SIZES.length; p++) {
      int[] seen = new int[SIZES[p]];
      for (int s = 0; s < STEPS; s++) {
        for (int row : PLAN.rows(p, SIZES[p], 3, s)) {
          seen[row]++;
        }
      }
      int[] once = new int[SIZES[p]];
      Arrays.fill(once, 1);
      assertArrayEquals(once, seen, "partition " + p);
    }
  }

  @Test
  void aStepsBatchesAddUpToAboutTheConfiguredSize() {
    for (int s = 0; s < STEPS; s++) {
      int total = 0;
      for (int p = 0; p < SIZES.length; p++) {
        total += PLAN.rows(p, SIZES[p], 0, s).length;
      }
      // Each partition's share is rounded down or up: off by less than one image a partition.
      assertTrue(Math.abs(total - 3823.0 / STEPS) < SIZES.length, "step " + s + ": " + total);
    }
  }

  @Test
  void theOrderIsFixedByTheSeedAndChangesWithTheEpochAndThePartition() {
    assertArrayEquals(PLAN.rows(0, 1274, 2, 5), new BatchPlan(1, STEPS).rows(0, 1274, 2, 5));
    assertFalse(Arrays.equals(PLAN.rows(0, 1274, 2, 5), PLAN.rows(0, 1274, 3, 5)));
    assertFalse(Arrays.equals(PLAN.rows(0, 1274, 2, 5), PLAN.rows(2, 1274, 2, 5)));
    assertFalse(Arrays.equals(PLAN.rows(0, 1274, 2, 5), new BatchPlan(2, STEPS).rows(0, 1274, 2, 5)));
  }

  @Test
  void aPartitionSmallerThanTheStepCountSitsOutMostSteps() {
    int withImages = 0;
    for (int s = 0; s < STEPS; s++) {
      int n = PLAN.rows(3, 7, 0, s).length;
      assertTrue(n <= 1);
      withImages += n;
    }
    assertEquals(7, withImages);
  }
}
