package dev.matgrad.processor.javac;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import dev.matgrad.processor.ast.Origin;

/** An {@link Origin} that is a javac tree, so diagnostics land on its exact line and column. */
record TreeOrigin(Tree tree, CompilationUnitTree unit) implements Origin {
  @Override
  public String source() {
    return tree.toString();
  }
}
