package dev.matgrad.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** Spark in the test's own JVM: {@code threads} executor threads, bound to loopback, no web UI. */
final class LocalSpark {
  private LocalSpark() {}

  static JavaSparkContext start(int threads) {
    SparkConf conf = new SparkConf()
        .setMaster("local[" + threads + "]")
        .setAppName("matgrad spark-example test")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.ui.enabled", "false");
    return new JavaSparkContext(conf);
  }
}
