package dev.matgrad.processor;

import dev.matgrad.processor.ast.MethodSource;
import dev.matgrad.processor.ast.Origin;
import dev.matgrad.processor.codegen.CustomRuleWriter;
import dev.matgrad.processor.codegen.GradientsWriter;
import dev.matgrad.processor.ir.Kind;
import dev.matgrad.processor.javac.JavacSupport;
import dev.matgrad.processor.ops.CustomCalls;
import dev.matgrad.processor.passes.Callees;
import dev.matgrad.processor.passes.ForwardMode;
import dev.matgrad.processor.passes.Program;
import dev.matgrad.processor.passes.Resolve;
import dev.matgrad.processor.passes.ReverseMode;
import dev.matgrad.processor.passes.Simplify;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.tools.Diagnostic;

/**
 * Compiles one @Differentiable method: checks its signature and {@code wrt}, reads its body and
 * runs the passes resolve → reverse mode → simplify. Also finds the methods a body calls.
 */
final class MethodCompiler implements Callees {
  /** A compiled method and the signatures of the methods it will generate. */
  /**
   * A compiled method: its reverse-mode program, its forward-mode one, its forward-over-reverse
   * one (null unless hessian = true), and the signatures of the methods it will generate.
   */
  record Result(Program program, Program tangent, Program hessian, List<String> signatures,
      CustomRuleWriter.Rule customRule) {
    Result(Program program, Program tangent, Program hessian, List<String> signatures) {
      this(program, tangent, hessian, signatures, null);
    }
  }

  static final String CUSTOM_VJP = "dev.matgrad.CustomVjp";

  private static final Set<String> PARAMETER_TYPES = Set.of("double", "double[]", "dev.matgrad.Matrix", "int");
  private static final Set<String> RETURN_TYPES = Set.of("double", "double[]", "dev.matgrad.Matrix");

  private final ProcessingEnvironment env;
  private final JavacSupport javac;
  private final TypeElement annotation;
  private final Map<ExecutableElement, JavacSupport.Read> sources = new HashMap<>();

  MethodCompiler(ProcessingEnvironment env, JavacSupport javac, TypeElement annotation) {
    this.env = env;
    this.javac = javac;
    this.annotation = annotation;
  }

