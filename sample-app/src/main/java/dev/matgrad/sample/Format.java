package dev.matgrad.sample;

import java.math.BigDecimal;
import java.util.Locale;

/** Number formats shared by the console, the report and the plot. */
final class Format {
  private Format() {}

  /** A setting as typed on the command line: 0.002, 0.0001, 128. */
  static String number(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }

  /** An accuracy in percent with two decimals: 97.33 %. */
  static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.2f %%", 100 * fraction);
  }

  static String seconds(double seconds) {
    return String.format(Locale.ROOT, "%.1f s", seconds);
  }
}
