/**
 * fenceq in Spring: {@link io.fenceq.spring.FenceqHandler} marks the beans and methods that handle
 * a job type. The auto-configuration that finds them and runs the worker is in {@link
 * io.fenceq.spring.autoconfigure}.
 */
package io.fenceq.spring;
