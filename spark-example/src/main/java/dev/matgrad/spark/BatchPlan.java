package dev.matgrad.spark;

import dev.matgrad.sample.Digits;
import java.io.Serializable;
import java.util.Random;

/**
 * Which images of its partition each task puts in the mini-batch of a step. Every epoch each
 * partition shuffles its own images (seeded by the run's seed, the epoch and the partition) and
 * deals them out over the epoch's steps in proportion to its size, so that an epoch visits every
 * image once, a step's batch summed over the partitions has about the configured size, and a run
 * is the same for a seed and a partitioning whatever the number of executors. No image moves
 * between machines.
 */
record BatchPlan(long seed, int stepsPerEpoch) implements Serializable {
  /** The batch of (epoch, step), step in 0 .. stepsPerEpoch-1, of a partition of {@code size}. */
  int[] rows(int partition, int size, int epoch, int step) {
    int from = (int) ((long) step * size / stepsPerEpoch);
    int to = (int) ((long) (step + 1) * size / stepsPerEpoch);
    if (from == to) {
      return new int[0];
    }
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    // A partition re-derives its epoch's order at each step instead of keeping it between tasks:
    // tasks are stateless, so any executor can run any partition's task.
    Digits.shuffle(order, new Random(partitionSeed(epoch, partition)));
    int[] rows = new int[to - from];
    System.arraycopy(order, from, rows, 0, rows.length);
    return rows;
  }

  /** SplitMix64's finaliser over the seed, epoch and partition: distinct, reproducible streams. */
  private long partitionSeed(int epoch, int partition) {
    long z = seed + 0x9E3779B97F4A7C15L * (epoch + 1) + 0xD1B54A32D192ED03L * (partition + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
