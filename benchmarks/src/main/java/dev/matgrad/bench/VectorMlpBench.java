package dev.matgrad.bench;

import org.openjdk.jmh.annotations.Fork;

/** {@link MlpBench} (named apart so the main results table keeps to the default JVM) with the Vector API product kernel: the JVM runs with jdk.incubator.vector. */
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class VectorMlpBench extends MlpBench {}
