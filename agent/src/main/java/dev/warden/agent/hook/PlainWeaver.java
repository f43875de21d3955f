package dev.warden.agent.hook;

import dev.warden.agent.log.Log;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.utility.OpenedClassReader;

/**
 * Weaves {@link HookCall}s with ASM alone. The class is read and written as it is (unchanged
 * methods are copied byte for byte, stack map frames kept as they are), and each hooked method gets
 * its call with at most one branch, whose frame is the method's own entry frame plus one stack
 * value: nothing is recomputed, and no class is loaded to weave.
 */
final class PlainWeaver {

  private final Map<String, List<HookCall>> callsByType;
  private final Instrumentation instrumentation;
  private final Module hooksModule;

  /**
   * @param hooksModule the module of the classes the calls go to, which a named module must read
   */
  PlainWeaver(List<HookCall> calls, Instrumentation instrumentation, Module hooksModule) {
    Map<String, List<HookCall>> byType = new HashMap<>();
    for (HookCall call : calls) {
      byType.computeIfAbsent(call.type(), k -> new ArrayList<>()).add(call);
    }
    byType.replaceAll((type, list) -> List.copyOf(list));
    this.callsByType = Map.copyOf(byType);
    this.instrumentation = instrumentation;
    this.hooksModule = hooksModule;
  }

  /** The woven types' internal names. */
  Set<String> internalNames() {
    return callsByType.keySet();
  }

  /**
   * The class with its calls woven in; {@code null} (the class as it is) when it has none, or when
   * none of its hooked methods is found or it cannot be read, which is logged: those requests are
   * then not guarded.
   */
  byte[] weave(Module module, String internalName, byte[] bytes) {
    List<HookCall> calls = callsByType.get(internalName);
    if (calls == null) {
      return null;
    }
    String name = internalName.replace('/', '.');
    try {
      ClassReader reader = OpenedClassReader.of(bytes);
      ClassWriter writer = new ClassWriter(reader, 0);
      // By identity: a record's hashCode is bootstrapped on first use, on the loading thread.
      Set<HookCall> woven = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
      reader.accept(
          new ClassVisitor(OpenedClassReader.ASM_API, writer) {
            @Override
            public MethodVisitor visitMethod(
                int access,
                String method,
                String descriptor,
                String signature,
                String[] exceptions) {
              MethodVisitor visitor =
                  super.visitMethod(access, method, descriptor, signature, exceptions);
              for (HookCall call : calls) {
                if (call.method().equals(method)
                    && call.descriptor().equals(descriptor)
                    && (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) == 0) {
                  check(call, access);
                  woven.add(call);
                  return new CallWeaving(visitor, call, (access & Opcodes.ACC_STATIC) != 0);
                }
              }
              return visitor;
            }
          },
          0);
      for (HookCall call : calls) {
        if (!woven.contains(call)) {
          Log.get()
              .error(
                  "cannot hook "
                      + name
                      + "."
                      + call.method()
                      + call.descriptor()
                      + ": this JVM's class has no such method; its requests are not guarded by"
                      + " Warden");
        }
      }
      if (woven.isEmpty()) {
        return null;
      }
      assureReads(instrumentation, module, hooksModule);
      byte[] result = writer.toByteArray();
      Log.get().debug("hooked " + name);
      return result;
    } catch (RuntimeException | LinkageError e) {
      Log.get()
          .error("cannot hook " + name + ": " + e + "; its requests are not guarded by Warden");
      return null;
    }
  }

  /**
   * Lets a woven class's module read the module of the code it now calls: Warden's {@code Hooks}
   * are in the bootstrap loader's unnamed module, and a named module (the JDK's {@code
   * java.net.http}, {@code java.base}, a library on the module path) reads only what it declares.
   */
  static void assureReads(Instrumentation instrumentation, Module module, Module target) {
    if (module != null && module.isNamed() && !module.canRead(target)) {
      instrumentation.redefineModule(
          module, Set.of(target), Map.of(), Map.of(), Set.of(), Map.of());
    }
  }

  /** Refuses a call that cannot be woven as its kind says. */
  private static void check(HookCall call, int access) {
    Type method = Type.getMethodType(call.descriptor());
    boolean isStatic = (access & Opcodes.ACC_STATIC) != 0;
    switch (call.kind()) {
      case ENTER_RETURN_IF_SET -> {
        if (isStatic || !isReference(method.getReturnType())) {
          throw new IllegalArgumentException(
              call + " needs an instance method returning an object");
        }
        for (Type argument : method.getArgumentTypes()) {
          if (!isReference(argument)) {
            throw new IllegalArgumentException(call + " passes object arguments only");
          }
        }
      }
      case ENTER_REFUSE_CONNECT -> {
        if (method.getArgumentTypes().length == 0) {
          throw new IllegalArgumentException(call + " needs an argument");
        }
      }
      case EXIT_REPLACE_RESULT -> {
        if (!isReference(method.getReturnType())) {
          throw new IllegalArgumentException(call + " needs a method returning an object");
        }
      }
    }
  }

