package dev.matgrad.bench.peers;

/** JVM flags of the peer benchmarks' forks: PyTorch on one thread, no downloads at run time. */
final class PeerSettings {
  static final String TORCH_THREADS = "-Dai.djl.pytorch.num_threads=1";
  static final String TORCH_INTEROP_THREADS = "-Dai.djl.pytorch.num_interop_threads=1";
  /** The native library comes from the pytorch-native-cpu jar on the classpath. */
  static final String DJL_OFFLINE = "-Dai.djl.offline=true";

  private PeerSettings() {}
}
