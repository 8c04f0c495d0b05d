/**
 * The auto-configuration of fenceq in Spring Boot: {@link
 * io.fenceq.spring.autoconfigure.FenceqAutoConfiguration} (clients, the {@code Enqueuer}, the
 * worker and its handlers, Micrometer metrics), {@link
 * io.fenceq.spring.autoconfigure.FenceqProperties} ({@code fenceq.*}) and {@link
 * io.fenceq.spring.autoconfigure.FenceqHealthAutoConfiguration} (Actuator health).
 */
package io.fenceq.spring.autoconfigure;
