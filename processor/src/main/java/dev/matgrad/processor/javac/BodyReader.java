package dev.matgrad.processor.javac;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import dev.matgrad.processor.CompileError;
import dev.matgrad.processor.Message;
import dev.matgrad.processor.ast.Expr;
import dev.matgrad.processor.ast.MethodSource;
import dev.matgrad.processor.ast.Stmt;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;

/**
 * Turns a method's javac trees into {@link MethodSource}. Anything outside the subset is an error
 * on its own tree, and reading goes on past it, so that one compilation reports every unsupported
 * construct of a method: an unsupported expression stays in the body as {@link Expr.Invalid}, a
 * local whose declaration is unsupported keeps its name with an invalid value, and other
 * unsupported statements are left out.
 */
final class BodyReader {
  private final CompilationUnitTree unit;
  private final List<CompileError> errors = new ArrayList<>();

  BodyReader(CompilationUnitTree unit) {
    this.unit = unit;
  }

  MethodSource read(ExecutableElement method, MethodTree tree) {
    List<MethodSource.Parameter> params = new ArrayList<>();
    for (int i = 0; i < method.getParameters().size(); i++) {
      VariableElement p = method.getParameters().get(i);
      params.add(new MethodSource.Parameter(
          p.getSimpleName().toString(), typeName(p.asType().toString()),
          origin(tree.getParameters().get(i))));
    }
    List<Stmt> body = new ArrayList<>();
    readBlock(tree.getBody(), body);
    List<String> staticImports = new ArrayList<>();
    List<String> imports = new ArrayList<>();
    for (ImportTree imp : unit.getImports()) {
      (imp.isStatic() ? staticImports : imports).add(imp.getQualifiedIdentifier().toString());
    }
    TypeElement owner = (TypeElement) method.getEnclosingElement();
    String pkg = unit.getPackageName() == null ? "" : unit.getPackageName().toString();
    return new MethodSource(owner.getQualifiedName().toString(), pkg,
        method.getSimpleName().toString(), params, typeName(method.getReturnType().toString()),
        body, staticImports, imports, origin(tree));
  }

  /** The errors found by {@link #read}, in source order. */
  List<CompileError> errors() {
    return List.copyOf(errors);
  }

  /** Normalises a type as written or printed: {@code dev.matgrad.Matrix} and {@code Matrix} alike. */
  static String typeName(String type) {
    return switch (type) {
      case "dev.matgrad.Matrix", "Matrix" -> "Matrix";
      default -> type;
    };
  }

  private void readBlock(BlockTree block, List<Stmt> out) {
    for (StatementTree statement : block.getStatements()) {
      readStatement(statement, out);
    }
  }

  private void readStatement(StatementTree s, List<Stmt> out) {
    switch (s.getKind()) {
      case VARIABLE -> {
        VariableTree v = (VariableTree) s;
        String type = v.getType() == null ? "var" : typeName(v.getType().toString());
        String name = v.getName().toString();
        if (!List.of("double", "double[]", "Matrix", "int", "boolean", "var").contains(type)) {
          // its initializer is not read: its errors would only repeat this one
          out.add(new Stmt.Local(name, "var", invalid(s, Message.UNSUPPORTED_STATEMENT,
              "a local of type " + type + "; locals may be double, double[], Matrix, int or var"),
              origin(s)));
        } else if (v.getInitializer() == null && type.equals("var")) {
          out.add(new Stmt.Local(name, type, invalid(s, Message.UNSUPPORTED_STATEMENT,
              "a local without an initial value; declare " + name + " where it is computed"),
              origin(s)));
        } else if (v.getInitializer() == null) {
          // assigned later (on every path before it is read: javac checks that)
          out.add(new Stmt.Local(name, type, null, origin(s)));
        } else {
          out.add(new Stmt.Local(name, type, expr(v.getInitializer()), origin(s)));
        }
      }
      case EXPRESSION_STATEMENT -> {
        Stmt assignment = assignment(((ExpressionStatementTree) s).getExpression());
        if (assignment != null) {
          out.add(assignment);
        }
      }
      case RETURN -> {
        ReturnTree r = (ReturnTree) s;
        Expr value = r.getExpression() == null
            ? invalid(s, Message.UNSUPPORTED_STATEMENT, "a return without a value")
            : expr(r.getExpression());
        out.add(new Stmt.Return(value, origin(s)));
      }
      case BLOCK -> readBlock((BlockTree) s, out);
      case EMPTY_STATEMENT -> { }
      case IF -> {
        IfTree t = (IfTree) s;
        List<Stmt> then = new ArrayList<>();
        readStatement(t.getThenStatement(), then);
        List<Stmt> otherwise = new ArrayList<>();
        if (t.getElseStatement() != null) {
          readStatement(t.getElseStatement(), otherwise);
        }
        out.add(new Stmt.If(expr(t.getCondition()), then, otherwise, origin(s)));
      }
      case FOR_LOOP -> {
        Stmt loop = forLoop((ForLoopTree) s);
        if (loop != null) {
          out.add(loop);
        }
      }
      case ENHANCED_FOR_LOOP -> invalid(s, Message.CONTROL_FLOW, "a for-each loop");
      case LABELED_STATEMENT -> invalid(s, Message.CONTROL_FLOW, "a labeled statement");
      case BREAK, CONTINUE -> {
        boolean breaks = s.getKind() == Tree.Kind.BREAK;
        javax.lang.model.element.Name label = breaks ? ((com.sun.source.tree.BreakTree) s).getLabel()
            : ((com.sun.source.tree.ContinueTree) s).getLabel();
        if (label != null) {
          invalid(s, Message.CONTROL_FLOW, (breaks ? "break" : "continue") + " with a label");
        } else {
          out.add(new Stmt.Jump(breaks, origin(s)));
        }
      }
      case WHILE_LOOP -> {
        WhileLoopTree loop = (WhileLoopTree) s;
        Expr condition = expr(loop.getCondition());
        List<Stmt> body = new ArrayList<>();
        readStatement(loop.getStatement(), body);
        out.add(new Stmt.While(condition, body, origin(s)));
      }
      case DO_WHILE_LOOP -> invalid(s, Message.CONTROL_FLOW, "a do-while loop");
      case SWITCH -> invalid(s, Message.CONTROL_FLOW, "a switch statement");
      default -> invalid(s, Message.UNSUPPORTED_STATEMENT, describe(s));
    }
  }