  /**
   * The compiled method, or throws a CompileError with every independent error found: those of
   * the signature and {@code wrt}, every unsupported construct of the body and, when the
   * signature is fine, every error resolving the body that does not follow from another one.
   */
  Result compile(ExecutableElement method) {
    String name = method.getSimpleName().toString();
    List<CompileError> errors = new ArrayList<>();
    if (!method.getModifiers().contains(Modifier.STATIC)) {
      errors.add(new CompileError(new ElementOrigin(method), Message.NOT_STATIC, name));
    }
    boolean hasBody = true;
    for (Modifier bodiless : List.of(Modifier.NATIVE, Modifier.ABSTRACT)) {
      if (method.getModifiers().contains(bodiless)) {
        errors.add(new CompileError(new ElementOrigin(method), Message.NO_BODY, name, bodiless));
        hasBody = false;
      }
    }
    String returnType = method.getReturnType().toString();
    if (!RETURN_TYPES.contains(returnType)) {
      errors.add(new CompileError(new ElementOrigin(method), Message.UNSUPPORTED_RETURN_TYPE,
          name, returnType));
    }
    for (VariableElement p : method.getParameters()) {
      if (!PARAMETER_TYPES.contains(p.asType().toString())) {
        errors.add(new CompileError(new ElementOrigin(p), Message.UNSUPPORTED_PARAMETER_TYPE,
            p.getSimpleName(), p.asType()));
      }
    }
    AnnotationMirror custom = mirror(method, CUSTOM_VJP);
    if (custom == null && hessianRequested(method) && RETURN_TYPES.contains(returnType)
        && !returnType.equals("double")) {
      errors.add(new CompileError(new ElementOrigin(method, mirror(method), null),
          Message.HESSIAN_NOT_SCALAR, name, returnType.replace("dev.matgrad.", "")));
    }
    List<String> wrt = wrt(method, errors);
    if (!hasBody) {
      throw CompileError.of(errors);
    }
    if (custom != null) {
      // the body of a method with a rule is not read
      if (!errors.isEmpty()) {
        throw CompileError.of(errors);
      }
      CustomRuleWriter.Rule rule = customRule(method, custom, wrt);
      return new Result(null, null, null, CustomRuleWriter.signatures(rule), rule);
    }
    JavacSupport.Read read = source(method);
    if (read == null) {
      errors.add(new CompileError(new ElementOrigin(method), Message.CALLEE_UNAVAILABLE, name));
      throw CompileError.of(errors);
    }
    // the body's unsupported constructs are reported even when the signature is wrong too
    boolean signatureValid = errors.isEmpty();
    errors.addAll(read.errors());
    if (!signatureValid) {
      throw CompileError.of(errors);
    }
    MethodSource source = read.source();
    Program resolved = null;
    try {
      resolved = Resolve.run(source, wrt, this);
    } catch (CompileError resolving) {
      for (CompileError e : resolving.errors()) {
        // an unsupported statement left out of the body may have held the return
        if (read.errors().isEmpty() || e.messageKind() != Message.MISSING_RETURN) {
          errors.add(e);
        }
      }
    }
    if (!errors.isEmpty()) {
      throw CompileError.of(errors);
    }
    boolean scalar = returnType.equals("double");
    // Simplifying first folds the forward transposes into matmuls, so adjoints never see them.
    Program forward = Simplify.run(resolved);
    Program derived = Simplify.run(ReverseMode.run(forward, scalar ? null : "gradOut"));
    // A call of a method with a @CustomVjp rule has a reverse-mode rule only: no forward mode.
    boolean callsRules = CustomCalls.in(derived.graph());
    if (callsRules && hessianRequested(method)) {
      List<String> called = CustomCalls.callees(derived.graph());
      throw new CompileError(new ElementOrigin(method, mirror(method), null),
          Message.CUSTOM_VJP_HESSIAN, name, "it calls " + String.join(" and ", called) + ", which "
              + (called.size() > 1 ? "have each" : "has"));
    }
    // Forward mode on a copy of the forward program (reverse mode added its nodes to the original).
    List<String> directions = wrt.stream().map(w -> "dir_" + w).toList();
    Program tangent = callsRules ? null
        : Simplify.run(ForwardMode.run(Simplify.run(forward), directions));
    Program hessian = null;
    if (hessianRequested(method)) {
      // Forward mode over the reverse-mode program: the tangents of the gradients along dir.
      hessian = Simplify.run(ForwardMode.overGradients(Simplify.run(derived), directions));
    }
    for (VariableElement p : method.getParameters()) {
      String pname = p.getSimpleName().toString();
      if (derived.gradients().containsKey(pname) && derived.gradients().get(pname) == null
          && !suppressed(p, Message.ZERO_GRADIENT)) {
        env.getMessager().printMessage(Diagnostic.Kind.WARNING,
            Message.ZERO_GRADIENT.format(name, pname), p);
      }
    }
    return new Result(derived, tangent, hessian,
        GradientsWriter.signatures(source, wrt, scalar, hessian != null, !callsRules));
  }

