package dev.matgrad.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An output folder that cannot be written stops train before training, with the reason. */
class OutputFolderTest {
  @Test
  void aFolderWithoutWritePermissionIsReportedBeforeTraining(@TempDir Path dir)
      throws IOException {
    Path locked = Files.createDirectory(dir.resolve("locked"));
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      // The superuser may write anywhere: then there is nothing to report.
      assumeFalse(Files.isWritable(locked), "running as a user who may write anywhere");
      Cli cli = Cli.run("train", "-o", locked.toString());
      assertEquals(1, cli.status(), cli.err());
      assertEquals("error: cannot write into the output folder " + locked
          + ": permission denied", cli.err().strip());
      assertFalse(cli.out().contains("epoch"), cli.out());
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void aFileSystemThatHoldsNoFoldersIsNamedNotCalledMissing() {
    Path proc = Path.of("/proc");
    assumeTrue(Files.isDirectory(proc.resolve("self")), "no Linux /proc");
    Path inside = proc.resolve("matgrad-output");
    Cli cli = Cli.run("train", "-o", inside.toString());
    assertEquals(1, cli.status(), cli.err());
    assertEquals("error: cannot create the output folder " + inside
        + ": /proc does not allow new files or folders in it", cli.err().strip());
    assertEquals("", cli.out());
  }

  @Test
  void aPathThroughAFileIsNotADirectory(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("plain"), "");
    Path through = file.resolve("out");
    Cli cli = Cli.run("train", "-o", through.toString());
    assertEquals(1, cli.status(), cli.err());
    assertEquals("error: cannot create the output folder " + through + ": not a directory",
        cli.err().strip());
  }

  @Test
  void theOperatingSystemsReasonIsGivenInWords() {
    Path p = Path.of("out");
    assertEquals("permission denied", FileProblems.reason(new AccessDeniedException("out"), p));
    assertEquals("read-only file system",
        FileProblems.reason(new FileSystemException("out", null, "Read-only file system"), p));
    assertEquals("no such file or folder", FileProblems.reason(
        new NoSuchFileException("/no/such/parent/out"), Path.of("/no/such/parent/out")));
  }

  @Test
  void enumOptionsAreListedInLowerCaseAsTheHelpListsThem() {
    Cli cli = Cli.run("train", "--activation", "swish");
    assertEquals(2, cli.status());
    assertEquals("error: Invalid value for option '--activation': expected one of relu, tanh,"
        + " sigmoid, but was 'swish'", cli.err().lines().findFirst().orElseThrow());
    Cli optimizer = Cli.run("train", "--optimizer", "sgd");
    assertEquals("error: Invalid value for option '--optimizer': expected one of adam, momentum,"
        + " but was 'sgd'", optimizer.err().lines().findFirst().orElseThrow());
    Cli schedule = Cli.run("train", "--schedule", "step");
    assertEquals("error: Invalid value for option '--schedule': expected one of constant, cosine,"
        + " but was 'step'", schedule.err().lines().findFirst().orElseThrow());
  }

  @Test
  void enumValuesAreReadInAnyCase() throws Exception {
    assertEquals(Activation.TANH, Main.lowerCase(Activation.class).convert("TaNh"));
  }
}
