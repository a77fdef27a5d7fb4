package dev.matgrad.bench.peers;

import org.junit.jupiter.api.Test;

/** PyTorch and SameDiff agree with the generated gradients at small sizes (built with -Ppeers only). */
class PeerAgreementTest {
  @Test
  void firstLayer() {
    FirstLayerPeerBench.Torch torch = new FirstLayerPeerBench.Torch();
    torch.size = 5;
    torch.setUp();
    torch.tearDown();
    FirstLayerPeerBench.SameDiffState sameDiff = new FirstLayerPeerBench.SameDiffState();
    sameDiff.size = 5;
    sameDiff.setUp();
  }

  @Test
  void mlp() {
    MlpPeerBench.Torch torch = new MlpPeerBench.Torch();
    torch.shape = "6-8-3x5";
    torch.setUp();
    torch.tearDown();
    MlpPeerBench.SameDiffState sameDiff = new MlpPeerBench.SameDiffState();
    sameDiff.shape = "6-8-3x5";
    sameDiff.setUp();
  }

  @Test
  void trace() {
    TracePeerBench.Torch torch = new TracePeerBench.Torch();
    torch.size = 6;
    torch.setUp();
    torch.tearDown();
    TracePeerBench.SameDiffState sameDiff = new TracePeerBench.SameDiffState();
    sameDiff.size = 6;
    sameDiff.setUp();
  }
}
