package dev.matgrad;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameter names read from a method's local variable table in its class file, present when javac
 * ran with {@code -g} (Maven's default) even without {@code -parameters}: enough of the class file
 * format (JVMS §4) to reach one method's {@code Code} attribute.
 */
final class ClassFileNames {
  private ClassFileNames() {}

  /** The names of m's parameters, or null if the class file or its debug information is missing. */
  static List<String> of(Method m) {
    Class<?> owner = m.getDeclaringClass();
    String file = owner.getName().substring(owner.getName().lastIndexOf('.') + 1) + ".class";
    try (InputStream in = owner.getResourceAsStream(file)) {
      // From memory: skipBytes on a byte array skips all it is asked to, unlike on a stream.
      return in == null ? null
          : read(new DataInputStream(new ByteArrayInputStream(in.readAllBytes())), m);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static List<String> read(DataInputStream in, Method m) throws IOException {
    if (in.readInt() != 0xCAFEBABE) {
      return null;
    }
    in.readUnsignedShort();
    in.readUnsignedShort();
    int count = in.readUnsignedShort();
    String[] utf8 = new String[count];
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> utf8[i] = in.readUTF();
        case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
        case 5, 6 -> {
          in.skipBytes(8);
          i++; // longs and doubles take two constant-pool slots
        }
        case 7, 8, 16, 19, 20 -> in.skipBytes(2);
        case 15 -> in.skipBytes(3);
        default -> {
          return null;
        }
      }
    }
    in.skipBytes(6); // access flags, this class, super class
    in.skipBytes(2 * in.readUnsignedShort()); // interfaces
    skipMembers(in); // fields
    String descriptor = descriptor(m);
    int methods = in.readUnsignedShort();
    for (int i = 0; i < methods; i++) {
      in.skipBytes(2);
      String name = utf8[in.readUnsignedShort()];
      String desc = utf8[in.readUnsignedShort()];
      int attributes = in.readUnsignedShort();
      for (int a = 0; a < attributes; a++) {
        String attribute = utf8[in.readUnsignedShort()];
        int length = in.readInt();
        if (attribute.equals("Code") && name.equals(m.getName()) && desc.equals(descriptor)) {
          return fromCode(in, utf8, m);
        }
        in.skipBytes(length);
      }
    }
    return null;
  }

  private static List<String> fromCode(DataInputStream in, String[] utf8, Method m)
      throws IOException {
    in.skipBytes(4); // max stack, max locals
    in.skipBytes(in.readInt()); // the bytecode
    in.skipBytes(8 * in.readUnsignedShort()); // exception table
    Map<Integer, String> bySlot = new HashMap<>();
    int attributes = in.readUnsignedShort();
    for (int a = 0; a < attributes; a++) {
      String attribute = utf8[in.readUnsignedShort()];
      int length = in.readInt();
      if (!attribute.equals("LocalVariableTable")) {
        in.skipBytes(length);
        continue;
      }
      int entries = in.readUnsignedShort();
      for (int e = 0; e < entries; e++) {
        int start = in.readUnsignedShort();
        in.skipBytes(2);
        String name = utf8[in.readUnsignedShort()];
        in.skipBytes(2);
        int slot = in.readUnsignedShort();
        if (start == 0) {
          bySlot.put(slot, name); // parameters are live from the first instruction
        }
      }
    }
    List<String> names = new ArrayList<>();
    int slot = Modifier.isStatic(m.getModifiers()) ? 0 : 1;
    for (Class<?> type : m.getParameterTypes()) {
      String name = bySlot.get(slot);
      if (name == null) {
        return null;
      }
      names.add(name);
      slot += type == double.class || type == long.class ? 2 : 1;
    }
    return names;
  }

  private static void skipMembers(DataInputStream in) throws IOException {
    int members = in.readUnsignedShort();
    for (int i = 0; i < members; i++) {
      in.skipBytes(6);
      int attributes = in.readUnsignedShort();
      for (int a = 0; a < attributes; a++) {
        in.skipBytes(2);
        in.skipBytes(in.readInt());
      }
    }
  }

  private static String descriptor(Method m) {
    StringBuilder s = new StringBuilder("(");
    for (Class<?> type : m.getParameterTypes()) {
      s.append(descriptor(type));
    }
    return s.append(')').append(descriptor(m.getReturnType())).toString();
  }

  private static String descriptor(Class<?> type) {
    if (type.isArray()) {
      return type.getName().replace('.', '/');
    }
    if (type.isPrimitive()) {
      return switch (type.getName()) {
        case "double" -> "D";
        case "int" -> "I";
        case "long" -> "J";
        case "float" -> "F";
        case "boolean" -> "Z";
        case "byte" -> "B";
        case "char" -> "C";
        case "short" -> "S";
        default -> "V";
      };
    }
    return "L" + type.getName().replace('.', '/') + ";";
  }
}
