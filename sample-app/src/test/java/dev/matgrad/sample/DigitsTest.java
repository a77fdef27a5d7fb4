package dev.matgrad.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DigitsTest {
  @Test
  void theBundledFilesMatchTheirDocumentation() {
    Digits training = Digits.bundled(Digits.BUNDLED_TRAINING);
    Digits test = Digits.bundled(Digits.BUNDLED_TEST);
    assertEquals(3823, training.size());
    assertEquals(1797, test.size());
    assertArrayEquals(new int[] {376, 389, 380, 389, 387, 376, 377, 387, 380, 382},
        training.classCounts());
    assertArrayEquals(new int[] {178, 182, 177, 183, 181, 182, 181, 179, 174, 180},
        test.classCounts());
  }

  @Test
  void theFoldsAreStratifiedDisjointCompleteAndFixed() {
    Digits training = Digits.bundled(Digits.BUNDLED_TRAINING);
    int[] all = training.classCounts();
    Set<double[]> seen = new HashSet<>();
    for (int f = 0; f < 5; f++) {
      Digits[] split = training.fold(f, 5, 7);
      assertEquals(training.size(), split[0].size() + split[1].size());
      int[] held = split[1].classCounts();
      for (int c = 0; c < Digits.CLASSES; c++) {
        assertTrue(Math.abs(held[c] - all[c] / 5.0) < 1, "class " + c + " in fold " + f);
      }
      Set<double[]> kept = new HashSet<>();
      for (int i = 0; i < split[0].size(); i++) {
        kept.add(split[0].image(i));
      }
      for (int i = 0; i < split[1].size(); i++) {
        assertFalse(kept.contains(split[1].image(i)));
        assertTrue(seen.add(split[1].image(i)), "an image in two folds");
      }
      Digits[] again = training.fold(f, 5, 7);
      for (int i = 0; i < split[1].size(); i++) {
        assertSame(split[1].image(i), again[1].image(i));
      }
    }
    assertEquals(training.size(), seen.size());
  }

  @Test
  void pixelsAreScaledToTheUnitInterval() throws Exception {
    String row = "16," + "0,".repeat(62) + "8,5\n";
    Digits d = Digits.read(new ByteArrayInputStream(row.getBytes(StandardCharsets.UTF_8)), "row");
    assertEquals(1.0, d.image(0)[0]);
    assertEquals(0.5, d.image(0)[63]);
    assertEquals(5, d.label(0));
  }

  @Test
  void malformedRowsAreRejectedWithTheirPlace() {
    assertEquals("f, line 1: expected 65 comma-separated integers (64 pixels, then the class), found 3 fields",
        error("1,2,3\n"));
    assertEquals("f, line 2, field 7: expected an integer, found \"x\"",
        error("0,".repeat(64) + "1\n" + "0,".repeat(6) + "x," + "0,".repeat(57) + "1\n"));
    assertEquals("f, line 1, field 2: a pixel count must be in 0..16, found 17",
        error("0,17," + "0,".repeat(62) + "1\n"));
    assertEquals("f: no images (the file is empty)", error(""));
  }

  @Test
  void shiftMovesPixelsAndFillsWithBackground() {
    double[] image = new double[Digits.PIXELS];
    image[0] = 1;
    image[63] = 2;
    double[] out = new double[Digits.PIXELS];
    Digits.shift(image, 1, 1, out);
    assertEquals(1, out[9]);
    assertEquals(0, out[63]);
    Digits.shift(image, -1, 0, out);
    assertEquals(2, out[62]);
    assertEquals(0, out[0]);
  }

  private static String error(String csv) {
    return assertThrows(Digits.DataException.class, () -> Digits.read(
        new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), "f")).getMessage();
  }
}