  /**
   * Whether {@code @SuppressWarnings} on the element or one enclosing it names the warning's tag
   * (e.g. {@code "matgrad:zero-gradient"}) or {@code "all"}, so that builds with -Werror can keep
   * a deliberate case.
   */
  private static boolean suppressed(Element element, Message warning) {
    for (Element e = element; e != null; e = e.getEnclosingElement()) {
      SuppressWarnings s = e.getAnnotation(SuppressWarnings.class);
      if (s != null && (List.of(s.value()).contains(warning.tag()) || List.of(s.value()).contains("all"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The {@code @CustomVjp} rule of a method, its signature checked: the method's parameters, the
   * result's adjoint (double for a double result, double[] otherwise), then one double[] per wrt
   * parameter, returning void. matgrad does not read the method's body.
   */
  private CustomRuleWriter.Rule customRule(ExecutableElement method, AnnotationMirror custom,
      List<String> wrt) {
    String name = method.getSimpleName().toString();
    Origin at = new ElementOrigin(method, custom, null);
    if (hessianRequested(method)) {
      throw new CompileError(at, Message.CUSTOM_VJP_HESSIAN, name, "it has");
    }
    String ruleName = "";
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e
        : custom.getElementValues().entrySet()) {
      ruleName = String.valueOf(e.getValue().getValue());
    }
    boolean scalar = method.getReturnType().toString().equals("double");
    List<String> names = new ArrayList<>();
    List<String> types = new ArrayList<>();
    for (VariableElement p : method.getParameters()) {
      names.add(p.getSimpleName().toString());
      types.add(p.asType().toString().replace("dev.matgrad.", ""));
    }
    List<String> expected = new ArrayList<>(types);
    expected.add(scalar ? "double" : "double[]");
    wrt.forEach(w -> expected.add("double[]"));
    List<String> ruleParams = new ArrayList<>(names);
    ruleParams.add("gradOut");
    wrt.forEach(w -> ruleParams.add("grad_" + w));
    StringBuilder wanted = new StringBuilder("static void " + ruleName + "(");
    for (int i = 0; i < expected.size(); i++) {
      wanted.append(i == 0 ? "" : ", ").append(expected.get(i)).append(' ').append(ruleParams.get(i));
    }
    wanted.append(')');
    TypeElement owner = (TypeElement) method.getEnclosingElement();
    List<String> found = new ArrayList<>();
    for (Element e : owner.getEnclosedElements()) {
      if (e.getKind() == ElementKind.METHOD && e.getSimpleName().contentEquals(ruleName)) {
        ExecutableElement candidate = (ExecutableElement) e;
        List<String> got = candidate.getParameters().stream()
            .map(p -> p.asType().toString().replace("dev.matgrad.", "")).toList();
        boolean isStatic = candidate.getModifiers().contains(Modifier.STATIC);
        String returns = candidate.getReturnType().toString();
        if (got.equals(expected) && isStatic && returns.equals("void")) {
          // The generated class, in the method's package, calls the method and its rule.
          String from = env.getElementUtils().getPackageOf(method).getQualifiedName().toString();
          for (ExecutableElement called : List.of(method, candidate)) {
            String why = inaccessible(called, from);
            if (why != null) {
              throw new CompileError(at, Message.CUSTOM_VJP_ACCESS,
                  owner.getSimpleName() + "." + called.getSimpleName(),
                  generatedClass(owner, from), why);
            }
          }
          List<Integer> wrtIndices = wrt.stream().map(names::indexOf).toList();
          return new CustomRuleWriter.Rule(com.palantir.javapoet.ClassName.get(owner), name,
              ruleName, names, types, wrtIndices, scalar);
        }
        found.add((isStatic ? "static " : "") + returns + " " + ruleName + "("
            + String.join(", ", got) + ")");
      }
    }
    throw new CompileError(at, Message.CUSTOM_VJP_SIGNATURE, ruleName, name, wanted,
        found.isEmpty() ? "there is no method " + ruleName + " in " + owner.getSimpleName()
            : "found " + String.join("; ", found));
  }

  /** The generated class that code of {@code owner}'s methods goes in (in package {@code pkg}). */
  private static String generatedClass(TypeElement owner, String pkg) {
    return (pkg.isEmpty() ? "" : pkg + ".")
        + GradientsWriter.className(pkg, owner.getQualifiedName().toString());
  }

  /**
   * Why code in package {@code from} cannot call {@code m} (private, or not public in another
   * package, or in such a class), or null if it can.
   */
  private String inaccessible(ExecutableElement m, String from) {
    boolean samePackage = env.getElementUtils().getPackageOf(m).getQualifiedName()
        .contentEquals(from);
    for (Element e = m; e instanceof ExecutableElement || e instanceof TypeElement;
        e = e.getEnclosingElement()) {
      String what = e == m ? "it" : "its class " + e.getSimpleName();
      if (e.getModifiers().contains(Modifier.PRIVATE)) {
        return what + " is private";
      }
      if (!samePackage && !e.getModifiers().contains(Modifier.PUBLIC)) {
        return what + " is not public and " + (e == m ? "is" : "it is") + " in another package";
      }
    }
    return null;
  }

  /** Whether the annotation says {@code hessian = true}. */
  private boolean hessianRequested(ExecutableElement method) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e
        : mirror(method).getElementValues().entrySet()) {
      if (e.getKey().getSimpleName().contentEquals("hessian")) {
        return Boolean.TRUE.equals(e.getValue().getValue());
      }
    }
    return false;
  }

  /**
   * The wrt names in declaration order, by default every differentiable parameter; each invalid
   * name is added to {@code errors}.
   */
  private List<String> wrt(ExecutableElement method, List<CompileError> errors) {
    AnnotationMirror mirror = mirror(method);
    List<String> requested = new ArrayList<>();
    AnnotationValue value = null;
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e
        : mirror.getElementValues().entrySet()) {
      if (e.getKey().getSimpleName().contentEquals("wrt")) {
        value = e.getValue();
        Object v = value.getValue();
        if (v instanceof List<?> list) {
          for (Object item : list) {
            requested.add(String.valueOf(((AnnotationValue) item).getValue()));
          }
        } else {
          requested.add(String.valueOf(v));
        }
      }
    }
    Map<String, String> types = new LinkedHashMap<>();
    for (VariableElement p : method.getParameters()) {
      types.put(p.getSimpleName().toString(), p.asType().toString());
    }
    Set<String> chosen = new LinkedHashSet<>();
    for (String w : requested) {
      Origin at = new ElementOrigin(method, mirror, value);
      if (!types.containsKey(w)) {
        errors.add(new CompileError(at, Message.WRT_NOT_A_PARAMETER, w, method.getSimpleName(),
            String.join(", ", types.keySet())));
      } else if (types.get(w).equals("int")) {
        errors.add(new CompileError(at, Message.WRT_NOT_DIFFERENTIABLE, w, "int"));
      } else if (!chosen.add(w)) {
        errors.add(new CompileError(at, Message.WRT_DUPLICATE, w));
      }
    }
    List<String> ordered = new ArrayList<>();
    types.forEach((n, t) -> {
      boolean differentiable = !t.equals("int");
      if (requested.isEmpty() ? differentiable : chosen.contains(n)) {
        ordered.add(n);
      }
    });
    if (ordered.isEmpty() && requested.size() == chosen.size()) {
      errors.add(new CompileError(new ElementOrigin(method), Message.NOTHING_TO_DIFFERENTIATE,
          method.getSimpleName()));
    }
    return ordered;
  }

  private AnnotationMirror mirror(Element e) {
    for (AnnotationMirror m : e.getAnnotationMirrors()) {
      if (m.getAnnotationType().asElement().equals(annotation)) {
        return m;
      }
    }
    return null;
  }

  /** The annotation of the given qualified type on e, or null. */
  private static AnnotationMirror mirror(Element e, String qualifiedType) {
    for (AnnotationMirror m : e.getAnnotationMirrors()) {
      if (((TypeElement) m.getAnnotationType().asElement()).getQualifiedName()
          .contentEquals(qualifiedType)) {
        return m;
      }
    }
    return null;
  }

  private JavacSupport.Read source(ExecutableElement method) {
    if (!sources.containsKey(method)) {
      sources.put(method, javac.read(method));
    }
    return sources.get(method);
  }

  // ---- Callees ----------------------------------------------------------------------------------

  @Override
  public String resolveClass(MethodSource caller, String qualifier) {
    TypeElement t = resolveType(caller, qualifier);
    return t == null ? null : t.getQualifiedName().toString();
  }

  @Override
  public String ownerOfUnqualified(MethodSource caller, String name) {
    // Members (inherited ones too) of the class and of each enclosing class shadow static imports.
    for (Element c = type(caller.owner()); c instanceof TypeElement t; c = c.getEnclosingElement()) {
      if (!methodsNamed(t, name).isEmpty()) {
        return t.getQualifiedName().toString();
      }
    }
    for (boolean single : new boolean[] {true, false}) {
      for (String imp : caller.staticImports()) {
        int dot = imp.lastIndexOf('.');
        String member = imp.substring(dot + 1);
        TypeElement owner = type(imp.substring(0, dot));
        boolean supplies = single ? member.equals(name)
            : member.equals("*") && owner != null && !methodsNamed(owner, name).isEmpty();
        if (owner != null && supplies) {
          return owner.getQualifiedName().toString();
        }
      }
    }
    return null;
  }

  @Override
  public MethodSource find(String owner, String name, List<Kind> args, Origin at) {
    return findIn(type(owner), name, args, at);
  }

  @Override
  public Number constant(MethodSource caller, String qualifier, String name) {
    if (!qualifier.isEmpty()) {
      TypeElement t = resolveType(caller, qualifier);
      // The user's constants, not the JDK's (Double.MAX_VALUE is no value to differentiate at).
      boolean jdk = t != null && t.getQualifiedName().toString().matches("javax?\\..*");
      return t == null || jdk ? null : constantOf(t, name);
    }
    for (Element c = type(caller.owner()); c instanceof TypeElement t; c = c.getEnclosingElement()) {
      Number value = constantOf(t, name);
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  /** The static final double or int constant {@code name} that {@code type} has or inherits. */
  private Number constantOf(TypeElement type, String name) {
    for (Element e : env.getElementUtils().getAllMembers(type)) {
      if (e.getKind() == ElementKind.FIELD && e.getSimpleName().contentEquals(name)
          && e.getModifiers().contains(Modifier.STATIC) && e.getModifiers().contains(Modifier.FINAL)
          && e instanceof VariableElement v) {
        Object value = v.getConstantValue();
        if (value instanceof Double || value instanceof Integer) {
          return (Number) value;
        }
        if (value instanceof Float f) {
          return f.doubleValue();
        }
      }
    }
    return null;
  }

  /** The methods called {@code name} that {@code type} declares or inherits. */
  private List<ExecutableElement> methodsNamed(TypeElement type, String name) {
    List<ExecutableElement> methods = new ArrayList<>();
    for (Element e : env.getElementUtils().getAllMembers(type)) {
      if (e.getKind() == ElementKind.METHOD && e.getSimpleName().contentEquals(name)) {
        methods.add((ExecutableElement) e);
      }
    }
    return methods;
  }

  private TypeElement type(String qualifiedName) {
    try {
      return env.getElementUtils().getTypeElement(qualifiedName);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The class a qualifier names, looked up the way Java would from the caller's file. */
  private TypeElement resolveType(MethodSource caller, String qualifier) {
    String first = qualifier.contains(".") ? qualifier.substring(0, qualifier.indexOf('.')) : qualifier;
    String rest = qualifier.substring(first.length());
    List<String> candidates = new ArrayList<>();
    candidates.add(caller.owner() + "." + qualifier);
    for (String imp : caller.imports()) {
      if (imp.endsWith("." + first)) {
        candidates.add(imp + rest);
      }
    }
    candidates.add(caller.packageName().isEmpty() ? qualifier : caller.packageName() + "." + qualifier);
    for (String imp : caller.imports()) {
      if (imp.endsWith(".*")) {
        candidates.add(imp.substring(0, imp.length() - 1) + qualifier);
      }
    }
    candidates.add("java.lang." + qualifier);
    candidates.add(qualifier);
    for (String c : candidates) {
      TypeElement t = type(c);
      if (t != null) {
        return t;
      }
    }
    return null;
  }

  private static boolean accepts(ExecutableElement method, List<Kind> args) {
    for (int i = 0; i < args.size(); i++) {
      String type = method.getParameters().get(i).asType().toString();
      Kind want = Kind.ofJavaType(type.equals("dev.matgrad.Matrix") ? "Matrix" : type);
      if (want == null || !want.accepts(args.get(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The @Differentiable method {@code type.name} for these arguments: null if the class has no
   * method of that name and arity; a CompileError if none of them is @Differentiable.
   */
  private ExecutableElement target(TypeElement type, String name, List<Kind> args, Origin at) {
    if (type == null) {
      return null;
    }
    List<ExecutableElement> named = methodsNamed(type, name).stream()
        .filter(m -> m.getParameters().size() == args.size()).toList();
    if (named.isEmpty()) {
      return null;
    }
    // Among overloads, the one whose parameter types take these arguments (an int passes as double).
    ExecutableElement target = named.stream()
        .filter(m -> mirror(m) != null && accepts(m, args)).findFirst()
        .orElse(named.stream().filter(m -> mirror(m) != null).findFirst().orElse(null));
    if (target == null) {
      throw new CompileError(at, Message.NOT_DIFFERENTIABLE_CALL, shown(named.get(0)));
    }
    return target;
  }

  private static String shown(ExecutableElement m) {
    return m.getEnclosingElement() + "." + m.getSimpleName();
  }

  private MethodSource findIn(TypeElement type, String name, List<Kind> args, Origin at) {
    ExecutableElement target = target(type, name, args, at);
    if (target == null) {
      return null;
    }
    String shown = shown(target);
    JavacSupport.Read callee = source(target);
    if (callee == null) {
      throw new CompileError(at, Message.CALLEE_UNAVAILABLE, shown);
    }
    if (!callee.errors().isEmpty()) {
      throw new CompileError(at, Message.CALLEE_INVALID, shown);
    }
    return callee.source();
  }

  @Override
  public CustomCalls.Callee custom(MethodSource caller, String owner, String name, List<Kind> args,
      Origin at) {
    ExecutableElement target = target(type(owner), name, args, at);
    AnnotationMirror custom = target == null ? null : mirror(target, CUSTOM_VJP);
    if (custom == null) {
      return null;
    }
    String shown = shown(target);
    List<CompileError> errors = new ArrayList<>();
    List<String> wrt = wrt(target, errors);
    boolean typesValid = PARAMETER_TYPES.containsAll(target.getParameters().stream()
        .map(p -> p.asType().toString()).toList())
        && RETURN_TYPES.contains(target.getReturnType().toString())
        && target.getModifiers().contains(Modifier.STATIC);
    CustomRuleWriter.Rule rule = null;
    if (errors.isEmpty() && typesValid) {
      try {
        rule = customRule(target, custom, wrt);
      } catch (CompileError invalid) {
        // its own errors are reported on it
      }
    }
    if (rule == null) {
      throw new CompileError(at, Message.CALLEE_INVALID, shown);
    }
    TypeElement ownerType = (TypeElement) target.getEnclosingElement();
    String why = inaccessible(target, caller.packageName());
    for (Element e : ownerType.getEnclosedElements()) {
      if (why == null && e.getKind() == ElementKind.METHOD && e.getSimpleName().contentEquals(rule.rule())) {
        why = inaccessible((ExecutableElement) e, caller.packageName());
        why = why == null ? null : why.replaceFirst("^it ", "its rule " + rule.rule() + " ");
      }
    }
    if (why != null) {
      String callerClass = caller.owner();
      throw new CompileError(at, Message.CUSTOM_VJP_ACCESS, shown,
          (caller.packageName().isEmpty() ? "" : caller.packageName() + ".")
              + GradientsWriter.className(caller.packageName(), callerClass), why);
    }
    List<Kind> kinds = target.getParameters().stream().map(p -> {
      String t = p.asType().toString();
      return Kind.ofJavaType(t.equals("dev.matgrad.Matrix") ? "Matrix" : t);
    }).toList();
    String returns = target.getReturnType().toString();
    Kind result = Kind.ofJavaType(returns.equals("dev.matgrad.Matrix") ? "Matrix" : returns);
    // The body, where matgrad can read it, tells the result's shape (see CustomCalls.ResultShape).
    JavacSupport.Read read = result == Kind.SCALAR ? null : source(target);
    MethodSource body = read == null || !read.errors().isEmpty() ? null : read.source();
    return new CustomCalls.Callee(ownerType.getQualifiedName().toString(),
        ownerType.getSimpleName() + "." + target.getSimpleName(), rule.method(), rule.rule(),
        rule.paramNames(), kinds, rule.wrt(), result, body);
  }
}
