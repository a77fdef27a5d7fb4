package dev.matgrad.processor.ir;

/** Helpers for the matrix notation that goes into generated Javadoc. */
public final class Notation {
  private Notation() {}

  /** Wraps a compound expression in parentheses so it reads as one operand. */
  public static String paren(String s) {
    if (s.indexOf(' ') < 0 || isWrapped(s)) {
      return s;
    }
    return "(" + s + ")";
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