  /**
   * A counted loop, or null when its header is not one of the supported forms (reported; its
   * body is still read, so that its errors are reported too).
   */
  private Stmt forLoop(ForLoopTree loop) {
    List<Stmt> body = new ArrayList<>();
    readStatement(loop.getStatement(), body);
    String problem = null;
    String index = null;
    Expr start = null;
    if (loop.getInitializer().size() != 1
        || !(loop.getInitializer().get(0) instanceof VariableTree v)
        || v.getInitializer() == null || !"int".equals(String.valueOf(v.getType()))) {
      problem = "its initialisation must declare one int index, int i = a";
    } else {
      index = v.getName().toString();
      start = expr(v.getInitializer());
    }
    String comparison = null;
    Expr end = null;
    if (problem == null) {
      ExpressionTree c = loop.getCondition();
      if (c instanceof BinaryTree b && comparison(b.getKind()) != null) {
        String op = comparison(b.getKind());
        if (isName(b.getLeftOperand(), index)) {
          comparison = op;
          end = expr(b.getRightOperand());
        } else if (isName(b.getRightOperand(), index)) {
          comparison = switch (op) {
            case "<" -> ">";
            case "<=" -> ">=";
            case ">" -> "<";
            case ">=" -> "<=";
            default -> op;
          };
          end = expr(b.getLeftOperand());
        }
        if ("==".equals(comparison) || "!=".equals(comparison)) {
          comparison = null;
        }
      }
      if (comparison == null) {
        problem = "its condition must compare the index with a bound, " + index + " < b (or <=, >, >=)";
      }
    }
    Expr step = null;
    if (problem == null) {
      ExpressionTree u = loop.getUpdate().size() == 1 ? loop.getUpdate().get(0).getExpression() : null;
      if (u != null && (u.getKind() == Tree.Kind.POSTFIX_INCREMENT || u.getKind() == Tree.Kind.PREFIX_INCREMENT)
          && isName(((UnaryTree) u).getExpression(), index)) {
        step = new Expr.Literal(1, true, origin(u));
      } else if (u != null && (u.getKind() == Tree.Kind.POSTFIX_DECREMENT
          || u.getKind() == Tree.Kind.PREFIX_DECREMENT) && isName(((UnaryTree) u).getExpression(), index)) {
        step = new Expr.Literal(-1, true, origin(u));
      } else if (u instanceof CompoundAssignmentTree c && isName(c.getVariable(), index)
          && (c.getKind() == Tree.Kind.PLUS_ASSIGNMENT || c.getKind() == Tree.Kind.MINUS_ASSIGNMENT)) {
        Expr k = expr(c.getExpression());
        step = c.getKind() == Tree.Kind.PLUS_ASSIGNMENT ? k : new Expr.Unary('-', k, origin(u));
      } else {
        problem = "its update must be " + index + "++, " + index + "--, " + index + " += k or "
            + index + " -= k";
      }
    }
    if (problem != null) {
      errors.add(new CompileError(origin(loop), Message.LOOP_FORM, problem));
      return null;
    }
    return new Stmt.For(index, start, comparison, end, step, body, origin(loop));
  }

