package dev.matgrad.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * A set of 8×8 digit images with their labels: the optdigits data (UCI, Alpaydin and Kaynak,
 * CC BY 4.0), read from the copy bundled with the application or from a CSV file of the same
 * format (64 pixel counts in 0..16, row by row, then the class 0..9; no header).
 */
public final class Digits {
  public static final int SIDE = 8;
  public static final int PIXELS = SIDE * SIDE;
  public static final int CLASSES = 10;
  public static final int MAX_PIXEL = 16;

  /** The bundled training file (3,823 images by 30 writers). */
  public static final String BUNDLED_TRAINING = "optdigits.tra.csv";
  /** The bundled test file (1,797 images by 13 other writers). */
  public static final String BUNDLED_TEST = "optdigits.tes.csv";

  private final String source;
  private final double[][] images;
  private final int[] labels;

  private Digits(String source, double[][] images, int[] labels) {
    this.source = source;
    this.images = images;
    this.labels = labels;
  }

  /** Where the images came from (a file path or the bundled resource's name). */
  public String source() {
    return source;
  }

  public int size() {
    return labels.length;
  }

  /** Image {@code i}: 64 pixels in [0, 1], row by row. The array itself, not a copy. */
  public double[] image(int i) {
    return images[i];
  }

  public int label(int i) {
    return labels[i];
  }

  /** The images at {@code indices}, in that order. */
  public Digits subset(int[] indices, String name) {
    double[][] subImages = new double[indices.length][];
    int[] subLabels = new int[indices.length];
    for (int k = 0; k < indices.length; k++) {
      subImages[k] = images[indices[k]];
      subLabels[k] = labels[indices[k]];
    }
    return new Digits(name, subImages, subLabels);
  }

  /** How many images of each class. */
  public int[] classCounts() {
    int[] counts = new int[CLASSES];
    for (int label : labels) {
      counts[label]++;
    }
    return counts;
  }

  /**
   * Fold {@code index} of a stratified partition into {@code count} folds: element 0 holds the
   * other folds (for training), element 1 the fold itself (for validation). Each class is
   * shuffled with {@code seed} and dealt round-robin to the folds, so every fold has about
   * 1/count of each class, the folds are disjoint, and the partition depends only on the seed.
   */
  public Digits[] fold(int index, int count, long seed) {
    if (count < 2 || index < 0 || index >= count) {
      throw new IllegalArgumentException("fold " + index + " of " + count);
    }
    Random random = new Random(seed);
    boolean[] held = new boolean[labels.length];
    for (int c = 0; c < CLASSES; c++) {
      List<Integer> ofClass = new ArrayList<>();
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] == c) {
          ofClass.add(i);
        }
      }
      int[] order = ofClass.stream().mapToInt(Integer::intValue).toArray();
      shuffle(order, random);
      for (int k = index; k < order.length; k += count) {
        held[order[k]] = true;
      }
    }
    List<Integer> kept = new ArrayList<>();
    List<Integer> heldOut = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      (held[i] ? heldOut : kept).add(i);
    }
    String name = String.format(java.util.Locale.ROOT, "%s, fold %d of %d", source, index + 1, count);
    return new Digits[] {
      subset(kept.stream().mapToInt(Integer::intValue).toArray(), name + " left out"),
      subset(heldOut.stream().mapToInt(Integer::intValue).toArray(), name)
    };
  }

  /** Fisher–Yates, driven by {@code random} so that a seed fixes the order. */
  public static void shuffle(int[] values, Random random) {
    for (int i = values.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = values[i];
      values[i] = values[j];
      values[j] = t;
    }
  }

  /** Reads one of the bundled files ({@link #BUNDLED_TRAINING}, {@link #BUNDLED_TEST}). */
  public static Digits bundled(String name) {
    String resource = "optdigits/" + name;
    try (InputStream in = Digits.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new DataException("the bundled data file " + name + " is missing from the application");
      }
      return read(in, "bundled " + name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads a CSV file of the optdigits format; every problem is a {@link DataException}. */
  public static Digits read(Path file) {
    if (!Files.exists(file)) {
      throw new DataException("cannot read " + file + ": no such file");
    }
    if (Files.isDirectory(file)) {
      throw new DataException("cannot read " + file + ": it is a directory, not a CSV file");
    }
    if (!Files.isReadable(file)) {
      throw new DataException("cannot read " + file + ": permission denied");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString());
    } catch (IOException e) {
      throw new DataException("cannot read " + file + ": " + e.getMessage());
    }
  }

  static Digits read(InputStream in, String source) throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    try {
      return parseLines(reader.lines().iterator(), source);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * Reads lines of the optdigits format (blank lines skipped; line numbers in messages count from
   * the first line given); every problem is a {@link DataException} naming {@code source}.
   */
  public static Digits parseLines(Iterator<String> lines, String source) {
    List<double[]> images = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    int lineNumber = 0;
    while (lines.hasNext()) {
      String line = lines.next();
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      String[] fields = line.trim().split(",", -1);
      if (fields.length != PIXELS + 1) {
        throw new DataException(source + ", line " + lineNumber + ": expected " + (PIXELS + 1)
            + " comma-separated integers (64 pixels, then the class), found " + fields.length
            + " fields");
      }
      double[] image = new double[PIXELS];
      for (int p = 0; p < PIXELS; p++) {
        int value = parse(fields[p], source, lineNumber, p + 1);
        if (value < 0 || value > MAX_PIXEL) {
          throw new DataException(source + ", line " + lineNumber + ", field " + (p + 1)
              + ": a pixel count must be in 0.." + MAX_PIXEL + ", found " + value);
        }
        image[p] = value / (double) MAX_PIXEL;
      }
      int label = parse(fields[PIXELS], source, lineNumber, PIXELS + 1);
      if (label < 0 || label >= CLASSES) {
        throw new DataException(source + ", line " + lineNumber + ", field " + (PIXELS + 1)
            + ": the class must be in 0.." + (CLASSES - 1) + ", found " + label);
      }
      images.add(image);
      labels.add(label);
    }
    if (images.isEmpty()) {
      throw new DataException(source + ": no images (the file is empty)");
    }
    return new Digits(source, images.toArray(new double[0][]),
        labels.stream().mapToInt(Integer::intValue).toArray());
  }

  private static int parse(String field, String source, int line, int column) {
    try {
      return Integer.parseInt(field.trim());
    } catch (NumberFormatException e) {
      throw new DataException(source + ", line " + line + ", field " + column
          + ": expected an integer, found \"" + field + "\"");
    }
  }

  /**
   * Writes {@code image} moved by (dx, dy) pixels into {@code out}; pixels moved in from outside
   * the 8×8 grid are 0 (background).
   */
  static void shift(double[] image, int dx, int dy, double[] out) {
    Arrays.fill(out, 0.0);
    for (int row = 0; row < SIDE; row++) {
      int fromRow = row - dy;
      if (fromRow < 0 || fromRow >= SIDE) {
        continue;
      }
      for (int col = 0; col < SIDE; col++) {
        int fromCol = col - dx;
        if (fromCol >= 0 && fromCol < SIDE) {
          out[row * SIDE + col] = image[fromRow * SIDE + fromCol];
        }
      }
    }
  }

  /** A data file that cannot be used, with a message that says which file, where and why. */
  public static final class DataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
      super(message);
    }
  }
}
