package dev.matgrad.processor.ops;

import dev.matgrad.processor.ir.Op;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The op table: every op, in the families' declaration order. Name resolution looks Java calls
 * up here by their signatures.
 */
public final class OpTable {
  private OpTable() {}

  private static final List<Op> ALL = collect(Arithmetic.class, Functions.class,
      Reductions.class, LinearAlgebra.class, Factorizations.class, Columns.class, Elements.class,
      Blocks.class, ControlFlow.class, LocalArrays.class);

  public static List<Op> all() {
    return ALL;
  }

  private static List<Op> collect(Class<?>... families) {
    List<Op> all = new ArrayList<>();
    for (Class<?> family : families) {
      for (Field f : family.getDeclaredFields()) {
        if (f.getType() == Op.class && Modifier.isStatic(f.getModifiers())) {
          try {
            all.add((Op) f.get(null));
          } catch (IllegalAccessException e) {
            throw new ExceptionInInitializerError(e);
          }
        }
      }
    }
    return Collections.unmodifiableList(all);
  }
}