  private static boolean isReference(Type type) {
    return type.getSort() == Type.OBJECT || type.getSort() == Type.ARRAY;
  }

  /** One method with its call. */
  private static final class CallWeaving extends MethodVisitor {
    private final HookCall call;
    private final boolean isStatic;
    private final Type method;

    CallWeaving(MethodVisitor visitor, HookCall call, boolean isStatic) {
      super(OpenedClassReader.ASM_API, visitor);
      this.call = call;
      this.isStatic = isStatic;
      this.method = Type.getMethodType(call.descriptor());
    }

    @Override
    public void visitCode() {
      super.visitCode();
      switch (call.kind()) {
        case ENTER_RETURN_IF_SET -> enterReturnIfSet();
        case ENTER_REFUSE_CONNECT -> enterRefuseConnect();
        case EXIT_REPLACE_RESULT -> {}
      }
    }

    private void enterReturnIfSet() {
      StringBuilder descriptor = new StringBuilder("(Ljava/lang/Object;");
      super.visitVarInsn(Opcodes.ALOAD, 0);
      int slot = 1;
      for (Type argument : method.getArgumentTypes()) {
        super.visitVarInsn(Opcodes.ALOAD, slot);
        slot += argument.getSize();
        descriptor.append("Ljava/lang/Object;");
      }
      Type returned = method.getReturnType();
      descriptor.append(')').append(returned.getDescriptor());
      super.visitMethodInsn(
          Opcodes.INVOKESTATIC, call.owner(), call.hook(), descriptor.toString(), false);
      Label run = new Label();
      super.visitInsn(Opcodes.DUP);
      super.visitJumpInsn(Opcodes.IFNULL, run);
      super.visitInsn(Opcodes.ARETURN);
      super.visitLabel(run);
      // The entry frame, with the null result on the stack.
      super.visitFrame(Opcodes.F_SAME1, 0, null, 1, new Object[] {frameType(returned)});
      super.visitInsn(Opcodes.POP);
    }

    private void enterRefuseConnect() {
      Type argument = method.getArgumentTypes()[0];
      super.visitVarInsn(argument.getOpcode(Opcodes.ILOAD), isStatic ? 0 : 1);
      super.visitMethodInsn(
          Opcodes.INVOKESTATIC,
          call.owner(),
          call.hook(),
          "(" + argument.getDescriptor() + ")Ljava/lang/String;",
          false);
      Label connect = new Label();
      super.visitInsn(Opcodes.DUP);
      super.visitJumpInsn(Opcodes.IFNULL, connect);
      super.visitTypeInsn(Opcodes.NEW, "java/net/ConnectException");
      super.visitInsn(Opcodes.DUP_X1);
      super.visitInsn(Opcodes.SWAP);
      super.visitMethodInsn(
          Opcodes.INVOKESPECIAL,
          "java/net/ConnectException",
          "<init>",
          "(Ljava/lang/String;)V",
          false);
      super.visitInsn(Opcodes.ATHROW);
      super.visitLabel(connect);
      super.visitFrame(Opcodes.F_SAME1, 0, null, 1, new Object[] {"java/lang/String"});
      super.visitInsn(Opcodes.POP);
    }

    @Override
    public void visitInsn(int opcode) {
      if (opcode == Opcodes.ARETURN && call.kind() == HookCall.Kind.EXIT_REPLACE_RESULT) {
        Type returned = method.getReturnType();
        StringBuilder descriptor = new StringBuilder("(").append(returned.getDescriptor());
        int slot = isStatic ? 0 : 1;
        for (Type argument : method.getArgumentTypes()) {
          super.visitVarInsn(argument.getOpcode(Opcodes.ILOAD), slot);
          slot += argument.getSize();
          descriptor.append(argument.getDescriptor());
        }
        descriptor.append(')').append(returned.getDescriptor());
        super.visitMethodInsn(
            Opcodes.INVOKESTATIC, call.owner(), call.hook(), descriptor.toString(), false);
      }
      super.visitInsn(opcode);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
      // Room for what the call loads on top of what the method has there: its receiver and
      // arguments (two slots each at most), and the exception made from a refusal.
      super.visitMaxs(maxStack + 4 + 2 * (method.getArgumentTypes().length + 1), maxLocals);
    }

    private static Object frameType(Type type) {
      return type.getSort() == Type.ARRAY ? type.getDescriptor() : type.getInternalName();
    }
  }
}
