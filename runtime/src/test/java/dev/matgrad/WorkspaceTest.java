package dev.matgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WorkspaceTest {
  @Test
  void buffersGrowButAreReusedWhenLargeEnough() {
    Workspace ws = new Workspace();
    double[] first = ws.buffer(0, 10);
    assertTrue(first.length >= 10);
    assertSame(first, ws.buffer(0, 10));
    assertSame(first, ws.buffer(0, 3));
    double[] bigger = ws.buffer(0, 11);
    assertTrue(bigger.length >= 11);
    assertSame(bigger, ws.buffer(0, 5));
  }

  @Test
  void slotsAreIndependentAndUnbounded() {
    Workspace ws = new Workspace();
    double[] a = ws.buffer(0, 4);
    double[] b = ws.buffer(100, 4);
    assertTrue(a != b);
    assertSame(a, ws.buffer(0, 4));
    assertSame(b, ws.buffer(100, 4));
    assertEquals(8, ws.capacity());
  }

  @Test
  void zeroLengthIsAllowedAndNegativeIsNot() {
    Workspace ws = new Workspace();
    assertEquals(0, ws.buffer(3, 0).length);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ws.buffer(-1, 2));
    assertTrue(e.getMessage().contains("slot is -1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ws.buffer(0, -2));
  }
}
