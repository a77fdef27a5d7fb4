package dev.matgrad.bench;

import org.openjdk.jmh.annotations.Fork;

/** {@link ProductsBench} on the Vector API kernel: the JVM runs with jdk.incubator.vector. */
@Fork(value = 2, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class ProductsVectorBench extends ProductsBench {}
