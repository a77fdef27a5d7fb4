package dev.matgrad.processor.random;

import dev.matgrad.Matrix;
import dev.matgrad.Ops;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Which entries of the op table the compiled programs actually call: every public {@code Ops}
 * overload and the supported {@code Math} functions, read from the method references in the
 * class files javac wrote for the user classes (so an overload counts only if javac chose it),
 * plus counts of language features read from the programs' syntax trees.
 */
final class OpCoverage {
  /** The Math functions a @Differentiable body may call (API.md). */
  static final List<String> MATH = List.of("exp", "log", "sqrt", "pow", "abs", "tanh", "sin",
      "cos", "log1p", "expm1", "atan", "sinh", "cosh");

  /** A method reference in a class file's constant pool. */
  record MethodRef(String owner, String name, String descriptor) {
    /** The method as Java writes it: {@code matmul(Matrix, double[])}. */
    String signature() {
      return name + "(" + String.join(", ", parameterTypes(descriptor)) + ")";
    }
  }

  private final Map<String, LongAdder> ops = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> math = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> features = new ConcurrentHashMap<>();

  /** Every public static method of Ops, as {@link MethodRef#signature()} writes it. */
  static Set<String> allOps() {
    Set<String> all = new TreeSet<>();
    for (java.lang.reflect.Method m : Ops.class.getDeclaredMethods()) {
      if (Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers())) {
        all.add(m.getName() + "(" + String.join(", ",
            Arrays.stream(m.getParameterTypes()).map(OpCoverage::javaName).toList()) + ")");
      }
    }
    return all;
  }

  private static String javaName(Class<?> c) {
    if (c == Matrix.class) {
      return "Matrix";
    }
    return c.isArray() ? javaName(c.getComponentType()) + "[]" : c.getName();
  }

  /** Records the Ops and Math calls of one user class file. */
  void recordClass(byte[] classFile) {
    for (MethodRef r : methodRefs(classFile)) {
      if (r.owner().equals("dev/matgrad/Ops")) {
        ops.computeIfAbsent(r.signature(), k -> new LongAdder()).increment();
      } else if (r.owner().equals("java/lang/Math")) {
        math.computeIfAbsent(r.name(), k -> new LongAdder()).increment();
      }
    }
  }

  void feature(String name) {
    features.computeIfAbsent(name, k -> new LongAdder()).increment();
  }

  /** Counts the language features each method of a program uses. */
  void recordFeatures(ProgramModel program) {
    feature("programs");
    if (program.maxDim() > ProgramGenerator.MAX_DIM) {
      feature("programs with a dimension above " + ProgramGenerator.MAX_DIM + " in each draw");
    }
    List<Integer> live = program.liveSources();
    if (live.stream().filter(s -> !program.withoutMethods(s)).count() > 1) {
      feature("programs with @Differentiable methods in several classes");
    }
    for (int s : live) {
      if (program.withoutMethods(s)) {
        String name = program.sources().get(s).qualifiedName();
        feature("programs with a class named like a JDK class: "
            + name.substring(name.lastIndexOf('.') + 1));
      }
    }
    for (ProgramModel.MethodModel m : program.methods()) {
      if (m == null) {
        continue;
      }
      Set<String> used = new TreeSet<>();
      used.add("methods, " + switch (m.result().kind()) {
        case SCALAR -> "scalar-valued";
        case VECTOR -> "vector-valued";
        default -> "matrix-valued";
      });
      if (m.wrt().size() > 1) {
        used.add("methods with several wrt parameters");
      }
      if (m.params().stream().anyMatch(p -> p.type().differentiable() && !m.wrt().contains(p))) {
        used.add("methods with constant (non-wrt) parameters");
      }
      if (m.params().stream().anyMatch(p -> !p.type().differentiable())) {
        used.add("methods with int parameters");
      }
      if (m.classes().size() > 1) {
        used.add("methods in nested classes");
      }
      Map<String, Integer> reads = new TreeMap<>();
      Set<String> locals = new TreeSet<>();
      program.walk(m, (path, env) -> {
        ProgramModel.St s = ProgramModel.statementAt(m.body(), path);
        if (path.length > 1) {
          used.add("methods with blocks");
        }
        if (s instanceof ProgramModel.Decl d) {
          locals.add(d.name());
          if (d.type().equals("var")) {
            used.add("methods with var locals");
          }
          if (d.isFinal()) {
            used.add("methods with final locals");
          }
          if (d.type().equals("int") || d.type().equals("var")
              && program.typeOf(d.init(), env, m) == ProgramGenerator.Type.INT) {
            used.add("methods with int locals");
          }
        } else if (s instanceof ProgramModel.Assign a) {
          boolean isInt = env.get(a.name()) == ProgramGenerator.Type.INT;
          used.add(a.op().equals("=") ? "methods reassigning locals"
              : "methods with " + (isInt ? "int" : "double") + " compound assignments ("
                  + a.op() + ")");
        }
        for (ProgramModel.Ex e : ProgramModel.preorder(ProgramModel.expressionOf(s))) {
          if (e instanceof ProgramModel.Name n) {
            reads.merge(n.id(), 1, Integer::sum);
          } else if (e instanceof ProgramModel.Binary b) {
            ProgramGenerator.Type t = program.typeOf(b, env, m);
            used.add(t == ProgramGenerator.Type.INT ? "methods with int arithmetic ("
                + b.op() + ")" : "methods with double arithmetic (" + b.op() + ")");
          } else if (e instanceof ProgramModel.Unary u && u.op().equals("-")) {
            used.add("methods with unary minus");
          } else if (e instanceof ProgramModel.Cast) {
            used.add("methods with casts");
          } else if (e instanceof ProgramModel.Index || e instanceof ProgramModel.Call c
              && c.name().equals("get") && c.target() instanceof ProgramModel.Name) {
            used.add("methods reading x[i] or A.get(i, j)");
          } else if (e instanceof ProgramModel.Field f && f.name().equals("length")) {
            used.add("methods reading sizes");
          } else if (e instanceof ProgramModel.Field f
              && ProgramGenerator.Type.SCALAR.equals(program.typeOf(f, env, m))) {
            used.add("methods using Math." + f.name());
          } else if (e instanceof ProgramModel.Call c) {
            if (c.name().equals("rows") || c.name().equals("cols")) {
              used.add("methods reading sizes");
            }
            int callee = program.resolve(m, c, env);
            if (callee >= 0) {
              used.add("methods calling generated methods");
              if (program.methods().get(callee).source() != m.source()) {
                used.add("methods calling a method of another class");
              }
            }
            String q = c.target() == null ? null : ProgramModel.qualifier(c.target());
            if (q != null && (q.endsWith("Ops") || q.endsWith("Math")) && q.contains(".")) {
              used.add("methods with fully qualified Ops or Math calls");
            } else if ("Ops".equals(q)) {
              used.add("methods with Ops.f(…) calls");
            }
          }
        }
      });
      if (locals.stream().anyMatch(l -> reads.getOrDefault(l, 0) >= 2)) {
        used.add("methods with locals read several times");
      }
      used.forEach(this::feature);
    }
  }

  /** The summary: ops covered out of all, the missing ones, Math functions, features. */
  String summary() {
    Set<String> all = allOps();
    Set<String> missing = new TreeSet<>(all);
    missing.removeAll(ops.keySet());
    Set<String> missingMath = new TreeSet<>(MATH);
    missingMath.removeAll(math.keySet());
    StringBuilder b = new StringBuilder();
    b.append("Ops overloads called: ").append(all.size() - missing.size()).append(" of ")
        .append(all.size());
    if (!missing.isEmpty()) {
      b.append(" (never: ").append(String.join(", ", missing)).append(")");
    }
    b.append("\nMath functions called: ").append(MATH.size() - missingMath.size()).append(" of ")
        .append(MATH.size());
    if (!missingMath.isEmpty()) {
      b.append(" (never: ").append(String.join(", ", missingMath)).append(")");
    }
    b.append("\nleast used Ops overloads: ");
    List<Map.Entry<String, Long>> counts = new ArrayList<>();
    ops.forEach((k, v) -> counts.add(Map.entry(k, v.sum())));
    counts.sort(Map.Entry.comparingByValue());
    b.append(String.join(", ", counts.stream().limit(6)
        .map(e -> e.getKey() + " ×" + e.getValue()).toList()));
    b.append("\nfeatures (programs or methods using them):");
    new TreeMap<>(features).forEach((k, v) -> b.append("\n  ").append(k).append(": ")
        .append(v.sum()));
    return b.toString();
  }

  Set<String> coveredOps() {
    return new TreeSet<>(ops.keySet());
  }

  Set<String> coveredMath() {
    return new TreeSet<>(math.keySet());
  }

  // ---- class files --------------------------------------------------------------------------------

  /** The method references in a class file's constant pool (JVMS §4.4). */
  static List<MethodRef> methodRefs(byte[] classFile) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile))) {
      if (in.readInt() != 0xCAFEBABE) {
        throw new IllegalArgumentException("not a class file");
      }
      in.readUnsignedShort();
      in.readUnsignedShort();
      int count = in.readUnsignedShort();
      String[] utf8 = new String[count];
      int[] classNameIndex = new int[count];
      int[] natName = new int[count];
      int[] natType = new int[count];
      List<int[]> methodrefs = new ArrayList<>();
      for (int i = 1; i < count; i++) {
        int tag = in.readUnsignedByte();
        switch (tag) {
          case 1 -> utf8[i] = in.readUTF();
          case 3, 4 -> in.readInt();
          case 5, 6 -> {
            in.readLong();
            i++;
          }
          case 7 -> classNameIndex[i] = in.readUnsignedShort();
          case 8, 16, 19, 20 -> in.readUnsignedShort();
          case 10, 11 -> methodrefs.add(new int[] {in.readUnsignedShort(),
              in.readUnsignedShort()});
          case 9, 17, 18 -> in.readInt();
          case 12 -> {
            natName[i] = in.readUnsignedShort();
            natType[i] = in.readUnsignedShort();
          }
          case 15 -> {
            in.readUnsignedByte();
            in.readUnsignedShort();
          }
          default -> throw new IllegalArgumentException("constant pool tag " + tag);
        }
      }
      List<MethodRef> refs = new ArrayList<>();
      for (int[] r : methodrefs) {
        refs.add(new MethodRef(utf8[classNameIndex[r[0]]], utf8[natName[r[1]]],
            utf8[natType[r[1]]]));
      }
      return refs;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The parameter types of a method descriptor, as Java writes them. */
  static List<String> parameterTypes(String descriptor) {
    List<String> types = new ArrayList<>();
    int i = 1;
    while (descriptor.charAt(i) != ')') {
      int dims = 0;
      while (descriptor.charAt(i) == '[') {
        dims++;
        i++;
      }
      String t;
      char c = descriptor.charAt(i);
      if (c == 'L') {
        int end = descriptor.indexOf(';', i);
        String name = descriptor.substring(i + 1, end);
        t = name.substring(name.lastIndexOf('/') + 1);
        i = end + 1;
      } else {
        t = switch (c) {
          case 'D' -> "double";
          case 'I' -> "int";
          case 'J' -> "long";
          case 'F' -> "float";
          case 'Z' -> "boolean";
          case 'B' -> "byte";
          case 'S' -> "short";
          case 'C' -> "char";
          default -> throw new IllegalArgumentException(descriptor);
        };
        i++;
      }
      types.add(t + "[]".repeat(dims));
    }
    return types;
  }
}
