package dev.matgrad.processor.ir;

/** Helpers for the matrix notation that goes into generated Javadoc. */
public final class Notation {
  private Notation() {}

  /** A number as the notation shows it: an integral value without a fraction (2, not 2.0). */
  public static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  /** Wraps a compound expression in parentheses so it reads as one operand. */
  public static String paren(String s) {
    if (s.indexOf(' ') < 0 || isWrapped(s) || isCall(s)) {
      return s;
    }
    return "(" + s + ")";
  }

  /**
   * Whether a scalar factor written before s needs parentheses: only when s is a sum or a
   * difference (2 A x, 2 a ⊙ b and 2 a / b read the same either way, but 2 (a + b)).
   */
  public static String factorOperand(String s) {
    int depth = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(' || c == '[') {
        depth++;
      } else if (c == ')' || c == ']') {
        depth--;
      } else if (depth == 0 && (c == '+' || c == '−')) {
        return paren(s);
      }
    }
    return s;
  }

  /** {@code σ(Aᵀ x)}, {@code ‖y‖²}: one function applied to one bracketed argument. */
  private static boolean isCall(String s) {
    int open = s.indexOf('(');
    if (s.startsWith("‖")) {
      int close = s.indexOf('‖', 1);
      return close > 0 && s.substring(close + 1).matches("[²₁₂]?(_\\S+)?");
    }
    if (open <= 0 || s.substring(0, open).contains(" ")) {
      return false;
    }
    int depth = 0;
    for (int i = open; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return s.substring(i + 1).matches("[ᵀ²]?");
      }
    }
    return false;
  }

  /**
   * Whether s is one power whose base and exponent are each one operand, {@code (a / b)^(p − 1)}
   * or {@code x^2}: it binds tighter than any product.
   */
  public static boolean isPower(String s) {
    int depth = 0;
    int caret = -1;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(' || c == '[') {
        depth++;
      } else if (c == ')' || c == ']') {
        depth--;
      } else if (depth == 0 && c == '^') {
        if (caret >= 0) {
          return false;
        }
        caret = i;
      }
    }
    if (caret <= 0 || caret == s.length() - 1) {
      return false;
    }
    String base = s.substring(0, caret);
    String exponent = s.substring(caret + 1);
    return paren(base).equals(base) && paren(exponent).equals(exponent);
  }

  /** s without one pair of parentheses around all of it: {@code (a + b)} is {@code a + b}. */
  public static String unwrap(String s) {
    return isWrapped(s) ? s.substring(1, s.length() - 1) : s;
  }

  private static boolean isWrapped(String s) {
    if (!s.startsWith("(") || !s.endsWith(")")) {
      return false;
    }
    int depth = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
        if (depth == 0 && i < s.length() - 1) {
          return false;
        }
      }
    }
    return true;
  }
}
