package dev.matgrad.processor.random;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.matgrad.processor.random.ProgramChecker.Options;
import dev.matgrad.processor.random.ProgramChecker.Outcome;
import dev.matgrad.processor.random.ProgramGenerator.Program;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays the kept fuzz regressions ({@code src/test/resources/fuzz-regressions/*.java}) through
 * the fuzzer's checks on every run. A file is one program in the fuzzer's format (see {@link
 * ProgramModel}): a header of comment lines saying what failed and why, an optional {@code //
 * dims: d0=2 d1=1} line pinning the dimension symbols, then the classes, each method preceded by
 * its shape comment. A header line {@code // disabled: <reason>} skips a program whose bug is
 * not fixed yet.
 */
class RegressionProgramsTest {
  static final String FOLDER = "fuzz-regressions";
  /** Input draws per method. */
  static final int TRIALS = 4;
  private static final Pattern DISABLED = Pattern.compile("(?m)^//\\s*disabled:\\s*(.*)$");

  static List<Path> files() throws IOException, URISyntaxException {
    URL url = RegressionProgramsTest.class.getClassLoader().getResource(FOLDER);
    if (url == null) {
      throw new IllegalStateException("no " + FOLDER + " folder on the test class path");
    }
    try (Stream<Path> s = Files.list(Path.of(url.toURI()))) {
      return s.filter(p -> p.getFileName().toString().endsWith(".java")).sorted().toList();
    }
  }

  @TestFactory
  Stream<DynamicTest> keptRegressions() throws IOException, URISyntaxException {
    List<Path> files = files();
    assertFalse(files.isEmpty(), "no regression programs in " + FOLDER);
    return files.stream().map(f -> dynamicTest(f.getFileName().toString(), () -> replay(f)));
  }

  static void replay(Path file) throws IOException {
    String text = Files.readString(file);
    Matcher disabled = DISABLED.matcher(text);
    if (disabled.find()) {
      Assumptions.abort("disabled: " + disabled.group(1));
    }
    ProgramModel model = ProgramModel.parse(text);
    if (model.header().stream().noneMatch(h -> h.startsWith("//") && !h.contains("dims:"))) {
      fail(file.getFileName() + ": its header must say what failed and why");
    }
    Program program = model.toProgram();
    Outcome outcome = ProgramChecker.check(program, file.getFileName().toString().hashCode(),
        new Options(TRIALS, 30, model.pinnedDims(), null));
    if (outcome.failed()) {
      String report = outcome.report("kept regression " + file.getFileName(), program);
      System.out.println(report);
      fail(report);
    }
  }
}
