package dev.matgrad.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.matgrad.Derivation;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What {@code derive} prints for each of the seed notes' eight problems: the derivation matgrad
 * recorded, in the notes' own form where the two are the same expression (the notes write
 * σ(Aᵀx) where problem 8 names it h, and y = Aᵀx in problem 7 as the notes do). Problem 3 is
 * the one exception: matgrad's rule for the p-norm is sign(x) ⊙ (|x|/‖x‖_p)^(p−1), the notes'
 * next-to-last step, equal to their x ⊙ |x|^(p−2) / ‖x‖_p^(p−1) but not the same expression.
 */
class DeriveNotationTest {
  @ParameterizedTest(name = "problem {0}: {2}")
  @CsvSource(delimiter = ';', value = {
      "1; l1Norm;                     ∇_x f = sign(x)",
      "2; squaredL2Norm;              ∇_x f = 2 x",
      "3; pNorm;                      ∇_x f = sign(x) ⊙ (|x| / ‖x‖_p)^(p − 1)",
      "4; linearMap;                  ∂f/∂x = A",
      "5; squaredNormOfLinearMap;     ∇_x f = 2 A Aᵀ x",
      "6; sigmoidLayer;               ∂f/∂x = A diag(σ(Aᵀ x) ⊙ (1 − σ(Aᵀ x))) B",
      "7; squaredNormOfLinearMapWrtA; ∇_A f = 2 x yᵀ",
      "8; firstLayerLoss;             ∇_A f = 2 x (diag(h ⊙ (1 − h)) B (Bᵀ h − c))ᵀ",
  })
  void theDerivativeReadsAsInTheNotes(int problem, String method, String derivative) {
    assertEquals(method, SeedCatalog.PROBLEMS.get(problem - 1).method());
    List<String> notation = notation(method);
    assertEquals(derivative, notation.get(1), () -> String.join("\n", notation));
  }

  @Test
  void namedValuesAreDefinedAndSingleUseAdjointsWrittenOut() {
    assertEquals(List.of("f = ‖y‖²", "∇_A f = 2 x yᵀ", "where", "  y = Aᵀ x"),
        notation("squaredNormOfLinearMapWrtA"));
    assertEquals(List.of("f = ‖Bᵀ h − c‖²", "∇_A f = 2 x (diag(h ⊙ (1 − h)) B (Bᵀ h − c))ᵀ",
        "where", "  h = σ(Aᵀ x)"), notation("firstLayerLoss"));
  }

  private static List<String> notation(String method) {
    return List.of(GeneratedMethods.derivation(SeedProblems.class, method)
        .map(Derivation::notation).orElseThrow());
  }
}