  private static String comparison(Tree.Kind kind) {
    return switch (kind) {
      case LESS_THAN -> "<";
      case LESS_THAN_EQUAL -> "<=";
      case GREATER_THAN -> ">";
      case GREATER_THAN_EQUAL -> ">=";
      case EQUAL_TO -> "==";
      case NOT_EQUAL_TO -> "!=";
      default -> null;
    };
  }

  private static boolean isName(ExpressionTree e, String name) {
    while (e instanceof ParenthesizedTree p) {
      e = p.getExpression();
    }
    return name != null && e instanceof IdentifierTree id && id.getName().contentEquals(name);
  }

  /** The assignment, or null when it is unsupported (reported; its value is still read). */
  private Stmt assignment(ExpressionTree e) {
    if (e instanceof AssignmentTree a && a.getVariable() instanceof ArrayAccessTree target) {
      return elementWrite(target, expr(a.getExpression()), e);
    }
    if (e instanceof CompoundAssignmentTree c && c.getVariable() instanceof ArrayAccessTree target
        && compound(c) != null) {
      Expr read = expr(target);
      return elementWrite(target, new Expr.Binary(compound(c), read, expr(c.getExpression()),
          origin(e)), e);
    }
    if (e instanceof MethodInvocationTree call && call.getMethodSelect() instanceof MemberSelectTree m
        && m.getIdentifier().contentEquals("set") && m.getExpression() instanceof IdentifierTree id
        && call.getArguments().size() == 3) {
      List<Expr> index = List.of(expr(call.getArguments().get(0)), expr(call.getArguments().get(1)));
      return new Stmt.Assign(id.getName().toString(), new Expr.WithElement(id.getName().toString(),
          index, expr(call.getArguments().get(2)), e.toString(), origin(e)), origin(e));
    }
    if (e instanceof AssignmentTree a) {
      String name = target(a.getVariable());
      Expr value = expr(a.getExpression());
      return name == null ? null : new Stmt.Assign(name, value, origin(e));
    }
    if (e instanceof CompoundAssignmentTree c) {
      String name = target(c.getVariable());
      Character op = switch (c.getKind()) {
        case PLUS_ASSIGNMENT -> '+';
        case MINUS_ASSIGNMENT -> '-';
        case MULTIPLY_ASSIGNMENT -> '*';
        case DIVIDE_ASSIGNMENT -> '/';
        case REMAINDER_ASSIGNMENT -> '%';
        default -> null;
      };
      if (op == null) {
        invalid(e, Message.UNSUPPORTED_EXPRESSION, "the operator in " + e);
      }
      Expr operand = expr(c.getExpression());
      if (name == null || op == null) {
        return null;
      }
      Expr value = new Expr.Binary(op, new Expr.Name(name, origin(c.getVariable())), operand,
          origin(e));
      return new Stmt.Assign(name, value, origin(e));
    }
    if (e.getKind() == Tree.Kind.POSTFIX_INCREMENT || e.getKind() == Tree.Kind.PREFIX_INCREMENT
        || e.getKind() == Tree.Kind.POSTFIX_DECREMENT || e.getKind() == Tree.Kind.PREFIX_DECREMENT) {
      // As a statement its value is discarded: i++ is i = i + 1 (an int stays an int).
      char op = e.getKind() == Tree.Kind.POSTFIX_INCREMENT
          || e.getKind() == Tree.Kind.PREFIX_INCREMENT ? '+' : '-';
      ExpressionTree operand = ((UnaryTree) e).getExpression();
      Expr one = new Expr.Literal(1, true, origin(e));
      if (operand instanceof ArrayAccessTree target) {
        return elementWrite(target, new Expr.Binary(op, expr(target), one, origin(e)), e);
      }
      String name = target(operand);
      return name == null ? null : new Stmt.Assign(name,
          new Expr.Binary(op, new Expr.Name(name, origin(operand)), one, origin(e)), origin(e));
    }
    invalid(e, Message.UNSUPPORTED_STATEMENT,
        "an expression statement whose value is discarded, " + e);
    return null;
  }

  private static Character compound(CompoundAssignmentTree c) {
    return switch (c.getKind()) {
      case PLUS_ASSIGNMENT -> '+';
      case MINUS_ASSIGNMENT -> '-';
      case MULTIPLY_ASSIGNMENT -> '*';
      case DIVIDE_ASSIGNMENT -> '/';
      default -> null;
    };
  }

