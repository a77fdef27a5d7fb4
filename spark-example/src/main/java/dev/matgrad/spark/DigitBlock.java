package dev.matgrad.spark;

import dev.matgrad.sample.Digits;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The digit images of one Spark partition as two flat arrays, the form the training tasks read
 * mini-batches from: image i is {@code pixels[i·64 .. i·64+64)} (values in [0, 1], row by row),
 * its class {@code labels[i]}. An RDD of blocks holds one block per partition.
 */
public final class DigitBlock implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final DigitBlock EMPTY = new DigitBlock(new double[0], new int[0]);

  private final double[] pixels;
  private final int[] labels;

  private DigitBlock(double[] pixels, int[] labels) {
    this.pixels = pixels;
    this.labels = labels;
  }

  public int size() {
    return labels.length;
  }

  public int label(int i) {
    return labels[i];
  }

  /** Copies image {@code i} into column {@code column} of the row-major 64×{@code cols} array. */
  void copyImageToColumn(int i, double[] matrix, int column, int cols) {
    int offset = i * Digits.PIXELS;
    for (int p = 0; p < Digits.PIXELS; p++) {
      matrix[p * cols + column] = pixels[offset + p];
    }
  }

  /** Images {@code from .. to) of {@code digits}, in their order. */
  static DigitBlock of(Digits digits, int from, int to) {
    int n = to - from;
    double[] pixels = new double[n * Digits.PIXELS];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(digits.image(from + i), 0, pixels, i * Digits.PIXELS, Digits.PIXELS);
      labels[i] = digits.label(from + i);
    }
    return new DigitBlock(pixels, labels);
  }

  /**
   * Lines of an optdigits CSV file (64 pixel counts in 0..16, then the class); a part with only
   * blank lines, or none, is an empty block. Problems are {@link Digits.DataException}s naming
   * {@code source} and the line, counted from the part's first line.
   */
  static DigitBlock parse(Iterator<String> lines, String source) {
    List<String> buffered = new ArrayList<>();
    boolean anyImage = false;
    while (lines.hasNext()) {
      String line = lines.next();
      anyImage |= !line.isBlank();
      buffered.add(line);
    }
    if (!anyImage) {
      return EMPTY;
    }
    Digits digits = Digits.parseLines(buffered.iterator(), source);
    return of(digits, 0, digits.size());
  }

  /** The blocks of one partition as one (a partition normally holds exactly one). */
  static DigitBlock concat(Iterator<DigitBlock> blocks) {
    if (!blocks.hasNext()) {
      return EMPTY;
    }
    DigitBlock first = blocks.next();
    if (!blocks.hasNext()) {
      return first;
    }
    List<DigitBlock> all = new ArrayList<>(List.of(first));
    blocks.forEachRemaining(all::add);
    int n = all.stream().mapToInt(DigitBlock::size).sum();
    double[] pixels = new double[n * Digits.PIXELS];
    int[] labels = new int[n];
    int at = 0;
    for (DigitBlock block : all) {
      System.arraycopy(block.pixels, 0, pixels, at * Digits.PIXELS, block.pixels.length);
      System.arraycopy(block.labels, 0, labels, at, block.labels.length);
      at += block.size();
    }
    return new DigitBlock(pixels, labels);
  }

  /**
   * An optdigits CSV file anywhere Spark reads text (a local path, {@code hdfs://…},
   * {@code s3a://…}), one block per partition of at least {@code minPartitions}.
   */
  public static JavaRDD<DigitBlock> load(JavaSparkContext spark, String path, int minPartitions) {
    return spark.textFile(path, minPartitions).mapPartitionsWithIndex(
        (partition, lines) -> List.of(parse(lines, path + " (partition " + partition + ")"))
            .iterator(),
        true);
  }

  /**
   * Data already in the driver's memory (the bundled files), cut into {@code partitions}
   * contiguous ranges the way a file is cut into splits.
   */
  public static JavaRDD<DigitBlock> parallelize(JavaSparkContext spark, Digits digits,
      int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1, but was " + partitions);
    }
    List<DigitBlock> blocks = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      int from = (int) ((long) p * digits.size() / partitions);
      int to = (int) ((long) (p + 1) * digits.size() / partitions);
      blocks.add(of(digits, from, to));
    }
    return spark.parallelize(blocks, partitions);
  }
}
