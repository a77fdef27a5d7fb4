package dev.matgrad.sample;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The PNG written after training: training loss (left axis) and accuracy (right axis) per epoch. */
final class TrainingPlot {
  static final int WIDTH = 900;
  static final int HEIGHT = 540;
  private static final Color LOSS_COLOR = new Color(0x1f, 0x77, 0xb4);
  private static final Color ACCURACY_COLOR = new Color(0xd6, 0x27, 0x28);
  private static final Color BASELINE_COLOR = new Color(0x7f, 0x7f, 0x7f);

  private TrainingPlot() {}

  /**
   * Draws the curves into {@code file}.
   *
   * @param evaluationName "test" or "validation": what the accuracy was measured on
   * @param baseline an accuracy to draw as a dashed line (the k-NN figure), or NaN for none
   */
  static void write(Path file, List<Trainer.Epoch> epochs, String evaluationName, String title,
      double baseline) throws IOException {
    System.setProperty("java.awt.headless", "true");
    int n = epochs.size();
    double[] x = new double[n];
    double[] loss = new double[n];
    double[] accuracy = new double[n];
    double lowest = 100;
    for (int i = 0; i < n; i++) {
      x[i] = epochs.get(i).epoch();
      loss[i] = epochs.get(i).loss();
      accuracy[i] = 100 * epochs.get(i).accuracy();
      lowest = Math.min(lowest, accuracy[i]);
    }
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
        .xAxisTitle("epoch").build();
    Styler styler = chart.getStyler();
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setLegendPosition(Styler.LegendPosition.InsideN);
    styler.setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
    chart.getStyler().setXAxisDecimalPattern("0");
    chart.getStyler().setPlotBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotGridLinesColor(new Color(0xe0, 0xe0, 0xe0));
    chart.getStyler().setYAxisMin(0, 0.0);
    // Accuracy from a round floor under the worst epoch up to 100 %, so the last points are legible.
    double floor = Math.max(0, Math.min(90, 5 * Math.floor(lowest / 5)));
    chart.getStyler().setYAxisMin(1, floor);
    chart.getStyler().setYAxisMax(1, 100.0);
    chart.setYAxisGroupTitle(0, "training loss");
    chart.setYAxisGroupTitle(1, evaluationName + " accuracy (%)");

    XYSeries lossSeries = chart.addSeries("training loss", x, loss);
    lossSeries.setYAxisGroup(0);
    // XChart 3.8.8 labels both axes with the first group's pattern: two decimals suit both.
    lossSeries.setYAxisDecimalPattern("0.00");
    lossSeries.setLineColor(LOSS_COLOR);
    lossSeries.setMarkerColor(LOSS_COLOR);
    lossSeries.setMarker(SeriesMarkers.CIRCLE);

    XYSeries accuracySeries = chart.addSeries(evaluationName + " accuracy", x, accuracy);
    accuracySeries.setYAxisGroup(1);
    accuracySeries.setLineColor(ACCURACY_COLOR);
    accuracySeries.setMarkerColor(ACCURACY_COLOR);
    accuracySeries.setMarker(SeriesMarkers.DIAMOND);

    if (!Double.isNaN(baseline) && n > 0) {
      XYSeries line = chart.addSeries(String.format(java.util.Locale.ROOT,
          "1-NN baseline (%.2f %%)", 100 * baseline),
          new double[] {x[0], x[n - 1]}, new double[] {100 * baseline, 100 * baseline});
      line.setYAxisGroup(1);
      line.setLineColor(BASELINE_COLOR);
      line.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
          new float[] {6f, 4f}, 0f));
      line.setMarker(SeriesMarkers.NONE);
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
    }
  }
}
