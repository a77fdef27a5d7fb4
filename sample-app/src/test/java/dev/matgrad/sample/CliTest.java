package dev.matgrad.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CliTest {
  @Test
  void helpListsTheCommands() {
    Cli cli = Cli.run("--help");
    assertEquals(0, cli.status());
    for (String command : new String[] {"train", "derive", "check"}) {
      assertTrue(cli.out().contains(command), cli.out());
    }
  }

  @Test
  void trainHelpListsEveryOption() {
    Cli cli = Cli.run("train", "--help");
    assertEquals(0, cli.status());
    for (String option : new String[] {"--model", "--filters", "--epochs", "--batch-size",
        "--learning-rate", "--hidden",
        "--seed", "--output", "--activation", "--optimizer", "--ensemble", "--validate",
        "--train-file", "--test-file"}) {
      assertTrue(cli.out().contains(option), option + " missing from\n" + cli.out());
    }
    assertEquals("", cli.err());
  }

  @Test
  void versionIsPrinted() {
    Cli cli = Cli.run("--version");
    assertEquals(0, cli.status());
    assertTrue(cli.out().startsWith("matgrad sample application"), cli.out());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--epochs 0                | --epochs must be at least 1, but was 0",
      "--batch-size -3           | --batch-size must be at least 1, but was -3",
      "--hidden 0                | --hidden must be at least 1, but was 0",
      "--learning-rate -0.1      | --learning-rate must be a positive number, but was -0.1",
      "--learning-rate NaN       | --learning-rate must be a positive number, but was NaN",
      "--weight-decay -1         | --weight-decay must be 0 or more, but was -1.0",
      "--ensemble 0              | --ensemble must be at least 1, but was 0",
      "--epochs ten              | Invalid value for option '--epochs': 'ten' is not an int",
      "--activation swish        | Invalid value for option '--activation'",
      "--model cnn               | Invalid value for option '--model': expected one of mlp, conv, but was 'cnn'",
      "--filters 0               | --filters must be at least 1, but was 0",
      "--optimizer sgd           | Invalid value for option '--optimizer'",
      "--frobnicate              | Unknown option: '--frobnicate'",
      "--epochs                  | Missing required parameter for option '--epochs'",
      "--validate --test-file x  | --validate scores on part of the training file",
      "--validate --folds 6      | --folds must be between 1 and 5, but was 6",
      "--folds 5                 | --folds needs --validate",
  })
  void badOptionsAreUsageErrors(String args, String message) {
    Cli cli = Cli.run(args.trim().split("\\s+"));
    assertEquals(2, cli.status(), cli.err());
    assertTrue(cli.err().contains(message), cli.err());
    assertTrue(cli.err().contains("--help' for the options"), cli.err());
    assertEquals("", cli.out());
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    Cli cli = Cli.run("plot");
    assertEquals(2, cli.status());
    assertTrue(cli.err().contains("Unmatched argument at index 0: 'plot'"), cli.err());
  }

  @Test
  void aMissingDataFileIsAClearError(@TempDir Path dir) {
    Path missing = dir.resolve("no-such.csv");
    Cli cli = Cli.run("train", "--train-file", missing.toString(), "-o", dir.toString());
    assertEquals(1, cli.status());
    assertEquals("error: cannot read " + missing + ": no such file", cli.err().strip());
  }

  @Test
  void aDirectoryIsNotADataFile(@TempDir Path dir) {
    Cli cli = Cli.run("train", "--test-file", dir.toString(), "-o", dir.toString());
    assertEquals(1, cli.status());
    assertTrue(cli.err().contains("it is a directory, not a CSV file"), cli.err());
  }

  @Test
  void anOutputFolderThatIsAFileIsAClearError(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("taken"), "");
    Cli cli = Cli.run("train", "--epochs", "1", "-o", file.toString());
    assertEquals(1, cli.status());
    assertEquals("error: the output folder " + file + " is a file", cli.err().strip());
  }

  @Test
  void aMalformedDataFileNamesTheLine(@TempDir Path dir) throws IOException {
    Path bad = dir.resolve("bad.csv");
    String good = "0,".repeat(64) + "3\n";
    Files.writeString(bad, good + good + "0,".repeat(64) + "12\n");
    Cli cli = Cli.run("train", "--train-file", bad.toString(), "-o", dir.toString());
    assertEquals(1, cli.status());
    assertEquals("error: " + bad + ", line 3, field 65: the class must be in 0..9, found 12",
        cli.err().strip());
    assertFalse(Files.exists(dir.resolve(TrainCommand.PLOT_FILE)));
  }

  @Test
  void checkPassesForEveryGeneratedMethod() {
    Cli cli = Cli.run("check");
    assertEquals(0, cli.status(), cli.out());
    assertTrue(cli.out().contains("all pass"), cli.out());
    assertTrue(cli.out().contains("DigitNetworkGradients.reluLossGrad (Workspace)"), cli.out());
    assertTrue(cli.out().contains("SeedProblemsGradients.firstLayerLossGrad"), cli.out());
    assertFalse(cli.out().contains(" NO"), cli.out());
  }

  @Test
  void deriveShowsEveryProblemWithMatgradsDerivationAndTheNotes() {
    Cli cli = Cli.run("derive");
    assertEquals(0, cli.status(), cli.out());
    for (int n = 1; n <= 8; n++) {
      assertTrue(cli.out().contains("Problem " + n + ". "), cli.out());
    }
    // Problem 8 as the processor states it and as the notes do.
    assertTrue(cli.out().contains("∇_A f = 2 x (diag(h ⊙ (1 − h)) B (Bᵀ h − c))ᵀ"), cli.out());
    assertTrue(cli.out().contains("∇_A L = 2x (diag(σ(Aᵀx) ⊙ (1 − σ(Aᵀx))) B (Bᵀσ(Aᵀx) − c))ᵀ"),
        cli.out());
    assertFalse(cli.out().contains("does not record"), cli.out());
  }

  @Test
  void deriveOneProblem() {
    Cli cli = Cli.run("derive", "--problem", "5");
    assertEquals(0, cli.status());
    assertTrue(cli.out().contains("∇_x f = 2 A Aᵀ x"), cli.out());
    assertFalse(cli.out().contains("Problem 4."), cli.out());
    assertEquals(2, Cli.run("derive", "--problem", "9").status());
  }

  @Test
  void optionsBeforeAnyCommandGoToTrain() {
    assertEquals(java.util.List.of("train", "--epochs", "3"),
        java.util.List.of(Main.routeToTrain(new String[] {"--epochs", "3"})));
    assertEquals(java.util.List.of("--help"),
        java.util.List.of(Main.routeToTrain(new String[] {"--help"})));
    assertEquals(java.util.List.of("check"),
        java.util.List.of(Main.routeToTrain(new String[] {"check"})));
  }
}
