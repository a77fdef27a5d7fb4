package dev.matgrad.bench;

import org.openjdk.jmh.annotations.Fork;

/**
 * {@link LogisticHessianBench} with the Vector API product kernel (the JVM runs with
 * jdk.incubator.vector): the closed-form Hessian is one symmetric product, which that kernel runs
 * about three times faster, while the N sweeps are matrix-vector passes it does not speed up.
 */
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class VectorLogisticHessianBench extends LogisticHessianBench {}