  /** {@code y[i] = value}: the local y after the write (reported if y is not a simple name). */
  private Stmt elementWrite(ArrayAccessTree target, Expr value, ExpressionTree e) {
    if (!(target.getExpression() instanceof IdentifierTree id)) {
      invalid(target, Message.WRITE_TO_ARRAY, target.toString());
      return null;
    }
    String name = id.getName().toString();
    return new Stmt.Assign(name, new Expr.WithElement(name, List.of(expr(target.getIndex())), value,
        target.toString(), origin(e)), origin(e));
  }

  /** The local assigned to, or null when the target is not a simple name (reported). */
  private String target(ExpressionTree variable) {
    if (variable instanceof IdentifierTree id) {
      return id.getName().toString();
    }
    if (variable instanceof ArrayAccessTree) {
      invalid(variable, Message.WRITE_TO_ARRAY, variable.toString());
    } else {
      invalid(variable, Message.UNSUPPORTED_EXPRESSION, "assignment to " + variable);
    }
    return null;
  }

  private Expr expr(ExpressionTree e) {
    switch (e.getKind()) {
      case PARENTHESIZED:
        return expr(((ParenthesizedTree) e).getExpression());
      case INT_LITERAL:
        return new Expr.Literal(((Number) ((LiteralTree) e).getValue()).doubleValue(), true, origin(e));
      case DOUBLE_LITERAL:
        return new Expr.Literal(((Number) ((LiteralTree) e).getValue()).doubleValue(), false, origin(e));
      case BOOLEAN_LITERAL:
        return new Expr.Bool((Boolean) ((LiteralTree) e).getValue(), origin(e));
      case LONG_LITERAL:
      case FLOAT_LITERAL:
      case CHAR_LITERAL:
      case STRING_LITERAL:
      case NULL_LITERAL:
        return invalid(e, Message.UNSUPPORTED_LITERAL, e.toString());
      case IDENTIFIER:
        return new Expr.Name(((IdentifierTree) e).getName().toString(), origin(e));
      case MEMBER_SELECT: {
        MemberSelectTree m = (MemberSelectTree) e;
        String member = m.getIdentifier().toString();
        String target = dottedName(m.getExpression());
        if ("Math".equals(target) || "java.lang.Math".equals(target)) {
          if (member.equals("PI")) {
            return new Expr.Literal(Math.PI, false, origin(e));
          }
          if (member.equals("E")) {
            return new Expr.Literal(Math.E, false, origin(e));
          }
        }
        if (member.equals("length")) {
          return new Expr.Length(expr(m.getExpression()), origin(e));
        }
        if (target != null) {
          return new Expr.Field(target, member, origin(e));
        }
        return invalid(e, Message.UNSUPPORTED_EXPRESSION, "the field access " + e);
      }
      case METHOD_INVOCATION: {
        MethodInvocationTree call = (MethodInvocationTree) e;
        List<Expr> args = new ArrayList<>();
        for (ExpressionTree a : call.getArguments()) {
          args.add(expr(a));
        }
        ExpressionTree select = call.getMethodSelect();
        if (select instanceof IdentifierTree id) {
          return new Expr.Call("", id.getName().toString(), args, origin(e));
        }
        if (select instanceof MemberSelectTree m) {
          String qualifier = dottedName(m.getExpression());
          if (qualifier == null) {
            return invalid(e, Message.UNSUPPORTED_EXPRESSION,
                "calling " + m.getIdentifier() + " on the result of " + m.getExpression());
          }
          return new Expr.Call(qualifier, m.getIdentifier().toString(), args, origin(e));
        }
        return invalid(e, Message.UNSUPPORTED_EXPRESSION, "the call " + e);
      }
      case ARRAY_ACCESS: {
        ArrayAccessTree a = (ArrayAccessTree) e;
        return new Expr.Index(expr(a.getExpression()), expr(a.getIndex()), origin(e));
      }
      case UNARY_MINUS:
      case UNARY_PLUS:
        return new Expr.Unary(e.getKind() == Tree.Kind.UNARY_MINUS ? '-' : '+',
            expr(((UnaryTree) e).getExpression()), origin(e));
      case PLUS:
      case MINUS:
      case MULTIPLY:
      case DIVIDE:
      case REMAINDER: {
        BinaryTree b = (BinaryTree) e;
        char op = switch (e.getKind()) {
          case PLUS -> '+';
          case MINUS -> '-';
          case MULTIPLY -> '*';
          case DIVIDE -> '/';
          default -> '%';
        };
        return new Expr.Binary(op, expr(b.getLeftOperand()), expr(b.getRightOperand()), origin(e));
      }
      case TYPE_CAST: {
        TypeCastTree c = (TypeCastTree) e;
        String type = c.getType().toString();
        if (!type.equals("double") && !type.equals("int")) {
          return invalid(e, Message.UNSUPPORTED_EXPRESSION, "the cast to " + type);
        }
        return new Expr.Cast(type, expr(c.getExpression()), origin(e));
      }
      case NEW_ARRAY: {
        NewArrayTree a = (NewArrayTree) e;
        // {a, b} in a declaration has no type of its own: the local's, double[]
        if (a.getType() != null && !a.getType().toString().equals("double")) {
          return invalid(e, Message.UNSUPPORTED_EXPRESSION, "the array " + e
              + " (local arrays are double[])");
        }
        if (a.getInitializers() != null) {
          List<Expr> elements = new ArrayList<>();
          a.getInitializers().forEach(x -> elements.add(expr(x)));
          return new Expr.ArrayOf(elements, origin(e));
        }
        if (a.getDimensions().size() != 1) {
          return invalid(e, Message.UNSUPPORTED_EXPRESSION, "the array " + e);
        }
        return new Expr.NewArray(expr(a.getDimensions().get(0)), origin(e));
      }
      case NEW_CLASS: {
        NewClassTree n = (NewClassTree) e;
        if (typeName(n.getIdentifier().toString()).equals("Matrix") && n.getArguments().size() == 3
            && n.getClassBody() == null) {
          return new Expr.NewMatrix(expr(n.getArguments().get(0)), expr(n.getArguments().get(1)),
              expr(n.getArguments().get(2)), origin(e));
        }
        return invalid(e, Message.UNSUPPORTED_EXPRESSION, "a new-class expression (" + e + ")");
      }
      case CONDITIONAL_EXPRESSION: {
        ConditionalExpressionTree c = (ConditionalExpressionTree) e;
        return new Expr.Conditional(expr(c.getCondition()), expr(c.getTrueExpression()),
            expr(c.getFalseExpression()), origin(e));
      }
      case LESS_THAN:
      case LESS_THAN_EQUAL:
      case GREATER_THAN:
      case GREATER_THAN_EQUAL:
      case EQUAL_TO:
      case NOT_EQUAL_TO: {
        BinaryTree b = (BinaryTree) e;
        return new Expr.Compare(comparison(e.getKind()), expr(b.getLeftOperand()),
            expr(b.getRightOperand()), origin(e));
      }
      case CONDITIONAL_AND:
      case CONDITIONAL_OR: {
        BinaryTree b = (BinaryTree) e;
        return new Expr.Logical(e.getKind() == Tree.Kind.CONDITIONAL_AND ? "&&" : "||",
            expr(b.getLeftOperand()), expr(b.getRightOperand()), origin(e));
      }
      case LOGICAL_COMPLEMENT:
        return new Expr.Not(expr(((UnaryTree) e).getExpression()), origin(e));
      case ASSIGNMENT:
      case PLUS_ASSIGNMENT:
      case MINUS_ASSIGNMENT:
      case MULTIPLY_ASSIGNMENT:
      case DIVIDE_ASSIGNMENT:
        return invalid(e, Message.UNSUPPORTED_EXPRESSION, "an assignment inside an expression, " + e);
      default:
        return invalid(e, Message.UNSUPPORTED_EXPRESSION, describe(e) + " (" + e + ")");
    }
  }

  /** {@code a.b.c} for a chain of names, null for anything else. */
  private static String dottedName(ExpressionTree e) {
    if (e instanceof IdentifierTree id) {
      return id.getName().toString();
    }
    if (e instanceof MemberSelectTree m) {
      String head = dottedName(m.getExpression());
      return head == null ? null : head + "." + m.getIdentifier();
    }
    return null;
  }

  /** "a lambda expression", "a new-array expression", ... from the tree kind. */
  private static String describe(Tree t) {
    String kind = t.getKind().name().toLowerCase(Locale.ROOT).replace('_', ' ');
    return (kind.matches("^[aeiou].*") ? "an " : "a ") + kind;
  }

  private TreeOrigin origin(Tree tree) {
    return new TreeOrigin(tree, unit);
  }

  /** Reports an unsupported construct; what stands in for it where a value is expected. */
  private Expr.Invalid invalid(Tree tree, Message message, Object... args) {
    errors.add(new CompileError(origin(tree), message, args));
    return new Expr.Invalid(origin(tree));
  }
}
