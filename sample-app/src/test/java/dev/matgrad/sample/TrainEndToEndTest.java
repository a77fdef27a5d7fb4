package dev.matgrad.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trains on the real data for two epochs, as a user runs it, and reads what it wrote. */
class TrainEndToEndTest {
  private static final Pattern TEST_ACCURACY =
      Pattern.compile("^test accuracy: ([0-9.]+) % \\((\\d+) of 1797 right", Pattern.MULTILINE);
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  @TempDir static Path output;
  static Cli run;

  @BeforeAll
  static void trainTwoEpochs() {
    run = Cli.run("train", "--epochs", "2", "--output", output.toString());
  }

  @Test
  void trainsAboveChanceOnTheTestFile() {
    assertEquals(0, run.status(), run.err());
    Matcher m = TEST_ACCURACY.matcher(run.out());
    assertTrue(m.find(), run.out());
    double accuracy = Double.parseDouble(m.group(1));
    // Chance is 10 %; a network that learned nothing cannot get near this on 1,797 images.
    assertTrue(accuracy >= 90.0, "test accuracy " + accuracy + " % after two epochs");
    assertEquals(Math.round(1797 * accuracy / 100), Integer.parseInt(m.group(2)));
  }

  @Test
  void showsOneProgressLinePerEpoch() {
    assertTrue(run.out().contains("epoch 1/2 ["), run.out());
    assertTrue(run.out().contains("epoch 2/2 [##############################] loss "), run.out());
  }

  @Test
  void writesAPngOfTheExpectedSize() throws IOException {
    Path plot = output.resolve(TrainCommand.PLOT_FILE);
    byte[] bytes = Files.readAllBytes(plot);
    assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(bytes, PNG_SIGNATURE.length));
    BufferedImage image = ImageIO.read(plot.toFile());
    assertEquals(TrainingPlot.WIDTH, image.getWidth());
    assertEquals(TrainingPlot.HEIGHT, image.getHeight());
  }

  @Test
  void theReportHoldsTheFiguresPrinted() throws IOException {
    String report = Files.readString(output.resolve(TrainCommand.REPORT_FILE), StandardCharsets.UTF_8);
    List<String> printed = run.out().lines()
        .filter(l -> l.startsWith("test accuracy:") || l.startsWith("k-NN baseline")
            || l.startsWith("training time:"))
        .toList();
    assertEquals(3, printed.size(), run.out());
    for (String line : printed) {
      assertTrue(report.contains(line), "report lacks: " + line + "\n" + report);
    }
    // Each epoch's loss and accuracy, as printed on its progress line.
    Matcher epoch = Pattern.compile("epoch (\\d)/2 \\[[#.]+\\] loss ([0-9.]+)  test accuracy ([0-9.]+ %)")
        .matcher(run.out());
    int epochs = 0;
    while (epoch.find()) {
      epochs++;
      Matcher row = Pattern.compile("(?m)^\\s+" + epoch.group(1) + "\\s+" + Pattern.quote(epoch.group(2))
          + "\\s+" + Pattern.quote(epoch.group(3))).matcher(report);
      assertTrue(row.find(), "report lacks epoch " + epoch.group(1) + "\n" + report);
    }
    assertEquals(2, epochs);
    assertTrue(report.contains("CC BY 4.0"), "the data's attribution");
  }

  @Test
  void theSameSeedGivesTheSameRun(@TempDir Path other) {
    Cli again = Cli.run("train", "--epochs", "2", "--output", other.toString());
    assertEquals(figures(run.out()), figures(again.out()));
  }

  @Test
  void anEnsembleDoesNotDependOnTheThreadCount(@TempDir Path one, @TempDir Path two) {
    Cli single = Cli.run("--epochs", "1", "--ensemble", "2", "--threads", "1", "-o", one.toString());
    Cli parallel = Cli.run("--epochs", "1", "--ensemble", "2", "--threads", "2", "-o", two.toString());
    assertEquals(0, single.status(), single.err());
    assertEquals(0, parallel.status(), parallel.err());
    assertEquals(figures(single.out()), figures(parallel.out()));
    assertFalse(figures(single.out()).isEmpty());
  }

  @Test
  void validationScoresPartOfTheTrainingFileOnly(@TempDir Path dir) throws IOException {
    Cli cli = Cli.run("train", "--validate", "--epochs", "1", "-o", dir.toString());
    assertEquals(0, cli.status(), cli.err());
    assertTrue(cli.out().contains("fold 1 of 5: training on 3054 images of bundled optdigits.tra.csv,"
        + " validating on the other 769"), cli.out());
    assertTrue(cli.out().contains("validation accuracy: "), cli.out());
    assertFalse(cli.out().contains("tes.csv"), cli.out());
    assertFalse(cli.out().contains("test accuracy"), cli.out());
    String report = Files.readString(dir.resolve(TrainCommand.REPORT_FILE), StandardCharsets.UTF_8);
    assertFalse(report.contains("tes.csv"), report);
  }

  /** The printed losses and accuracies, without the timings. */
  private static List<String> figures(String out) {
    return out.lines()
        .filter(l -> l.startsWith("epoch ") || l.startsWith("test accuracy:"))
        .map(l -> l.replaceAll("\\(\\d+\\.\\d s\\)", ""))
        .toList();
  }
}
